package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/triage-oss/triage/internal/apperr"
)

// statusOf maps application error codes to HTTP statuses.
var statusOf = map[apperr.Code]int{
	apperr.EMALFORMED:    http.StatusBadRequest,
	apperr.EINVALID:      http.StatusUnprocessableEntity,
	apperr.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	apperr.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	apperr.EUNAUTHORIZED: http.StatusUnauthorized,
	apperr.EFORBIDDEN:    http.StatusForbidden,
	apperr.ERATELIMITED:  http.StatusTooManyRequests,
	apperr.ENOTFOUND:     http.StatusNotFound,
	apperr.ECONFLICT:     http.StatusConflict,
	apperr.EUNAVAILABLE:  http.StatusServiceUnavailable,
	apperr.EINTERNAL:     http.StatusInternalServerError,
}

// RetryAfterSeconds is sent with every 503.
const RetryAfterSeconds = "5"

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Code   apperr.Code         `json:"code"`
	Errors []apperr.FieldError `json:"errors,omitempty"`
}

// problemOf is the problem document for err.
func problemOf(err error) Problem {
	code := apperr.CodeOf(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	return Problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: apperr.MessageOf(err),
		Code:   code,
		Errors: apperr.FieldsOf(err),
	}
}

// writeError answers with the problem document for err, logging internal
// errors with their full text.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := problemOf(err)
	switch {
	case p.Code == apperr.EINTERNAL:
		log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "error", err)
	case p.Status >= 500:
		log.WarnContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if p.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfterSeconds)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p) // the client may be gone; nothing to do
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
