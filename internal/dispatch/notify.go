package dispatch

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/pipeline"
	"github.com/triage-oss/triage/internal/routing"
)

// Teams resolves a team's webhook (routing.Rules).
type Teams interface {
	Team(name string) (routing.Team, bool)
}

// NotifyArgs is the job that tells a team about an item (routed, SLA
// breached) or an incident.
type NotifyArgs struct {
	ItemID     int64  `json:"item_id"`
	Event      string `json:"event"` // routed, sla_breached, incident_opened
	Team       string `json:"team"`
	IncidentID int64  `json:"incident_id,omitempty"`
}

// Kind is the River job kind.
func (NotifyArgs) Kind() string { return "notify" }

// InsertOpts puts notifications on the maintenance queue, retried.
func (NotifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: pipeline.QueueMaintenance, MaxAttempts: 10}
}

// NotifyWorker posts notifications to team webhooks.
type NotifyWorker struct {
	river.WorkerDefaults[NotifyArgs]
	pool   *pgxpool.Pool
	teams  Teams
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
	// BaseURL, when set, links notifications to the item (or incident) in
	// the API.
	BaseURL string
}

var _ river.Worker[NotifyArgs] = (*NotifyWorker)(nil)

// NewNotifyWorker returns a NotifyWorker.
func NewNotifyWorker(pool *pgxpool.Pool, teams Teams, log *slog.Logger) *NotifyWorker {
	return &NotifyWorker{pool: pool, teams: teams, client: &http.Client{Timeout: 30 * time.Second},
		log: cmp.Or(log, slog.Default()), now: time.Now}
}

// Work posts the notification; a team without a webhook is not notified.
// A refused delivery (4xx other than 429) is cancelled, not retried; a 429,
// a 5xx or a network error is retried with River's backoff.
func (w *NotifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	team, ok := w.teams.Team(job.Args.Team)
	if !ok || team.Webhook == "" {
		return nil
	}
	it, err := items.NewStore(w.pool).Get(ctx, job.Args.ItemID)
	if apperr.CodeOf(err) == apperr.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	n := routing.Notification{Event: job.Args.Event, ItemID: it.ID, Channel: it.Channel, URL: it.URL, Team: team.Name,
		IncidentID: job.Args.IncidentID, At: w.now()}
	if w.BaseURL != "" {
		n.Link = fmt.Sprintf("%s/v1/items/%d", strings.TrimSuffix(w.BaseURL, "/"), it.ID)
		if n.IncidentID != 0 {
			n.Link = fmt.Sprintf("%s/v1/incidents/%d", strings.TrimSuffix(w.BaseURL, "/"), n.IncidentID)
		}
	}
	if c, err := classify.NewStore(w.pool).Latest(ctx, it.ID); err == nil {
		n.Labels, n.Summary = c.Classification, c.Summary
	}
	var due *time.Time
	if err := w.pool.QueryRow(ctx, queries.Get("RouteOfItem"), it.ID).Scan(&n.Priority, &due); err != nil {
		return fmt.Errorf("route of item %d: %w", it.ID, err)
	}
	if due != nil {
		n.Due = *due
	}
	body := routing.GenericJSON(n)
	if team.Format == routing.FormatSlack {
		body = routing.SlackMessage(n)
	}
	return w.post(ctx, team, body)
}

func (w *NotifyWorker) post(ctx context.Context, team routing.Team, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, team.Webhook, bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(fmt.Errorf("team %s webhook: %w", team.Name, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "triage-notify/1")
	if team.Secret != "" {
		ts := w.now()
		req.Header.Set(routing.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		req.Header.Set(routing.HeaderSignature, routing.Sign(team.Secret, ts, body))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("notify team %s: %w", team.Name, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("notify team %s: %s: %s", team.Name, resp.Status, msg)
	}
	return river.JobCancel(fmt.Errorf("notify team %s: %s: %s", team.Name, resp.Status, msg))
}
