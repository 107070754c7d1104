package localmodel

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
)

// dataset is every record with the features of every distinct text.
type dataset struct {
	recs   []record
	textID []int // per record, index into texts and vecs
	texts  []string
	vecs   []vec
	idf    []float32
	seed   int64
}

// newDataset computes the IDF over the distinct training texts and the
// features of every distinct text.
func newDataset(recs []record, bits uint, seed int64) *dataset {
	ds := &dataset{recs: recs, textID: make([]int, len(recs)), seed: seed}
	ids := make(map[string]int, len(recs))
	train := []bool{}
	for i, r := range recs {
		id, ok := ids[r.text]
		if !ok {
			id = len(ds.texts)
			ids[r.text] = id
			ds.texts = append(ds.texts, r.text)
			train = append(train, false)
		}
		ds.textID[i] = id
		train[id] = train[id] || !r.eval
	}
	ds.idf = computeIDF(ds.texts, train, bits)
	ds.vecs = featurizeAll(ds.texts, bits, ds.idf)
	return ds
}

// computeIDF returns ln((1+n)/(1+df))+1 per bucket over the training texts.
func computeIDF(texts []string, train []bool, bits uint) []float32 {
	counts := featurizeAll(texts, bits, nil)
	df := make([]int, 1<<bits)
	n := 0
	for i, v := range counts {
		if !train[i] {
			continue
		}
		n++
		seen := map[uint32]bool{}
		for _, b := range v.idx {
			if !seen[b] {
				seen[b] = true
				df[b]++
			}
		}
	}
	idf := make([]float32, len(df))
	for b, d := range df {
		idf[b] = float32(math.Log(float64(1+n)/float64(1+d)) + 1)
	}
	return idf
}

// featurizeAll returns the features of texts, computed on two goroutines;
// the result does not depend on the scheduling.
func featurizeAll(texts []string, bits uint, idf []float32) []vec {
	out := make([]vec, len(texts))
	const workers = 2
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			f := newFeaturizer(bits, idf)
			for i := w; i < len(texts); i += workers {
				out[i] = f.vector(texts[i]).clone()
			}
		})
	}
	wg.Wait()
	return out
}

// headSample is a sample with the text it came from.
type headSample struct {
	sample
	text int // index into ds.texts
	rec  int // index into ds.recs
}

// samples returns the samples of head spec: the training ones (eval false,
// row limits applied) or the evaluation ones, in record order. A record is
// used by the first row of the head it matches.
func (ds *dataset) samples(spec headSpec, eval bool, seed int64) []headSample {
	var rows []mapRow
	for _, r := range mapping {
		if r.head == spec.name {
			rows = append(rows, r)
		}
	}
	byRow := make([][]int, len(rows))
	for i, rec := range ds.recs {
		if rec.eval != eval || (!eval && slices.Contains(evalOnlySources, rec.source)) {
			continue
		}
		for j, row := range rows {
			if row.matches(rec) {
				byRow[j] = append(byRow[j], i)
				break
			}
		}
	}
	var keep []int
	for j, idxs := range byRow {
		if !eval && rows[j].limit > 0 && len(idxs) > rows[j].limit {
			idxs = ds.sampleLimit(idxs, rows[j].limit, seed)
		}
		keep = append(keep, idxs...)
	}
	slices.Sort(keep)
	return ds.toSamples(spec, rows, keep)
}

// sampleLimit keeps the limit records whose texts hash lowest.
func (ds *dataset) sampleLimit(idxs []int, limit int, seed int64) []int {
	idxs = slices.Clone(idxs)
	slices.SortStableFunc(idxs, func(a, b int) int {
		return cmp.Compare(textHash(ds.recs[a].text, seed, saltSample), textHash(ds.recs[b].text, seed, saltSample))
	})
	return idxs[:limit]
}

func (ds *dataset) toSamples(spec headSpec, rows []mapRow, keep []int) []headSample {
	out := make([]headSample, 0, len(keep))
	for _, i := range keep {
		rec := ds.recs[i]
		for _, row := range rows {
			if !row.matches(rec) {
				continue
			}
			if y := classIndex(spec.classes, row.classOf(rec)); y >= 0 {
				w := 1.0
				if strings.HasPrefix(rec.source, ownPrefix) {
					w = ownWeight
				}
				out = append(out, headSample{sample: sample{x: ds.vecs[ds.textID[i]], y: y, w: w}, text: ds.textID[i], rec: i})
			}
			break
		}
	}
	return out
}

// matches reports whether rec is one of the texts the row maps.
func (r mapRow) matches(rec record) bool {
	if rec.source != r.source {
		return false
	}
	switch r.label {
	case anyLabel:
		return true
	case labelNeutralRequest:
		return slices.Contains(neutralBanking, rec.label)
	}
	return rec.label == r.label
}

// classOf returns the head class the row gives rec ("" when none).
func (r mapRow) classOf(rec record) string {
	switch r.class {
	case classSame:
		return rec.label
	case classBankingTopic:
		return bankingTopics[rec.label]
	}
	return r.class
}
