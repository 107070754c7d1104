package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/taxonomy"
	"github.com/triage-oss/triage/internal/users"
)

type evalRow struct {
	Run    eval.RunSummary
	Scores []fieldScore
}

type fieldScore struct {
	Field             string
	Accuracy, MacroF1 float64
	Support           int
}

func scores(r eval.RunReport) []fieldScore {
	var out []fieldScore
	if r.Scores == nil {
		return nil
	}
	for _, f := range taxonomy.Fields {
		if fr, ok := r.Scores.Fields[f]; ok && fr != nil && fr.Support > 0 {
			out = append(out, fieldScore{Field: string(f), Accuracy: fr.Accuracy, MacroF1: fr.MacroF1, Support: fr.Support})
		}
	}
	return out
}

func (h *Handler) evals(w http.ResponseWriter, r *http.Request, sess users.Session) {
	runs, err := h.cfg.Evals.List(r.Context(), 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([]evalRow, len(runs))
	for i, run := range runs {
		rows[i] = evalRow{Run: run, Scores: scores(run.Report)}
	}
	h.render(w, r, "evals", sess, map[string]any{"Runs": rows, "Fields": taxonomy.Fields})
}

// compare shows two runs side by side with the items that flipped.
func (h *Handler) compare(w http.ResponseWriter, r *http.Request, sess users.Session) {
	var ids [2]int64
	for i, name := range []string{"a", "b"} {
		id, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
		if err != nil || id <= 0 {
			h.fail(w, r, apperr.Invalid("pick two runs", apperr.FieldError{Field: name, Message: "a run id"}))
			return
		}
		ids[i] = id
	}
	a, err := h.cfg.Evals.Get(r.Context(), ids[0])
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.cfg.Evals.Get(r.Context(), ids[1])
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := eval.Compare(a, b, eval.CompareOptions{Resamples: 500})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	flipped := c.Flipped[:min(len(c.Flipped), 200)]
	keys := slices.DeleteFunc(slices.Clone(c.Keys), func(k eval.KeyComparison) bool { return k.MacroF1 == nil })
	h.render(w, r, "compare", sess, map[string]any{"A": ids[0], "B": ids[1], "C": c, "Keys": keys, "Flipped": flipped,
		"More": len(c.Flipped) - len(flipped)})
}
