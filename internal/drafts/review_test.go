package drafts_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/calllog"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/prompt"
	"github.com/triage-oss/triage/internal/routing"
	"github.com/triage-oss/triage/prompts"
)

// outbox is the receiving end of the send webhook.
type outbox struct {
	srv      *httptest.Server
	mu       sync.Mutex
	received []drafts.Outgoing
	status   atomic.Int32
}

const secret = "s3cret"

func newOutbox(t *testing.T) *outbox {
	o := &outbox{}
	o.status.Store(http.StatusOK)
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := routing.Verify(secret, r.Header.Get(routing.HeaderTimestamp), r.Header.Get(routing.HeaderSignature), body, time.Now(), time.Minute)
		if err != nil || r.Header.Get("Idempotency-Key") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var out drafts.Outgoing
		_ = json.Unmarshal(body, &out)
		o.mu.Lock()
		o.received = append(o.received, out)
		o.mu.Unlock()
		w.WriteHeader(int(o.status.Load()))
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.received)
}

type testBundle struct {
	pool    *pgxpool.Pool
	svc     *drafts.Service
	river   *river.Client[pgx.Tx]
	outbox  *outbox
	ctx     context.Context
	counter atomic.Int64
}

func setup(t *testing.T, writer drafts.Writer, sender drafts.Sender) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := &testBundle{pool: pool, ctx: context.Background()}
	if sender == nil {
		b.outbox = newOutbox(t)
		sender = &drafts.Webhook{URL: b.outbox.srv.URL, Secret: secret}
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, drafts.NewDraftWorker(pool, nil, writer, drafts.WorkerConfig{Logger: log}))
	river.AddWorker(workers, drafts.NewSendWorker(pool, sender, log))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: log, TestOnly: true, Workers: workers,
		Queues:      map[string]river.QueueConfig{drafts.QueueDrafts: {MaxWorkers: 4, FetchCooldown: 10 * time.Millisecond}},
		RetryPolicy: fastRetry{}})
	require.NoError(t, err)
	require.NoError(t, client.Start(b.ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(ctx))
	})
	b.river, b.svc = client, drafts.NewService(pool, client)
	return b
}

// classified stores a classified support item and enqueues its draft job,
// as the triage worker does.
func (b *testBundle) classified(t *testing.T, text string) int64 {
	t.Helper()
	n := b.counter.Add(1)
	batch, err := items.DecodeBatch(fmt.Appendf(nil, `{"channel":"x","external_id":"%d","author":"@maya","text":%q}`, n, text), time.Now())
	require.NoError(t, err)
	var id int64
	require.NoError(t, pgx.BeginFunc(b.ctx, b.pool, func(tx pgx.Tx) error {
		res, err := items.NewStore(tx).Insert(b.ctx, batch.Items, "test", time.Now())
		if err != nil {
			return err
		}
		id = res[0].ID
		if _, err := classify.NewStore(tx).Insert(b.ctx, id, classify.Result{Labels: llmtest.Classify(text), Backend: "fake", Model: "m"}); err != nil {
			return err
		}
		if err := items.NewStore(tx).Transition(b.ctx, id, items.Change{From: items.StateReceived, To: items.StateClassified, Actor: "test", At: time.Now()}); err != nil {
			return err
		}
		_, err = b.river.InsertTx(b.ctx, tx, drafts.DraftArgs{ItemID: id}, nil)
		return err
	}))
	return id
}

func (b *testBundle) draftOf(t *testing.T, itemID int64) drafts.Draft {
	t.Helper()
	var d drafts.Draft
	require.Eventually(t, func() bool {
		var err error
		d, err = b.svc.ByItem(b.ctx, itemID)
		return err == nil
	}, 10*time.Second, 10*time.Millisecond)
	return d
}

func (b *testBundle) itemState(t *testing.T, id int64) items.State {
	t.Helper()
	it, err := items.NewStore(b.pool).Get(b.ctx, id)
	require.NoError(t, err)
	return it.State
}

func (b *testBundle) waitDraft(t *testing.T, id int64, want drafts.State) drafts.Draft {
	t.Helper()
	var d drafts.Draft
	require.Eventually(t, func() bool {
		var err error
		d, err = b.svc.Get(b.ctx, id)
		require.NoError(t, err)
		return d.State == want
	}, 10*time.Second, 10*time.Millisecond, "draft %d never became %s", id, want)
	return d
}

type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(20 * time.Millisecond) }

func TestApproveSends(t *testing.T) {
	t.Parallel()
	b := setup(t, drafts.Extractive{}, nil)
	id := b.classified(t, "sync is broken since the update, error 500")
	d := b.draftOf(t, id)
	require.Equal(t, drafts.StatePendingReview, d.State)
	require.Equal(t, items.StatePendingReview, b.itemState(t, id))
	require.True(t, d.Extractive)
	require.Contains(t, codes(d.Flags), drafts.FlagExtractive)
	require.Zero(t, b.outbox.count(), "nothing is sent before approval")

	_, err := b.svc.Review(b.ctx, d.ID, drafts.Action{Kind: drafts.ActionApprove, Version: d.Version, Reviewer: "ana"})
	require.NoError(t, err)
	sent := b.waitDraft(t, d.ID, drafts.StateSent)
	require.NotNil(t, sent.SentAt)
	require.Equal(t, items.StateReplied, b.itemState(t, id))
	require.Equal(t, 1, b.outbox.count())
	require.Equal(t, d.Body, b.outbox.received[0].Body)
	require.Equal(t, "ana", b.outbox.received[0].ApprovedBy)

	evs, err := b.svc.Events(b.ctx, d.ID)
	require.NoError(t, err)
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Action)
	}
	require.Equal(t, []string{"created", "approved", "sent"}, actions)
}

func TestEditApproveAndReject(t *testing.T) {
	t.Parallel()
	b := setup(t, drafts.Extractive{}, nil)
	edited := b.draftOf(t, b.classified(t, "I was charged twice this month"))
	rejected := b.draftOf(t, b.classified(t, "love the new albums, thank you"))

	body := "Hi Maya, sorry about the double charge: billing will look at it today and reply here.\n— the team"
	got, err := b.svc.Review(b.ctx, edited.ID, drafts.Action{Kind: drafts.ActionApprove, Version: edited.Version, Reviewer: "ana", Body: body})
	require.NoError(t, err)
	require.Equal(t, drafts.StateEdited, got.State)
	require.Equal(t, body, *got.FinalBody)
	b.waitDraft(t, edited.ID, drafts.StateSent)
	require.Equal(t, body, b.outbox.received[0].Body, "the edited text is what goes out")
	evs, err := b.svc.Events(b.ctx, edited.ID)
	require.NoError(t, err)
	require.Equal(t, "edited", evs[1].Action)
	require.Equal(t, drafts.EditDistance(edited.Body, body), evs[1].EditDistance)
	require.Positive(t, evs[1].EditDistance)

	_, err = b.svc.Review(b.ctx, rejected.ID, drafts.Action{Kind: drafts.ActionReject, Version: rejected.Version, Reviewer: "ana"})
	require.Equal(t, apperr.EINVALID, apperr.CodeOf(err), "a rejection needs a reason")
	got, err = b.svc.Review(b.ctx, rejected.ID, drafts.Action{Kind: drafts.ActionReject, Version: rejected.Version, Reviewer: "ana", Reason: "praise, no reply needed"})
	require.NoError(t, err)
	require.Equal(t, drafts.StateRejected, got.State)
	require.Equal(t, items.StateClosed, b.itemState(t, rejected.ItemID))
	time.Sleep(100 * time.Millisecond)
	require.Equal(t, 1, b.outbox.count(), "a rejected draft is never sent")
}

// Two reviewers act on the same version at once: exactly one wins.
func TestConcurrentReviewsOneOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t, drafts.Extractive{}, nil)
	for round := range 5 {
		d := b.draftOf(t, b.classified(t, fmt.Sprintf("my export fails with an error, round %d", round)))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, a := range []drafts.Action{
			{Kind: drafts.ActionApprove, Version: d.Version, Reviewer: "ana"},
			{Kind: drafts.ActionReject, Version: d.Version, Reviewer: "ben", Reason: "duplicate"},
		} {
			wg.Go(func() { _, errs[i] = b.svc.Review(b.ctx, d.ID, a) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				require.Equal(t, apperr.ECONFLICT, apperr.CodeOf(err), "%v", err)
			}
		}
		require.Equal(t, 1, ok, "exactly one review wins")
		evs, err := b.svc.Events(b.ctx, d.ID)
		require.NoError(t, err)
		require.Len(t, evs, 2, "created + the one decision")
		after, err := b.svc.Get(b.ctx, d.ID)
		require.NoError(t, err)
		require.Equal(t, d.Version+1, after.Version)
	}
}

// A send job for a draft nobody approved sends nothing.
func TestUnapprovedIsNeverSent(t *testing.T) {
	t.Parallel()
	b := setup(t, drafts.Extractive{}, nil)
	d := b.draftOf(t, b.classified(t, "where is my photo book order?"))
	res, err := b.river.Insert(b.ctx, drafts.SendArgs{DraftID: d.ID}, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var state string
		require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT state FROM river_job WHERE id = $1", res.Job.ID).Scan(&state))
		return state == "cancelled"
	}, 10*time.Second, 10*time.Millisecond)
	require.Zero(t, b.outbox.count())
	got, err := b.svc.Get(b.ctx, d.ID)
	require.NoError(t, err)
	require.Equal(t, drafts.StatePendingReview, got.State)

	// A stale version cannot approve either.
	_, err = b.svc.Review(b.ctx, d.ID, drafts.Action{Kind: drafts.ActionApprove, Version: d.Version + 1, Reviewer: "ana"})
	require.Equal(t, apperr.ECONFLICT, apperr.CodeOf(err))
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	t.Run("no sender configured", func(t *testing.T) {
		t.Parallel()
		b := setup(t, drafts.Extractive{}, drafts.NoSender{})
		d := b.draftOf(t, b.classified(t, "app crashes when I open albums"))
		_, err := b.svc.Review(b.ctx, d.ID, drafts.Action{Kind: drafts.ActionApprove, Version: d.Version, Reviewer: "ana"})
		require.NoError(t, err)
		failed := b.waitDraft(t, d.ID, drafts.StateSendFailed)
		require.Contains(t, failed.SendError, "TRIAGE_SEND_WEBHOOK_URL")
		require.Equal(t, items.StateNeedsHuman, b.itemState(t, d.ItemID))
	})
	t.Run("receiver down then up", func(t *testing.T) {
		t.Parallel()
		b := setup(t, drafts.Extractive{}, nil)
		b.outbox.status.Store(http.StatusServiceUnavailable)
		d := b.draftOf(t, b.classified(t, "login fails with an error"))
		_, err := b.svc.Review(b.ctx, d.ID, drafts.Action{Kind: drafts.ActionApprove, Version: d.Version, Reviewer: "ana"})
		require.NoError(t, err)
		require.Eventually(t, func() bool { return b.outbox.count() >= 2 }, 10*time.Second, 10*time.Millisecond)
		b.outbox.status.Store(http.StatusOK)
		b.waitDraft(t, d.ID, drafts.StateSent)
		require.Equal(t, items.StateReplied, b.itemState(t, d.ItemID))
	})
}

// A model that drafts without citing the retrieved passages is flagged.
func TestLLMDraftWithoutCitationsIsFlagged(t *testing.T) {
	t.Parallel()
	model := llmtest.NewOpenAI(t, llmtest.Always(llmtest.Reply{Content: `{"reply":"Hi! We'll refund you by Monday.","citations":[]}`}))
	client, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: model.BaseURL(), Model: "gpt-test"})
	require.NoError(t, err)
	p, err := prompt.Load(prompts.FS, "draft/v1")
	require.NoError(t, err)
	b0 := pgtest.New(t)
	w, err := drafts.NewLLMWriter(client, calllog.NewStore(b0), p, "")
	require.NoError(t, err)
	out, err := w.Write(context.Background(), drafts.Request{Channel: "x", Text: "charged twice", Passages: passages})
	require.NoError(t, err)
	require.Equal(t, "draft/v1", out.PromptVersion)
	flags := codes(drafts.Check(out.Body, out.Cited, passages, drafts.DefaultRules, support))
	require.Contains(t, flags, drafts.FlagNoCitation)
	require.Contains(t, flags, drafts.FlagForbiddenPromise)
	// The passages went to the model as data, with the schema.
	call := model.Calls()[0]
	require.Equal(t, "triage_draft", call.SchemaName)
	require.Contains(t, call.LastUser(), "Sync troubleshooting")

	garbage := llmtest.NewOllama(t, llmtest.Garbage())
	oc, err := llm.NewOllama(llm.OllamaConfig{Host: garbage.URL, Model: "m"})
	require.NoError(t, err)
	w, err = drafts.NewLLMWriter(oc, calllog.NewStore(b0), p, "")
	require.NoError(t, err)
	_, err = w.Write(context.Background(), drafts.Request{Channel: "x", Text: "hi", Passages: passages})
	require.True(t, errors.Is(err, drafts.ErrInvalidDraft), "%v", err)
}

func TestStatsPerVersion(t *testing.T) {
	t.Parallel()
	b := setup(t, drafts.Extractive{}, nil)
	var ds []drafts.Draft
	for _, text := range []string{"sync error after update", "charged twice, refund?", "app crashes on export", "login fails"} {
		ds = append(ds, b.draftOf(t, b.classified(t, text)))
	}
	_, err := b.svc.Review(b.ctx, ds[0].ID, drafts.Action{Kind: drafts.ActionApprove, Version: ds[0].Version, Reviewer: "ana"})
	require.NoError(t, err)
	_, err = b.svc.Review(b.ctx, ds[1].ID, drafts.Action{Kind: drafts.ActionApprove, Version: ds[1].Version, Reviewer: "ana", Body: ds[1].Body + " Thanks!"})
	require.NoError(t, err)
	_, err = b.svc.Review(b.ctx, ds[2].ID, drafts.Action{Kind: drafts.ActionReject, Version: ds[2].Version, Reviewer: "ana", Reason: "wrong article"})
	require.NoError(t, err)
	stats, err := b.svc.Stats(b.ctx)
	require.NoError(t, err)
	require.Equal(t, []drafts.VersionStats{{Version: "extractive-v1", Drafts: 4, Pending: 1, ApprovedAsIs: 1, Edited: 1, Rejected: 1,
		MeanEditDistance: 8, MedianEditDistance: 8}}, stats)
}
