package ir

import "testing"

// TestXSecurityValuesAreSecret: the inputs and step outputs that x-security sends as
// credentials are secret although their names are not.
func TestXSecurityValuesAreSecret(t *testing.T) {
	const api = `openapi: 3.1.0
info: {title: api, version: "1"}
paths:
  /login:
    post:
      operationId: login
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {grant: {type: string}}}
  /thing:
    get:
      operationId: getThing
      responses:
        "200": {description: ok}
`
	const doc = `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: w
    inputs:
      type: object
      properties:
        accountRef: {type: string}
        label: {type: string}
    steps:
      - stepId: login
        operationId: login
        outputs:
          grant: $response.body#/grant
      - stepId: query
        operationId: getThing
        x-security:
          - scheme: {type: apiKey, in: query, name: ref}
            values:
              value: $inputs.accountRef
      - stepId: bearer
        operationId: getThing
        x-security:
          - scheme: {type: http, scheme: bearer}
            values:
              token: $steps.login.outputs.grant
`
	p, diags := build(t, doc, api)
	if p == nil {
		t.Fatalf("no program:\n%s", diags)
	}
	w := p.Workflows[0]
	secret := map[string]bool{}
	for _, f := range w.Inputs.Fields {
		secret["input "+f.JSONName] = f.Secret
	}
	for _, f := range w.Steps[0].Outputs.Fields {
		secret["output "+f.JSONName] = f.Secret
	}
	want := map[string]bool{"input accountRef": true, "input label": false, "output grant": true}
	for k, v := range want {
		if secret[k] != v {
			t.Errorf("%s: secret %v, want %v (diagnostics:\n%s)", k, secret[k], v, diags)
		}
	}
}
