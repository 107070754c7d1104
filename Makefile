# Triage's developer entry points. The README's two commands are `make demo`
# and `make test`; both set up whatever is missing first.

GO        ?= go
BIN       ?= bin
GOFLAGS   ?=
# Packages' tests run in parallel against the test database (one schema per
# test); raise or lower with `make test TESTFLAGS=...`.
TESTFLAGS ?= -race -count=1 -timeout 15m

.PHONY: all setup build demo test vet clean

all: build

## setup: install pgvector if missing, create the database, apply migrations
setup:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is required: https://go.dev/dl/"; exit 1; }
	$(GO) run ./cmd/triage setup

## build: compile the three binaries into ./bin
build:
	$(GO) build -o $(BIN)/ ./cmd/api ./cmd/worker ./cmd/triage

## demo: set up, then run the demo on the offline local model
demo: setup
	$(GO) run ./cmd/triage demo $(DEMOFLAGS)

## test: set up, then run every test against the real PostgreSQL
test: setup vet
	$(GO) test $(TESTFLAGS) ./...

vet:
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
