package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/pipeline"
)

// ChannelIngester stores what a channel delivered (pipeline.Ingester).
type ChannelIngester interface {
	Apply(ctx context.Context, d channels.Delivery, actor string) (pipeline.Applied, error)
}

// Adapters resolves a channel's adapter (channels.Registry).
type Adapters interface {
	Get(name string) (channels.Adapter, error)
}

func (s *Server) routeChannels() {
	s.handle("POST /v1/channels/{name}/webhook", signed, s.handleChannelWebhook)
	s.handle("GET /v1/channels/{name}/webhook", signed, s.handleChannelChallenge)
}

// MaxChannelEvents bounds the events of one delivery, stored in one
// transaction; a platform batch larger than this should be split by the
// relay (or ingested with `triage ingest --format`, which splits).
const MaxChannelEvents = 1000

// handleChannelChallenge answers a platform's GET check of the webhook
// (X's CRC); other channels have none.
func (s *Server) handleChannelChallenge(w http.ResponseWriter, r *http.Request) {
	a, err := s.cfg.Adapters.Get(r.PathValue("name"))
	if err != nil {
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ENOTFOUND, "%v", err))
		return
	}
	c, ok := a.(channels.Challenger)
	if !ok {
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ENOTFOUND, "the %s webhook takes POST deliveries only", a.Name()))
		return
	}
	body, err := c.Challenge(r.URL.Query())
	switch {
	case errors.Is(err, channels.ErrNotConfigured):
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ENOTFOUND, "the %s webhook is not configured", a.Name()))
		return
	case err != nil:
		writeError(w, r, s.cfg.Logger, &apperr.Error{Code: apperr.EMALFORMED, Message: err.Error(), Err: err})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// handleChannelWebhook receives a platform's delivery: authenticated by
// the adapter over the raw body (401 and nothing stored otherwise),
// normalized, validated, and stored in one transaction. Platforms get the
// answer they expect (Slack's challenge, Discord's PONG), else 200 with
// what was done; a redelivery is a 200 that creates nothing.
func (s *Server) handleChannelWebhook(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	a, err := s.cfg.Adapters.Get(name)
	if err != nil {
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ENOTFOUND, "%v", err))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ETOOLARGE, "body exceeds %d bytes", s.cfg.MaxBodyBytes))
		return
	}
	if err != nil {
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.EMALFORMED, "could not read body: %v", err))
		return
	}
	now := s.cfg.Now()
	switch err := a.Verify(r.Header, body, now); {
	case errors.Is(err, channels.ErrNotConfigured):
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ENOTFOUND, "the %s webhook is not configured: set its secret (see the README)", name))
		return
	case err != nil:
		s.cfg.Logger.WarnContext(r.Context(), "channel delivery refused", "channel", name, "remote", r.RemoteAddr, "error", err)
		writeError(w, r, s.cfg.Logger, &apperr.Error{Code: apperr.EUNAUTHORIZED, Message: "delivery not authenticated: " + err.Error(), Err: err})
		return
	}
	d, err := a.Decode(body, now)
	if err == nil {
		err = d.Validate(now)
	}
	if err != nil {
		code := apperr.EINTERNAL
		if errors.Is(err, channels.ErrMalformed) {
			code = apperr.EMALFORMED
		}
		writeError(w, r, s.cfg.Logger, &apperr.Error{Code: code, Message: err.Error(), Err: err})
		return
	}
	if len(d.Events) > MaxChannelEvents {
		writeError(w, r, s.cfg.Logger, apperr.Errorf(apperr.ETOOLARGE, "%d events in one delivery; at most %d: split it", len(d.Events), MaxChannelEvents))
		return
	}
	applied, err := s.cfg.ChannelIngester.Apply(r.Context(), d, "channel:"+name)
	if err != nil {
		writeError(w, r, s.cfg.Logger, err)
		return
	}
	if d.Response != nil {
		ct := d.ResponseType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(d.Response)
		return
	}
	writeJSON(w, http.StatusOK, applied)
}
