package embed

import (
	"fmt"
	"os"
	"path/filepath"
)

// WordVectorsEnv names the environment variable that overrides
// DefaultWordVectorsPath.
const WordVectorsEnv = "TRIAGE_WORD_VECTORS"

// WordVectorsFile is the file name of the converted GloVe vectors in the
// cache directory.
const WordVectorsFile = "glove-100d.bin"

// DefaultWordVectorsPath returns where install-glove.sh writes the word
// vectors and where Local looks for them: $TRIAGE_WORD_VECTORS when set,
// else triage/glove-100d.bin under the user's cache directory
// ($XDG_CACHE_HOME, or ~/.cache, on Linux). It fails only when no cache
// directory can be determined (no $HOME).
func DefaultWordVectorsPath() (string, error) {
	if p := os.Getenv(WordVectorsEnv); p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("word vectors path: %w (set %s)", err, WordVectorsEnv)
	}
	return filepath.Join(dir, "triage", WordVectorsFile), nil
}

// LoadDefaultWordVectors loads the word vectors at DefaultWordVectorsPath.
// When they are not installed the error matches fs.ErrNotExist, and the
// caller may go on without them:
//
//	wv, err := embed.LoadDefaultWordVectors()
//	if err != nil && !errors.Is(err, fs.ErrNotExist) {
//		return err // present but unreadable or corrupt
//	}
//	local, err := embed.NewLocal(embed.LocalConfig{WordVectors: wv}) // nil: hashed features only
func LoadDefaultWordVectors() (*WordVectors, error) {
	path, err := DefaultWordVectorsPath()
	if err != nil {
		return nil, err
	}
	return LoadWordVectors(path)
}
