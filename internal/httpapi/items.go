package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
)

// ingestResponse answers a batch.
type ingestResponse struct {
	Items    []items.Inserted `json:"items"`
	Created  int              `json:"created"`
	Existing int              `json:"existing"`
}

func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	body, err := s.readJSONBody(w, r)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	batch, err := items.DecodeBatch(body, s.cfg.Now())
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	res, err := s.cfg.Ingester.Ingest(r.Context(), batch.Items, "api")
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	resp := ingestResponse{Items: res}
	for _, in := range res {
		if in.Created {
			resp.Created++
		} else {
			resp.Existing++
		}
	}
	status := http.StatusOK // nothing new: a redelivery
	if resp.Created > 0 {
		status = http.StatusAccepted // stored and queued for triage
	}
	if batch.Single {
		w.Header().Set("Location", fmt.Sprintf("/v1/items/%d", res[0].ID))
		writeJSON(w, status, res[0])
		return
	}
	writeJSON(w, status, resp)
}

// readJSONBody checks the media type and reads at most MaxBodyBytes.
func (s *Server) readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, apperr.Errorf(apperr.EUNSUPPORTED, "Content-Type must be application/json, got %q", r.Header.Get("Content-Type"))
	}
	if cs, ok := params["charset"]; ok && cs != "utf-8" && cs != "UTF-8" {
		return nil, apperr.Errorf(apperr.EUNSUPPORTED, "charset must be utf-8, got %q", cs)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, apperr.Errorf(apperr.ETOOLARGE, "body exceeds %d bytes; split the batch", s.cfg.MaxBodyBytes)
	}
	if err != nil {
		return nil, apperr.Errorf(apperr.EMALFORMED, "could not read body: %v", err)
	}
	return body, nil
}

// itemResponse is an item with its classification and history.
type itemResponse struct {
	Item           items.Item       `json:"item"`
	Classification *classify.Stored `json:"classification"`
	// InheritedFrom names the item whose classification a duplicate shows.
	InheritedFrom *int64        `json:"inherited_from,omitempty"`
	History       []items.Event `json:"history"`
	// Draft is the item's drafted reply, if it has one.
	Draft *drafts.Draft `json:"draft,omitempty"`
	// Thread is the conversation the item belongs to, oldest first, the
	// item included (up to MaxThread items); absent outside a thread.
	Thread []items.Item `json:"thread,omitempty"`
}

// MaxThread bounds the thread shown with an item.
const MaxThread = 100

func (s *Server) handleGetItem(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ENOTFOUND, "item %q not found: ids are positive integers", r.PathValue("id")))
		return
	}
	resp, err := s.item(r, id)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) item(r *http.Request, id int64) (itemResponse, error) {
	ctx := r.Context()
	it, err := s.cfg.Items.Get(ctx, id)
	if err != nil {
		return itemResponse{}, err
	}
	resp := itemResponse{Item: it}
	from := it.ID
	if it.DuplicateOf != nil {
		from, resp.InheritedFrom = *it.DuplicateOf, it.DuplicateOf
	}
	c, err := s.cfg.Classifications.Latest(ctx, from)
	switch apperr.CodeOf(err) {
	case "":
		resp.Classification = &c
	case apperr.ENOTFOUND:
		resp.InheritedFrom = nil
	default:
		return itemResponse{}, err
	}
	if resp.History, err = s.cfg.Items.Events(ctx, id); err != nil {
		return itemResponse{}, err
	}
	if it.ThreadID != "" {
		if resp.Thread, err = s.cfg.Items.Thread(ctx, it, MaxThread); err != nil {
			return itemResponse{}, err
		}
	}
	if s.cfg.Drafts != nil {
		d, err := s.cfg.Drafts.ByItem(ctx, id)
		switch apperr.CodeOf(err) {
		case "":
			resp.Draft = &d
		case apperr.ENOTFOUND:
		default:
			return itemResponse{}, err
		}
	}
	return resp, nil
}
