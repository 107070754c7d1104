package localmodel_test

import (
	"fmt"

	"github.com/triage-oss/triage/internal/localmodel"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// Classify an item offline with the model embedded in the binary.
func ExampleModel_Classify() {
	m, err := localmodel.Default()
	if err != nil {
		panic(err)
	}
	c := m.Classify(taxonomy.Default(), "I was charged twice this month, please refund me")
	fmt.Println(c.Intent, c.Topic, c.Urgency, c.Sentiment)
	// Output: support_issue billing high negative
}

// The cascade closes obvious spam without calling an LLM.
func ExampleModel_Scores() {
	m, err := localmodel.Default()
	if err != nil {
		panic(err)
	}
	s := m.Scores("WINNER!! You have been selected for a £1000 cash prize. Call 09061701461 now to claim")
	if s.Spam > 0.9 {
		fmt.Println("closed as spam without an LLM call")
	}
	// Output: closed as spam without an LLM call
}
