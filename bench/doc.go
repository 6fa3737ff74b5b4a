// Package bench measures the code arazzogen generates. Its tests hold the benchmarks; it has
// no API. BENCHMARKS.md at the repository root describes the method and one run's results.
//
// BenchmarkWorkflows runs each seed workflow of examples/ three ways against the same
// in-process HTTP server: the generated client, a hand-written net/http client (package
// handwritten, the floor) and libopenapi's Arazzo engine (package engine).
// BenchmarkWorkflowsInMemory does the same without sockets, to show the client-side cost
// alone. BenchmarkExchange is one bare exchange (a POST and its response read, nothing
// decoded) over loopback and in memory: the least any client spends per step, against which
// benchreport measures how much of a loopback run is sockets. TestSameRequestsAndOutputs checks that the three send the same bytes over one
// kept-alive connection and return the same outputs, so that the comparison is between equals.
//
// BenchmarkCorpusGenerate and BenchmarkCorpusParseFloor time generating every document of
// the real-world corpus ($CORPUS, else ../shared/corpus/realworld) against libopenapi parsing
// its OpenAPI descriptions once each; they skip when the corpus is absent.
//
// cmd/benchreport runs them all and prints the tables and the one-line summary (make bench).
package bench
