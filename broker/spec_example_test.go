package broker_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/arazzogen/arazzogen/internal/scripted"
)

// The Arazzo 1.1 specification's own example ("Arazzo Specification Object Example", with
// the AsyncAPI document of its examples/1.1.0 and the Swagger Petstore it names), generated
// as published, mistakes read leniently with warnings, and run end to end: log in and find
// a pet over HTTP, publish the order on place-order, receive the confirmation on
// confirm-order by its correlation ID.
type specCase struct {
	dir string // ../shared/corpus/oai-examples; "" when absent
}

const specPkg = "specexample"

func specExample(t *testing.T) *specCase {
	dir := filepath.Join(repoRoot(t), "..", "shared", "corpus", "oai-examples")
	if _, err := os.Stat(filepath.Join(dir, "spec-inline", "1.1.0", "arazzo-object-example.arazzo.yaml")); err != nil {
		return &specCase{} // run reports the skip
	}
	return &specCase{dir: dir}
}

// generate maps the example's remote source urls to the local copies, as its README says.
func (s *specCase) generate(t *testing.T, mod, arazzogen string) {
	if s.dir == "" {
		return
	}
	doc := filepath.Join(s.dir, "spec-inline", "1.1.0", "arazzo-object-example.arazzo.yaml")
	petstore := filepath.Join(s.dir, "external", "raw.githubusercontent.com", "swagger-api", "swagger-petstore", "master", "src", "main", "resources", "openapi.yaml")
	async := filepath.Join(s.dir, "1.1.0", "pet-asyncapi.yaml")
	generate(t, arazzogen, s.dir, filepath.Join(mod, specPkg), specPkg, doc,
		"-source", "petStoreDescription="+petstore, "-source", "asyncOrderApiDescription="+async)
}

func (s *specCase) run(t *testing.T, bin string, b *testBroker) {
	if s.dir == "" {
		t.Skip("the specification's examples are not present (a fresh clone has no ../shared)")
	}
	token := "token-7c1"
	r := asyncRun{
		Workflow: "loginUserAndRetrievePet",
		Inputs:   map[string]any{"username": "alice", "password": "s3cret-pass", "orderCorrelationId": "order-77"},
		Exchanges: []scripted.Exchange{
			{Request: "GET /user/login?username=alice&password=s3cret-pass", Response: scripted.Response{
				Headers: map[string]string{"X-Expires-After": "2026-12-31T00:00:00Z", "X-Rate-Limit": "100"}, JSON: token}},
			{Request: "GET /pet/findByStatus?status=available", Headers: map[string]string{"Authorization": token},
				Response: scripted.Response{JSON: []any{map[string]any{"id": 7, "name": "Rex", "photoUrls": []any{}}}}},
		},
		Messages: []messageExchange{{
			Expect: scriptedMessage{Channel: "place-order", Headers: map[string]string{"orderCorrelationId": "order-77"}, JSON: map[string]any{"petId": 7}},
			Reply: []scriptedMessage{
				{Channel: "confirm-order", Headers: map[string]string{"orderRequestId": "order-78"}, JSON: map[string]any{"orderId": 1}},
				{Channel: "confirm-order", Headers: map[string]string{"orderRequestId": "order-77"}, JSON: map[string]any{"orderId": 99}},
			},
		}},
		Outputs: map[string]any{"orderId": 99},
	}
	executeAsync(t, filepath.Join(bin, specPkg), []string{"petStoreDescription"}, []string{"asyncOrderApiDescription"}, b, r)
}
