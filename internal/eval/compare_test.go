package eval_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/eval"
)

// intentOutcome is an item expecting intent want, predicted got with confidence
// conf.
func intentOutcome(id, want, got string, conf float64) eval.Outcome {
	return eval.Outcome{ID: id, Text: "text of " + id, Expected: map[string]string{"intent": want},
		Predicted: map[string]string{"intent": got}, Confidence: map[string]float64{"intent": conf}}
}

func runResult(prompt string, items ...eval.Outcome) eval.Result {
	return eval.Result{RunReport: eval.RunReport{Set: "core", Backend: "fake", Model: "m", Prompt: prompt}, Items: items}
}

// sixItems is two runs on six items:
//
//	id  expected        A               B
//	1   support_issue   support_issue   support_issue
//	2   support_issue   noise           support_issue   fix
//	3   noise           noise           risk_signal     regression
//	4   noise           noise           noise
//	5   engagement      support_issue   engagement      fix
//	6   engagement      engagement      engagement
//
// Accuracy: A 4/6, B 5/6, delta 1/6. McNemar: b = 1, c = 2, p = 2·(1+3)/8 = 1.
//
// Macro-F1 A over {support_issue, noise, engagement}:
// support_issue P 1/2 R 1/2 F1 1/2; noise P 2/3 R 1 F1 4/5; engagement
// P 1 R 1/2 F1 2/3; (1/2 + 4/5 + 2/3)/3 = 59/90.
//
// Macro-F1 B over {support_issue, noise, engagement, risk_signal}, the
// last only predicted: support_issue 1; noise P 1 R 1/2 F1 2/3;
// engagement 1; risk_signal 0; (1 + 2/3 + 1 + 0)/4 = 60/90. Delta 1/90.
func sixItems() (a, b eval.Result) {
	a = runResult("classify/v1",
		intentOutcome("1", "support_issue", "support_issue", 0.9), intentOutcome("2", "support_issue", "noise", 0.6),
		intentOutcome("3", "noise", "noise", 0.8), intentOutcome("4", "noise", "noise", 0.7),
		intentOutcome("5", "engagement", "support_issue", 0.5), intentOutcome("6", "engagement", "engagement", 0.9))
	b = runResult("classify/v2",
		intentOutcome("1", "support_issue", "support_issue", 0.9), intentOutcome("2", "support_issue", "support_issue", 0.8),
		intentOutcome("3", "noise", "risk_signal", 0.7), intentOutcome("4", "noise", "noise", 0.7),
		intentOutcome("5", "engagement", "engagement", 0.6), intentOutcome("6", "engagement", "engagement", 0.9))
	return a, b
}

func TestCompareDeltas(t *testing.T) {
	t.Parallel()
	a, b := sixItems()
	c, err := eval.Compare(a, b, eval.CompareOptions{Seed: 1})
	require.NoError(t, err)
	require.Equal(t, 6, c.Paired)
	require.Len(t, c.Keys, 1)
	k := c.Keys[0]
	require.Equal(t, "intent", k.Key)
	require.Equal(t, 6, k.N)

	require.InDelta(t, 4.0/6, k.Accuracy.A, 1e-12)
	require.InDelta(t, 5.0/6, k.Accuracy.B, 1e-12)
	require.InDelta(t, 1.0/6, k.Accuracy.Delta, 1e-12)
	require.Equal(t, eval.McNemar{RightToWrong: 1, WrongToRight: 2, P: 1}, k.McNemar)

	require.NotNil(t, k.MacroF1)
	require.InDelta(t, 59.0/90, k.MacroF1.A, 1e-12)
	require.InDelta(t, 60.0/90, k.MacroF1.B, 1e-12)
	require.InDelta(t, 1.0/90, k.MacroF1.Delta, 1e-12)

	type delta struct{ p, r, f1 float64 }
	want := map[string]delta{
		"engagement":    {0, 1.0 / 2, 1 - 2.0/3},
		"noise":         {1 - 2.0/3, 1.0/2 - 1, 2.0/3 - 4.0/5},
		"risk_signal":   {0, 0, 0},
		"support_issue": {1 - 1.0/2, 1 - 1.0/2, 1 - 1.0/2},
	}
	var labels []string
	for _, l := range k.Labels {
		labels = append(labels, l.Label)
		require.InDelta(t, want[l.Label].p, l.Precision, 1e-12, l.Label)
		require.InDelta(t, want[l.Label].r, l.Recall, 1e-12, l.Label)
		require.InDelta(t, want[l.Label].f1, l.F1, 1e-12, l.Label)
		require.InDelta(t, l.B.F1-l.A.F1, l.F1, 1e-12, l.Label)
	}
	require.Equal(t, []string{"engagement", "noise", "risk_signal", "support_issue"}, labels, "by name")
	require.Equal(t, eval.LabelScore{Support: 2, Precision: 2.0 / 3, Recall: 1, F1: 0.8}, k.Labels[1].A)

	var ids []string
	for _, f := range c.Flipped {
		ids = append(ids, f.ID)
	}
	require.Equal(t, []string{"3", "2", "5"}, ids, "the regression first, then fixes by id")
	require.Equal(t, []string{"intent"}, c.Flipped[0].Regressions)
	require.Equal(t, "risk_signal", c.Flipped[0].PredictedB["intent"])
	require.InDelta(t, 0.7, c.Flipped[0].WrongConfidence, 1e-12)
	require.Equal(t, []string{"intent"}, c.Flipped[1].Fixes)
}

func TestCompareMacroF1MatchesScore(t *testing.T) {
	t.Parallel()
	items := read(t, `
{"id":"1","text":"a","channel":"x","expected":{"intent":"support_issue"}}
{"id":"2","text":"b","channel":"x","expected":{"intent":"support_issue"}}
{"id":"3","text":"c","channel":"x","expected":{"intent":"noise"}}
{"id":"4","text":"d","channel":"x","expected":{"intent":"engagement"}}
`)
	preds := []eval.Prediction{pred("1", "support_issue", "none"), pred("2", "noise", "none"),
		pred("3", "noise", "none"), pred("4", "risk_signal", "none")}
	report, err := eval.Score(items, preds)
	require.NoError(t, err)
	outcomes, err := eval.Outcomes(items, preds)
	require.NoError(t, err)
	c, err := eval.Compare(runResult("", outcomes...), runResult("", outcomes...), eval.CompareOptions{})
	require.NoError(t, err)
	require.InDelta(t, report.Fields["intent"].MacroF1, c.Keys[0].MacroF1.A, 1e-12)
	require.InDelta(t, report.Fields["intent"].Accuracy, c.Keys[0].Accuracy.A, 1e-12)
}

func TestCompareBootstrap(t *testing.T) {
	t.Parallel()
	a, b := sixItems()

	t.Run("contains the observed delta", func(t *testing.T) {
		t.Parallel()
		c, err := eval.Compare(a, b, eval.CompareOptions{Seed: 42})
		require.NoError(t, err)
		require.Equal(t, eval.DefaultResamples, c.Resamples)
		for _, ch := range []eval.Change{c.Keys[0].Accuracy, *c.Keys[0].MacroF1} {
			require.LessOrEqual(t, ch.CI.Low, ch.Delta)
			require.GreaterOrEqual(t, ch.CI.High, ch.Delta)
			require.Less(t, ch.CI.Low, ch.CI.High, "six items vary")
			require.False(t, ch.Significant, "six items prove nothing")
		}
	})
	t.Run("deterministic for a seed", func(t *testing.T) {
		t.Parallel()
		for _, seed := range []uint64{0, 7} {
			c1, err := eval.Compare(a, b, eval.CompareOptions{Seed: seed, Resamples: 500})
			require.NoError(t, err)
			c2, err := eval.Compare(a, b, eval.CompareOptions{Seed: seed, Resamples: 500})
			require.NoError(t, err)
			require.Equal(t, c1, c2)
			require.Equal(t, 500, c1.Resamples)
		}
	})
	t.Run("all fixed is significant", func(t *testing.T) {
		t.Parallel()
		a, b := allFixed(40)
		c, err := eval.Compare(a, b, eval.CompareOptions{})
		require.NoError(t, err)
		k := c.Keys[0]
		require.Equal(t, eval.Interval{Low: 1, High: 1}, k.Accuracy.CI)
		require.True(t, k.Accuracy.Significant)
		require.True(t, k.MacroF1.Significant)
		require.Equal(t, 0x1p-39, k.McNemar.P, "2 · 0.5^40")
	})
}

// allFixed is n items all wrong in A and right in B.
func allFixed(n int) (a, b eval.Result) {
	a, b = runResult("classify/v1"), runResult("classify/v2")
	for i := range n {
		id := fmt.Sprintf("item-%02d", i)
		a.Items = append(a.Items, intentOutcome(id, "support_issue", "noise", 0.8))
		b.Items = append(b.Items, intentOutcome(id, "support_issue", "support_issue", 0.9))
	}
	return a, b
}

func TestCompareMcNemar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b, c int
		want float64
	}{
		{"no discordant item", 0, 0, 1},
		{"five regressions", 5, 0, 0.0625},            // 2 · 1/32
		{"one against three", 1, 3, 0.625},            // 2 · (1 + 4)/16
		{"symmetric", 7, 7, 1},                        // capped at 1
		{"Armitage and Berry", 12, 2, 0.012939453125}, // 53/4096; StatsDirect's worked example reports 0.0129
		// Exact: 2·Σ_{i≤100} C(250, i) / 2^250, in rational arithmetic.
		{"250 discordant", 150, 100, 0.001883300935076157},
		{"6100 discordant", 3000, 3100, 0.20494954465156165},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := runResult("v1", intentOutcome("same", "noise", "noise", 1)), runResult("v2", intentOutcome("same", "noise", "noise", 1))
			for i := range tt.b {
				id := fmt.Sprint("b", i)
				a.Items = append(a.Items, intentOutcome(id, "noise", "noise", 1))
				b.Items = append(b.Items, intentOutcome(id, "noise", "engagement", 1))
			}
			for i := range tt.c {
				id := fmt.Sprint("c", i)
				a.Items = append(a.Items, intentOutcome(id, "noise", "engagement", 1))
				b.Items = append(b.Items, intentOutcome(id, "noise", "noise", 1))
			}
			c, err := eval.Compare(a, b, eval.CompareOptions{Resamples: 1})
			require.NoError(t, err)
			m := c.Keys[0].McNemar
			require.Equal(t, tt.b, m.RightToWrong)
			require.Equal(t, tt.c, m.WrongToRight)
			require.InEpsilon(t, tt.want, m.P, 1e-6)
			if tt.b+tt.c < 10 {
				require.Equal(t, tt.want, m.P, "exact")
			}
		})
	}
}

func TestCompareFlippedOrder(t *testing.T) {
	t.Parallel()
	type side struct {
		intent, sentiment string
		ci, cs            float64
	}
	outcome := func(id string, s side) eval.Outcome {
		return eval.Outcome{ID: id, Expected: map[string]string{"intent": "noise", "sentiment": "neutral"},
			Predicted:  map[string]string{"intent": s.intent, "sentiment": s.sentiment},
			Confidence: map[string]float64{"intent": s.ci, "sentiment": s.cs}}
	}
	right := side{"noise", "neutral", 0.9, 0.9}
	items := []struct {
		id   string
		a, b side
	}{
		{"a", right, side{"engagement", "neutral", 0.6, 0.9}},                                // 1 regression at 0.6
		{"b", right, side{"engagement", "negative", 0.5, 0.4}},                               // 2 regressions
		{"c", right, side{"noise", "negative", 0.9, 0.9}},                                    // 1 regression at 0.9
		{"d", side{"engagement", "neutral", 0.9, 0.9}, right},                                // a fix only
		{"e", right, side{"engagement", "neutral", 0.6, 0.9}},                                // as a: by id
		{"f", side{"noise", "negative", 0.9, 0.9}, side{"engagement", "neutral", 0.7, 0.99}}, // regression at 0.7 and a fix
		{"g", right, right},
	}
	a, b := runResult("v1"), runResult("v2")
	for _, it := range items {
		a.Items, b.Items = append(a.Items, outcome(it.id, it.a)), append(b.Items, outcome(it.id, it.b))
	}
	c, err := eval.Compare(a, b, eval.CompareOptions{Resamples: 10})
	require.NoError(t, err)
	var ids []string
	for _, f := range c.Flipped {
		ids = append(ids, f.ID)
	}
	require.Equal(t, []string{"b", "c", "f", "a", "e", "d"}, ids)
	require.Equal(t, []string{"intent", "sentiment"}, c.Flipped[0].Regressions)
	f := c.Flipped[2]
	require.Equal(t, []string{"intent"}, f.Regressions)
	require.Equal(t, []string{"sentiment"}, f.Fixes)
	require.InDelta(t, 0.7, f.WrongConfidence, 1e-12, "the fix's confidence does not count")
	require.Equal(t, map[string]string{"intent": "noise", "sentiment": "negative"}, f.PredictedA)
	require.Equal(t, map[string]float64{"intent": 0.7, "sentiment": 0.99}, f.ConfidenceB)
}

func TestComparePairing(t *testing.T) {
	t.Parallel()
	a := runResult("v1",
		intentOutcome("x", "noise", "noise", 0.9),
		intentOutcome("y", "noise", "noise", 0.9),
		intentOutcome("z", "noise", "noise", 0.9),
		intentOutcome("relabelled", "noise", "noise", 0.9),
		eval.Outcome{ID: "failed", Expected: map[string]string{"intent": "noise"}, Error: "timeout"},
		eval.Outcome{ID: "topic", Expected: map[string]string{"topic": "billing"}, Predicted: map[string]string{"topic": "billing"}},
	)
	b := runResult("v2",
		intentOutcome("w", "noise", "engagement", 0.9),
		intentOutcome("z", "noise", "engagement", 0.8),
		intentOutcome("y", "noise", "noise", 0.9),
		intentOutcome("relabelled", "engagement", "noise", 0.9),
		intentOutcome("failed", "noise", "noise", 0.9),
		eval.Outcome{ID: "topic", Expected: map[string]string{}, Predicted: map[string]string{"topic": "billing"}},
	)
	c, err := eval.Compare(a, b, eval.CompareOptions{})
	require.NoError(t, err)
	require.Equal(t, 5, c.Paired)
	require.Equal(t, []string{"x"}, c.OnlyA)
	require.Equal(t, []string{"w"}, c.OnlyB)
	require.Equal(t, []string{"relabelled"}, c.Relabelled)
	require.Equal(t, 1, c.A.Errors)
	require.Equal(t, 0, c.B.Errors)
	require.Equal(t, 6, c.A.Items)
	require.Len(t, c.Keys, 1, "topic is expected in A only")
	k := c.Keys[0]
	require.Equal(t, 2, k.N, "y and z: x and w unpaired, relabelled not compared, failed errored in A")
	require.InDelta(t, -0.5, k.Accuracy.Delta, 1e-12)
	require.Len(t, c.Flipped, 1)
	require.Equal(t, "z", c.Flipped[0].ID)
}

func TestCompareOneVsRest(t *testing.T) {
	t.Parallel()
	outcome := func(id, want, got string) eval.Outcome {
		return eval.Outcome{ID: id, Expected: map[string]string{"risk=spam|scam": want},
			Predicted: map[string]string{"risk": got}, Confidence: map[string]float64{"risk": 0.8}}
	}
	a := runResult("v1", outcome("1", "true", "spam"), outcome("2", "true", "none"),
		outcome("3", "false", "none"), outcome("4", "false", "none"))
	b := runResult("v2", outcome("1", "true", "scam"), outcome("2", "true", "spam"),
		outcome("3", "false", "abuse"), outcome("4", "false", "scam"))
	c, err := eval.Compare(a, b, eval.CompareOptions{})
	require.NoError(t, err)
	require.Len(t, c.Keys, 1)
	k := c.Keys[0]
	require.Equal(t, "risk=spam|scam", k.Key)
	require.Equal(t, 4, k.N)
	require.InDelta(t, 0.75, k.Accuracy.A, 1e-12) // 1, 3, 4
	require.InDelta(t, 0.75, k.Accuracy.B, 1e-12) // 1, 2, 3
	require.Equal(t, eval.McNemar{RightToWrong: 1, WrongToRight: 1, P: 1}, k.McNemar)
	require.Nil(t, k.MacroF1, "plain fields only")
	require.Empty(t, k.Labels)
	require.Empty(t, c.CalibrationA, "nothing to calibrate: no plain field")

	require.Len(t, c.Flipped, 2)
	require.Equal(t, "4", c.Flipped[0].ID)
	require.Equal(t, []string{"risk=spam|scam"}, c.Flipped[0].Regressions)
	require.Equal(t, map[string]string{"risk=spam|scam": "false"}, c.Flipped[0].Expected)
	require.Equal(t, map[string]string{"risk": "scam"}, c.Flipped[0].PredictedB)
	require.Equal(t, []string{"risk=spam|scam"}, c.Flipped[1].Fixes)
}

func TestCompareInvalid(t *testing.T) {
	t.Parallel()
	one := runResult("v1", intentOutcome("1", "noise", "noise", 1))
	tests := []struct {
		name string
		a, b eval.Result
		opts eval.CompareOptions
		want string
	}{
		{"repeated id", runResult("v1", intentOutcome("1", "noise", "noise", 1), intentOutcome("1", "noise", "noise", 1)), one,
			eval.CompareOptions{}, `item "1" repeated in run A`},
		{"nothing in common", one, runResult("v2", intentOutcome("2", "noise", "noise", 1)), eval.CompareOptions{}, "no item in common"},
		{"negative resamples", one, one, eval.CompareOptions{Resamples: -1}, "resamples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := eval.Compare(tt.a, tt.b, tt.opts)
			require.ErrorContains(t, err, tt.want)
			require.Equal(t, apperr.EINVALID, apperr.CodeOf(err))
		})
	}
}
