// Package refreshcustomers is the seed workflow prismatic-refresh-and-list-customers-workflow.yml
// generated with -mcp: arazzo.gen.go holds the typed client, ARAZZO.md its diagram and
// tables, and cmd/refreshcustomers-mcp an MCP server with the workflow as a tool.
package refreshcustomers

//go:generate go tool arazzogen -mcp -allow ../../../examples/prismatic/openapi -o . -package refreshcustomers ../../../examples/prismatic/arazzo/prismatic-refresh-and-list-customers-workflow.yml
