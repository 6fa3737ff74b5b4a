package ir

import (
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/load"
)

func TestAdmittedStatuses(t *testing.T) {
	simple := func(cond string) *load.Criterion { return &load.Criterion{Condition: load.Str{Value: cond}} }
	for _, tc := range []struct {
		criteria    []*load.Criterion
		want        string // statusRanges of the admitted codes
		constrained bool
	}{
		{nil, "100-599", false},
		{[]*load.Criterion{simple("$response.body#/ok == true")}, "100-599", false},
		{[]*load.Criterion{simple("$statusCode == 400")}, "400", true},
		{[]*load.Criterion{simple("$statusCode == 201 || $statusCode == 204")}, "201 or 204", true},
		{[]*load.Criterion{simple("$statusCode >= 200 && $statusCode < 300")}, "200-299", true},
		{[]*load.Criterion{simple("$statusCode != 404")}, "100-403 or 405-599", true},
		{[]*load.Criterion{simple("!($statusCode < 500)")}, "500-599", true},
		{[]*load.Criterion{simple("$statusCode == 200 && $response.body#/ok")}, "200", true},
		{[]*load.Criterion{simple("$statusCode == 200 || $response.body#/ok")}, "100-599", false},
		{[]*load.Criterion{simple("{$statusCode == '401'}")}, "401", true},
		{[]*load.Criterion{{Context: load.Str{Value: "$statusCode"}, Type: load.Str{Value: "regex"}, Condition: load.Str{Value: "^2"}}}, "200-299", true},
		{[]*load.Criterion{simple("$statusCode >= 200"), simple("$statusCode <= 201")}, "200-201", true},
	} {
		var conds []string
		for _, c := range tc.criteria {
			conds = append(conds, c.Condition.Value)
		}
		codes, constrained := admittedStatuses(tc.criteria)
		if got := statusRanges(codes); got != tc.want || constrained != tc.constrained {
			t.Errorf("%q: admitted %s (constrained %v), want %s (%v)", conds, got, constrained, tc.want, tc.constrained)
		}
	}
	if got := statusRanges([]int{200, 204}); got != "200 or 204" {
		t.Errorf("statusRanges = %q", got)
	}
}
