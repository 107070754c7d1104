package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/dispatch"
	"github.com/triage-oss/triage/internal/incidents"
)

// Incidents is the incident desk (incidents.Service).
type Incidents interface {
	List(ctx context.Context, state string) ([]incidents.Incident, error)
	Get(ctx context.Context, id int64) (incidents.Incident, error)
	Reply(ctx context.Context, id int64, body, reviewer string) (int, error)
	Close(ctx context.Context, id int64, actor, reason string) (int, error)
}

// QAReview is the review of sampled auto-closed items (dispatch.QA).
type QAReview interface {
	Queue(ctx context.Context, limit int) ([]dispatch.Sample, error)
	Judge(ctx context.Context, itemID int64, verdict, reviewer, note string) error
	Audit(ctx context.Context) (dispatch.Precision, error)
}

func (s *Server) routeIncidents() {
	s.handle("GET /v1/incidents", readIncidents, s.handleListIncidents)
	s.handle("GET /v1/incidents/{id}", readIncidents, s.handleGetIncident)
	s.handle("POST /v1/incidents/{id}/reply", review, s.handleIncidentReply)
	s.handle("POST /v1/incidents/{id}/close", review, s.handleIncidentClose)
}

func (s *Server) routeQA() {
	s.handle("GET /v1/qa", readQA, s.handleQAQueue)
	s.handle("POST /v1/qa/{item}/verdict", judgeQA, s.handleQAVerdict)
}

func (s *Server) handleListIncidents(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if state != "" && state != "open" && state != "closed" {
		writeError(w, r, s.cfg.Logger, apperr.Invalid("invalid query", apperr.FieldError{Field: "state", Message: "open or closed"}))
		return
	}
	list, err := s.cfg.Incidents.List(r.Context(), state)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": list})
}

// pathID reads the positive integer path value name; anything else is the
// ENOTFOUND of what.
func pathID(r *http.Request, name, what string) (int64, error) {
	raw := r.PathValue(name)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Errorf(apperr.ENOTFOUND, "%s %q not found", what, raw)
	}
	return id, nil
}

// serveAction serves a POST on a resource named by the path value param
// (what, for a not-found message): the JSON body is decoded (unknown fields
// refused) into a Req, do runs with the id, and its result is the 200
// answer; any error is a problem document.
func serveAction[Req any](s *Server, w http.ResponseWriter, r *http.Request, param, what string, do func(id int64, req Req) (any, error)) {
	id, err := pathID(r, param, what)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	var req Req
	if err := s.decodeJSON(w, r, &req); err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	out, err := do(id, req)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleGetIncident(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id", "incident")
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	n, err := s.cfg.Incidents.Get(r.Context(), id)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

type incidentReplyRequest struct {
	Body     string `json:"body"`
	Reviewer string `json:"reviewer"`
}

func (s *Server) handleIncidentReply(w http.ResponseWriter, r *http.Request) {
	serveAction(s, w, r, "id", "incident", func(id int64, req incidentReplyRequest) (any, error) {
		n, err := s.cfg.Incidents.Reply(r.Context(), id, req.Body, req.Reviewer)
		return map[string]any{"incident_id": id, "replied": n}, err
	})
}

type incidentCloseRequest struct {
	Reviewer string `json:"reviewer"`
	Reason   string `json:"reason"`
}

func (s *Server) handleIncidentClose(w http.ResponseWriter, r *http.Request) {
	serveAction(s, w, r, "id", "incident", func(id int64, req incidentCloseRequest) (any, error) {
		n, err := s.cfg.Incidents.Close(r.Context(), id, req.Reviewer, req.Reason)
		return map[string]any{"incident_id": id, "closed": n}, err
	})
}

func (s *Server) handleQAQueue(w http.ResponseWriter, r *http.Request) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(w, r, s.cfg.Logger, apperr.Invalid("invalid query", apperr.FieldError{Field: "limit", Message: "1 to 500"}))
			return
		}
		limit = n
	}
	samples, err := s.cfg.QA.Queue(r.Context(), limit)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	audit, err := s.cfg.QA.Audit(r.Context())
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"samples": samples, "audit": audit})
}

type verdictRequest struct {
	Verdict  string `json:"verdict"` // correct or incorrect
	Reviewer string `json:"reviewer"`
	Note     string `json:"note,omitempty"`
}

func (s *Server) handleQAVerdict(w http.ResponseWriter, r *http.Request) {
	serveAction(s, w, r, "item", "QA sample of item", func(id int64, req verdictRequest) (any, error) {
		if err := s.cfg.QA.Judge(r.Context(), id, req.Verdict, req.Reviewer, req.Note); err != nil {
			return nil, err
		}
		audit, err := s.cfg.QA.Audit(r.Context())
		return map[string]any{"item_id": id, "verdict": req.Verdict, "audit": audit}, err
	})
}
