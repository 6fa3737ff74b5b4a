// Package chain is a workflow that runs another one first (dependsOn) and as a step
// (workflowId), generated with -temporal for the tests of the temporal module.
package chain

//go:generate go tool arazzogen -temporal -o . -package chain chain.arazzo.yaml
