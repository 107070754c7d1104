package eval_test

import (
	"fmt"
	"log"

	"github.com/triage-oss/triage/internal/eval"
)

// An ops specialist compares prompt v2 with v1 on the same set: the runs
// come from `triage eval run --out` files or Store.Get.
func ExampleCompare() {
	v1 := eval.Result{RunReport: eval.RunReport{Set: "sets/core.jsonl", Backend: "openai", Prompt: "classify/v1"}}
	v2 := eval.Result{RunReport: eval.RunReport{Set: "sets/core.jsonl", Backend: "openai", Prompt: "classify/v2"}}
	for i := range 40 {
		id := fmt.Sprintf("core-%04d", i)
		got1, got2 := "support_issue", "support_issue"
		switch {
		case i < 12: // v2 fixes these
			got1 = "noise"
		case i < 14: // and breaks these
			got2 = "noise"
		}
		v1.Items = append(v1.Items, intentOutcome(id, "support_issue", got1, 0.8))
		v2.Items = append(v2.Items, intentOutcome(id, "support_issue", got2, 0.9))
	}

	c, err := eval.Compare(v1, v2, eval.CompareOptions{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	k := c.Keys[0]
	fmt.Printf("%s: accuracy %.2f → %.2f (%+.2f), significant: %v\n", k.Key, k.Accuracy.A, k.Accuracy.B, k.Accuracy.Delta, k.Accuracy.Significant)
	fmt.Printf("McNemar: %d right→wrong, %d wrong→right, p = %.4f\n", k.McNemar.RightToWrong, k.McNemar.WrongToRight, k.McNemar.P)
	fmt.Printf("worst flip: %s %v\n", c.Flipped[0].ID, c.Flipped[0].Regressions)
	// c.Markdown(os.Stdout) prints the full report; c.HTML(f) writes it
	// for a browser; json.Marshal(c) for tools.
	// Output:
	// intent: accuracy 0.70 → 0.95 (+0.25), significant: true
	// McNemar: 2 right→wrong, 12 wrong→right, p = 0.0129
	// worst flip: core-0012 [intent]
}

// Calibration says whether a field's confidences can be trusted as
// probabilities: when the model says 0.9, is it right nine times in ten?
func ExampleCalibrate() {
	var outcomes []eval.Outcome
	for i := range 10 {
		got := "noise"
		if i < 5 { // half wrong at confidence 0.9: overconfident
			got = "engagement"
		}
		outcomes = append(outcomes, intentOutcome(fmt.Sprint(i), "noise", got, 0.9))
	}
	cal := eval.Calibrate(outcomes)["intent"]
	bin := cal.Bins[9]
	fmt.Printf("ECE %.2f; confidence %.1f-%.1f: %d items, mean confidence %.2f, accuracy %.2f\n",
		cal.ECE, bin.Lower, bin.Upper, bin.Count, bin.MeanConfidence, bin.Accuracy)
	// Output:
	// ECE 0.40; confidence 0.9-1.0: 10 items, mean confidence 0.90, accuracy 0.50
}
