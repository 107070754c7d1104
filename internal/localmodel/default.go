package localmodel

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"
)

// DefaultModelFile is the name of the trained model file in this package's
// directory, embedded into every binary. `triage model train --out` writes
// a file of the same format.
const DefaultModelFile = "model.bin.gz"

//go:embed model.bin.gz
var defaultModel []byte

var loadDefault = sync.OnceValues(func() (*Model, error) {
	m, err := Load(bytes.NewReader(defaultModel))
	if err != nil {
		return nil, fmt.Errorf("loading the embedded model: %w", err)
	}
	return m, nil
})

// Default returns the model embedded in the binary, decoded once and
// shared: a Model is safe for concurrent use.
func Default() (*Model, error) { return loadDefault() }
