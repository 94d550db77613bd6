package frontend

import "fmt"

// Pos is a position in a source file.
//
// Line and Col are 1-based; Col counts bytes from the start of the line, as
// go/token does, so a column after a multi-byte UTF-8 character is larger
// than the number of characters before it. Offset is the 0-based byte offset
// in the file. The zero Pos is "no position" (see IsValid).
type Pos struct {
	File   string
	Line   int
	Col    int
	Offset int
}

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "file:line:col", "line:col" when the file name is empty,
// or "-" for the zero position.
func (p Pos) String() string {
	switch {
	case !p.IsValid():
		if p.File != "" {
			return p.File
		}
		return "-"
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// add returns the position n bytes further on the same line.
func (p Pos) add(n int) Pos {
	if !p.IsValid() {
		return p
	}
	p.Col += n
	p.Offset += n
	return p
}

// Token is a lexical token kind.
type Token int

// The token kinds. Keywords are not tokens: they are contextual (see
// Keywords) and scan as IDENT.
const (
	ILLEGAL Token = iota
	EOF
	COMMENT
	SEMI // ';' or an automatically inserted newline terminator (lit "\n")

	IDENT  // V, a_m, exprel
	NUMBER // 10, 0.3, 1e-3
	STRING // "spikes.csv"

	ADD    // +
	SUB    // -
	MUL    // *
	QUO    // /
	POW    // ^
	LPAREN // (
	RPAREN // )
	LBRACK // [
	RBRACK // ]
	LBRACE // {
	RBRACE // }
	COMMA  // ,
	COLON  // :
	ASSIGN // =
	TICK   // '
	LSS    // <
	GTR    // >
	LEQ    // <=
	GEQ    // >=
	EQL    // ==
	NEQ    // !=
	LAND   // &&
	LOR    // ||
	NOT    // !
	ARROW  // ->
	DOTDOT // ..
	DOT    // .

	numTokens
)

// Binary operator precedences, lowest to highest. Unary operators bind
// tighter than every binary operator except '^'.
const (
	precNone = iota
	precOr
	precAnd
	precCmp // non-associative
	precAdd
	precMul
	precUnary
	precPow // right-associative
)

// tokens is the one token table: spelling, binary precedence, and whether a
// newline after the token ends a statement (Go's automatic terminator rule).
var tokens = [numTokens]struct {
	text     string
	prec     int
	endsExpr bool
}{
	ILLEGAL: {text: "ILLEGAL"},
	EOF:     {text: "EOF"},
	COMMENT: {text: "COMMENT"},
	SEMI:    {text: ";"},
	IDENT:   {text: "IDENT", endsExpr: true},
	NUMBER:  {text: "NUMBER", endsExpr: true},
	STRING:  {text: "STRING", endsExpr: true},
	ADD:     {text: "+", prec: precAdd},
	SUB:     {text: "-", prec: precAdd},
	MUL:     {text: "*", prec: precMul},
	QUO:     {text: "/", prec: precMul},
	POW:     {text: "^", prec: precPow},
	LPAREN:  {text: "("},
	RPAREN:  {text: ")", endsExpr: true},
	LBRACK:  {text: "["},
	RBRACK:  {text: "]", endsExpr: true},
	LBRACE:  {text: "{"},
	RBRACE:  {text: "}", endsExpr: true},
	COMMA:   {text: ","},
	COLON:   {text: ":"},
	ASSIGN:  {text: "="},
	TICK:    {text: "'"},
	LSS:     {text: "<", prec: precCmp},
	GTR:     {text: ">", prec: precCmp},
	LEQ:     {text: "<=", prec: precCmp},
	GEQ:     {text: ">=", prec: precCmp},
	EQL:     {text: "==", prec: precCmp},
	NEQ:     {text: "!=", prec: precCmp},
	LAND:    {text: "&&", prec: precAnd},
	LOR:     {text: "||", prec: precOr},
	NOT:     {text: "!"},
	ARROW:   {text: "->"},
	DOTDOT:  {text: ".."},
	DOT:     {text: "."},
}

// operators maps an operator's spelling to its token; built from tokens.
var operators = func() map[string]Token {
	m := map[string]Token{";": SEMI}
	for t := ADD; t < numTokens; t++ {
		m[tokens[t].text] = t
	}
	return m
}()

// String returns the token's spelling ("+", "->") or kind name ("IDENT").
func (t Token) String() string {
	if t >= 0 && t < numTokens {
		return tokens[t].text
	}
	return fmt.Sprintf("Token(%d)", int(t))
}

// Precedence returns the binary-operator precedence of t (0 if t is not a
// binary operator).
func (t Token) Precedence() int {
	if t >= 0 && t < numTokens {
		return tokens[t].prec
	}
	return precNone
}

// IsComparison reports whether t is one of < > <= >= == !=.
func (t Token) IsComparison() bool { return t.Precedence() == precCmp }

// Keywords are the words that introduce declarations and clauses. They are
// contextual, not reserved: a keyword is recognised only where a declaration
// or clause may begin (and "when", "every", "spikes" only right after
// "spike", after a recorded variable, and in place of ".VAR" in a record),
// so every one of them may also be used as a name, e.g. a state called
// "input" or a population called "record".
var Keywords = []string{
	// top level
	"import", "neuron", "network",
	// neuron items
	"param", "input", "let", "state", "spike", "when", "reset", "refractory", "method",
	// network items
	"const", "pop", "connect", "source", "stim", "record", "spikes", "every",
}
