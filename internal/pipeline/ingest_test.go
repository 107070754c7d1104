package pipeline_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/pipeline"
)

// Ingestion writes the new items' jobs with COPY: one per new item, none
// for a redelivered one, and each with its unique key, so that a live job
// still refuses a second one for the same item.
func TestIngestEnqueuesOneUniqueJobPerNewItem(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	first := b.ingest(t, `{"items":[{"channel":"x","external_id":"a","text":"one"},{"channel":"x","external_id":"b","text":"two"}]}`)
	again := b.ingest(t, `{"items":[{"channel":"x","external_id":"b","text":"two"},{"channel":"x","external_id":"c","text":"three"}]}`)
	require.False(t, again[0].Created)
	require.True(t, again[1].Created)
	require.Equal(t, 3, b.count(t, "SELECT count(*) FROM river_job WHERE kind = 'triage' AND queue = 'triage' AND state = 'available'"))
	require.Equal(t, 3, b.count(t, "SELECT count(*) FROM river_job WHERE kind = 'triage' AND unique_key IS NOT NULL AND max_attempts = 6"))
	require.Equal(t, 3, b.count(t, "SELECT count(DISTINCT args->>'item_id') FROM river_job"))

	res, err := b.newRiver().Insert(context.Background(), pipeline.TriageArgs{ItemID: first[0].ID}, nil)
	require.NoError(t, err)
	require.True(t, res.UniqueSkippedAsDuplicate, "the ingested job is live: no second one")
	require.Equal(t, 3, b.count(t, "SELECT count(*) FROM river_job"))
}
