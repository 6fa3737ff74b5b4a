// Package rotatetoken is the seed workflow prismatic-rotate-refresh-token-workflow.yml generated with -temporal: the
// workflow package, and in rotatetokentemporal the package that runs it on Temporal.
package rotatetoken

//go:generate go tool arazzogen -temporal -allow ../../../../examples/prismatic/openapi -o . -package rotatetoken ../../../../examples/prismatic/arazzo/prismatic-rotate-refresh-token-workflow.yml
