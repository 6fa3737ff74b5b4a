// Package sequential is the fan-out benchmark's workflows generated as usual: their steps
// run one after the other.
package sequential

//go:generate go tool arazzogen -docs=false -o . -package sequential ../fanout.arazzo.yaml
