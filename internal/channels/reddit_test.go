package channels_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/routing"
)

var redditNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// redditWant is an expected event; meta is compared as JSON ("" for none).
type redditWant struct {
	kind channels.Kind
	item items.NewItem
	meta string
}

func redditFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reddit", name))
	require.NoError(t, err)
	return b
}

// redditRequireDelivery checks d's events and skip reasons exactly, then
// that ingestion would accept d.
func redditRequireDelivery(t *testing.T, d channels.Delivery, want []redditWant, skipped []string) {
	t.Helper()
	require.Len(t, d.Events, len(want), "events: %+v", d.Events)
	for i, w := range want {
		got := d.Events[i]
		require.Equal(t, w.kind, got.Kind, "event %d", i)
		meta := got.Item.Metadata
		got.Item.Metadata = nil
		require.Equal(t, w.item, got.Item, "event %d", i)
		if w.meta == "" {
			require.Empty(t, meta, "event %d", i)
		} else {
			require.JSONEq(t, w.meta, string(meta), "event %d", i)
		}
	}
	require.Equal(t, skipped, d.Skipped)
	require.NoError(t, d.Validate(redditNow))
}

const redditPermalink = "/r/TriageApp/comments/1gq8zk2/app_crashes_on_login_since_42/"

// redditComment is an expected comment of the crash thread.
func redditComment(id, author, parent, text, created string) items.NewItem {
	return items.NewItem{
		Channel: "reddit", ExternalID: "t1_" + id, Author: author, Text: text,
		URL:       "https://www.reddit.com" + redditPermalink + id + "/",
		CreatedAt: created, ThreadID: "t3_1gq8zk2", ParentID: parent,
	}
}

func redditCommentMeta(id string, score int, extra string) string {
	return fmt.Sprintf(`{"subreddit":"TriageApp","score":%d,"permalink":"%s%s/","edited":false,"stickied":false%s}`,
		score, redditPermalink, id, extra)
}

func TestRedditDecode(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		body    []byte
		want    []redditWant
		skipped []string
	}{
		{
			name: "submission listing",
			body: redditFixture(t, "submission_listing.json"),
			want: []redditWant{
				{
					kind: channels.KindMessage,
					item: items.NewItem{
						Channel: "reddit", ExternalID: "t3_1gq8zk2", Author: "kestrel_dev",
						Text: "App crashes on login since 4.2 <iOS 18>\n\nEvery time I open the app it shows the splash screen & then closes.\n\n" +
							"Steps: update to 4.2, open, log in with SSO. Anyone else?",
						URL:       "https://www.reddit.com/r/TriageApp/comments/1gq8zk2/app_crashes_on_login_since_42_ios_18/",
						CreatedAt: "2026-11-20T08:15:00Z", ThreadID: "t3_1gq8zk2",
					},
					meta: `{"subreddit":"TriageApp","score":37,"permalink":"/r/TriageApp/comments/1gq8zk2/app_crashes_on_login_since_42_ios_18/",
						"edited":false,"stickied":false,"over_18":false}`,
				},
				{
					kind: channels.KindMessage,
					item: items.NewItem{
						Channel: "reddit", ExternalID: "t3_1gp0aa1", Author: "triage_mod",
						Text:      "Weekly support thread\n\nPost your questions here. Please read the FAQ first.",
						URL:       "https://www.reddit.com/r/TriageApp/comments/1gp0aa1/weekly_support_thread/",
						CreatedAt: "2026-11-19T07:00:00Z", ThreadID: "t3_1gp0aa1",
					},
					meta: `{"subreddit":"TriageApp","score":5,"permalink":"/r/TriageApp/comments/1gp0aa1/weekly_support_thread/",
						"edited":false,"stickied":true,"over_18":false,"distinguished":"moderator"}`,
				},
			},
			skipped: []string{"t3_1gp0aa2: by AutoModerator, a bot"},
		},
		{
			name: "link post",
			body: redditFixture(t, "link_post.json"),
			want: []redditWant{{
				kind: channels.KindMessage,
				item: items.NewItem{
					Channel: "reddit", ExternalID: "t3_1gr2bb9", Author: "wren_ops",
					Text:      "Found a workaround for the sync bug\n\nhttps://github.com/example/triage-sync/issues/41?tab=comments&sort=new",
					URL:       "https://www.reddit.com/r/TriageApp/comments/1gr2bb9/found_a_workaround_for_the_sync_bug/",
					CreatedAt: "2026-11-21T14:05:00Z", ThreadID: "t3_1gr2bb9",
				},
				meta: `{"subreddit":"TriageApp","score":12,"permalink":"/r/TriageApp/comments/1gr2bb9/found_a_workaround_for_the_sync_bug/",
					"edited":false,"stickied":false,"over_18":false}`,
			}},
		},
		{
			name: "comments with nested replies and more",
			body: redditFixture(t, "comments_listing.json"),
			want: []redditWant{
				{
					kind: channels.KindMessage,
					item: items.NewItem{
						Channel: "reddit", ExternalID: "t3_1gq8zk2", Author: "kestrel_dev",
						Text:      "App crashes on login since 4.2\n\nEvery time I open the app it shows the splash screen and then closes.",
						URL:       "https://www.reddit.com" + redditPermalink,
						CreatedAt: "2026-11-20T08:15:00Z", ThreadID: "t3_1gq8zk2",
					},
					meta: `{"subreddit":"TriageApp","score":37,"permalink":"` + redditPermalink + `","edited":false,"stickied":false,"over_18":false}`,
				},
				{
					kind: channels.KindMessage,
					item: redditComment("lx3c001", "finch_42", "t3_1gq8zk2", "Same here on an iPhone 15.", "2026-11-20T08:30:00Z"),
					meta: redditCommentMeta("lx3c001", 9, `,"over_18":false`),
				},
				{
					kind: channels.KindMessage,
					item: redditComment("lx3c002", "triage_mod", "t1_lx3c001", "Thanks, are you using SSO?", "2026-11-20T09:02:30Z"),
					meta: redditCommentMeta("lx3c002", 4, `,"over_18":false,"distinguished":"moderator"`),
				},
				{
					kind: channels.KindMessage,
					item: redditComment("lx3c003", "kestrel_dev", "t1_lx3c002", "Yes, SSO with Okta.", "2026-11-20T09:40:10Z"),
					meta: redditCommentMeta("lx3c003", 2, `,"over_18":false`),
				},
			},
			skipped: []string{"more: 3 comments not in this listing", "more: 8 comments not in this listing"},
		},
		{
			name: "deleted and removed",
			body: redditFixture(t, "deleted_comment.json"),
			want: []redditWant{
				{kind: channels.KindDelete, item: items.NewItem{Channel: "reddit", ExternalID: "t1_lx3c005"}},
				{kind: channels.KindDelete, item: items.NewItem{Channel: "reddit", ExternalID: "t1_lx3c006"}},
				{kind: channels.KindDelete, item: items.NewItem{Channel: "reddit", ExternalID: "t3_1gs0zz1"}},
			},
		},
		{
			name: "edited comment",
			body: redditFixture(t, "edited_comment.json"),
			want: []redditWant{{
				kind: channels.KindEdit,
				item: redditComment("lx3c001", "finch_42", "t3_1gq8zk2",
					"Same here on an iPhone 15.\n\nEdit: fixed after reinstalling.", "2026-11-20T08:30:00Z"),
				meta: `{"subreddit":"TriageApp","score":11,"permalink":"` + redditPermalink + `lx3c001/","edited":"2026-11-21T15:30:45Z","stickied":false}`,
			}},
		},
		{
			name: "single thing, future time clamped, wrong types left empty",
			body: []byte(`{"kind":"t1","data":{"name":"t1_zz9","body":"hi\u0000 there","author":"a","score":"lots",
				"created_utc":1900000000,"link_id":"t3_x","parent_id":"t3_x","permalink":"@evil.example/","edited":true}}`),
			want: []redditWant{{
				kind: channels.KindEdit,
				item: items.NewItem{Channel: "reddit", ExternalID: "t1_zz9", Author: "a", Text: "hi there",
					CreatedAt: "2026-11-23T10:00:00Z", ThreadID: "t3_x", ParentID: "t3_x"},
				meta: `{"subreddit":"","score":0,"permalink":"@evil.example/","edited":true,"stickied":false}`,
			}},
		},
		{
			name: "other kinds and empty comments are skipped",
			body: []byte(`{"kind":"Listing","data":{"children":[{"kind":"t5","data":{"name":"t5_2qh1i"}},{"kind":"t1","data":{"name":"t1_e","body":"  "}},
				{"kind":"t1","data":{"body":"x"}},{"data":{}},{"kind":"more","data":{"count":0,"name":"t1__","id":"_","children":[]}}]}}`),
			skipped: []string{"t5: not a submission or a comment", "t1_e: no text", "t1: no usable name", "a thing without kind",
				"more: a deeper thread not in this listing"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := channels.NewReddit(channels.RedditConfig{}).Decode(tt.body, redditNow)
			require.NoError(t, err)
			redditRequireDelivery(t, d, tt.want, tt.skipped)
		})
	}
}

// redditChain is a comment thread n replies deep: each comment answers
// the one before.
func redditChain(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"kind":"Listing","data":{"children":[`)
	for i := range n {
		parent := "t3_p"
		if i > 0 {
			parent = fmt.Sprintf("t1_c%d", i-1)
		}
		fmt.Fprintf(&b, `{"kind":"t1","data":{"name":"t1_c%d","body":"reply %d","link_id":"t3_p","parent_id":"%s","replies":{"kind":"Listing","data":{"children":[`, i, i, parent)
	}
	b.WriteString(strings.Repeat(`]}}}}`, n))
	b.WriteString(`]}}`)
	return []byte(b.String())
}

func TestRedditDecodeDepth(t *testing.T) {
	t.Parallel()

	// A comment n replies down is 2n+1 things deep.
	deepest := (channels.RedditMaxDepth - 1) / 2
	d, err := channels.NewReddit(channels.RedditConfig{}).Decode(redditChain(deepest+5), redditNow)
	require.NoError(t, err)
	require.Len(t, d.Events, deepest+1)
	require.Equal(t, fmt.Sprintf("t1_c%d", deepest), d.Events[deepest].Item.ExternalID)
	require.Equal(t, []string{fmt.Sprintf("t1 t1_c%d: deeper than %d levels, not read", deepest+1, channels.RedditMaxDepth)}, d.Skipped)
	require.NoError(t, d.Validate(redditNow))
}

func TestRedditDecodeMalformed(t *testing.T) {
	t.Parallel()

	for _, body := range []string{``, `not json`, `"a string"`, `null`, `{}`, `[{"data":{}}]`, `[1, 2]`, `{"kind":"Listing","data":`, `{"kind":"Listing"} trailing`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			_, err := channels.NewReddit(channels.RedditConfig{}).Decode([]byte(body), redditNow)
			require.ErrorIs(t, err, channels.ErrMalformed)
		})
	}
}

func TestRedditVerify(t *testing.T) {
	t.Parallel()

	const secret = "reddit-relay-test-secret"
	body := redditFixture(t, "link_post.json")
	signed := func(secret string, at time.Time, body []byte) http.Header {
		h := http.Header{}
		h.Set(routing.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
		h.Set(routing.HeaderSignature, routing.Sign(secret, at, body))
		return h
	}
	tests := []struct {
		name   string
		secret string
		header http.Header
		body   []byte
		err    error
	}{
		{name: "good signature", secret: secret, header: signed(secret, redditNow.Add(-time.Minute), body), body: body},
		{name: "other secret", secret: secret, header: signed("not-the-secret", redditNow, body), body: body, err: channels.ErrUnauthorized},
		{name: "tampered body", secret: secret, header: signed(secret, redditNow, body), body: append([]byte(" "), body...), err: channels.ErrUnauthorized},
		{name: "stale", secret: secret, header: signed(secret, redditNow.Add(-channels.RelayTolerance-time.Minute), body), body: body, err: channels.ErrUnauthorized},
		{name: "missing", secret: secret, header: http.Header{}, body: body, err: channels.ErrUnauthorized},
		{name: "not configured", header: signed("", redditNow, body), body: body, err: channels.ErrNotConfigured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := channels.NewReddit(channels.RedditConfig{RelaySecret: tt.secret}).Verify(tt.header, tt.body, redditNow)
			if tt.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.err)
		})
	}
}

func FuzzRedditDecode(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "reddit", "*.json"))
	require.NoError(f, err)
	for _, n := range names {
		f.Add(redditFixture(f, filepath.Base(n)))
	}
	f.Add(redditChain(30))
	f.Add([]byte(`{"kind":"t3","data":{"name":"t3_a","title":"t","selftext":"\\u0000","subreddit":"\\u0000","created_utc":-1}}`))
	r := channels.NewReddit(channels.RedditConfig{})
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := r.Decode(body, redditNow)
		if err != nil {
			require.ErrorIs(t, err, channels.ErrMalformed)
			return
		}
		require.NoError(t, d.Validate(redditNow))
	})
}
