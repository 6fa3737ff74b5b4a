// Package refreshcustomers is the seed workflow prismatic-refresh-and-list-customers-workflow.yml generated with -temporal: the
// workflow package, and in refreshcustomerstemporal the package that runs it on Temporal.
package refreshcustomers

//go:generate go tool arazzogen -temporal -allow ../../../../examples/prismatic/openapi -o . -package refreshcustomers ../../../../examples/prismatic/arazzo/prismatic-refresh-and-list-customers-workflow.yml
