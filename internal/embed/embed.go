package embed

import "context"

// Embedder turns texts into vectors of a fixed dimension. *OpenAI,
// *Ollama and *Local implement it, and are safe for concurrent use.
//
//	vecs, err := e.Embed(ctx, []string{"Delete your account\nOpen Settings...", "Change your password\n..."})
//	// store vecs[i] with e.Model(); compare with a dot product (pgvector: <=>)
type Embedder interface {
	// Model names the model and its version/state; it is stored with every
	// vector, and a change of Model means every vector must be recomputed.
	// Vectors of different Model values must never be compared.
	Model() string
	// Dim is the number of components of every vector. It is fixed for a
	// given Model (an *Ollama without a configured dimension reports 0
	// until Probe or a first Embed has learned it).
	Dim() int
	// Embed returns one L2-normalized vector per text, in the same order.
	// No texts return no vectors and, for remote embedders, make no
	// request. Remote embedders fail with *llm.Error (see the package
	// documentation); Local only fails when ctx is done.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}
