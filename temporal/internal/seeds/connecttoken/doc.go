// Package connecttoken is the seed workflow pipedream-token-validation-workflow.yml generated with -temporal: the
// workflow package, and in connecttokentemporal the package that runs it on Temporal.
package connecttoken

//go:generate go tool arazzogen -temporal -allow ../../../../examples/pipedream/openapi -o . -package connecttoken ../../../../examples/pipedream/arazzo/pipedream-token-validation-workflow.yml
