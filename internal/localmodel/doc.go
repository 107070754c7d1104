// Package localmodel is Triage's offline default classifier: a set of linear
// heads over hashed text features, trained by the project itself in pure Go
// on public labelled data and on the project's own small corpus, so that a
// user with no API key and no GPU still gets real classifications.
//
// # What it owns
//
//   - Feature extraction (features.go, normalize.go): word unigrams and bigrams, char
//     2-5 grams inside word boundaries and a few normalized tokens (<url>,
//     <user>, <num>, <emoji>, hashtags split), hashed into a fixed number of
//     buckets, sublinear TF times IDF, L2-normalized per group.
//   - One logistic (binary) or softmax (multi-class) head per task, trained
//     with L2-regularized L-BFGS on a fixed data order, so that the same data
//     always yields a byte-identical model file. Binary heads get Platt
//     scaling and a decision threshold fitted on 5-fold out-of-fold scores;
//     multi-class heads a temperature fitted on 10% of their data held
//     aside. Weights are stored as 8-bit mu-law codes (model.bin.gz).
//   - The mapping from each public dataset to the taxonomy (mapping.go),
//     the loaders that read those datasets at training time, the project's
//     own labelled examples (corpus/*.jsonl) and the training report.
//   - Combining the heads, plus a few honest, tested rules for the fields no
//     data covers (urgency, topic keywords, language, summary), into a full
//     [taxonomy.Classification].
//
// # Use
//
//	m, err := localmodel.Default() // the model embedded in the binary
//	if err != nil { ... }
//	c := m.Classify(taxonomy.Default(), "my card was charged twice, please help")
//	s := m.Scores("WINNER!! claim your prize now, txt WIN to 80082")
//	if s.Spam > 0.9 { ... } // the cascade may close it without an LLM
//
// Training reads the public datasets from a directory passed in (never copied
// into the project) and returns the model and a [Report]:
//
//	m, rep, err := localmodel.Train(ctx, localmodel.TrainConfig{DataDir: "../shared/data"}, logger)
//	rep.WriteTable(os.Stdout)
//	err = m.Write(f)
//
// To retrain the embedded model from the repository root (about 30 s on two
// cores; nothing is downloaded):
//
//	go run ./cmd/triage model train --data ../shared/data --out internal/localmodel/model.bin.gz
//
// `make check-model` (part of `make test`) retrains into a temporary file
// and fails when it differs from the committed one.
package localmodel
