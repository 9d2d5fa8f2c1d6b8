# The two commands are `make dev` (run everything locally) and `make test` (run the tests);
# `make unit` runs the tests that need no running service, in well under a minute.
# Tools are built from the Go module proxy at pinned versions into bin/ (git-ignored) once.

TEMPORAL_CLI_VERSION := v1.5.1
GETH_VERSION         := v1.17.8
# abigen is the go-ethereum library's own (go.mod's version), so bindings match the library.
ABIGEN_VERSION       := $(shell awk '$$1 == "github.com/ethereum/go-ethereum" {print $$2}' go.mod)
WORKFLOWCHECK_VERSION := v0.6.0
# The Temporal server `make cluster` runs: the version the pinned CLI embeds (its go.mod), so
# the cluster and the dev server behave alike. docker-compose.yml's image tags must match it.
TEMPORAL_SERVER_VERSION := v1.29.1
TEMPORAL_UI_VERSION     := v2.42.1
BIN                  := $(CURDIR)/bin
GO                   ?= go
export PATH          := $(BIN):$(PATH)

.PHONY: docs chromium help dev test unit bench bench-server bench-scale tools build lint postgres clean-dev contracts cluster cluster-stop test-cluster cluster-tools chaos chaos-clean

## dev: Postgres, Temporal (+ Web UI on :8233), geth --dev, the service and a demo merchant, in the foreground
dev: tools build postgres
	@scripts/dev.sh

## cluster: the production topology in the background: Temporal server on Postgres (+ Web UI on :8433), geth --dev, API x2 (:4242, :4243), worker x2
cluster: tools cluster-tools postgres
	$(GO) build -o .cluster/bin/checkout ./cmd/checkout
	@scripts/cluster.sh start

## cluster-stop: stop everything make cluster started (SIGTERM, then wait), service first
cluster-stop:
	@scripts/cluster.sh stop

## chaos: make cluster's topology on its own Postgres (:5441) paying CHAOS_SESSIONS (300) sessions while a fault injector seeded by CHAOS_SEED (1) kills its parts; fails on any loss
chaos: $(BIN)/.temporal-$(TEMPORAL_CLI_VERSION) $(BIN)/.geth-$(GETH_VERSION) $(BIN)/.temporal-server-$(TEMPORAL_SERVER_VERSION)
	@scripts/chaos.sh run

## chaos-clean: stop what a chaos run left running (after a Ctrl-C) and remove its state (.chaos/)
chaos-clean:
	@scripts/chaos.sh clean

## test-cluster: the end-to-end tests with their workflows on the running cluster's Temporal (make cluster first)
test-cluster: tools postgres
	@bin/temporal operator cluster health --address 127.0.0.1:7433 >/dev/null 2>&1 || \
		{ echo "no Temporal cluster on 127.0.0.1:7433: run make cluster first" >&2; exit 1; }
	CHECKOUT_TEST_TEMPORAL_ADDRESS=127.0.0.1:7433 $(GO) test -count=1 -timeout 20m -run 'OnGeth|Scanner' ./cmd/checkout/

cluster-tools: $(BIN)/.temporal-server-$(TEMPORAL_SERVER_VERSION) $(BIN)/.temporal-ui-server-$(TEMPORAL_UI_VERSION)

## test: vet, format check, unit, workflow and integration tests against real Postgres and Temporal
test: tools postgres lint
	$(GO) test -count=1 -timeout 20m ./...

## unit: every test that needs no Postgres, Temporal or geth running (go test -short); no tools, no servers
unit:
	$(GO) test -short -count=1 ./...

## bench: create-session latency and throughput beside the bare Temporal + Postgres floor
bench: tools postgres
	$(GO) run ./cmd/bench

## bench-server: make bench's create and webhook tables with Temporal on Postgres, as make cluster runs it (BENCH_ARGS)
bench-server: tools cluster-tools postgres
	@scripts/bench-server.sh

## bench-scale: open 10k then 100k sessions (BENCH_SCALE_SIZES) on a stack of its own: worker RSS and idle CPU, RPC calls per block, payment latency, Postgres and Temporal sizes, each beside 10 open sessions
bench-scale: tools cluster-tools postgres
	$(GO) build -o .bench-scale/bin/checkout ./cmd/checkout
	$(GO) build -o .bench-scale/bin/benchscale ./cmd/benchscale
	@scripts/bench-scale.sh

## lint: go vet, gofmt, and Temporal's workflowcheck (no time.Now, goroutines, map ranges… in workflows)
lint: $(BIN)/.workflowcheck-$(WORKFLOWCHECK_VERSION)
	$(GO) vet ./...
	$(BIN)/workflowcheck ./...
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

## docs: regenerate README's configuration reference from the code (adapters/wiring/configref.go)
docs:
	$(GO) run ./cmd/checkout config reference --write README.md

## contracts: recompile the Solidity sources (npm solc, pinned) and regenerate their Go bindings (abigen)
contracts: $(BIN)/.abigen-$(ABIGEN_VERSION)
	ABIGEN=$(BIN)/abigen scripts/contracts.sh

build:
	$(GO) build -o $(BIN)/checkout ./cmd/checkout

postgres:
	@scripts/postgres.sh

tools: $(BIN)/.temporal-$(TEMPORAL_CLI_VERSION) $(BIN)/.geth-$(GETH_VERSION) chromium

# The browser tests drive Debian's chromium; a fresh machine gets it from apt (once, a few minutes).
chromium:
	@command -v chromium >/dev/null || { echo "installing chromium for the browser tests (first time only)"; \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$sudo apt-get install -y --no-install-recommends chromium >/dev/null || \
		{ $$sudo apt-get update >/dev/null && $$sudo apt-get install -y --no-install-recommends chromium >/dev/null; }; }

# A stamp per version: changing a pin rebuilds that tool; an unchanged pin costs nothing.
$(BIN)/.temporal-$(TEMPORAL_CLI_VERSION):
	@mkdir -p $(BIN)
	@echo "building the Temporal CLI $(TEMPORAL_CLI_VERSION) into bin/ (first time only: several minutes)"
	GOBIN=$(BIN) $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)
	@touch $@

$(BIN)/.geth-$(GETH_VERSION):
	@mkdir -p $(BIN)
	@echo "building geth $(GETH_VERSION) into bin/ (first time only: a minute or two)"
	GOBIN=$(BIN) $(GO) install github.com/ethereum/go-ethereum/cmd/geth@$(GETH_VERSION)
	@touch $@

# The server and its SQL schema tool, installed under names of their own (go install calls
# them server and sql) so they cannot be mistaken for anything else in bin/.
$(BIN)/.temporal-server-$(TEMPORAL_SERVER_VERSION):
	@mkdir -p $(BIN)
	@echo "building the Temporal server $(TEMPORAL_SERVER_VERSION) and its SQL tool into bin/ (first time only: 3-8 minutes)"
	@tmp=$$(mktemp -d) && GOBIN=$$tmp $(GO) install go.temporal.io/server/cmd/server@$(TEMPORAL_SERVER_VERSION) \
		go.temporal.io/server/cmd/tools/sql@$(TEMPORAL_SERVER_VERSION) && \
		mv $$tmp/server $(BIN)/temporal-server && mv $$tmp/sql $(BIN)/temporal-sql-tool && rmdir $$tmp
	@touch $@

# The Web UI's own server (the module the CLI embeds for start-dev's UI), for make cluster.
$(BIN)/.temporal-ui-server-$(TEMPORAL_UI_VERSION):
	@mkdir -p $(BIN)
	@echo "building the Temporal Web UI server $(TEMPORAL_UI_VERSION) into bin/ (first time only)"
	@tmp=$$(mktemp -d) && GOBIN=$$tmp $(GO) install github.com/temporalio/ui-server/v2/cmd/server@$(TEMPORAL_UI_VERSION) && \
		mv $$tmp/server $(BIN)/temporal-ui-server && rmdir $$tmp
	@touch $@

# Without @version, go install builds abigen at the version go.mod requires.
$(BIN)/.abigen-$(ABIGEN_VERSION):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install github.com/ethereum/go-ethereum/cmd/abigen
	@touch $@

$(BIN)/.workflowcheck-$(WORKFLOWCHECK_VERSION):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION)
	@touch $@

## help: list these targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## clean-dev: forget local dev state (Temporal history, chain, keys; the next make dev recreates its database)
clean-dev:
	rm -rf .dev
