package corpus

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// oaiExpectation is what the generator must say about one example document of the Arazzo
// specification. Documents that hold mistakes must fail with positioned diagnostics naming
// each mistake (the ones ../shared/corpus/oai-examples/README.md lists, found by reading
// the documents against their OpenAPI descriptions); the others must generate code that
// compiles and vets.
type oaiExpectation struct {
	pass bool
	// diags are "line:col: severity: text" prefixes of diagnostics that must be reported
	// for the document, text matched as a substring of the message; or "hint: text", a
	// hint that must be given.
	diags []string
}

var oaiExamples = map[string]oaiExpectation{
	// animals.yaml was never in the specification's repository.
	"1.0.0/ExtendedParametersExample.arazzo.yaml": {diags: []string{
		`8:10: error: cannot read source "animals" from 1.0.0/animals.yaml`,
	}},
	// operationIds are case-sensitive: the description defines Par, the one operation the
	// name can mean, which is read with a warning.
	"1.0.0/FAPI-PAR.arazzo.yaml": {pass: true, diags: []string{
		`102:22: warning: operationId "PAR" is not defined as written; reading it as "Par"`,
		`hint: write "Par": operationIds are case-sensitive`,
	}},
	// The pointer names a path item, not an operation; the path item has one operation,
	// which is read with a warning.
	"1.0.0/LoginAndRetrievePets.arazzo.yaml": {pass: true, diags: []string{
		`46:20: warning: operationPath "{$sourceDescriptions.petStoreDescription.url}#/paths/~1pet~1findByStatus" points at the path item /pet/findByStatus, not at an operation; reading it as its only operation, GET`,
		`hint: write operationPath: '{$sourceDescriptions.petStoreDescription.url}#/paths/~1pet~1findByStatus/get'`,
	}},
	"1.0.0/bnpl-arazzo.yaml": {diags: []string{
		// The query parameter is AuthorizationToken in the description.
		`217:13: warning: step "authenticateCustomerAndAuthorizeLoan" does not set required query parameter "AuthorizationToken"`,
		`229:15: warning: operation getAuthorization does not declare query parameter "redirectAuthToken"`,
		// A step's parameters are sent before it has outputs.
		`231:16: error: step "authenticateCustomerAndAuthorizeLoan" cannot read its own outputs`,
		// initiateBnplTransaction defines no such output, and a path parameter can never be
		// without a value.
		`242:16: error: step "initiateBnplTransaction" has no output "loanTransactionId"; path parameter "loanTransactionId" needs a value`,
		`253:16: error: step "initiateBnplTransaction" has no output "loanTransactionId"`,
		// The workflow output leaves out .outputs., read leniently.
		`260:27: warning: runtime expression $steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan leaves out '.outputs.'`,
	}},
	"1.0.0/oauth.arazzo.yaml": {pass: true},
	"1.0.0/pet-coupons.arazzo.yaml": {diags: []string{
		// The description's parameters are tags and petId.
		`26:19: warning: operation findPetsByTags does not declare query parameter "pet_tags"`,
		`36:17: error: step "find-coupons" does not set path parameter "petId" of operation getPetCoupons`,
		`40:19: error: path /pet/{petId}/coupons of operation getPetCoupons has no parameter {pet_id}`,
		// A workflowId step has no response.
		`56:24: error: $statusCode cannot be used in step "place-order": the step runs workflow "place-order"`,
		`91:24: error: $statusCode cannot be used in step "place-order": the step runs workflow "place-order"`,
	}},
	// Source names are case-sensitive: the source is petStoreDescription.
	// Source names are case-sensitive: the source is petStoreDescription, the one source
	// that differs only in letter case, which is read with a warning.
	"spec-inline/1.0.0/arazzo-object-example.arazzo.yaml": {diags: []string{
		`48:20: warning: operationPath names source "petstoreDescription", which is not declared as written; reading it as "petStoreDescription"`,
		// The login step is loginStep.
		`55:16: error: workflow "loginUserAndRetrievePet" has no step "loginUser"`,
	}},
	"spec-inline/1.0.1/arazzo-object-example.arazzo.yaml": {diags: []string{
		`48:20: warning: operationPath names source "petstoreDescription", which is not declared as written; reading it as "petStoreDescription"`,
		`55:16: error: workflow "loginUserAndRetrievePet" has no step "loginUser"`,
	}},
	// The AsyncAPI example generates, each of its mistakes read leniently; the broker module's
	// conformance test runs it end to end.
	"spec-inline/1.1.0/arazzo-object-example.arazzo.yaml": {pass: true, diags: []string{
		`35:18: warning: operationId "$sourceDescriptions.petstoreDescription.loginUser" names source "petstoreDescription", which is not declared as written; reading it as "petStoreDescription"`,
		`54:20: warning: operationPath names source "petstoreDescription", which is not declared as written`,
		// The 1.1 schema wants operationId or channelPath, not operationPath, on an AsyncAPI step.
		`73:20: warning: operationPath "$sourceDescriptions.asyncOrderApiDescription.placeOrder" names an operation by its operationId`,
		// The step sets orderCorrelationId; the message's correlation ID is orderRequestId.
		`76:13: warning: message "OrderRequest" does not declare header "orderCorrelationId"`,
		`71:13: warning: message "OrderRequest" requires header "orderRequestId", which step "purchasePetStep" does not set`,
		// pet-asyncapi.yaml has no operation confirmOrder; its channel confirm-order is the reply.
		`85:20: warning: "$sourceDescriptions.asyncOrderApiDescription.confirmOrder" names no operation; reading it as channel "confirm-order"`,
		`90:16: warning: runtime expression $message.payload.orderId drills into a value with dots`,
	}},
}

// TestOAIExamples runs the example documents of the Arazzo specification, with its
// url-map.json mapping their remote sources to local copies, and checks each outcome.
func TestOAIExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated code with the go command; skipped in -short mode")
	}
	root := filepath.Join(repoRoot(t), "..", "shared", "corpus", "oai-examples")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("the OAI examples are not present (a fresh clone has no ../shared): %v", err)
	}
	rep, err := Run(context.Background(), Options{Dir: root, Repo: repoRoot(t), Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, r := range rep.Results {
		seen = append(seen, r.Path)
		want, ok := oaiExamples[r.Path]
		if !ok {
			t.Errorf("%s: no expectation; its outcome was: %s", r.Path, outcome(r))
			continue
		}
		if r.Panic {
			t.Errorf("%s: %s", r.Path, r.Reason)
			continue
		}
		if want.pass {
			if !r.Passed() {
				t.Errorf("%s: want code that compiles and vets, got: %s\n%s", r.Path, r.Reason, r.Detail)
			}
			for _, d := range want.diags {
				if !hasDiag(r.Diags, r.Path, d) {
					t.Errorf("%s: no diagnostic %q among:\n%s", r.Path, d, r.Diags)
				}
			}
			continue
		}
		if r.Passed() {
			t.Errorf("%s: generated, but the document has mistakes that must be errors", r.Path)
			continue
		}
		for _, d := range want.diags {
			if !hasDiag(r.Detail, r.Path, d) {
				t.Errorf("%s: no diagnostic %q among:\n%s", r.Path, d, r.Detail)
			}
		}
	}
	for p := range oaiExamples {
		if !slices.Contains(seen, p) {
			t.Errorf("%s: expected but not discovered", p)
		}
	}
}

// hasDiag reports whether detail holds the diagnostic "line:col: severity: text" for the
// document at path.
func hasDiag(detail, path, want string) bool {
	if hint, ok := strings.CutPrefix(want, "hint: "); ok {
		for _, l := range strings.Split(detail, "\n") {
			if h, ok := strings.CutPrefix(l, "\thint: "); ok && strings.Contains(h, hint) {
				return true
			}
		}
		return false
	}
	pos, rest, _ := strings.Cut(want, ": ")
	line, col, _ := strings.Cut(pos, ":")
	sev, text, _ := strings.Cut(rest, ": ")
	prefix := path + ":" + line + ":" + col + ": " + sev + ": "
	for _, l := range strings.Split(detail, "\n") {
		if msg, ok := strings.CutPrefix(l, prefix); ok && strings.Contains(msg, text) {
			return true
		}
	}
	return false
}

func outcome(r *Result) string {
	if r.Passed() {
		return "generated"
	}
	return r.Reason
}
