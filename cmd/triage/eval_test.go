package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/llm/llmtest"
)

// run runs a triage command in the repository root with the given
// environment and returns its output.
func runTriage(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &errOut}
	err := dispatch(context.Background(), e, args)
	return out.String() + errOut.String(), err
}

// The repository root, where evals/ and prompts/ are.
const root = "../.."

func TestRecordThenReplayIsIdentical(t *testing.T) {
	t.Parallel()
	srv := llmtest.NewOpenAI(t, llmtest.Classifier())
	dir := t.TempDir()
	set := filepath.Join(root, "evals", "injection.jsonl")
	env := map[string]string{"TRIAGE_BACKEND": "openai", "OPENAI_BASE_URL": srv.BaseURL(), "OPENAI_MODEL": "fake", "CI": "true"}
	cassette := filepath.Join(dir, "cassette")
	out, err := runTriage(t, env, "eval", "run", "--set", set, "--record", cassette, "--no-store",
		"--json", filepath.Join(dir, "a.json"), "--predictions", filepath.Join(dir, "a.jsonl"))
	require.NoError(t, err, out)
	calls := srv.Requests()
	require.Positive(t, calls)

	srv.Close() // the replay needs no model
	out, err = runTriage(t, map[string]string{"CI": "true"}, "eval", "run", "--set", set, "--backend", "replay", "--cassette", cassette,
		"--no-store", "--json", filepath.Join(dir, "b.json"), "--predictions", filepath.Join(dir, "b.jsonl"))
	require.NoError(t, err, out)
	a, err := os.ReadFile(filepath.Join(dir, "a.jsonl"))
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(dir, "b.jsonl"))
	require.NoError(t, err)
	require.Equal(t, a, b, "replayed predictions are byte-identical")
	ra, rb := readResult(t, filepath.Join(dir, "a.json")), readResult(t, filepath.Join(dir, "b.json"))
	require.Equal(t, ra.Items, rb.Items)
	require.Equal(t, ra.Scores, rb.Scores)
	require.Equal(t, ra.Usage, rb.Usage, "latency and tokens come from the recording")
	require.Equal(t, "openai", rb.Backend)

	// A call the cassette does not hold fails the run, loudly.
	out, err = runTriage(t, map[string]string{"CI": "true"}, "eval", "run", "--set", filepath.Join(root, "evals", "multilingual.jsonl"),
		"--backend", "replay", "--cassette", cassette, "--no-store")
	require.ErrorContains(t, err, "not in the cassette", out)
}

func readResult(t *testing.T, path string) eval.Result {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var r eval.Result
	require.NoError(t, json.Unmarshal(data, &r))
	return r
}

// A worse model (here: the committed cassette with a third of its intents
// turned wrong) fails the gate; the committed one passes.
func TestGateFailsOnSeededRegression(t *testing.T) {
	t.Parallel()
	committed := filepath.Join(root, "evals", "baselines", "replay-classify-v1-core.json")
	b, err := eval.LoadBaseline(committed)
	require.NoError(t, err)
	b.Set, b.Cassette = filepath.Join(root, b.Set), filepath.Join(root, b.Cassette)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	require.NoError(t, b.Save(good))
	env := map[string]string{"CI": "true"}
	out, err := runTriage(t, env, "eval", "gate", good)
	require.NoError(t, err, out)

	worse := filepath.Join(dir, "worse")
	seedRegression(t, b.Cassette, worse)
	b.Cassette = worse
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, b.Save(bad))
	out, err = runTriage(t, env, "eval", "gate", bad)
	require.ErrorContains(t, err, "eval gate failed")
	require.Contains(t, out, "REGRESSION")
	require.Regexp(t, `intent\s+\S+\s+\S+\s+-\S+\s+REGRESSION`, out)
}

// seedRegression copies a cassette, turning every third support_issue
// answer into engagement.
func seedRegression(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(filepath.Join(from, llm.CassetteFile))
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(to, 0o755))
	out, err := os.Create(filepath.Join(to, llm.CassetteFile))
	require.NoError(t, err)
	zw := gzip.NewWriter(out)
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		var e llm.Episode
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		if strings.Contains(e.Response.Content, `"intent":"support_issue"`) {
			if n%3 == 0 {
				e.Response.Content = strings.Replace(e.Response.Content, `"intent":"support_issue"`, `"intent":"engagement"`, 1)
			}
			n++
		}
		line, err := json.Marshal(e)
		require.NoError(t, err)
		_, err = zw.Write(append(line, '\n'))
		require.NoError(t, err)
	}
	require.NoError(t, sc.Err())
	require.NoError(t, zw.Close())
	require.NoError(t, out.Close())
	require.Positive(t, n)
}
