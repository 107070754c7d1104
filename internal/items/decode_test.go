package items_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/items"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestDecodeBatch(t *testing.T) {
	t.Parallel()

	item := `{"channel":"x","external_id":"1","text":"hello"}`
	tests := []struct {
		name   string
		body   string
		code   apperr.Code
		field  string // a field the error must name
		n      int
		single bool
	}{
		{name: "single item", body: item, n: 1, single: true},
		{name: "batch envelope", body: `{"items":[` + item + `,{"channel":"reddit","external_id":"t3_a","text":"hi"}]}`, n: 2},
		{name: "bare array", body: `[` + item + `]`, n: 1},
		{name: "empty body", body: "  ", code: apperr.EMALFORMED},
		{name: "bad JSON", body: `{"channel":`, code: apperr.EMALFORMED},
		{name: "trailing data", body: item + `{}`, code: apperr.EMALFORMED},
		{name: "trailing bracket", body: item + `]`, code: apperr.EMALFORMED},
		{name: "trailing brace", body: item + `}`, code: apperr.EMALFORMED},
		{name: "not an object", body: `"text"`, code: apperr.EMALFORMED},
		{name: "unknown field", body: `{"channel":"x","external_id":"1","text":"a","txet":"b"}`, code: apperr.EMALFORMED, field: "txet"},
		{name: "wrong type", body: `{"channel":"x","external_id":1,"text":"a"}`, code: apperr.EMALFORMED, field: "external_id"},
		{name: "both shapes", body: `{"channel":"x","items":[]}`, code: apperr.EMALFORMED},
		{name: "empty batch", body: `{"items":[]}`, code: apperr.EINVALID, field: "items"},
		{name: "unknown channel", body: `{"channel":"myspace","external_id":"1","text":"a"}`, code: apperr.EINVALID, field: "channel"},
		{name: "missing external id", body: `{"channel":"x","text":"a"}`, code: apperr.EINVALID, field: "external_id"},
		{name: "blank text", body: `{"channel":"x","external_id":"1","text":" \n\t"}`, code: apperr.EINVALID, field: "text"},
		{name: "text too long", body: `{"channel":"x","external_id":"1","text":"` + strings.Repeat("a", items.MaxTextBytes+1) + `"}`, code: apperr.EINVALID, field: "text"},
		{name: "NUL in text", body: `{"channel":"x","external_id":"1","text":"a\u0000b"}`, code: apperr.EINVALID, field: "text"},
		{name: "invalid UTF-8 in text", body: "{\"channel\":\"x\",\"external_id\":\"1\",\"text\":\"caf\xe9\"}", code: apperr.EINVALID, field: "text"},
		{name: "legit replacement char", body: `{"channel":"x","external_id":"1","text":"caf\ufffd"}`, n: 1, single: true},
		{name: "bad url", body: `{"channel":"x","external_id":"1","text":"a","url":"javascript:alert(1)"}`, code: apperr.EINVALID, field: "url"},
		{name: "bad created_at", body: `{"channel":"x","external_id":"1","text":"a","created_at":"yesterday"}`, code: apperr.EINVALID, field: "created_at"},
		{name: "future created_at", body: `{"channel":"x","external_id":"1","text":"a","created_at":"2027-01-01T00:00:00Z"}`, code: apperr.EINVALID, field: "created_at"},
		{name: "metadata not object", body: `{"channel":"x","external_id":"1","text":"a","metadata":[1]}`, code: apperr.EINVALID, field: "metadata"},
		{name: "field index in batch", body: `{"items":[` + item + `,{"channel":"x","external_id":"2","text":""}]}`, code: apperr.EINVALID, field: "items[1].text"},
		{name: "conflicting repeat in batch", body: `{"items":[` + item + `,{"channel":"x","external_id":"1","text":"other"}]}`, code: apperr.EINVALID, field: "items[1].external_id"},
		{name: "identical repeat in batch", body: `{"items":[` + item + `,` + item + `]}`, n: 2},
		{name: "too many items", body: `{"items":[` + strings.TrimSuffix(strings.Repeat(item+",", items.MaxBatch+1), ",") + `]}`, code: apperr.ETOOLARGE, field: "items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := items.DecodeBatch([]byte(tt.body), now)
			if tt.code == "" {
				require.NoError(t, err)
				require.Len(t, b.Items, tt.n)
				require.Equal(t, tt.single, b.Single)
				return
			}
			require.Error(t, err)
			require.Equal(t, tt.code, apperr.CodeOf(err), "error: %v", err)
			if tt.field != "" {
				require.Contains(t, fieldNames(err), tt.field, "error: %v", err)
			}
		})
	}
}

func TestDecodeBatchDefaults(t *testing.T) {
	t.Parallel()
	b, err := items.DecodeBatch([]byte(`{"channel":"discord","external_id":"9","text":"hi","created_at":"2026-11-20T08:00:00+01:00"}`), now)
	require.NoError(t, err)
	require.JSONEq(t, `{}`, string(b.Items[0].Metadata))
}

func fieldNames(err error) []string {
	var out []string
	for _, f := range apperr.FieldsOf(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b string }{
		{"Sync is BROKEN", "sync is broken"},
		{"sync  is\n\tbroken ", "sync is broken"},
		{"sync\u200b is broken", "sync is broken"},
		{"ｓｙｎｃ is broken", "sync is broken"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, items.Normalize(tt.b), items.Normalize(tt.a))
			require.Equal(t, items.TextHash(tt.b), items.TextHash(tt.a))
		})
	}
	require.NotEqual(t, items.TextHash("sync is broken"), items.TextHash("sync is fixed"))
}
