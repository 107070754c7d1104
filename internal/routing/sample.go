package routing

// QASample returns the share of auto-closed items sampled for QA review.
func (r *Rules) QASample() float64 { return r.qaSample }

// Sampled reports whether the auto-closed item itemID is sampled for QA
// review. The choice is a hash of the id, so it is the same on every call,
// process and restart, and over many ids the sampled share is QASample.
func (r *Rules) Sampled(itemID int64) bool { return unitHash(itemID) < r.qaSample }

// unitHash maps id to [0,1) with the SplitMix64 finalizer, which spreads
// consecutive ids evenly.
func unitHash(id int64) float64 {
	x := uint64(id) + 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}
