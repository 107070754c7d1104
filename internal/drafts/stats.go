package drafts

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// VersionStats is how reviewers treated the drafts of one prompt version
// (or of the offline writer).
type VersionStats struct {
	Version            string  `json:"version"`
	Drafts             int     `json:"drafts"`
	Pending            int     `json:"pending"`
	ApprovedAsIs       int     `json:"approved_as_is"`
	Edited             int     `json:"edited"`
	Rejected           int     `json:"rejected"`
	MeanEditDistance   float64 `json:"mean_edit_distance"`
	MedianEditDistance float64 `json:"median_edit_distance"`
}

// Stats returns review statistics per prompt version, from the approval
// history.
func (s *Service) Stats(ctx context.Context) ([]VersionStats, error) {
	rows, err := s.pool.Query(ctx, queries.Get("ReviewStats"))
	if err != nil {
		return nil, fmt.Errorf("review stats: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[VersionStats])
	if err != nil {
		return nil, fmt.Errorf("review stats: %w", err)
	}
	return out, nil
}
