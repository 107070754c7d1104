package llm

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter caps the wait read from a Retry-After header, so that a
// broken or hostile value cannot park work for days.
const MaxRetryAfter = 24 * time.Hour

// parseRetryAfter reads how long a response asks the client to wait:
// Retry-After-Ms (milliseconds, sent by Azure OpenAI) first, then
// Retry-After as seconds or as an HTTP date. It returns 0 when neither is
// present, valid and in the future, and caps the wait at MaxRetryAfter.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After-Ms")), 64); err == nil && ms > 0 {
		return capRetryAfter(ms * float64(time.Millisecond))
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return capRetryAfter(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return capRetryAfter(float64(t.Sub(now)))
	}
	return 0
}

func capRetryAfter(d float64) time.Duration {
	switch {
	case d != d || d <= 0: // NaN or not in the future
		return 0
	case d >= float64(MaxRetryAfter):
		return MaxRetryAfter
	}
	return time.Duration(d)
}
