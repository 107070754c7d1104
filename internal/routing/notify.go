package routing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Notification events.
const (
	EventRouted         = "routed"          // an item was routed to the team
	EventSLABreached    = "sla_breached"    // an item of the team passed its deadline
	EventIncidentOpened = "incident_opened" // a surge of near-duplicates became an incident
)

// Notification is what a team's webhook is told about an item or an
// incident. Summary and Text come from untrusted input: payload builders
// escape them for the receiving format.
type Notification struct {
	Event      string                  `json:"event"`
	ItemID     int64                   `json:"item_id"`
	IncidentID int64                   `json:"incident_id,omitempty"`
	Channel    string                  `json:"channel"`
	URL        string                  `json:"url,omitempty"`  // the item on its platform
	Link       string                  `json:"link,omitempty"` // the item in Triage
	Summary    string                  `json:"summary"`
	Labels     taxonomy.Classification `json:"labels"`
	Team       string                  `json:"team"`
	Priority   string                  `json:"priority"`
	Due        time.Time               `json:"due,omitzero"`
	At         time.Time               `json:"at"`
}

// GenericJSON returns the generic webhook body: the notification as a JSON
// object.
func GenericJSON(n Notification) []byte {
	b, err := json.Marshal(n)
	if err != nil { // only plain fields: cannot happen
		panic(fmt.Sprintf("routing: marshal notification: %v", err))
	}
	return b
}

// SlackMessage returns a Slack incoming-webhook body: a text fallback and
// a section block. Untrusted text is escaped so that it cannot mention
// @channel or forge links.
func SlackMessage(n Notification) []byte {
	head := map[string]string{
		EventRouted:         "New item for",
		EventSLABreached:    "SLA breached for",
		EventIncidentOpened: "Incident opened for",
	}[n.Event]
	if head == "" {
		head = slackEscape(n.Event) + " for"
	}
	title := fmt.Sprintf("%s *%s* (%s): %s item %d", head, slackEscape(n.Team), slackEscape(n.Priority), slackEscape(n.Channel), n.ItemID)
	if n.IncidentID != 0 {
		title += fmt.Sprintf(", incident %d", n.IncidentID)
	}
	lines := []string{title, fmt.Sprintf("> %s", slackEscape(oneLine(n.Summary, 300)))}
	l := n.Labels
	lines = append(lines, fmt.Sprintf("intent %s · risk %s · severity %s · urgency %s", l.Intent, l.Risk, l.Severity, l.Urgency))
	if !n.Due.IsZero() {
		lines = append(lines, "due <!date^"+strconv.FormatInt(n.Due.Unix(), 10)+"^{date_short_pretty} {time}|"+n.Due.UTC().Format(time.RFC3339)+">")
	}
	if n.Link != "" {
		lines = append(lines, "<"+slackEscape(n.Link)+"|Open in Triage>")
	}
	text := strings.Join(lines, "\n")
	b, _ := json.Marshal(map[string]any{
		"text":   title,
		"blocks": []any{map[string]any{"type": "section", "text": map[string]string{"type": "mrkdwn", "text": text}}},
	})
	return b
}

// slackEscape escapes the three characters Slack's mrkdwn treats as control
// characters, so that text like "<!channel>" shows as written.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// oneLine collapses whitespace and cuts s to at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Signature headers of a signed generic webhook.
const (
	HeaderTimestamp = "X-Triage-Timestamp" // Unix seconds when the body was signed
	HeaderSignature = "X-Triage-Signature" // "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"
)

// Sign returns the X-Triage-Signature of body signed at ts with secret:
// HMAC-SHA256 over the decimal Unix timestamp, a dot and the body. Binding
// the timestamp lets receivers refuse replays.
func Sign(secret string, ts time.Time, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// ErrBadSignature is returned by Verify for a body whose signature does not
// match, or whose timestamp is missing or too old.
var ErrBadSignature = errors.New("bad webhook signature")

// Verify checks a signed body as a receiver would: the signature matches
// and the timestamp is within tolerance of now. It is what receivers of
// Triage's webhooks should implement, and what the tests use.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, timestamp)
	}
	ts := time.Unix(sec, 0)
	if d := now.Sub(ts); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is outside %s of now", ErrBadSignature, ts.UTC().Format(time.RFC3339), tolerance)
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return fmt.Errorf("%w: signature does not match", ErrBadSignature)
	}
	return nil
}
