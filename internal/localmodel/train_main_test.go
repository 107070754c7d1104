package localmodel

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTrainOnData trains on the public data when TRIAGE_DATA_DIR is set and
// prints the report; with TRIAGE_MODEL_OUT it also writes the model file
// there (use DefaultModelFile to replace the embedded model):
//
//	TRIAGE_DATA_DIR=../../../shared/data TRIAGE_MODEL_OUT=model.bin.gz \
//	  go test -run TestTrainOnData -v ./internal/localmodel
//
// It reads local files only and downloads nothing.
func TestTrainOnData(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("TRIAGE_DATA_DIR")
	if dir == "" {
		t.Skip("TRIAGE_DATA_DIR not set: not training on the public data")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	m, rep, err := Train(context.Background(), TrainConfig{DataDir: dir}, log)
	require.NoError(t, err)
	require.NoError(t, rep.WriteTable(os.Stdout))
	if out := os.Getenv("TRIAGE_MODEL_OUT"); out != "" {
		f, err := os.Create(out)
		require.NoError(t, err)
		require.NoError(t, m.Write(f))
		require.NoError(t, f.Close())
	}
}
