package ir

import "testing"

func TestExpressionWithNote(t *testing.T) {
	for _, c := range []struct {
		text, expression, note string
		ok                     bool
	}{
		{"$steps.list.outputs.items (array of orders)", "$steps.list.outputs.items", "(array of orders)", true},
		{"$response.body#/id the order id", "$response.body#/id", "the order id", true},
		{"$response.body#/id - the order id", "$response.body#/id", "- the order id", true},
		{"$statusCode == 200", "", "", false},
		{"$steps.s.outputs.Order ids {$inputs.x}", "", "", false},
		{"$response.body#/id", "", "", false},
		{"Bearer $inputs.token", "", "", false},
		{"$not an expression", "", "", false},
	} {
		expression, note, ok := expressionWithNote(c.text)
		if expression != c.expression || note != c.note || ok != c.ok {
			t.Errorf("expressionWithNote(%q) = %q, %q, %v; want %q, %q, %v", c.text, expression, note, ok, c.expression, c.note, c.ok)
		}
	}
}

func TestBracketIndexes(t *testing.T) {
	for _, c := range []struct {
		in, want []string
		ok       bool
	}{
		{[]string{"items[0]", "id"}, []string{"items", "0", "id"}, true},
		{[]string{"[2]"}, []string{"2"}, true},
		{[]string{"grid[1][2]"}, []string{"grid", "1", "2"}, true},
		{[]string{"items", "0"}, []string{"items", "0"}, false},
		{[]string{"tags[]"}, []string{"tags[]"}, false},
		{[]string{"a[x]"}, []string{"a[x]"}, false},
	} {
		got, ok := bracketIndexes(c.in)
		if ok != c.ok || len(got) != len(c.want) {
			t.Errorf("bracketIndexes(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("bracketIndexes(%q) = %q; want %q", c.in, got, c.want)
				break
			}
		}
	}
}
