package channels

import (
	"errors"
	"net/http"
	"time"

	"github.com/triage-oss/triage/internal/routing"
)

// RelayTolerance is how far a signed timestamp may be from now.
const RelayTolerance = 5 * time.Minute

// verifyRelay checks Triage's own webhook signature, used by deliveries
// that come through a relay the team runs (a Discord gateway bot, a Reddit
// or X poller, an inbound-mail hook) and by the generic webhook: the
// X-Triage-Timestamp header (Unix seconds, within RelayTolerance) and
// X-Triage-Signature: "sha256=" + hex HMAC-SHA256 over "<timestamp>.<body>"
// with the shared secret (routing.Sign computes it).
func verifyRelay(secret string, h http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return ErrNotConfigured
	}
	ts, sig := h.Get(routing.HeaderTimestamp), h.Get(routing.HeaderSignature)
	if ts == "" || sig == "" {
		return unauthorized("missing %s or %s header", routing.HeaderTimestamp, routing.HeaderSignature)
	}
	if err := routing.Verify(secret, ts, sig, body, now, RelayTolerance); err != nil {
		if errors.Is(err, routing.ErrBadSignature) {
			return unauthorized("%v", err)
		}
		return err
	}
	return nil
}
