package frontend

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exprString prints x fully parenthesised: (a + b), (-x), {2 mV/ms},
// f(a; k=v), [a, b], <paren x>.
func exprString(x Expr) string {
	switch x := x.(type) {
	case nil:
		return "nil"
	case *Ident:
		return x.Name
	case *NumberLit:
		return x.Raw
	case *StringLit:
		return fmt.Sprintf("%q", x.Value)
	case *QuantityLit:
		return "{" + x.Number.Raw + " " + x.Unit.String() + "}"
	case *BinaryExpr:
		return "(" + exprString(x.X) + " " + x.Op.String() + " " + exprString(x.Y) + ")"
	case *UnaryExpr:
		return "(" + x.Op.String() + exprString(x.X) + ")"
	case *ParenExpr:
		return "<" + exprString(x.X) + ">"
	case *CallExpr:
		var args []string
		for _, a := range x.Args {
			args = append(args, exprString(a))
		}
		s := x.Fun.Name + "(" + strings.Join(args, ", ")
		if len(x.Named) > 0 {
			var named []string
			for _, a := range x.Named {
				named = append(named, a.Name.Name+"="+exprString(a.Value))
			}
			s += "; " + strings.Join(named, ", ")
		}
		return s + ")"
	case *ListExpr:
		var elems []string
		for _, e := range x.Elems {
			elems = append(elems, exprString(e))
		}
		return "[" + strings.Join(elems, ", ") + "]"
	case *BadExpr:
		return "BAD"
	}
	return fmt.Sprintf("%T", x)
}

func TestParseExpr(t *testing.T) {
	tests := []struct{ src, want string }{
		{"1 + 2 * 3", "(1 + (2 * 3))"},
		{"a - b - c", "((a - b) - c)"},
		{"a / b * c", "((a / b) * c)"},
		{"-x^2", "(-(x ^ 2))"},
		{"2^-1", "(2 ^ (-1))"},
		{"a^b^c", "(a ^ (b ^ c))"},
		{"-a * b", "((-a) * b)"},
		{"!a && b || c && d", "(((!a) && b) || (c && d))"},
		{"a + b < c * d", "((a + b) < (c * d))"},
		{"a < b && c >= d", "((a < b) && (c >= d))"},
		{"(a + b) * c", "(<(a + b)> * c)"},
		{"- - a", "(-(-a))"},
		{"+a", "(+a)"},
		// quantities
		{"10 mV", "{10 mV}"},
		{"-65 mV", "(-{65 mV})"},
		{"0.3 mS/cm2", "{0.3 mS/cm2}"},
		{"1 uF/cm2", "{1 uF/cm2}"},
		{"1e-3 s", "{1e-3 s}"},
		{"20000 um2", "{20000 um2}"},
		{"10mV", "{10 mV}"},
		{"2 cm^2", "{2 cm^2}"},
		{"3 ms^-1", "{3 ms^-1}"},
		{"20 mV / 2 ms", "({20 mV} / {2 ms})"},
		{"1 uF/cm2 * area", "({1 uF/cm2} * area)"},
		{"2 mV / x", "({2 mV} / x)"},
		{"2 mV^x", "({2 mV} ^ x)"},
		{"2 mV^-x", "({2 mV} ^ (-x))"},
		{"V / mV", "(V / mV)"},
		{"1 / exprel(x) / ms", "((1 / exprel(x)) / ms)"},
		{"(2 mV\n/ms)", "<{2 mV/ms}>"},
		{"-60 mV + normal(-5 mV, 5 mV)", "((-{60 mV}) + normal((-{5 mV}), {5 mV}))"},
		// calls and lists
		{"f()", "f()"},
		{"step(10 uA/cm2, from = 0 ms, to = 200 ms)", "step({10 uA/cm2}; from={0 ms}, to={200 ms})"},
		{"random(p = 0.02)", "random(; p=0.02)"},
		{"f(a,\n b,\n)", "f(a, b)"},
		{"[[1 ms, 5 ms], [3 ms]]", "[[{1 ms}, {5 ms}], [{3 ms}]]"},
		{"[]", "[]"},
		{`from_file("edges.csv")`, `from_file("edges.csv")`},
		{`"a\"b"`, `"a\"b"`},
		{".5", ".5"},
	}
	for _, tt := range tests {
		x, err := ParseExpr(tt.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.src, err)
			continue
		}
		if got := exprString(x); got != tt.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestParseExprErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "1:1: expected expression, found EOF"},
		{"a +", "1:4: expected expression, found EOF"},
		{"a < b < c", "1:7: unexpected '<' after comparison (comparisons do not chain; use &&)"},
		{"a == b != c", "1:8: unexpected '!=' after comparison (comparisons do not chain; use &&)"},
		{"f(a = 1, b)", "1:10: positional argument after keyword argument in call to 'f'"},
		{"f(a b)", "1:5: expected ',' or ')' in call to 'f', found 'b'"},
		{"(a", "1:3: expected ')', found EOF"},
		{"[1, 2", "1:6: expected ',' or ']' in list, found EOF"},
		{"a b", "1:3: expected end of expression, found 'b'"},
		{"(2\nmV)", "2:1: expected ')', found 'mV'"},
		{"2 ms^", "1:6: expected expression, found EOF"},
		{strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000), "1:1001: expression nested too deeply"},
		{strings.Repeat("-", 5000) + "1", "1:1001: expression nested too deeply"},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.src)
		got := "<nil>"
		if err != nil {
			got = err.(ErrorList)[0].Error()
		}
		if got != tt.want {
			t.Errorf("ParseExpr(%q): error\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// TestParseErrors checks every error reported for bad files, with exact
// positions and messages.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"neuron n {\n    param C mV\n}", []string{"t.snn:2:13: expected '=' after param name, found 'mV'"}},
		{"neuron n {\n    param = 1\n}", []string{"t.snn:2:11: expected param name, found '='"}},
		{"neuron n {\n    V = 1\n}", []string{"t.snn:2:5: expected neuron item (param, input, let, state, x' = ..., spike, reset, refractory or method), found assignment to 'V' (an equation is written V' = ...)"}},
		{"neuron n {\n    prm a = 1\n}", []string{"t.snn:2:5: expected neuron item (param, input, let, state, x' = ..., spike, reset, refractory or method), found 'prm'"}},
		{"neuron n {\n    spike V > 0\n}", []string{"t.snn:2:11: expected 'when' after spike, found 'V'"}},
		{"neuron n {\n    input I nA\n}", []string{"t.snn:2:13: expected ':' and a unit after input name, found 'nA'"}},
		{"neuron n {\n    input I : \n}", []string{"t.snn:3:1: expected unit, found '}'"}},
		{"neuron n {\n    input I : nA/\n}", []string{"t.snn:3:1: expected unit, found '}'"}},
		{"neuron n {\n    input I : cm^x\n}", []string{"t.snn:2:18: expected integer power after '^' in unit, found 'x'"}},
		{"neuron n {\n    V' 1\n}", []string{"t.snn:2:8: expected '=' after V', found '1'"}},
		{"neuron n {\n    param a = 1 2\n}", []string{"t.snn:2:17: expected newline or ';' after param, found '2'"}},
		{"neuron n {\n    reset v = 0\n}", []string{"t.snn:2:11: expected '{' after reset, found 'v'"}},
		{"neuron n {\n    reset { v 0 }\n}", []string{"t.snn:2:15: expected '=' after 'v' in reset block, found '0'"}},
		{"neuron n {\n    reset { 0 }\n}", []string{"t.snn:2:13: expected name = value in reset block, found '0'"}},
		{"neuron n {\n    method\n}", []string{"t.snn:2:11: expected method name (euler, rk4, ...), found newline"}},
		{"neuron {\n}", []string{"t.snn:1:8: expected neuron name, found '{'"}},
		{"neuron n\n{\n}", []string{"t.snn:1:9: expected '{' after neuron name, found newline"}},
		{"neuron n {\n    param a = 1\n", []string{"t.snn:3:1: expected '}' to close neuron body, found EOF"}},
		{"neuron n {} neuron m {}", []string{"t.snn:1:13: expected newline or ';' after neuron declaration, found 'neuron'"}},
		{"param a = 1", []string{"t.snn:1:1: expected 'neuron', 'network' or 'import', found 'param'"}},
		{"import models", []string{"t.snn:1:8: expected import path string, found 'models'"}},
		{"network n {}\nimport \"a.snn\"", []string{"t.snn:2:1: imports must come before declarations"}},
		// a missing '}' does not swallow the next declaration
		{"neuron n {\n    param a = 1\nnetwork m {\n    x = @\n}",
			[]string{"t.snn:3:1: expected '}' to close neuron body, found 'network'", "t.snn:4:9: invalid character '@'"}},
		// network items
		{"network n {\n    pop p = lif\n}", []string{"t.snn:2:16: expected '[' and a size after 'lif', found newline"}},
		{"network n {\n    pop p = lif[10\n}", []string{"t.snn:3:1: expected ']' after pop size, found '}'"}},
		{"network n {\n    connect a -> b : random(p = 0.1)\n}", []string{"t.snn:2:20: expected '.' and a target after 'b', found ':'"}},
		{"network n {\n    connect a b.x : all_to_all\n}", []string{"t.snn:2:15: expected '->' after 'a', found 'b'"}},
		{"network n {\n    connect a -> b.x all_to_all\n}", []string{"t.snn:2:22: expected ':' and a connection rule after 'b.x', found 'all_to_all'"}},
		{"network n {\n    connect a -> b.x : 3\n}", []string{"t.snn:2:24: expected connection rule (all_to_all, one_to_one, random(...), ...), found '3'"}},
		{"network n {\n    stim s -> c.I step(1 nA)\n}", []string{"t.snn:2:19: expected '=' and a waveform after 'c.I', found 'step'"}},
		{"network n {\n    record c\n}", []string{"t.snn:2:13: expected 'spikes' or '.VAR' after record 'c', found newline"}},
		// (9 every is a quantity: any word after a number on its line is a unit)
		{"network n {\n    record c.V[0..9 every 1 ms\n}", []string{"t.snn:2:27: expected '..' or ']' in neuron selection, found '1'"}},
		{"network n {\n    record c.V[0..9 every\n}", []string{"t.snn:3:1: expected '..' or ']' in neuron selection, found '}'"}},
		{"network n {\n    source s = poisson { rate = 1 Hz }\n}", []string{"t.snn:2:24: expected '[' and a size after 'poisson', found '{'"}},
		{"network n {\n    dt 0.1 ms\n}", []string{"t.snn:2:5: expected network item (NAME = value, const, pop, connect, source, stim or record), found 'dt'"}},
		{"network n {\n    42\n}", []string{"t.snn:2:5: expected network item (NAME = value, const, pop, connect, source, stim or record), found '42'"}},
		// several errors: one per line, every line reported, parsing recovers
		{"neuron n {\n    param a 1\n    param b 2\n    let c = (1 +\n    state d = 0\n}\nnetwork x {\n    dt = \n}", []string{
			"t.snn:2:13: expected '=' after param name, found '1'",
			"t.snn:3:13: expected '=' after param name, found '2'",
			"t.snn:5:11: expected ')', found 'd'",
			"t.snn:9:1: expected expression, found '}'",
		}},
		// scanner errors come through, once per line
		{"neuron n {\n    param a = 1 & 2\n    param s = \"open\n}", []string{
			"t.snn:2:17: invalid character '&' (did you mean '&&'?)",
			"t.snn:3:15: string literal not terminated",
		}},
		{"/* never closed\nneuron n {}", []string{"t.snn:1:1: comment not terminated"}},
	}
	for _, tt := range tests {
		_, errs := ParseFile("t.snn", []byte(tt.src))
		var got []string
		for _, e := range errs {
			got = append(got, e.Error())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("ParseFile(%q):\n got %s\nwant %s", tt.src, strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
		}
	}
}

// TestParseDSLExamples checks the DSL.md examples in detail.
func TestParseDSLExamples(t *testing.T) {
	parse := func(name string) *File {
		t.Helper()
		src, err := os.ReadFile("testdata/syntax/" + name + ".snn")
		if err != nil {
			t.Fatal(err)
		}
		f, errs := ParseFile(name+".snn", src)
		if errs != nil {
			t.Fatalf("%s: %v", name, errs)
		}
		return f
	}
	count := func(items any) map[string]int {
		m := map[string]int{}
		switch items := items.(type) {
		case []NeuronItem:
			for _, it := range items {
				m[fmt.Sprintf("%T", it)[len("*frontend."):]]++
			}
		case []NetworkItem:
			for _, it := range items {
				m[fmt.Sprintf("%T", it)[len("*frontend."):]]++
			}
		}
		return m
	}

	hh := parse("hh").Decls[0].(*NeuronDecl)
	if got := fmt.Sprint(count(hh.Items)); got != "map[Equation:4 InputDecl:1 LetDecl:7 ParamDecl:8 SpikeDecl:1 StateDecl:4]" {
		t.Errorf("hh items: %s", got)
	}
	in := hh.Items[8].(*InputDecl)
	if in.Name.Name != "I" || in.Unit.String() != "uA/cm2" || in.Comment.Text() != "everything delivered to I in a step is summed, then cleared\n" {
		t.Errorf("hh input: %s : %s // %q", in.Name.Name, in.Unit, in.Comment.Text())
	}
	eq := hh.Items[20].(*Equation)
	if got := exprString(eq.RHS); eq.Name.Name != "V" || got != "(<(((((((-gNa) * (m ^ 3)) * h) * <(V - ENa)>) - ((gK * (n ^ 4)) * <(V - EK)>)) - (gL * <(V - EL)>)) + I)> / C)" {
		t.Errorf("hh V' = %s", got)
	}
	if sp := hh.Items[24].(*SpikeDecl); exprString(sp.Cond) != "(V > Vth)" {
		t.Errorf("hh spike when %s", exprString(sp.Cond))
	}

	lif := parse("lif").Decls[0].(*NeuronDecl)
	if got := fmt.Sprint(count(lif.Items)); got != "map[Equation:1 InputDecl:1 ParamDecl:6 RefractoryDecl:1 ResetBlock:1 SpikeDecl:1 StateDecl:1]" {
		t.Errorf("lif items: %s", got)
	}
	if r := lif.Items[10].(*ResetBlock); len(r.Assigns) != 1 || r.Assigns[0].Name.Name != "v" || exprString(r.Assigns[0].Value) != "Vr" {
		t.Errorf("lif reset")
	}
	if r := lif.Items[11].(*RefractoryDecl); exprString(r.Period) != "tref" {
		t.Errorf("lif refractory %s", exprString(r.Period))
	}

	squid := parse("squid").Decls[0].(*NetworkDecl)
	if got := fmt.Sprint(count(squid.Items)); got != "map[PopDecl:1 RecordDecl:2 Setting:2 StimDecl:1]" {
		t.Errorf("squid items: %s", got)
	}
	st := squid.Items[3].(*StimDecl)
	if st.Name.Name != "drive" || st.Pop.Name != "cell" || st.Input.Name != "I" || exprString(st.Wave) != "step({10 uA/cm2}; from={0 ms}, to={200 ms})" {
		t.Errorf("squid stim: %s", exprString(st.Wave))
	}
	if r := squid.Items[4].(*RecordDecl); r.Pop.Name != "cell" || r.Var != nil || !r.Spikes.IsValid() {
		t.Errorf("squid record spikes")
	}
	if r := squid.Items[5].(*RecordDecl); r.Var.Name != "V" || exprString(r.Every) != "{0.1 ms}" || r.Lo != nil {
		t.Errorf("squid record V")
	}

	cobahh := parse("cobahh")
	net := cobahh.Decls[0].(*NetworkDecl)
	if got := fmt.Sprint(count(net.Items)); got != "map[ConnectDecl:4 PopDecl:2 RecordDecl:2 Setting:3]" {
		t.Errorf("cobahh items: %s", got)
	}
	if cobahh.Comments[0].List[0].Text != "// From DSL.md, verbatim." || len(cobahh.Comments) != 2 {
		t.Errorf("cobahh comments: %d", len(cobahh.Comments))
	}
	pop := net.Items[3].(*PopDecl)
	if pop.Name.Name != "exc" || pop.Model.Name != "traub" || exprString(pop.Size) != "3200" || len(pop.Inits) != 3 ||
		exprString(pop.Inits[0].Value) != "((-{60 mV}) + normal((-{5 mV}), {5 mV}))" {
		t.Errorf("cobahh pop exc")
	}
	c := net.Items[7].(*ConnectDecl)
	if c.Src.Name != "inh" || c.Dst.Name != "exc" || c.Target.Name != "gi" || exprString(c.Rule) != "random(; p=0.02)" ||
		len(c.Props) != 1 || c.Props[0].Name.Name != "weight" || exprString(c.Props[0].Value) != "{67 nS}" {
		t.Errorf("cobahh connect: %s", exprString(c.Rule))
	}
}

// TestParseRecord covers the record forms.
func TestParseRecord(t *testing.T) {
	src := "network n {\n record p spikes\n record p spikes[0..9]\n record p.V[3] every 1 ms\n record p.V[0..N-1]\n}"
	f, errs := ParseFile("r.snn", []byte(src))
	if errs != nil {
		t.Fatal(errs)
	}
	var got []string
	for _, it := range f.Decls[0].(*NetworkDecl).Items {
		r := it.(*RecordDecl)
		v := "spikes"
		if r.Var != nil {
			v = r.Var.Name
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %s", r.Pop.Name, v, exprString(r.Lo), exprString(r.Hi), exprString(r.Every)))
	}
	want := "p spikes nil nil nil|p spikes 0 9 nil|p V 3 nil {1 ms}|p V 0 (N - 1) nil"
	if strings.Join(got, "|") != want {
		t.Errorf("records:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

// TestParseComments checks Doc and Comment attachment.
func TestParseComments(t *testing.T) {
	src := `// file doc

// doc of n
neuron n { // brace
    // doc of a
    // (two lines)
    param a = 1 // line a

    // floating

    param b = 2 /* block b */
    reset { v = 0 } // line reset
} // line n
`
	f, errs := ParseFile("c.snn", []byte(src))
	if errs != nil {
		t.Fatal(errs)
	}
	n := f.Decls[0].(*NeuronDecl)
	a := n.Items[0].(*ParamDecl)
	b := n.Items[1].(*ParamDecl)
	r := n.Items[2].(*ResetBlock)
	for _, tt := range []struct {
		name string
		g    *CommentGroup
		want string
	}{
		{"file", f.Doc, "file doc\n"},
		{"n doc", n.Doc, "doc of n\n"},
		{"n line", n.Comment, "line n\n"},
		{"a doc", a.Doc, "doc of a\n(two lines)\n"},
		{"a line", a.Comment, "line a\n"},
		{"b doc", b.Doc, ""},
		{"b line", b.Comment, "block b\n"},
		{"reset line", r.Comment, "line reset\n"},
	} {
		if got := tt.g.Text(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if len(f.Comments) != 9 {
		t.Errorf("%d comment groups, want 9", len(f.Comments))
	}
}

// TestParsePrefixes parses every prefix of the example files: no panic, no
// hang, and a tree whatever the input.
func TestParsePrefixes(t *testing.T) {
	for _, name := range []string{"testdata/syntax/cobahh.snn", "testdata/syntax/comments.snn", "testdata/syntax/network.snn", "testdata/syntax/units.snn"} {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range src {
			f, _ := ParseFile(name, src[:i])
			if f == nil {
				t.Fatalf("%s[:%d]: nil file", name, i)
			}
			Format(f)
		}
	}
}

// TestInspect checks that Inspect reaches every identifier in source order.
func TestInspect(t *testing.T) {
	src := "network n {\n pop p = m[N] { v = f(a, k = b) }\n connect p -> p.g : random(p = q) { w = [c, d] }\n record p.v[lo..hi] every t\n}"
	f, errs := ParseFile("i.snn", []byte(src))
	if errs != nil {
		t.Fatal(errs)
	}
	var names []string
	Inspect(f, func(n Node) bool {
		if id, ok := n.(*Ident); ok {
			names = append(names, id.Name)
		}
		return true
	})
	want := "n p m N v f a k b p p g random p q w c d p v lo hi t"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Inspect: %s\nwant      %s", got, want)
	}
}

// TestEndPositions checks End of some nodes.
func TestEndPositions(t *testing.T) {
	src := "neuron n {\n    param C = 1 uF/cm^2\n    reset { v = 0 }\n}\n"
	f, errs := ParseFile("e.snn", []byte(src))
	if errs != nil {
		t.Fatal(errs)
	}
	n := f.Decls[0].(*NeuronDecl)
	for _, tt := range []struct {
		node Node
		want string
	}{
		{n, "e.snn:4:2"},
		{n.Items[0], "e.snn:2:24"},
		{n.Items[0].(*ParamDecl).Value, "e.snn:2:24"},
		{n.Items[1], "e.snn:3:20"},
	} {
		if got := tt.node.End().String(); got != tt.want {
			t.Errorf("%T.End() = %s, want %s", tt.node, got, tt.want)
		}
	}
}

// TestParseRepositoryExamples: the standard models and the DSL.md examples
// in the repository's testdata parse without errors.
func TestParseRepositoryExamples(t *testing.T) {
	for _, pattern := range []string{"stdlib/*.snn", "../testdata/hh.snn", "../testdata/lif.snn", "../testdata/squid.snn", "../testdata/cobahh.snn"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if _, errs := ParseFile(file, src); errs != nil {
				t.Errorf("%s: %v", file, errs)
			}
		}
	}
}

// TestParseDSLSnippets: the fragments quoted in DSL.md's prose, made
// concrete, parse.
func TestParseDSLSnippets(t *testing.T) {
	neuronItems := []string{
		"V' = (I - gL*(V - EL))/C",
		"param tau = 20 mV",
		"let r = exp(-(V/mV + 65)/18)",
		"param Cm = 1 uF/cm2 * area",
		"state w = uniform(0, 1) + normal(0 mV, 1 mV) + sqrt(abs(x)) * pow(2, 3) + max(a, b)^2",
		"method euler",
		"method rk4",
		"spike when V > Vth && !(x < 0)",
		"reset { v = Vr; w = w + b }",
		"refractory 2 ms",
	}
	networkItems := []string{
		"dt = 0.01 ms",
		"source in = poisson[100] { rate = 20 Hz }",
		"source sp = spikes[2] { times = [[1 ms, 5 ms], [3 ms]] }",
		`source sf = spikes[2] { file = "spikes.csv" }`,
		"connect a -> b.ge : all_to_all { weight = 1 nS; delay = 1 ms }",
		"connect a -> b.I : one_to_one",
		"connect a -> b.ge : fixed_indegree(k = 10)",
		`connect a -> b.ge : from_file("edges.csv")`,
		"stim s -> p.I = constant(1 nA)",
		"stim s -> p.I = sawtooth(amp = 1 nA, freq = 5 Hz)",
		"stim s -> p.I = triangle(amp = 1 nA, freq = 5 Hz)",
		`stim s -> p.I = file("current.csv")`,
		"record p spikes",
		"record p.V every 0.1 ms",
		"record p.V[0..9] every 0.1 ms",
	}
	for _, it := range neuronItems {
		if _, errs := ParseFile("s.snn", []byte("neuron n {\n"+it+"\n}")); errs != nil {
			t.Errorf("%s: %v", it, errs)
		}
	}
	for _, it := range networkItems {
		if _, errs := ParseFile("s.snn", []byte("network n {\n"+it+"\n}")); errs != nil {
			t.Errorf("%s: %v", it, errs)
		}
	}
	if _, errs := ParseFile("s.snn", []byte(`import "other.snn"`)); errs != nil {
		t.Errorf("import: %v", errs)
	}
}
