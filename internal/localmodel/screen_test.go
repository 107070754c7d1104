package localmodel

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Screen decides exactly what Classify decides, on every text of the eval
// sets and a few edge cases.
func TestScreenAgreesWithClassify(t *testing.T) {
	t.Parallel()
	m := defaultModelT(t)
	tax := taxonomy.Default()
	texts := append(evalTexts(t), "", "   ", "\xff\xfe broken bytes", "gm", "I will find you and hurt you",
		"Your account is locked, verify your password at http://lumen-secure.example")
	risky := 0
	for _, text := range texts {
		c := m.Classify(tax, text)
		s := m.Screen(text)
		require.Equal(t, c.Risk, s.Risk, "%q", text)
		require.Equal(t, c.Confidence.Risk, s.RiskConfidence, "%q", text)
		require.Equal(t, c.Severity, s.Severity, "%q", text)
		require.Equal(t, c.Intent, s.Intent, "%q", text)
		require.Equal(t, c.Urgency, s.Urgency, "%q", text)
		require.Equal(t, c.RiskProbability(), s.RiskProbability(), "%q", text)
		if s.Risk != taxonomy.RiskNone {
			risky++
		}
	}
	require.Greater(t, risky, 50, "the sets hold risks for the comparison to mean something")
}

func BenchmarkScreen(b *testing.B) {
	m := defaultModelT(b)
	texts := evalTexts(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Screen(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}
