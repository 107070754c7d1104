package channels

import (
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/triage-oss/triage/internal/items"
)

// Attachment is a file that came with a message, kept as metadata: Triage
// stores no file, only what it is and where it lives.
type Attachment struct {
	Name        string `json:"name,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	URL         string `json:"url,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

// Text cleans a message text for an item: invalid UTF-8 replaced with
// U+FFFD, NUL bytes removed, surrounding space trimmed, and cut at a rune
// boundary to items.MaxTextBytes. It reports whether the text was cut.
func Text(s string) (string, bool) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.TrimSpace(s)
	if len(s) <= items.MaxTextBytes {
		return s, false
	}
	const marker = " […]"
	cut := items.MaxTextBytes - len(marker)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + marker, true
}

// AttachmentsOnly is the text of a message that has attachments and no
// text: the item still needs a look (a screenshot of an error), and its
// text says what came.
func AttachmentsOnly(atts []Attachment) string {
	names := make([]string, 0, len(atts))
	for _, a := range atts {
		n := a.Name
		if n == "" {
			n = a.ContentType
		}
		if n == "" {
			n = "file"
		}
		names = append(names, n)
	}
	return fmt.Sprintf("[no text; %d attachment(s): %s]", len(atts), strings.Join(names, ", "))
}

// Metadata encodes m as an item's metadata object, dropping nil values.
// Values that would make it larger than items.MaxMetadataBytes are dropped,
// largest first, and the dropped keys listed under "truncated_keys".
func Metadata(m map[string]any) json.RawMessage {
	clean := map[string]any{}
	for k, v := range m {
		if v != nil {
			clean[k] = v
		}
	}
	for {
		b, err := json.Marshal(clean)
		if err == nil && len(b) <= items.MaxMetadataBytes {
			return b
		}
		// Drop the largest value and say so.
		largest, size := "", -1
		for k, v := range clean {
			if k == "truncated_keys" {
				continue
			}
			vb, _ := json.Marshal(v)
			if len(vb) > size {
				largest, size = k, len(vb)
			}
		}
		if largest == "" {
			return json.RawMessage(`{}`)
		}
		delete(clean, largest)
		dropped, _ := clean["truncated_keys"].([]string)
		clean["truncated_keys"] = append(dropped, largest)
	}
}

// Clip makes an identifier-like value (author, thread id) fit an item:
// invalid UTF-8 replaced, NULs removed, cut to items.MaxIDBytes at a rune
// boundary.
func Clip(s string) string { return clipTo(s, items.MaxIDBytes) }

// clean replaces invalid UTF-8 and drops NULs, for a value kept whole
// (a URL).
func clean(s string) string { return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "") }

// clipTo is Clip with another bound.
func clipTo(s string, max int) string {
	s = clean(s)
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// MetaString makes a string fit metadata and skip reasons: Clip'ed to max
// bytes, and without a literal `\u0000`, which items reads as an escaped
// NUL once encoded.
func MetaString(s string, max int) string {
	s = clipTo(s, max)
	for strings.Contains(s, `\u0000`) {
		s = strings.ReplaceAll(s, `\u0000`, `u0000`)
	}
	return s
}

// CreatedAt formats a platform's time for NewItem.CreatedAt: "" when it is
// absent or before 2000 (an unreadable or placeholder date), now when it
// is in the future (a platform clock ahead of ours).
func CreatedAt(t, now time.Time) string {
	if t.IsZero() || t.Year() < 2000 {
		return ""
	}
	if t.After(now) {
		t = now
	}
	return Timestamp(t)
}

// Timestamp formats t for NewItem.CreatedAt; the zero time gives "" (the
// time received).
func Timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// equalMAC compares two MACs in constant time.
func equalMAC(a, b []byte) bool { return hmac.Equal(a, b) }

// fresh reports whether a signed timestamp is within tolerance of now,
// either side.
func fresh(ts, now time.Time, tolerance time.Duration) bool {
	d := now.Sub(ts)
	return d <= tolerance && d >= -tolerance
}
