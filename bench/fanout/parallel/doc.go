// Package parallel is the fan-out benchmark's workflows generated with -parallel: the
// independent reads run at once.
package parallel

//go:generate go tool arazzogen -parallel -docs=false -o . -package parallel ../fanout.arazzo.yaml
