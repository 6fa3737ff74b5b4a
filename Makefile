# arazzogen: the everyday commands. `make demo` and `make test` are the two to start with.
GO       ?= go
FUZZTIME ?= 10s
FUZZMINIMIZETIME ?= 60s

.PHONY: demo demo-async demo-durable test generate golden check bench fuzz corpus

## demo: generate the seed examples and run all four workflows against the bundled fake APIs
demo:
	$(GO) generate ./examples/...
	$(GO) run ./examples/demo

## demo-async: the specification's pet purchase with AsyncAPI steps on a NATS server started in the process
demo-async:
	$(GO) generate ./examples/petorder/...
	cd broker && $(GO) run ./examples/demo

## demo-durable: the same four workflows as Temporal workflows on a development server it starts (needs the temporal command; it says how to install it)
demo-durable:
	cd temporal && $(GO) run ./internal/cmd/demodurable

## test: every test (behaviour, golden, error goldens, determinism, compile-and-vet, seeds)
test:
	$(GO) test ./...
	cd otel && $(GO) test ./...
	cd broker && $(GO) test ./...
	cd mcp && $(GO) test ./...
	cd temporal && $(GO) test ./...

## generate: regenerate the committed example code (and the fan-out benchmark's workflows)
generate:
	$(GO) generate ./examples/... ./bench/...
	cd mcp && $(GO) generate ./examples/...
	cd temporal && $(GO) generate ./internal/...

## golden: rewrite testdata/golden and testdata/errors from the current output (review the diff)
golden:
	$(GO) test ./cmd/arazzogen -run 'TestGolden$$|TestErrors' -update

## check: fail when committed generated code is stale, or formatting, vet or go.mod are off
check:
	./scripts/check.sh
	cd otel && $(GO) vet ./... && $(GO) mod tidy -diff
	cd broker && $(GO) vet ./... && $(GO) mod tidy -diff
	cd mcp && $(GO) vet ./... && $(GO) mod tidy -diff
	cd temporal && $(GO) vet ./... && $(GO) mod tidy -diff

## bench: generated workflows vs hand-written net/http and the libopenapi engine; a fan-out with and without -parallel; corpus generation vs the libopenapi parse floor; a generated Temporal workflow vs a hand-written one; each part ends with its summary line (BENCHMARKS.md)
BENCHFLAGS ?=
DURABLEBENCHFLAGS ?=
bench:
	cd temporal && $(GO) run ./internal/cmd/benchdurable $(DURABLEBENCHFLAGS)
	$(GO) run ./bench/cmd/benchreport $(BENCHFLAGS)

## fuzz: run each fuzz target for FUZZTIME
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseValue$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./generator/internal/expr
	$(GO) test -run '^$$' -fuzz '^FuzzParseCondition$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./generator/internal/expr
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./generator/internal/load
	$(GO) test -run '^$$' -fuzz '^FuzzEmit$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./generator
	$(GO) test -run '^$$' -fuzz '^FuzzParseAsyncAPI$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./generator/internal/load
	$(GO) test -run '^$$' -fuzz '^FuzzJSONNode$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./generator/internal/load
	$(GO) test -run '^$$' -fuzz '^FuzzLookup$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeScalar$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime
	$(GO) test -run '^$$' -fuzz '^FuzzRedactBody$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime/jsonpath
	$(GO) test -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime/ecmaregex
	$(GO) test -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime/xpath
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime/xpath
	$(GO) test -run '^$$' -fuzz '^FuzzReplaceText$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./runtime/xpath

## corpus: generate, compile and vet every document of ../shared/corpus/realworld (or $$CORPUS)
corpus:
	$(GO) run ./internal/cmd/corpus $(CORPUSFLAGS)
