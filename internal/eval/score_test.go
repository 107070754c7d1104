package eval_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/llm/llmtest"
	"github.com/triage-oss/triage/internal/taxonomy"
)

func read(t *testing.T, jsonl string) []eval.Item {
	t.Helper()
	items, err := eval.Read(strings.NewReader(jsonl), taxonomy.Default())
	require.NoError(t, err)
	return items
}

func pred(id string, intent taxonomy.Intent, risk taxonomy.Risk) eval.Prediction {
	c := taxonomy.Classification{Intent: intent, Risk: risk}
	return eval.Prediction{ID: id, Predicted: &c}
}

func TestScore(t *testing.T) {
	t.Parallel()
	items := read(t, `
{"id":"1","text":"a","channel":"x","expected":{"intent":"support_issue","risk=abuse":false}}
{"id":"2","text":"b","channel":"x","expected":{"intent":"support_issue","risk=abuse":true}}
{"id":"3","text":"c","channel":"x","expected":{"intent":"noise","risk=abuse":true}}
{"id":"4","text":"d","channel":"x","expected":{"intent":"engagement"}}
{"id":"5","text":"e","channel":"x","expected":{"intent":"noise"}}
`)
	preds := []eval.Prediction{
		pred("1", taxonomy.IntentSupportIssue, taxonomy.RiskNone),
		pred("2", taxonomy.IntentNoise, taxonomy.RiskAbuse),
		pred("3", taxonomy.IntentNoise, taxonomy.RiskNone),
		pred("4", taxonomy.IntentEngagement, taxonomy.RiskAbuse),
		{ID: "5", Error: "model timed out"},
	}
	r, err := eval.Score(items, preds)
	require.NoError(t, err)
	require.Equal(t, 5, r.Items)
	require.Equal(t, 4, r.Scored)
	require.Equal(t, 1, r.Errors)

	intent := r.Fields[taxonomy.FieldIntent]
	require.Equal(t, 4, intent.Support)
	require.InDelta(t, 3.0/4, intent.Accuracy, 1e-9)
	// support_issue: P 1/1 R 1/2 F1 2/3; noise: P 1/2 R 1/1 F1 2/3; engagement: 1.
	require.InDelta(t, 2.0/3, intent.Labels["support_issue"].F1, 1e-9)
	require.InDelta(t, 0.5, intent.Labels["noise"].Precision, 1e-9)
	require.Equal(t, 2, intent.Labels["support_issue"].Support)
	require.InDelta(t, (2.0/3+2.0/3+1)/3, intent.MacroF1, 1e-9)
	require.Equal(t, 1, intent.Confusion["support_issue"]["noise"])

	abuse := r.OneVsRest["risk=abuse"]
	require.Equal(t, eval.BinaryScore{Support: 3, Positives: 2, TP: 1, FN: 1, TN: 1, Precision: 1, Recall: 0.5,
		F1: 2.0 / 3, Accuracy: 2.0 / 3, MacroF1: (2.0/3 + 2.0/3) / 2}, *abuse)

	_, err = eval.Score(items, preds[:2])
	require.ErrorContains(t, err, `no prediction for item "3"`)

	var out strings.Builder
	require.NoError(t, r.Print(&out))
	require.Contains(t, out.String(), "risk=abuse")
	require.Contains(t, out.String(), "intent=support_issue")
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, line, want string }{
		{"bad json", `{"id":`, "line 1"},
		{"unknown field", `{"id":"1","text":"a","expected":{"mood":"x"}}`, "unknown field"},
		{"bad label", `{"id":"1","text":"a","expected":{"intent":"question"}}`, "not one of the intent labels"},
		{"sarcasm not bool", `{"id":"1","text":"a","expected":{"sarcasm":"yes"}}`, "want a boolean"},
		{"one-vs-rest not bool", `{"id":"1","text":"a","expected":{"risk=abuse":"yes"}}`, "want a boolean"},
		{"one-vs-rest bad label", `{"id":"1","text":"a","expected":{"risk=rude":true}}`, "not one of the risk labels"},
		{"bad language", `{"id":"1","text":"a","expected":{"language":"english"}}`, "ISO 639-1"},
		{"no text", `{"id":"1","text":" ","expected":{}}`, "required"},
		{"repeated id", `{"id":"1","text":"a","expected":{}}` + "\n" + `{"id":"1","text":"b","expected":{}}`, "repeated"},
		{"empty", ``, "no items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := eval.Read(strings.NewReader(tt.line), taxonomy.Default())
			require.ErrorContains(t, err, tt.want)
		})
	}
}

type rules struct{}

func (rules) Classify(_ context.Context, in classify.Input) (classify.Result, error) {
	return classify.Result{Labels: llmtest.Classify(in.Text), Backend: "fake", Calls: 1}, nil
}

func TestRun(t *testing.T) {
	t.Parallel()
	items := read(t, `
{"id":"a","text":"I was charged twice, refund please","channel":"email","expected":{"intent":"support_issue","topic":"billing"}}
{"id":"b","text":"love it, thank you","channel":"x","expected":{"intent":"engagement"}}
{"id":"c","text":"lol","channel":"discord","expected":{"intent":"noise"}}
`)
	var progress []int
	preds, err := eval.Run(context.Background(), items, rules{}, eval.Options{Concurrency: 2, Progress: func(done, total int) {
		require.Equal(t, 3, total)
		progress = append(progress, done)
	}})
	require.NoError(t, err)
	require.Equal(t, []int{1, 2, 3}, progress)
	for i, p := range preds {
		require.Equal(t, items[i].ID, p.ID, "predictions in item order")
	}
	r, err := eval.Score(items, preds)
	require.NoError(t, err)
	require.InDelta(t, 1.0, r.Fields[taxonomy.FieldIntent].Accuracy, 1e-9)
}

func TestOneVsRestAlternatives(t *testing.T) {
	t.Parallel()
	items := read(t, `
{"id":"1","text":"a","channel":"sms","expected":{"risk=spam|scam":true}}
{"id":"2","text":"b","channel":"sms","expected":{"risk=spam|scam":true}}
{"id":"3","text":"c","channel":"sms","expected":{"risk=spam|scam":false}}
`)
	r, err := eval.Score(items, []eval.Prediction{
		pred("1", taxonomy.IntentNoise, taxonomy.RiskScam),
		pred("2", taxonomy.IntentNoise, taxonomy.RiskSpam),
		pred("3", taxonomy.IntentNoise, taxonomy.RiskAbuse),
	})
	require.NoError(t, err)
	b := r.OneVsRest["risk=spam|scam"]
	require.Equal(t, 2, b.TP)
	require.Equal(t, 1, b.TN)
	_, err = eval.Read(strings.NewReader(`{"id":"1","text":"a","expected":{"risk=spam|rude":true}}`), taxonomy.Default())
	require.ErrorContains(t, err, `"rude" is not one of the risk labels`)
}

func TestScoreCascade(t *testing.T) {
	t.Parallel()
	items := read(t, `
{"id":"1","text":"a","channel":"x","expected":{"intent":"noise"}}
{"id":"2","text":"b","channel":"x","expected":{"intent":"support_issue"}}
{"id":"3","text":"c","channel":"x","expected":{"risk":"scam","intent":"risk_signal"}}
{"id":"4","text":"d","channel":"x","expected":{"sentiment":"neutral"}}
{"id":"5","text":"e","channel":"x","expected":{"intent":"engagement"}}
`)
	closed := func(id string) eval.Prediction {
		p := pred(id, taxonomy.IntentNoise, taxonomy.RiskNone)
		p.Prefilter = "noise (confidence 0.97)"
		return p
	}
	s := eval.ScoreCascade(items, []eval.Prediction{closed("1"), closed("2"), closed("3"), closed("4"), pred("5", taxonomy.IntentEngagement, taxonomy.RiskNone)})
	require.Equal(t, 4, s.Closed)
	require.Equal(t, 3, s.Judged, "item 4 says nothing about intent or risk")
	require.Equal(t, 1, s.Correct)
	require.Equal(t, []string{"2", "3"}, s.Wrong)
	require.InDelta(t, 1.0/3, s.Precision, 1e-9)
	require.InDelta(t, 4.0/5, s.CallsAvoided, 1e-9)
}
