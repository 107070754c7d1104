package routing_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/routing"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// labels returns a classification with every confidence at conf.
func labels(intent taxonomy.Intent, topic string, risk taxonomy.Risk, severity taxonomy.Severity, conf float64) taxonomy.Classification {
	c := taxonomy.Classification{Intent: intent, Topic: topic, Risk: risk, Severity: severity,
		Urgency: taxonomy.UrgencyNormal, Sentiment: taxonomy.SentimentNeutral, Language: "en"}
	for _, f := range taxonomy.Fields {
		c.Confidence.Set(f, conf)
	}
	return c
}

func defaults(t *testing.T) *routing.Rules {
	t.Helper()
	r, err := routing.Loader{Channels: items.Channels}.Default()
	if err != nil {
		t.Fatalf("built-in rules: %v", err)
	}
	return r
}

func TestDefaultRoute(t *testing.T) {
	r := defaults(t)
	tests := []struct {
		name                 string
		in                   routing.Input
		rule, team, priority string
		sla                  time.Duration
	}{
		{"scam", routing.Input{Labels: labels(taxonomy.IntentRiskSignal, "account", taxonomy.RiskScam, taxonomy.SeverityHigh, .9), Channel: "x"},
			"scams-and-impersonation", "trust_and_safety", "p1", time.Hour},
		{"outage", routing.Input{Labels: labels(taxonomy.IntentSupportIssue, "bug", taxonomy.RiskNone, taxonomy.SeverityCritical, .9), Channel: "discord"},
			"outage", "engineering", "p1", time.Hour},
		{"billing", routing.Input{Labels: labels(taxonomy.IntentSupportIssue, "billing", taxonomy.RiskNone, taxonomy.SeverityMedium, .9), Channel: "email"},
			"billing", "finance", "p2", 4 * time.Hour},
		{"feedback", routing.Input{Labels: labels(taxonomy.IntentProductFeedback, "feature_request", taxonomy.RiskNone, taxonomy.SeverityLow, .9), Channel: "reddit"},
			"feedback", "product", "p3", 24 * time.Hour},
		{"nothing matches", routing.Input{Labels: labels(taxonomy.IntentSupportIssue, "account", taxonomy.RiskNone, taxonomy.SeverityLow, .9), Channel: "forum"},
			routing.DefaultRule, "support", "p3", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := r.Route(tt.in)
			if d.Rule != tt.rule || d.Team != tt.team || d.Priority != tt.priority || d.SLA != tt.sla {
				t.Errorf("Route = %+v, want rule %s team %s priority %s sla %s", d, tt.rule, tt.team, tt.priority, tt.sla)
			}
		})
	}
}

const base = `teams:
  support: {}
  engineering: {}
priorities:
  urgent: 30m
  normal: 1d
default: {team: support, priority: normal}
`

func parse(t *testing.T, rules string) (*routing.Rules, error) {
	t.Helper()
	return routing.Loader{Topics: taxonomy.DefaultTopics, Channels: items.Channels,
		LookupEnv: func(k string) (string, bool) { return map[string]string{"HOOK_KEY": "k3y"}[k], k == "HOOK_KEY" }}.
		Parse([]byte(base+rules), "rules.yaml")
}

func TestParseErrorsNameTheirLine(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		want  []string // each "line: fragment"
	}{
		{"unknown intent", `rules:
  - name: r
    when: {intent: complaint}
    team: support
`, []string{`rules.yaml:10: rule "r": when: unknown intent "complaint"`}},
		{"unknown team and priority", `rules:
  - name: r
    when: {risk: scam}
    team: security
    priority: p0
`, []string{`rules.yaml:11: rule "r": unknown team "security"`, `rules.yaml:12: rule "r": unknown priority "p0"`}},
		{"syntax", "rules:\n  - name: r\n   when: x\n", []string{"rules.yaml:8: YAML:"}},
		{"auto_close of a risk", `auto_close:
  - when: {risk: [none, scam]}
    min_confidence: 0.9
`, []string{"rules.yaml:9: auto_close #1: when: auto_close never closes an item with a risk"}},
		{"confidence out of range", `auto_close:
  - when: {intent: noise}
    min_confidence: 1.5
`, []string{"rules.yaml:10: auto_close #1: min_confidence 1.5 is outside (0,1]"}},
		{"escalation lowers", `escalation:
  urgent: {priority: normal}
`, []string{"rules.yaml:9: escalation urgent: priority normal is not more urgent than urgent"}},
		{"unknown key", `rules:
  - name: r
    when: {intent: noise, colour: red}
    team: support
`, []string{`rules.yaml:10: rule "r": when: unknown key "colour"`}},
		{"duplicate rule name", `rules:
  - name: r
    when: {intent: noise}
    team: support
  - name: r
    when: {intent: engagement}
    team: support
`, []string{`rules.yaml:12: rule #2: name "r" already used at line 9`}},
		{"qa_sample out of range", `qa_sample: 2
`, []string{"rules.yaml:8: qa_sample: 2 is outside [0,1]"}},
		{"bad channel and language", `rules:
  - name: r
    when: {channel: myspace, language: english}
    team: support
`, []string{`rules.yaml:10: rule "r": when: unknown channel "myspace"`, `rules.yaml:10: rule "r": when: language "english" is not an ISO 639-1 code`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parse(t, tt.rules)
			if err == nil {
				t.Fatalf("Parse accepted the file: %+v", r)
			}
			if !errors.Is(err, routing.ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
			var le *routing.LineError
			if !errors.As(err, &le) || (le.Line == 0 && tt.name != "syntax") {
				t.Errorf("error %v carries no line", err)
			}
		})
	}
}

func TestLoadRefusesFileWithLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.yaml")
	data := strings.Replace(string(routing.DefaultYAML()), "priority: p2\n", "priority: p9\n", 1)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(data[:strings.Index(data, "priority: p9")], "\n")
	_, err := routing.Load(path, taxonomy.DefaultTopics)
	want := path + ":" + itoa(line) + `: rule "legal": unknown priority "p9"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Load = %v, want %q", err, want)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestSecretEnv(t *testing.T) {
	r, err := parse(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if tm, ok := r.Team("support"); !ok || tm.Webhook != "" {
		t.Errorf("Team(support) = %+v, %v", tm, ok)
	}
	withHook := strings.Replace(base, "support: {}", "support: {webhook: 'https://hooks.example/t', secret_env: HOOK_KEY}", 1)
	r, err = routing.Loader{LookupEnv: func(k string) (string, bool) { return "k3y", k == "HOOK_KEY" }}.Parse([]byte(withHook), "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if tm, _ := r.Team("support"); tm.Secret != "k3y" || tm.Format != routing.FormatGeneric {
		t.Errorf("team = %+v, want the secret read and the generic format", tm)
	}
	_, err = routing.Loader{LookupEnv: func(string) (string, bool) { return "", false }}.Parse([]byte(withHook), "r.yaml")
	if err == nil || !strings.Contains(err.Error(), "r.yaml:2: team \"support\": secret_env: environment variable HOOK_KEY is not set") {
		t.Errorf("unset secret: %v", err)
	}
}

func TestKeywordsAndChannels(t *testing.T) {
	r, err := parse(t, `rules:
  - name: refunds
    when: {keywords: ["refund", "charge back"], channel: [email, x]}
    team: engineering
`)
	if err != nil {
		t.Fatal(err)
	}
	l := labels(taxonomy.IntentSupportIssue, "billing", taxonomy.RiskNone, taxonomy.SeverityLow, .9)
	tests := []struct {
		text, channel, rule string
	}{
		{"I want a REFUND now", "email", "refunds"},
		{"please charge  back my card", "x", "refunds"},
		{"refunded already", "email", routing.DefaultRule}, // whole words only
		{"I want a refund", "discord", routing.DefaultRule},
		{"chargeback", "email", routing.DefaultRule},
	}
	for _, tt := range tests {
		if got := r.Route(routing.Input{Labels: l, Channel: tt.channel, Text: tt.text}).Rule; got != tt.rule {
			t.Errorf("Route(%q on %s) rule = %s, want %s", tt.text, tt.channel, got, tt.rule)
		}
	}
}

func TestAutoCloseNeverClosesRiskOrSarcasm(t *testing.T) {
	r := defaults(t)
	noise := labels(taxonomy.IntentNoise, "other", taxonomy.RiskNone, taxonomy.SeverityLow, 0.99)
	if rule, ok := r.AutoClose(routing.Input{Labels: noise, Channel: "x"}); !ok || rule != "noise" {
		t.Fatalf("confident noise: AutoClose = %q, %v; want closed by noise", rule, ok)
	}
	for _, risk := range taxonomy.Risks {
		if risk == taxonomy.RiskNone {
			continue
		}
		l := noise
		l.Risk, l.Severity = risk, taxonomy.SeverityLow
		if rule, ok := r.AutoClose(routing.Input{Labels: l, Channel: "x"}); ok {
			t.Errorf("noise with risk %s and confidence 0.99 auto-closed by %q", risk, rule)
		}
	}
	sarcastic := noise
	sarcastic.Sarcasm = true
	if _, ok := r.AutoClose(routing.Input{Labels: sarcastic}); ok {
		t.Error("sarcastic noise auto-closed")
	}
	unsure := noise
	unsure.Confidence.Risk = 0.6 // sure it is noise, not sure it is harmless
	if _, ok := r.AutoClose(routing.Input{Labels: unsure}); ok {
		t.Error("noise with risk confidence 0.6 auto-closed")
	}
	unsure = noise
	unsure.Confidence.Intent = math.NaN()
	if _, ok := r.AutoClose(routing.Input{Labels: unsure}); ok {
		t.Error("NaN confidence auto-closed")
	}
	// A rules file cannot open the door either: a policy naming only a
	// risk-free condition still meets the guard.
	open, err := parse(t, `auto_close:
  - when: {channel: [x, email, discord]}
    min_confidence: 0.01
`)
	if err != nil {
		t.Fatal(err)
	}
	threat := labels(taxonomy.IntentRiskSignal, "other", taxonomy.RiskThreat, taxonomy.SeverityCritical, 1)
	if _, ok := open.AutoClose(routing.Input{Labels: threat, Channel: "x"}); ok {
		t.Error("permissive policy auto-closed a threat")
	}
}

func TestEscalate(t *testing.T) {
	r, err := parse(t, `escalation:
  normal: {team: engineering, priority: urgent}
`)
	if err != nil {
		t.Fatal(err)
	}
	d := r.Escalate(routing.Decision{Rule: "x", Team: "support", Priority: "normal", SLA: 24 * time.Hour})
	if d.Team != "support" || d.Notify != "engineering" || d.Priority != "urgent" || d.SLA != 30*time.Minute {
		t.Errorf("Escalate(normal) = %+v", d)
	}
	d = r.Escalate(routing.Decision{Team: "support", Priority: "urgent", SLA: 30 * time.Minute})
	if d.Notify != "" || d.Priority != "urgent" || r.Escalates("urgent") {
		t.Errorf("Escalate(urgent) = %+v, want unchanged", d)
	}
}

func TestSampledShare(t *testing.T) {
	r := defaults(t)
	n := 0
	for id := int64(1); id <= 20000; id++ {
		if r.Sampled(id) {
			n++
		}
		if r.Sampled(id) != r.Sampled(id) {
			t.Fatal("Sampled is not deterministic")
		}
	}
	if share := float64(n) / 20000; math.Abs(share-r.QASample()) > 0.01 {
		t.Errorf("sampled share %.3f, want %.2f ± 0.01", share, r.QASample())
	}
}

func TestSignVerify(t *testing.T) {
	body := []byte(`{"event":"routed"}`)
	at := time.Unix(1_800_000_000, 0)
	sig := routing.Sign("secret", at, body)
	ts := "1800000000"
	if err := routing.Verify("secret", ts, sig, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("Verify of a good signature: %v", err)
	}
	bad := []struct {
		name, secret, ts string
		body             []byte
		now              time.Time
	}{
		{"other secret", "Secret", ts, body, at},
		{"tampered body", "secret", ts, []byte(`{"event":"routed "}`), at},
		{"replayed later", "secret", ts, body, at.Add(time.Hour)},
		{"other timestamp", "secret", "1800000001", body, at},
		{"no timestamp", "secret", "", body, at},
	}
	for _, b := range bad {
		if err := routing.Verify(b.secret, b.ts, sig, b.body, b.now, 5*time.Minute); !errors.Is(err, routing.ErrBadSignature) {
			t.Errorf("%s: Verify = %v, want ErrBadSignature", b.name, err)
		}
	}
}

func TestSlackMessageEscapes(t *testing.T) {
	n := routing.Notification{Event: routing.EventRouted, ItemID: 7, Channel: "x", Team: "support", Priority: "p1",
		Summary: "<!channel> click <https://evil.example|here> & win", Due: time.Unix(1_800_000_000, 0)}
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Text struct{ Text string } `json:"text"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(routing.SlackMessage(n), &msg); err != nil {
		t.Fatal(err)
	}
	body := msg.Blocks[0].Text.Text
	if strings.Contains(body, "<!channel>") || strings.Contains(body, "<https://evil") {
		t.Errorf("untrusted summary not escaped: %s", body)
	}
	if !strings.Contains(body, "&lt;!channel&gt;") || !strings.Contains(msg.Text, "*support*") {
		t.Errorf("message = %+v", msg)
	}
	var g routing.Notification
	if err := json.Unmarshal(routing.GenericJSON(n), &g); err != nil || g.Summary != n.Summary || g.ItemID != 7 {
		t.Errorf("GenericJSON round trip = %+v, %v", g, err)
	}
}
