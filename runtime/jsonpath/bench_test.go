package jsonpath

import (
	"encoding/json"
	"fmt"
	"testing"
)

// benchDoc resembles a paginated API response: 200 customers with nested objects.
func benchDoc(b *testing.B) []byte {
	b.Helper()
	items := make([]any, 200)
	for i := range items {
		items[i] = map[string]any{
			"id":      fmt.Sprintf("cus_%04d", i),
			"name":    fmt.Sprintf("Customer %d", i),
			"status":  []string{"active", "suspended", "trial"}[i%3],
			"balance": float64(i*37%1000) / 10,
			"tags":    []any{"t" + fmt.Sprint(i%5), "region-" + fmt.Sprint(i%7)},
			"owner":   map[string]any{"email": fmt.Sprintf("owner%d@example.com", i), "verified": i%2 == 0},
		}
	}
	doc, err := json.Marshal(map[string]any{
		"data": map[string]any{"customers": map[string]any{"nodes": items, "pageInfo": map[string]any{"hasNextPage": true, "endCursor": "abc"}}},
		"meta": map[string]any{"requestId": "r-1", "minBalance": 50.0},
	})
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

func BenchmarkSelect(b *testing.B) {
	doc := benchDoc(b)
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		"$.data.customers.nodes[17].id",
		"$.data.customers.nodes[?@.status == 'active' && @.balance > $.meta.minBalance].id",
		"$.data.customers.nodes[?match(@.owner.email, 'owner[0-9]*7@example\\\\.com')].name",
		"$..email",
		"$.data.customers.nodes[?count(@.tags[?search(@, 'region-[34]')]) > 0].id",
	} {
		p := MustParse(q)
		if len(p.Select(root)) == 0 {
			b.Fatalf("%s selects nothing", q)
		}
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Select(root)
			}
		})
	}
	p := MustParse("$.data.customers.nodes[?@.status == 'trial'].id")
	b.Run("SelectJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := p.SelectJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
