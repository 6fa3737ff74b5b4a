// Package jobs is a workflow that polls for hours (a report rendered by a slow queue),
// generated with -temporal for the tests and the benchmark of the temporal module.
package jobs

//go:generate go tool arazzogen -temporal -o . -package jobs jobs.arazzo.yaml
