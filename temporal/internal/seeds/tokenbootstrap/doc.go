// Package tokenbootstrap is the seed workflow airbyte-application-token-bootstrap-workflow.yml generated with -temporal: the
// workflow package, and in tokenbootstraptemporal the package that runs it on Temporal.
package tokenbootstrap

//go:generate go tool arazzogen -temporal -allow ../../../../examples/airbyte/openapi -o . -package tokenbootstrap ../../../../examples/airbyte/arazzo/airbyte-application-token-bootstrap-workflow.yml
