package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
)

// DraftService is the review side of drafts (drafts.Service).
type DraftService interface {
	Queue(ctx context.Context, f drafts.QueueFilter) ([]drafts.QueueEntry, error)
	Get(ctx context.Context, id int64) (drafts.Draft, error)
	Events(ctx context.Context, id int64) ([]drafts.Event, error)
	ByItem(ctx context.Context, itemID int64) (drafts.Draft, error)
	Review(ctx context.Context, id int64, a drafts.Action) (drafts.Draft, error)
	Dismiss(ctx context.Context, itemID int64, reviewer, reason string) (items.Item, error)
}

func (s *Server) routeDrafts() {
	s.handle("GET /v1/drafts", readDrafts, s.handleQueue)
	s.handle("GET /v1/drafts/{id}", readDrafts, s.handleGetDraft)
	s.handle("POST /v1/drafts/bulk-approve", review, s.handleBulkApprove)
	s.handle("POST /v1/items/{id}/close", review, s.handleCloseItem)
	for _, kind := range []string{drafts.ActionApprove, drafts.ActionReject, drafts.ActionReassign} {
		s.handle("POST /v1/drafts/{id}/"+kind, review, s.handleReview(kind))
	}
}

func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := drafts.QueueFilter{State: drafts.State(q.Get("state")), Channel: q.Get("channel"), Intent: q.Get("intent"),
		Risk: q.Get("risk"), Assignee: q.Get("assignee")}
	var err error
	if v := q.Get("min_age"); v != "" {
		if f.MinAge, err = time.ParseDuration(v); err != nil {
			writeError(w, r, s.cfg.Logger, apperr.Invalid("invalid query", apperr.FieldError{Field: "min_age", Message: "a duration such as 30m"}))
			return
		}
	}
	for name, dst := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			if *dst, err = strconv.Atoi(v); err != nil || *dst < 0 {
				writeError(w, r, s.cfg.Logger, apperr.Invalid("invalid query", apperr.FieldError{Field: name, Message: "a non-negative integer"}))
				return
			}
		}
	}
	entries, err := s.cfg.Drafts.Queue(r.Context(), f)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"drafts": entries})
}

// draftResponse is a draft with what a reviewer needs beside it.
type draftResponse struct {
	Draft          drafts.Draft     `json:"draft"`
	Item           items.Item       `json:"item"`
	Classification *classify.Stored `json:"classification"`
	Events         []drafts.Event   `json:"events"`
}

func (s *Server) handleGetDraft(w http.ResponseWriter, r *http.Request) {
	resp, err := s.draft(r, r.PathValue("id"))
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) draft(r *http.Request, rawID string) (draftResponse, error) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return draftResponse{}, apperr.Errorf(apperr.ENOTFOUND, "draft %q not found", rawID)
	}
	ctx := r.Context()
	d, err := s.cfg.Drafts.Get(ctx, id)
	if err != nil {
		return draftResponse{}, err
	}
	resp := draftResponse{Draft: d}
	if resp.Item, err = s.cfg.Items.Get(ctx, d.ItemID); err != nil {
		return draftResponse{}, err
	}
	if c, err := s.cfg.Classifications.Latest(ctx, d.ItemID); err == nil {
		resp.Classification = &c
	}
	resp.Events, err = s.cfg.Drafts.Events(ctx, id)
	return resp, err
}

// reviewRequest is the body of a review action.
type reviewRequest struct {
	Version  int    `json:"version"`
	Reviewer string `json:"reviewer"`
	Body     string `json:"body,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Assignee string `json:"assignee,omitempty"`
}

func (s *Server) handleReview(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ENOTFOUND, "draft %q not found", r.PathValue("id")))
			return
		}
		var req reviewRequest
		if err := s.decodeJSON(w, r, &req); err != nil {
			writeError(w, r, s.cfg.Logger, err)
			return
		}
		d, err := s.cfg.Drafts.Review(r.Context(), id, drafts.Action{Kind: kind, Version: req.Version, Reviewer: req.Reviewer,
			Body: req.Body, Reason: req.Reason, Assignee: req.Assignee})
		if err != nil {
			writeError(w, r, s.cfg.Logger, err)
			return
		}
		writeJSON(w, http.StatusOK, d)
	}
}

// bulkRequest approves several drafts as written (a duplicate cluster's).
type bulkRequest struct {
	Reviewer string `json:"reviewer"`
	Drafts   []struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	} `json:"drafts"`
}

// bulkResult is one draft's outcome; each draft is its own transaction, so
// a conflict on one does not undo the others.
type bulkResult struct {
	ID    int64        `json:"id"`
	State drafts.State `json:"state,omitempty"`
	Error *Problem     `json:"error,omitempty"`
}

// maxBulk bounds a bulk approval.
const maxBulk = 500

func (s *Server) handleBulkApprove(w http.ResponseWriter, r *http.Request) {
	var req bulkRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	if len(req.Drafts) == 0 || len(req.Drafts) > maxBulk {
		writeError(w, r, s.cfg.Logger, apperr.Invalid("invalid bulk approval", apperr.FieldError{Field: "drafts", Message: fmt.Sprintf("1 to %d drafts", maxBulk)}))
		return
	}
	out := make([]bulkResult, len(req.Drafts))
	for i, d := range req.Drafts {
		out[i].ID = d.ID
		got, err := s.cfg.Drafts.Review(r.Context(), d.ID, drafts.Action{Kind: drafts.ActionApprove, Version: d.Version, Reviewer: req.Reviewer})
		if err != nil {
			p := problemOf(err)
			out[i].Error = &p
			continue
		}
		out[i].State = got.State
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

// decodeJSON reads a small JSON request body into v, refusing unknown
// fields.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := s.readJSONBody(w, r)
	if err != nil {
		return err
	}
	if err := strictJSON(body, v); err != nil {
		return err
	}
	return nil
}

func strictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.Errorf(apperr.EMALFORMED, "invalid JSON: %v", err)
	}
	return nil
}

type closeItemRequest struct {
	Reviewer string `json:"reviewer"`
	Reason   string `json:"reason"`
}

// handleCloseItem closes an item that needs no reply, with the reason.
func (s *Server) handleCloseItem(w http.ResponseWriter, r *http.Request) {
	serveAction(s, w, r, "id", "item", func(id int64, req closeItemRequest) (any, error) {
		return s.cfg.Drafts.Dismiss(r.Context(), id, req.Reviewer, req.Reason)
	})
}
