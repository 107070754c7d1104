package embed

// addWordVectors adds to dst (WordVectors.Dim() long) the average of the
// words' vectors weighted by smooth inverse frequency, a/(a+p(w)) with
// a = vecSIFA, times each word's boost. Words without a vector are left
// out. It returns whether any word had a vector.
func (l *Local) addWordVectors(dst []float64, words []string, boosts []float64, tmp []float32) bool {
	found := false
	for i, w := range words {
		pos, rank, ok := l.wv.Lookup(w)
		if !ok {
			continue
		}
		found = true
		a := frequencyWeight(rank, vecSIFA) * boosts[i]
		for k, x := range l.wv.Vector(pos, tmp) {
			dst[k] += float64(a * float64(x)) // no fused multiply-add: same bits on every CPU
		}
	}
	return found
}
