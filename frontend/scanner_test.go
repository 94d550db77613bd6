package frontend

import (
	"fmt"
	"strings"
	"testing"
)

// scanAll returns the tokens of src as "KIND" or "KIND:lit" (SEMI from a
// newline is "NL"), and the errors as "line:col: msg".
func scanAll(src string) (toks, errs []string) {
	var s Scanner
	s.Init("", []byte(src), func(pos Pos, msg string) {
		errs = append(errs, fmt.Sprintf("%d:%d: %s", pos.Line, pos.Col, msg))
	})
	for i := 0; i < 10000; i++ {
		_, tok, lit := s.Scan()
		switch {
		case tok == EOF:
			return toks, errs
		case tok == SEMI && lit == "\n":
			toks = append(toks, "NL")
		case tok == IDENT || tok == NUMBER || tok == STRING || tok == COMMENT || tok == ILLEGAL:
			toks = append(toks, tok.String()+":"+lit)
		default:
			toks = append(toks, tok.String())
		}
	}
	panic("scanner does not reach EOF")
}

func TestScanTokens(t *testing.T) {
	tests := []struct {
		src  string
		want string // tokens joined by spaces
	}{
		{"", ""},
		{"param C = 1 uF/cm2", "IDENT:param IDENT:C = NUMBER:1 IDENT:uF / IDENT:cm2 NL"},
		{"V' = -x^2", "IDENT:V ' = - IDENT:x ^ NUMBER:2 NL"},
		{"a <= b >= c == d != e < f > g", "IDENT:a <= IDENT:b >= IDENT:c == IDENT:d != IDENT:e < IDENT:f > IDENT:g NL"},
		{"a && !b || c", "IDENT:a && ! IDENT:b || IDENT:c NL"},
		{"stim d -> c.I", "IDENT:stim IDENT:d -> IDENT:c . IDENT:I NL"},
		{"x[0..9]", "IDENT:x [ NUMBER:0 .. NUMBER:9 ] NL"},
		{"{a; b}", "{ IDENT:a ; IDENT:b } NL"},
		{"f(a, b: c)", "IDENT:f ( IDENT:a , IDENT:b : IDENT:c ) NL"},
		// numbers
		{"0 12 0.5 .5 1e-3 6.02e23 2E+4 1.5e0", "NUMBER:0 NUMBER:12 NUMBER:0.5 NUMBER:.5 NUMBER:1e-3 NUMBER:6.02e23 NUMBER:2E+4 NUMBER:1.5e0 NL"},
		{"10mV", "NUMBER:10 IDENT:mV NL"},
		{"1.x", "NUMBER:1 . IDENT:x NL"},
		// identifiers: letters, digits, underscore, Unicode letters
		{"a_m _x x2 µs τ_m", "IDENT:a_m IDENT:_x IDENT:x2 IDENT:µs IDENT:τ_m NL"},
		// keywords are contextual: they scan as identifiers
		{"neuron network spike when every", "IDENT:neuron IDENT:network IDENT:spike IDENT:when IDENT:every NL"},
		// strings
		{`"a\"b\\c\n"`, `STRING:"a\"b\\c\n" NL`},
		// comments are kept
		{"a // c\nb", "IDENT:a COMMENT:// c NL IDENT:b NL"},
		{"a /* c */ b", "IDENT:a COMMENT:/* c */ IDENT:b NL"},
		{"// only", "COMMENT:// only"},
		{"a // c\r\nb", "IDENT:a COMMENT:// c NL IDENT:b NL"},
		{"//\r\r", "COMMENT://"},                                              // fuzz: carriage returns leave // comments
		{"/* a\r\nb\r */", "COMMENT:/* a\nb\r */"},                            // CRLF in /* */ becomes LF
		{"x = 1\r\ny = 2\r\n", "IDENT:x = NUMBER:1 NL IDENT:y = NUMBER:2 NL"}, // CRLF files
		// a byte order mark at the start is ignored
		{"\ufeffa", "IDENT:a NL"},
	}
	for _, tt := range tests {
		toks, errs := scanAll(tt.src)
		if got := strings.Join(toks, " "); got != tt.want {
			t.Errorf("scan %q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
		if len(errs) > 0 {
			t.Errorf("scan %q: unexpected errors %v", tt.src, errs)
		}
	}
}

func TestScanTerminators(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		// a newline after a token that can end an expression terminates
		{"a\nb", "IDENT:a NL IDENT:b NL"},
		{"1\n2", "NUMBER:1 NL NUMBER:2 NL"},
		{"\"s\"\nx", "STRING:\"s\" NL IDENT:x NL"},
		{"f()\ng[]\n{}\nx", "IDENT:f ( ) NL IDENT:g [ ] NL { } NL IDENT:x NL"},
		// ... but not after an operator, a comma, '{' or '''
		{"a +\nb", "IDENT:a + IDENT:b NL"},
		{"a =\n1", "IDENT:a = NUMBER:1 NL"},
		{"x {\ny\n}", "IDENT:x { IDENT:y NL } NL"},
		{"V'\n", "IDENT:V '"},
		// blank lines give one terminator
		{"a\n\n\nb", "IDENT:a NL IDENT:b NL"},
		// no terminators inside () and []
		{"f(a,\nb\n)\nc", "IDENT:f ( IDENT:a , IDENT:b ) NL IDENT:c NL"},
		{"[1\n,2]\n", "[ NUMBER:1 , NUMBER:2 ] NL"},
		// ... but inside { } within ( ) again
		{"(\n{\na\n}\n)", "( { IDENT:a NL } ) NL"},
		// a '}' closes an unclosed '(' inside its braces
		{"{ f(\n}\nx", "{ IDENT:f ( } NL IDENT:x NL"},
		// a line comment does not hide the newline
		{"a // c\nb", "IDENT:a COMMENT:// c NL IDENT:b NL"},
		// a block comment spanning lines acts as a newline
		{"a /* x\ny */ b", "IDENT:a COMMENT:/* x\ny */ NL IDENT:b NL"},
		{"a /* x */ b", "IDENT:a COMMENT:/* x */ IDENT:b NL"},
		{"(a /* x\ny */ b)", "( IDENT:a COMMENT:/* x\ny */ IDENT:b ) NL"},
		// explicit ';'
		{"a; b", "IDENT:a ; IDENT:b NL"},
		// a terminator at EOF only after a token that can end an expression
		{"a", "IDENT:a NL"},
		{"a +", "IDENT:a +"},
	}
	for _, tt := range tests {
		toks, errs := scanAll(tt.src)
		if got := strings.Join(toks, " "); got != tt.want {
			t.Errorf("scan %q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
		if len(errs) > 0 {
			t.Errorf("scan %q: unexpected errors %v", tt.src, errs)
		}
	}
}

func TestScanErrors(t *testing.T) {
	tests := []struct {
		src  string
		errs string // joined by "; "
	}{
		{"a @ b", "1:3: invalid character '@'"},
		{"a & b", "1:3: invalid character '&' (did you mean '&&'?)"},
		{"a | b", "1:3: invalid character '|' (did you mean '||'?)"},
		{"x\n  \xff", "2:3: invalid UTF-8 encoding"},
		{"a\x00b", "1:2: invalid NUL character"},
		{"// ok\xfe\n", "1:6: invalid UTF-8 encoding"},
		{"a /* open\n\n", "1:3: comment not terminated"},
		{"x = \"abc\ny", "1:5: string literal not terminated"},
		{"x = \"abc", "1:5: string literal not terminated"},
		{`"a\qb"`, `1:3: unknown escape sequence`},
		{"1e", "1:2: exponent has no digits"},
		{"1e+x", "1:2: exponent has no digits"},
		{"2.5E-", "1:4: exponent has no digits"},
		{"1e400", "1:1: number out of range"},
		{"x 1e-400", ""}, // underflow to 0 is fine
		{"a\ufeffb", "1:2: invalid byte order mark"},
		{"→", "1:1: invalid character '→'"},
	}
	for _, tt := range tests {
		_, errs := scanAll(tt.src)
		if got := strings.Join(errs, "; "); got != tt.errs {
			t.Errorf("scan %q: errors\n got %s\nwant %s", tt.src, got, tt.errs)
		}
	}
}

func TestScanPositions(t *testing.T) {
	src := "neuron a {\n\tparam τ = 1 ms // c\n}\n"
	var s Scanner
	s.Init("f.snn", []byte(src), nil)
	var got []string
	for {
		pos, tok, lit := s.Scan()
		if tok == EOF {
			got = append(got, pos.String()+" EOF")
			break
		}
		if lit == "" || tok == SEMI {
			lit = tok.String()
		}
		got = append(got, fmt.Sprintf("%s(%d) %s", pos, pos.Offset, strings.ReplaceAll(lit, "\n", `\n`)))
	}
	want := []string{
		"f.snn:1:1(0) neuron",
		"f.snn:1:8(7) a",
		"f.snn:1:10(9) {",
		"f.snn:2:2(12) param",
		"f.snn:2:8(18) τ", // columns count bytes: τ is two
		"f.snn:2:11(21) =",
		"f.snn:2:13(23) 1",
		"f.snn:2:15(25) ms",
		"f.snn:2:18(28) // c",
		"f.snn:2:22(32) ;",
		"f.snn:3:1(33) }",
		"f.snn:3:2(34) ;",
		"f.snn:4:1 EOF",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("positions:\n got %s\nwant %s", strings.Join(got, "\n    "), strings.Join(want, "\n    "))
	}
}

func TestUnquote(t *testing.T) {
	for lit, want := range map[string]string{
		`""`:          "",
		`"abc"`:       "abc",
		`"a\"b"`:      `a"b`,
		`"a\\"`:       `a\`,
		`"l1\nl2\t."`: "l1\nl2\t.",
		`"open`:       "open",
		`"edges.csv"`: "edges.csv",
	} {
		if got := Unquote(lit); got != want {
			t.Errorf("Unquote(%s) = %q, want %q", lit, got, want)
		}
	}
}

func TestPosString(t *testing.T) {
	for _, tt := range []struct {
		p    Pos
		want string
	}{
		{Pos{File: "a.snn", Line: 3, Col: 7}, "a.snn:3:7"},
		{Pos{Line: 3, Col: 7}, "3:7"},
		{Pos{}, "-"},
		{Pos{File: "a.snn"}, "a.snn"},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
}
