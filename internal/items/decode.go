package items

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/triage-oss/triage/internal/apperr"
)

// Batch is a decoded ingestion request.
type Batch struct {
	Items []NewItem
	// Single is true when the request was one bare item rather than a
	// batch; the response mirrors the request's shape.
	Single bool
}

// envelope accepts both {"items": [...]} and a bare item object.
type envelope struct {
	Items []NewItem `json:"items"`
	NewItem
}

// DecodeBatch decodes and validates an ingestion request body: one item
// object, {"items": [...]} or a JSON array of items, of 1 to MaxBatch items.
// Unknown fields are refused (a misspelt field would otherwise be lost
// silently). Errors are *apperr.Error: EMALFORMED for JSON that does not
// parse, ETOOLARGE for too many items, EINVALID naming every field at fault.
// Nothing is returned unless every item is valid.
func DecodeBatch(body []byte, now time.Time) (Batch, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return Batch{}, apperr.Errorf(apperr.EMALFORMED, "empty body: send one item object or {\"items\": [...]}")
	}
	var b Batch
	switch trimmed[0] {
	case '[':
		if err := strictDecode(body, &b.Items); err != nil {
			return Batch{}, err
		}
	case '{':
		var env envelope
		if err := strictDecode(body, &env); err != nil {
			return Batch{}, err
		}
		if env.Items == nil {
			b.Items, b.Single = []NewItem{env.NewItem}, true
		} else if env.NewItem.Channel != "" || env.NewItem.Text != "" || env.NewItem.ExternalID != "" {
			return Batch{}, apperr.Errorf(apperr.EMALFORMED, "send either one item or {\"items\": [...]}, not both")
		} else {
			b.Items = env.Items
		}
	default:
		return Batch{}, apperr.Errorf(apperr.EMALFORMED, "body must be a JSON object or array")
	}
	return b, b.validate(!utf8.Valid(body), now)
}

func (b *Batch) validate(badUTF8 bool, now time.Time) error {
	switch {
	case len(b.Items) == 0:
		return apperr.Invalid("invalid batch", apperr.FieldError{Field: "items", Message: "empty: send at least one item"})
	case len(b.Items) > MaxBatch:
		return &apperr.Error{Code: apperr.ETOOLARGE, Message: fmt.Sprintf("batch of %d items; at most %d per request", len(b.Items), MaxBatch),
			Fields: []apperr.FieldError{{Field: "items", Message: fmt.Sprintf("at most %d items", MaxBatch)}}}
	}
	var fields []apperr.FieldError
	for i := range b.Items {
		prefix := fmt.Sprintf("items[%d].", i)
		if b.Single {
			prefix = ""
		}
		if badUTF8 {
			fields = append(fields, b.Items[i].replacedUTF8(prefix)...)
		}
		fields = append(fields, b.Items[i].Validate(prefix, now)...)
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid item", fields...)
	}
	return b.checkRepeats()
}

// replacedUTF8 names the fields where the JSON decoder replaced invalid
// UTF-8 with U+FFFD: a body that is not valid UTF-8 must not be stored as a
// silently altered text.
func (n *NewItem) replacedUTF8(prefix string) []apperr.FieldError {
	var out []apperr.FieldError
	for _, f := range []struct{ name, v string }{
		{"channel", n.Channel}, {"external_id", n.ExternalID}, {"author", n.Author}, {"text", n.Text},
		{"url", n.URL}, {"thread_id", n.ThreadID}, {"parent_id", n.ParentID}, {"metadata", string(n.Metadata)},
	} {
		if strings.ContainsRune(f.v, utf8.RuneError) {
			out = append(out, apperr.FieldError{Field: prefix + f.name, Message: "not valid UTF-8"})
		}
	}
	if len(out) == 0 {
		// The invalid bytes were somewhere else (a key); name the item.
		out = append(out, apperr.FieldError{Field: strings.TrimSuffix(prefix, "."), Message: "body is not valid UTF-8"})
	}
	return out
}

// checkRepeats refuses a batch that names the same (channel, external_id)
// twice with different content: which one to keep would be a guess.
func (b *Batch) checkRepeats() error {
	seen := make(map[[2]string]int, len(b.Items))
	var fields []apperr.FieldError
	for i, n := range b.Items {
		k := [2]string{n.Channel, n.ExternalID}
		if j, ok := seen[k]; ok && b.Items[j].Text != n.Text {
			fields = append(fields, apperr.FieldError{Field: fmt.Sprintf("items[%d].external_id", i),
				Message: fmt.Sprintf("repeats items[%d] with a different text", j)})
		}
		seen[k] = i
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid batch", fields...)
	}
	return nil
}

func strictDecode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return malformed(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.Errorf(apperr.EMALFORMED, "unexpected data after the JSON value")
	}
	return nil
}

func malformed(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &apperr.Error{Code: apperr.EMALFORMED, Message: fmt.Sprintf("invalid JSON at byte %d: %v", syn.Offset, syn)}
	case errors.As(err, &typ):
		return &apperr.Error{Code: apperr.EMALFORMED, Message: "wrong JSON type",
			Fields: []apperr.FieldError{{Field: strings.TrimPrefix(typ.Field, "NewItem."), Message: fmt.Sprintf("must be %s, got %s", typ.Type, typ.Value)}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apperr.Error{Code: apperr.EMALFORMED, Message: "unknown field",
			Fields: []apperr.FieldError{{Field: name, Message: "unknown field"}}}
	default:
		return &apperr.Error{Code: apperr.EMALFORMED, Message: "invalid JSON: " + err.Error()}
	}
}
