// Package bench measures the code arazzogen generates. Its tests hold the benchmarks; it has
// no API.
//
// BenchmarkWorkflows runs each seed workflow of examples/ three ways against the same
// in-process HTTP server: the generated client, a hand-written net/http client (package
// handwritten, the floor) and libopenapi's Arazzo engine (package engine).
// TestSameRequestsAndOutputs checks that the three send the same bytes and return the same
// outputs, so that the comparison is between equals.
//
// BenchmarkCorpusGenerate and BenchmarkCorpusParseFloor time generating every document of
// ../shared/corpus/realworld against libopenapi parsing its OpenAPI descriptions once each.
//
// cmd/benchreport runs them all and prints the table and the one-line summary (make bench).
package bench
