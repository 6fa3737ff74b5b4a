package expr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Expr
	}{
		{"$statusCode", Expr{Kind: StatusCode}},
		{"$inputs.refreshToken", Expr{Kind: Inputs, Name: "refreshToken"}},
		{"$inputs.customer#/first~1name", Expr{Kind: Inputs, Name: "customer", HasPointer: true, Pointer: []string{"first/name"}}},
		{"$steps.refresh-1.outputs.access.token", Expr{Kind: Steps, Name: "refresh-1", Field: "access.token"}},
		{"$steps.s.outputs.list#/0/id", Expr{Kind: Steps, Name: "s", Field: "list", HasPointer: true, Pointer: []string{"0", "id"}}},
		{"$response.body", Expr{Kind: ResponseBody}},
		{"$response.body#/data/a~0b", Expr{Kind: ResponseBody, HasPointer: true, Pointer: []string{"data", "a~b"}}},
		{"$response.body#", Expr{Kind: ResponseBody, HasPointer: true, Pointer: []string{}}},
		{"$response.header.X-Rate-Limit", Expr{Kind: ResponseHeader, Name: "X-Rate-Limit"}},
		{"$request.query.page size", Expr{Kind: RequestQuery, Name: "page size"}},
		{"$workflows.w.outputs.o#/x", Expr{Kind: Workflows, Name: "w", WorkflowField: "outputs", Field: "o", HasPointer: true, Pointer: []string{"x"}}},
		{"$sourceDescriptions.petstore.get.Pet", Expr{Kind: SourceDescriptions, Name: "petstore", Field: "get.Pet"}},
		{"$components.parameters.page.size", Expr{Kind: Components, Name: "parameters", Field: "page.size"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		tt.want.Raw = tt.in
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in      string
		offset  int
		message string
	}{
		{"$foo.bar", 0, "unknown expression root"},
		{"$steps.a", 8, "expected '.outputs.<name>'"},
		{"$steps.a.outputs", 8, "expected '.outputs.<name>'"},
		{"$steps.a.outputs.", 17, "expected output name"},
		{"$workflows.w.inputs", 12, "expected '.inputs.<name>' or '.outputs.<name>'"},
		{"$workflows.w", 12, "expected '.inputs.<name>' or '.outputs.<name>'"},
		{"$response.query.x", 10, "expected header.<name> or body"},
		{"$message.headers.x", 9, "expected header.<name> or payload"},
		{"$inputsX", 7, "expected '.'"},
		{"$inputs.a#/b~2", 12, "~0"},
		{"$statusCodes", 0, "unknown expression root"},
		{"$components.widgets.x", 12, "unknown component type"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		pe, ok := err.(*Error)
		if !ok {
			t.Errorf("Parse(%q) = %v, want a parse error", tt.in, err)
			continue
		}
		if pe.Offset != tt.offset || !strings.Contains(pe.Msg, tt.message) {
			t.Errorf("Parse(%q) error at %d %q, want at %d containing %q", tt.in, pe.Offset, pe.Msg, tt.offset, tt.message)
		}
	}
}

// Habits are spellings outside the grammar with one reading: the parser reads them and
// records them, so that the generator can warn and name the strict spelling.
func TestParseHabits(t *testing.T) {
	tests := []struct {
		in     string
		want   Expr
		strict string
	}{
		{"$response.body#access_token", Expr{Kind: ResponseBody, HasPointer: true, Pointer: []string{"access_token"}, Habits: PointerWithoutSlash}, "$response.body#/access_token"},
		{"$inputs.a#x/0", Expr{Kind: Inputs, Name: "a", HasPointer: true, Pointer: []string{"x", "0"}, Habits: PointerWithoutSlash}, "$inputs.a#/x/0"},
		{"$response.headers.X-Total", Expr{Kind: ResponseHeader, Name: "X-Total", Habits: HeadersPlural}, "$response.header.X-Total"},
		{"$request.headers.Accept", Expr{Kind: RequestHeader, Name: "Accept", Habits: HeadersPlural}, "$request.header.Accept"},
		{"$steps.login.token", Expr{Kind: Steps, Name: "login", Field: "token", Habits: OmittedOutputs}, "$steps.login.outputs.token"},
		{"$steps.a.output.x#/0", Expr{Kind: Steps, Name: "a", Field: "output.x", HasPointer: true, Pointer: []string{"0"}, Habits: OmittedOutputs}, "$steps.a.outputs.output.x#/0"},
		{"$workflows.w.result", Expr{Kind: Workflows, Name: "w", Field: "result", Habits: OmittedWorkflowField}, "$workflows.w.outputs.result"},
		{"$response.body.data[0].id", Expr{Kind: ResponseBody, HasPointer: true, Pointer: []string{"data", "0", "id"}, Habits: DotDrill}, "$response.body#/data/0/id"},
		{"$message.payload.orderId", Expr{Kind: MessagePayload, HasPointer: true, Pointer: []string{"orderId"}, Habits: DotDrill}, "$message.payload#/orderId"},
		{"$inputs", Expr{Kind: Inputs, Habits: WholeInputs}, "$inputs"},
		{"$inputs#/files/0", Expr{Kind: Inputs, HasPointer: true, Pointer: []string{"files", "0"}, Habits: WholeInputs}, "$inputs#/files/0"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		tt.want.Raw = tt.in
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if s := got.Strict(); s != tt.strict {
			t.Errorf("Parse(%q).Strict() = %q, want %q", tt.in, s, tt.strict)
		}
		if got.Habits.Describe() == "" {
			t.Errorf("Parse(%q): habits %b have no description", tt.in, got.Habits)
		}
	}
	// A strict expression has no habits, and Strict gives back its text.
	for _, s := range []string{"$steps.s.outputs.list#/0/id", "$workflows.w.outputs.o#/x", "$response.header.X-Rate-Limit", "$inputs.customer#/first~1name", "$components.parameters.page"} {
		e, err := Parse(s)
		if err != nil || e.Habits != 0 || e.Strict() != s {
			t.Errorf("Parse(%q) = %+v, %v; Strict() = %q", s, e, err, e.Strict())
		}
	}
	// "$inputs" is an expression on its own or before a pointer, but not inside text.
	if !LooksLikeExpression("$inputs") || !LooksLikeExpression("$inputs#/a") || LooksLikeExpression("$inputs are") {
		t.Error("LooksLikeExpression must accept $inputs alone or with a pointer, and only then")
	}
	// In text, a dot path ends where the text goes on.
	v, err := ParseValue("id $response.body.id. Next")
	if err != nil || len(v.Parts) != 3 || v.Parts[1].Expr == nil || v.Parts[1].Expr.Strict() != "$response.body#/id" || v.Parts[2].Lit != ". Next" {
		t.Errorf("ParseValue(id $response.body.id. Next) = %+v, %v", v.Parts, err)
	}
	if v, err := ParseValue("the $inputs object"); err != nil || !v.IsLiteral() {
		t.Errorf("ParseValue(the $inputs object) = %+v, %v; want literal text", v, err)
	}
}

func TestParseValue(t *testing.T) {
	v, err := ParseValue("Bearer $steps.refreshToken.outputs.accessToken")
	if err != nil {
		t.Fatal(err)
	}
	if v.Whole != nil || len(v.Parts) != 2 || v.Parts[0].Lit != "Bearer " || !v.Parts[1].Unbraced || v.Parts[1].Offset != 7 {
		t.Fatalf("unexpected parts %+v", v.Parts)
	}
	if got := v.Braced(); got != "Bearer {$steps.refreshToken.outputs.accessToken}" {
		t.Errorf("Braced() = %q", got)
	}
	v, err = ParseValue(`{"id": "{$inputs.id}", "q": "$name"}`)
	if err != nil {
		t.Fatal(err)
	}
	var lits, exprs int
	for _, p := range v.Parts {
		if p.Expr != nil {
			exprs++
			if p.Unbraced || p.Expr.Name != "id" {
				t.Errorf("unexpected expression part %+v", p)
			}
		} else {
			lits++
		}
	}
	if exprs != 1 || v.Braced() != `{"id": "{$inputs.id}", "q": "$name"}` {
		t.Errorf("braces that do not open {$ must stay literal, and $name is not an expression: %+v", v.Parts)
	}
	if v, _ := ParseValue("$inputs.id"); v.Whole == nil {
		t.Error("a whole expression was not recognised")
	}
	if v, _ := ParseValue("price is $5"); !v.IsLiteral() {
		t.Error("$5 is not an expression")
	}
	if _, err := ParseValue("x {$inputs.id"); err == nil {
		t.Error("an unclosed embedded expression must be an error")
	}
}

func render(c Cond) string {
	switch c := c.(type) {
	case *Binary:
		return "(" + render(c.L) + " " + c.Op + " " + render(c.R) + ")"
	case *Not:
		return "!" + render(c.X)
	case *Lit:
		if c.Kind == LitString {
			return "'" + c.Text + "'"
		}
		return c.Text
	case *Ref:
		return c.Expr.Raw
	}
	return "?"
}

func TestParseCondition(t *testing.T) {
	tests := map[string]string{
		"$statusCode == 200": "($statusCode == 200)",
		"$statusCode == 200 && $response.body#/ok == true":          "(($statusCode == 200) && ($response.body#/ok == true))",
		"$a == 1 || $b == 2 && $c == 3":                             "",
		"!($statusCode == 500) || $inputs.x != null":                "(!($statusCode == 500) || ($inputs.x != null))",
		"$response.body#/name == 'O''Brien'":                        "($response.body#/name == 'O'Brien')",
		"{$statusCode == 401}":                                      "($statusCode == 401)",
		"$response.body#/count >= -1.5e2":                           "($response.body#/count >= -1.5e2)",
		"$statusCode == 200 && ($inputs.a < 3 || $inputs.b >= 4.5)": "(($statusCode == 200) && (($inputs.a < 3) || ($inputs.b >= 4.5)))",
	}
	for in, want := range tests {
		c, err := ParseCondition(in)
		if want == "" {
			if err == nil {
				t.Errorf("%q: unknown roots must fail", in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCondition(%q): %v", in, err)
			continue
		}
		if got := render(c); got != want {
			t.Errorf("ParseCondition(%q) = %s, want %s", in, got, want)
		}
	}
	// A double-quoted string (a habit) is the text up to the next double quote, marked so
	// that the generator can warn; a single-quoted one is not marked.
	c, err := ParseCondition(`$response.body#/state == "it's done" && $inputs.a != 'x'`)
	if err != nil {
		t.Fatal(err)
	}
	and := c.(*Binary)
	dq, sq := and.L.(*Binary).R.(*Lit), and.R.(*Binary).R.(*Lit)
	if dq.Kind != LitString || dq.Text != "it's done" || !dq.DoubleQuoted || dq.Off != 25 || sq.DoubleQuoted {
		t.Errorf("double-quoted literal read as %+v, single-quoted as %+v", dq, sq)
	}
	for in, off := range map[string]int{"$statusCode ==": 14, "($statusCode == 200": 19, `$x == "a"`: 0, "$statusCode == 200 200": 19, `$statusCode == "200`: 15} {
		_, err := ParseCondition(in)
		pe, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: want an error, got %v", in, err)
			continue
		}
		if in != `$x == "a"` && pe.Offset != off {
			t.Errorf("%q: error at %d (%s), want %d", in, pe.Offset, pe.Msg, off)
		}
	}
}

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"$inputs.a", "Bearer $steps.a.outputs.t", "{$response.body#/a/0}", "x{$", "$steps.", "{\"a\": \"{$inputs.b}\"}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseValue(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if v.Whole == nil && len(v.Parts) == 0 {
			t.Fatal("no parts")
		}
	})
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{"$statusCode == 200", "!($a.b == 'x') && $c < 3", "{$statusCode == 401}", "((", "'unterminated"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCondition(s)
		if err != nil {
			if pe, ok := err.(*Error); !ok || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("bad error %v for %q", err, s)
			}
			return
		}
		if c == nil {
			t.Fatal("nil condition without error")
		}
	})
}

func TestParseBraced(t *testing.T) {
	parts, err := ParseBraced(`^[A-Z]{2}-{$inputs.prefix}$`)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 || parts[0].Lit != "^[A-Z]{2}-" || parts[1].Expr == nil || parts[1].Expr.Raw != "$inputs.prefix" || parts[1].Offset != 11 || parts[2].Lit != "$" {
		t.Fatalf("parts = %+v", parts)
	}
	// JSONPath's own "$" and a brace not followed by "$" stay literal.
	if parts, err := ParseBraced(`$.a[?@.b == 1]`); err != nil || len(parts) != 1 || parts[0].Expr != nil {
		t.Fatalf("parts = %+v, err = %v", parts, err)
	}
	for _, tc := range []struct {
		in  string
		off int
	}{{"x{$inputs.a", 1}, {"ab{$nope}", 3}} {
		_, err := ParseBraced(tc.in)
		var pe *Error
		if !errors.As(err, &pe) || pe.Offset != tc.off {
			t.Errorf("ParseBraced(%q) error = %v, want offset %d", tc.in, err, tc.off)
		}
	}
}

func TestConditionDepth(t *testing.T) {
	ok := strings.Repeat("!", MaxConditionDepth-1) + "($statusCode == 200)"
	if _, err := ParseCondition(ok); err != nil {
		t.Errorf("%d levels: %v", MaxConditionDepth, err)
	}
	for _, c := range []struct {
		cond string
		at   int
	}{
		{strings.Repeat("!", 100000) + "$statusCode", MaxConditionDepth},
		{strings.Repeat("(", 100000) + "$statusCode" + strings.Repeat(")", 100000), MaxConditionDepth},
		{strings.Repeat("$statusCode == 200 && ", 50000) + "true", 0},
		{strings.Repeat("$statusCode == 200 || ", 50000) + "true", 0},
	} {
		_, err := ParseCondition(c.cond)
		if err == nil || !strings.Contains(err.Error(), "nests deeper") {
			t.Errorf("%.30q…: %v, want a nesting error", c.cond, err)
			continue
		}
		if e, ok := err.(*Error); !ok || c.at > 0 && e.Offset != c.at {
			t.Errorf("%.30q…: error %#v, want one at offset %d", c.cond, err, c.at)
		}
	}
}
