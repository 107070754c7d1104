package llm

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
)

// BackendReplay is the backend name that replays a cassette.
const BackendReplay = "replay"

// CassetteFile is the name of a cassette's file in its directory: JSONL,
// one Episode per line sorted by key, gzipped (the same recording always
// gives the same bytes).
const CassetteFile = "cassette.jsonl.gz"

// Episode is one recorded model call.
type Episode struct {
	Key      string   `json:"key"`
	Backend  string   `json:"backend"`
	Model    string   `json:"model"`
	Request  Request  `json:"request"`
	Response Response `json:"response"`
}

// EpisodeKey identifies a call: the SHA-256 of the backend, the model and
// everything sent (the rendered prompt, so its version, and the item text
// inside it; the schema; the sampling parameters).
func EpisodeKey(backend, model string, req Request) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", backend, model)
	_ = json.NewEncoder(h).Encode(req) // Request holds strings, numbers and raw JSON only
	return hex.EncodeToString(h.Sum(nil))
}

// Recorder passes calls to a backend and records every successful answer,
// for Save to write as a cassette. It is safe for concurrent use.
type Recorder struct {
	next     Completer
	mu       sync.Mutex
	episodes map[string]Episode
}

var _ Completer = (*Recorder)(nil)

// NewRecorder returns a Recorder in front of next.
func NewRecorder(next Completer) *Recorder {
	return &Recorder{next: next, episodes: map[string]Episode{}}
}

// Backend is the recorded backend's.
func (r *Recorder) Backend() string { return r.next.Backend() }

// Model is the recorded backend's.
func (r *Recorder) Model() string { return r.next.Model() }

// Complete calls the backend and records the answer (failed calls are not
// recorded: a replay retries nothing).
func (r *Recorder) Complete(ctx context.Context, req Request) (Response, error) {
	resp, err := r.next.Complete(ctx, req)
	if err != nil {
		return resp, err
	}
	key := EpisodeKey(r.Backend(), r.Model(), req)
	r.mu.Lock()
	r.episodes[key] = Episode{Key: key, Backend: r.Backend(), Model: r.Model(), Request: req, Response: resp}
	r.mu.Unlock()
	return resp, nil
}

// Save writes the recorded episodes, sorted by key, to dir/cassette.jsonl,
// merging with what the cassette already holds.
func (r *Recorder) Save(dir string) (int, error) {
	all := map[string]Episode{}
	if old, err := readCassette(dir); err == nil {
		all = old
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	r.mu.Lock()
	for k, e := range r.episodes {
		all[k] = e
	}
	r.mu.Unlock()
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	f, err := os.Create(filepath.Join(dir, CassetteFile))
	if err != nil {
		return 0, err
	}
	zw := gzip.NewWriter(f) // no name, no time: deterministic
	enc := json.NewEncoder(zw)
	for _, k := range keys {
		if err := enc.Encode(all[k]); err != nil {
			f.Close()
			return 0, err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return 0, err
	}
	return len(keys), f.Close()
}

// ErrNotRecorded is matched by the error of a replayed call the cassette
// has no episode for.
var ErrNotRecorded = errors.New("call not recorded in the cassette")

// Replayer answers calls from a cassette, offline and bit for bit, as the
// recorded backend and model. A call it has no episode for fails with
// ErrNotRecorded (and ErrRejected: retrying will not help).
type Replayer struct {
	backend, model string
	episodes       map[string]Episode
	misses         atomic.Int64
}

var _ Completer = (*Replayer)(nil)

// NewReplayer loads the cassette in dir. Its episodes must all come from
// one backend and model, which the Replayer then presents.
func NewReplayer(dir string) (*Replayer, error) {
	eps, err := readCassette(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no cassette at %s (record one with --record %s)", filepath.Join(dir, CassetteFile), dir)
	}
	if err != nil {
		return nil, err
	}
	r := &Replayer{episodes: eps}
	for _, e := range eps {
		if r.backend == "" {
			r.backend, r.model = e.Backend, e.Model
		}
		if e.Backend != r.backend || e.Model != r.model {
			return nil, fmt.Errorf("cassette %s mixes %s/%s and %s/%s", dir, r.backend, r.model, e.Backend, e.Model)
		}
	}
	if r.backend == "" {
		return nil, fmt.Errorf("cassette %s is empty", dir)
	}
	return r, nil
}

// Backend is the recorded backend.
func (r *Replayer) Backend() string { return r.backend }

// Model is the recorded model.
func (r *Replayer) Model() string { return r.model }

// Len is the number of recorded episodes.
func (r *Replayer) Len() int { return len(r.episodes) }

// Misses is the number of calls the cassette had no episode for.
func (r *Replayer) Misses() int { return int(r.misses.Load()) }

// Complete returns the recorded answer to req.
func (r *Replayer) Complete(_ context.Context, req Request) (Response, error) {
	key := EpisodeKey(r.backend, r.model, req)
	e, ok := r.episodes[key]
	if !ok {
		r.misses.Add(1)
		return Response{}, &Error{Backend: BackendReplay, Model: r.model, Kind: ErrRejected,
			Err: fmt.Errorf("%w: key %s (a new item, prompt version or model: record it with --record)", ErrNotRecorded, key[:16])}
	}
	return e.Response, nil
}

func readCassette(dir string) (map[string]Episode, error) {
	f, err := os.Open(filepath.Join(dir, CassetteFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, CassetteFile), err)
	}
	out := map[string]Episode{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var e Episode
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", filepath.Join(dir, CassetteFile), line, err)
		}
		out[e.Key] = e
	}
	return out, sc.Err()
}
