package eval_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/eval"
)

func TestCalibrate(t *testing.T) {
	t.Parallel()

	// intent, four scored items:
	//   bin [0.9, 1.0): 0.95 right, 0.92 wrong → mean 0.935, accuracy 0.5, gap 0.435
	//   bin [0.3, 0.4): 0.30 right, 0.35 wrong → mean 0.325, accuracy 0.5, gap 0.175
	//   ECE = 2/4 · 0.435 + 2/4 · 0.175 = 0.305
	// sentiment, one item: confidence 1.0 (last bin), right → ECE 0.
	// Item 5 has no prediction; item 6 expects only a one-vs-rest key.
	outcomes := []eval.Outcome{
		{ID: "1", Expected: map[string]string{"intent": "noise", "sentiment": "neutral"},
			Predicted:  map[string]string{"intent": "noise", "sentiment": "neutral", "risk": "none"},
			Confidence: map[string]float64{"intent": 0.95, "sentiment": 1.0, "risk": 0.5}},
		{ID: "2", Expected: map[string]string{"intent": "noise"},
			Predicted: map[string]string{"intent": "engagement"}, Confidence: map[string]float64{"intent": 0.92}},
		{ID: "3", Expected: map[string]string{"intent": "support_issue"},
			Predicted: map[string]string{"intent": "support_issue"}, Confidence: map[string]float64{"intent": 0.30}},
		{ID: "4", Expected: map[string]string{"intent": "support_issue"},
			Predicted: map[string]string{"intent": "noise"}, Confidence: map[string]float64{"intent": 0.35}},
		{ID: "5", Expected: map[string]string{"intent": "noise"}, Error: "timeout"},
		{ID: "6", Expected: map[string]string{"risk=abuse": "true"},
			Predicted: map[string]string{"intent": "noise", "risk": "abuse"}, Confidence: map[string]float64{"intent": 0.1, "risk": 0.9}},
	}
	cal := eval.Calibrate(outcomes)
	require.Len(t, cal, 2, "plain fields only: %v", cal)

	intent := cal["intent"]
	require.Equal(t, 4, intent.Scored)
	require.InDelta(t, 0.305, intent.ECE, 1e-12)
	require.Len(t, intent.Bins, eval.CalibrationBins)
	requireBin(t, eval.CalibrationBin{Lower: 0.3, Upper: 0.4, Count: 2, MeanConfidence: 0.325, Accuracy: 0.5}, intent.Bins[3])
	requireBin(t, eval.CalibrationBin{Lower: 0.9, Upper: 1.0, Count: 2, MeanConfidence: 0.935, Accuracy: 0.5}, intent.Bins[9])
	requireBin(t, eval.CalibrationBin{Lower: 0.5, Upper: 0.6}, intent.Bins[5])

	sentiment := cal["sentiment"]
	require.Equal(t, 1, sentiment.Scored)
	require.InDelta(t, 0.0, sentiment.ECE, 1e-12)
	require.Equal(t, 1, sentiment.Bins[9].Count)
}

func requireBin(t *testing.T, want, got eval.CalibrationBin) {
	t.Helper()
	require.Equal(t, want.Count, got.Count)
	require.InDelta(t, want.Lower, got.Lower, 1e-12)
	require.InDelta(t, want.Upper, got.Upper, 1e-12)
	require.InDelta(t, want.MeanConfidence, got.MeanConfidence, 1e-12)
	require.InDelta(t, want.Accuracy, got.Accuracy, 1e-12)
}

func TestCalibrateBins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		conf float64
		bin  int
	}{
		{0, 0}, {0.05, 0}, {0.1, 1}, {0.3, 3}, {0.6, 6}, {0.7, 7}, {0.9, 9}, {0.9999, 9}, {1, 9},
		{-0.2, 0}, {1.3, 9}, // out of range: clamped
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.conf), func(t *testing.T) {
			t.Parallel()
			cal := eval.Calibrate([]eval.Outcome{{ID: "1", Expected: map[string]string{"intent": "noise"},
				Predicted: map[string]string{"intent": "noise"}, Confidence: map[string]float64{"intent": tt.conf}}})
			for i, b := range cal["intent"].Bins {
				require.Equal(t, i == tt.bin, b.Count == 1, "confidence %v, bin %d", tt.conf, i)
			}
		})
	}
}

func TestCalibrateNothingScored(t *testing.T) {
	t.Parallel()
	cal := eval.Calibrate([]eval.Outcome{
		{ID: "1", Expected: map[string]string{"intent": "noise"}, Error: "invalid output"},
		{ID: "2", Expected: map[string]string{"topic": "billing"}, Predicted: map[string]string{"topic": "billing"}},
	})
	require.Empty(t, cal, "no prediction, or no confidence")
}
