// Package dispatch decides what happens to an item once it is classified:
// closed by the auto-closure policy (a sample goes to QA review), or routed
// to its owning team with a priority and an SLA deadline (the team is
// notified by webhook), then drafted if it deserves a reply. Members of an
// open incident are handled with the incident. A periodic job flags SLA
// breaches and escalates them per the routing rules.
package dispatch

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/routing"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Rules are the routing rules (routing.Rules).
type Rules interface {
	Route(in routing.Input) routing.Decision
	AutoClose(in routing.Input) (string, bool)
	Sampled(itemID int64) bool
	SLA(priority string) time.Duration
	Teams
}

// Args is the job that dispatches one triaged item. Triage now dispatches
// in its own transaction (Worker.Dispatch); the job kind remains for jobs
// queued by earlier versions.
type Args struct {
	ItemID int64 `json:"item_id"`
}

// Kind is the River job kind.
func (Args) Kind() string { return "dispatch" }

// InsertOpts puts dispatch jobs on the triage queue.
func (Args) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: pipeline.QueueTriage} }

// Opinion is a second, independent reading of an item (the local model),
// which no instruction written in the item can sway.
type Opinion interface {
	Classify(ctx context.Context, in classify.Input) (classify.Result, error)
}

// VetoRisk is the probability of some risk, by the local model, from which
// its second opinion keeps an item from being auto-closed. Chosen on the
// eval sets with a model fooled into calling everything harmless noise: at
// 0.3 it catches 84% of the risky items of evals/core.jsonl and sends 14%
// of the harmless ones to a person instead of closing them, a cheap error.
const VetoRisk = 0.3

// Worker runs dispatch jobs.
type Worker struct {
	river.WorkerDefaults[Args]
	pool   *pgxpool.Pool
	rules  Rules
	second Opinion
	log    *slog.Logger
	now    func() time.Time
}

// WithSecondOpinion makes w ask o before auto-closing: when o gives a risk
// in the text a probability of at least VetoRisk the item is routed to a person
// instead, whatever the model said. A model talked into calling a scam
// "noise" by the scam's own text does not get it closed. It returns w.
func (w *Worker) WithSecondOpinion(o Opinion) *Worker {
	w.second = o
	return w
}

var _ river.Worker[Args] = (*Worker)(nil)

// NewWorker returns a Worker applying rules.
func NewWorker(pool *pgxpool.Pool, rules Rules, log *slog.Logger) *Worker {
	return &Worker{pool: pool, rules: rules, log: cmp.Or(log, slog.Default()), now: time.Now}
}

// Dispatch dispatches the item in tx: the transaction of the triage job
// that classified it (it.State is the state it was moved to), so that an
// item is classified and routed, closed or drafted at once, with no job of
// its own. It must run inside a River job (it inserts the notify and draft
// jobs with the job's client).
func (w *Worker) Dispatch(ctx context.Context, tx pgx.Tx, it items.Item) error {
	return w.dispatch(ctx, tx, it)
}

// Work dispatches the item once; an item no longer classified or filtered
// was dispatched already.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		it, err := items.NewStore(tx).Get(ctx, job.Args.ItemID)
		if err != nil {
			return err
		}
		if err := w.dispatch(ctx, tx, it); err != nil {
			return err
		}
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
	if apperr.CodeOf(err) == apperr.ENOTFOUND {
		return river.JobCancel(err)
	}
	return err
}

func (w *Worker) dispatch(ctx context.Context, tx pgx.Tx, it items.Item) error {
	now := w.now()
	switch it.State {
	case items.StateFiltered:
		return w.sample(ctx, tx, it.ID, "prefilter", now)
	case items.StateClassified:
	default:
		return nil
	}
	labels, err := classify.NewStore(tx).Latest(ctx, it.ID)
	if err != nil {
		return err
	}
	in := routing.Input{Labels: labels.Classification, Channel: it.Channel, Text: it.Text}
	if handled, err := w.joinIncident(ctx, tx, it, now); handled || err != nil {
		return err
	}
	rule, closing := w.rules.AutoClose(in)
	if closing {
		vetoed, err := w.vetoed(ctx, tx, it, rule, now)
		if err != nil {
			return err
		}
		closing = !vetoed
	}
	if closing {
		if err := items.NewStore(tx).Transition(ctx, it.ID, items.Change{From: items.StateClassified, To: items.StateAutoClosed,
			Reason: "auto-closed by policy " + rule, Actor: "dispatcher", At: now, Detail: map[string]any{"rule": rule}}); err != nil {
			return err
		}
		return w.sample(ctx, tx, it.ID, rule, now)
	}
	d := w.rules.Route(in)
	due := it.ReceivedAt.Add(d.SLA)
	if _, err := tx.Exec(ctx, queries.Get("SetRoute"), it.ID, d.Team, d.Priority, d.Rule, due); err != nil {
		return fmt.Errorf("route item %d: %w", it.ID, err)
	}
	if err := annotate(ctx, tx, it, "routed", fmt.Sprintf("routed to %s (%s, due %s) by rule %s", d.Team, d.Priority, due.UTC().Format(time.RFC3339), d.Rule),
		map[string]any{"team": d.Team, "priority": d.Priority, "rule": d.Rule, "due": due}, now); err != nil {
		return err
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	// A team without a webhook has no one to tell: no job.
	if team, ok := w.rules.Team(d.Team); ok && team.Webhook != "" {
		if _, err := client.InsertTx(ctx, tx, NotifyArgs{ItemID: it.ID, Event: routing.EventRouted, Team: d.Team}, nil); err != nil {
			return err
		}
	}
	if ok, _ := drafts.Deserves(labels.Classification); ok {
		_, err = client.InsertTx(ctx, tx, drafts.DraftArgs{ItemID: it.ID}, nil)
	}
	return err
}

// joinIncident routes a member of an open incident with the incident: its
// team and priority, no notification and no draft of its own (the incident
// gets one reply for every member).
func (w *Worker) joinIncident(ctx context.Context, tx pgx.Tx, it items.Item, now time.Time) (bool, error) {
	var id int64
	var team, priority string
	var opened time.Time
	err := tx.QueryRow(ctx, queries.Get("IncidentOfItem"), it.ID).Scan(&id, &team, &priority, &opened)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	due := opened.Add(w.rules.SLA(priority))
	if _, err := tx.Exec(ctx, queries.Get("SetRoute"), it.ID, team, priority, fmt.Sprintf("incident %d", id), due); err != nil {
		return false, err
	}
	if err := annotate(ctx, tx, it, "incident_member", fmt.Sprintf("member of incident %d (%s, %s)", id, team, priority),
		map[string]any{"incident_id": id, "team": team, "priority": priority}, now); err != nil {
		return false, err
	}
	// The first member dispatched after the incident opened tells the team.
	err = tx.QueryRow(ctx, queries.Get("MarkIncidentNotified"), id, now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return false, err
	}
	_, err = client.InsertTx(ctx, tx, NotifyArgs{ItemID: it.ID, Event: routing.EventIncidentOpened, Team: team, IncidentID: id}, nil)
	return true, err
}

func (w *Worker) sample(ctx context.Context, tx pgx.Tx, itemID int64, closedBy string, now time.Time) error {
	if !w.rules.Sampled(itemID) {
		return nil
	}
	_, err := tx.Exec(ctx, queries.Get("SampleQA"), itemID, closedBy, now)
	return err
}

// annotate records an event that does not change the item's state.
func annotate(ctx context.Context, tx pgx.Tx, it items.Item, event, reason string, detail map[string]any, at time.Time) error {
	return items.NewStore(tx).Annotate(ctx, it.ID, event, reason, "dispatcher", detail, at)
}

// vetoed reports whether the second opinion sees a risk the labels do not,
// and records the veto in the item's history.
func (w *Worker) vetoed(ctx context.Context, tx pgx.Tx, it items.Item, rule string, now time.Time) (bool, error) {
	if w.second == nil {
		return false, nil
	}
	res, err := w.second.Classify(ctx, classify.Input{ItemID: it.ID, Channel: it.Channel, Author: it.Author, Text: it.Text})
	if err != nil {
		return false, fmt.Errorf("second opinion on item %d: %w", it.ID, err)
	}
	l := res.Labels
	p := l.RiskProbability()
	if p < VetoRisk {
		return false, nil
	}
	reason := fmt.Sprintf("not auto-closed by %s: the local model gives a risk a probability of %.2f (%s)", rule, p, l.Risk)
	return true, annotate(ctx, tx, it, "auto_close_vetoed", reason, map[string]any{"rule": rule, "local_risk": l.Risk,
		"local_risk_probability": p}, now)
}
