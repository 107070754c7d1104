package incidents_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/clusters"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/embed"
	"github.com/triage-oss/triage/internal/incidents"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

// surge is the same complaint, edited a little by each author.
var surge = []string{
	"The app crashes every time I open the settings page on Android",
	"the app crashes every time I open the settings page on android!!",
	"The app crashes every time I open settings page on Android :(",
	"App crashes every time I open the settings page on Android",
	"The app crashes every single time I open the settings page on Android",
	"The app crashes every time i open the settings page on my Android",
}

type bundle struct {
	ctx     context.Context
	pool    *pgxpool.Pool
	matcher *clusters.Matcher
	svc     *incidents.Service
	n       int
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{ctx: context.Background(), pool: pgtest.New(t)}
	e, err := embed.NewLocal(embed.LocalConfig{})
	require.NoError(t, err)
	b.matcher = clusters.NewMatcher(b.pool, e, clusters.Config{IncidentSize: 4, IncidentWindow: time.Hour})
	// An insert-only River client: send jobs are queued, not worked.
	client, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	b.svc = incidents.NewService(b.pool, drafts.NewService(b.pool, client))
	return b
}

// ingest stores an item and triages it as the worker does: the first of a
// surge is classified, each near-duplicate inherits and joins its cluster.
func (b *bundle) ingest(t *testing.T, text string) (int64, clusters.Joined) {
	t.Helper()
	b.n++
	batch, err := items.DecodeBatch(fmt.Appendf(nil, `{"channel":"x","external_id":"%d","text":%q}`, b.n, text), time.Now())
	require.NoError(t, err)
	res, err := items.NewStore(b.pool).Insert(b.ctx, batch.Items, "test", time.Now())
	require.NoError(t, err)
	it, err := items.NewStore(b.pool).Get(b.ctx, res[0].ID)
	require.NoError(t, err)
	m, ok, err := b.matcher.Find(b.ctx, it)
	require.NoError(t, err)
	var j clusters.Joined
	require.NoError(t, pgx.BeginFunc(b.ctx, b.pool, func(tx pgx.Tx) error {
		r := classify.Result{Labels: llmtest.Classify(text), Backend: "fake", Model: "m"}
		if ok {
			if j, err = b.matcher.Join(b.ctx, tx, it, m.Origin, time.Now()); err != nil {
				return err
			}
			r.Backend, r.InheritedFrom = "inherited", m.Origin
		}
		if _, err := classify.NewStore(tx).Insert(b.ctx, it.ID, r); err != nil {
			return err
		}
		return items.NewStore(tx).Transition(b.ctx, it.ID, items.Change{From: items.StateReceived, To: items.StateClassified, Actor: "test", At: time.Now()})
	}))
	return it.ID, j
}

// openIncident ingests the surge and returns its item ids and incident.
func (b *bundle) openIncident(t *testing.T) ([]int64, int64) {
	t.Helper()
	var ids []int64
	var incident int64
	opened := 0
	for i, text := range surge {
		id, j := b.ingest(t, text)
		ids = append(ids, id)
		if i > 0 {
			require.NotZero(t, j.Cluster, "%q is a near-duplicate of the first", text)
		}
		if j.OpenedIncident {
			opened++
			incident = j.Incident
			require.Equal(t, 4, i+1, "the incident opens when the cluster reaches 4 items")
		}
	}
	require.Equal(t, 1, opened, "one incident per surge")
	return ids, incident
}

func (b *bundle) state(t *testing.T, id int64) items.State {
	t.Helper()
	it, err := items.NewStore(b.pool).Get(b.ctx, id)
	require.NoError(t, err)
	return it.State
}

func (b *bundle) set(t *testing.T, id int64, from, to items.State) {
	t.Helper()
	require.NoError(t, items.NewStore(b.pool).Transition(b.ctx, id, items.Change{From: from, To: to, Actor: "test", At: time.Now()}))
}

func (b *bundle) pendingDraft(t *testing.T, id int64) {
	t.Helper()
	_, err := b.pool.Exec(b.ctx, `INSERT INTO drafts (item_id, body, extractive, backend, model) VALUES ($1, 'We are on it.', true, 'local', 'extractive')`, id)
	require.NoError(t, err)
	b.set(t, id, items.StateClassified, items.StatePendingReview)
}

func TestCloseClosesEveryMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids, incident := b.openIncident(t)
	other, _ := b.ingest(t, "How do I export my invoices as PDF from the billing page?")

	b.pendingDraft(t, ids[1])
	b.set(t, ids[2], items.StateClassified, items.StateNeedsHuman)
	b.set(t, ids[3], items.StateClassified, items.StateReplied) // answered already: stays as it is

	n, err := b.svc.Get(b.ctx, incident)
	require.NoError(t, err)
	require.Equal(t, "open", n.State)
	require.Len(t, n.Members, len(surge))
	require.Equal(t, len(surge), n.Size)

	_, err = b.svc.Close(b.ctx, incident, "maya", "  ")
	require.Equal(t, apperr.EINVALID, apperr.CodeOf(err), "a close needs a reason")

	closed, err := b.svc.Close(b.ctx, incident, "maya", "fixed in 4.2.1")
	require.NoError(t, err)
	require.Equal(t, len(surge)-1, closed)
	for i, id := range ids {
		want := items.StateClosed
		if i == 3 {
			want = items.StateReplied
		}
		require.Equal(t, want, b.state(t, id), "member %d", i)
	}
	require.Equal(t, items.StateClassified, b.state(t, other), "an item outside the incident is untouched")

	var draftState, reason string
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT state, reject_reason FROM drafts WHERE item_id = $1`, ids[1]).Scan(&draftState, &reason))
	require.Equal(t, "rejected", draftState, "the member's draft left the approval queue")
	require.Contains(t, reason, "fixed in 4.2.1")
	var withdrawn int
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM draft_events WHERE action = 'withdrawn'`).Scan(&withdrawn))
	require.Equal(t, 1, withdrawn)

	n, err = b.svc.Get(b.ctx, incident)
	require.NoError(t, err)
	require.Equal(t, "closed", n.State)
	require.Equal(t, "maya", n.ClosedBy)
	_, err = b.svc.Close(b.ctx, incident, "maya", "again")
	require.Equal(t, apperr.ECONFLICT, apperr.CodeOf(err))
	_, err = b.svc.Close(b.ctx, incident+100, "maya", "x")
	require.Equal(t, apperr.ENOTFOUND, apperr.CodeOf(err))
}

func TestReplyToEveryMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids, incident := b.openIncident(t)
	b.pendingDraft(t, ids[0])
	b.set(t, ids[5], items.StateClassified, items.StateReplied)

	_, err := b.svc.Reply(b.ctx, incident, "", "maya")
	require.Equal(t, apperr.EINVALID, apperr.CodeOf(err))

	body := "Thanks for reporting: 4.2.1 fixes the crash in settings, rolling out now."
	n, err := b.svc.Reply(b.ctx, incident, body, "maya")
	require.NoError(t, err)
	require.Equal(t, len(surge)-1, n)
	for i, id := range ids[:5] {
		require.Equal(t, items.StateApproved, b.state(t, id), "member %d", i)
		var final string
		require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT final_body FROM drafts WHERE item_id = $1`, id).Scan(&final))
		require.Equal(t, body, final)
	}
	require.Equal(t, items.StateReplied, b.state(t, ids[5]))
	var sends int
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = 'send_reply'`).Scan(&sends))
	require.Equal(t, n, sends, "one send job per member: each delivery is recorded")

	// A second reply finds no member waiting.
	n, err = b.svc.Reply(b.ctx, incident, body, "maya")
	require.NoError(t, err)
	require.Zero(t, n)

	list, err := b.svc.List(b.ctx, "open")
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, incident, list[0].ID)
	require.Equal(t, len(surge), list[0].LastHour)
}
