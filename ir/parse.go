package ir

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"snnc/internal/units"
)

// Pos is a position in a text file: 1-based line and byte column.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// ParseError is a syntax error in IR text.
type ParseError struct {
	Pos Pos
	Msg string
}

func (e *ParseError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Parse reads a module in the text form (docs/ir.md). Errors are
// *ParseError values positioned "file:line:col: msg". Parse checks syntax
// and structure (every %N defined before use, arities, one spike line per
// unit, dynamics only for declared states, …); semantic checks are
// Verify's job. Parse never panics on any input.
func Parse(filename string, src []byte) (m *Module, err error) {
	p := &parser{file: filename, lines: strings.Split(string(src), "\n"), m: &Module{}}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*ParseError)
			if !ok {
				panic(r)
			}
			m, err = nil, e
		}
	}()
	p.module()
	return p.m, nil
}

type tokKind uint8

const (
	tEOL    tokKind = iota // end of line or start of a comment
	tIdent                 // name or keyword
	tNode                  // %N; text holds the digits
	tGlobal                // @name; val holds the name
	tString                // "…"; val holds the unquoted text
	tNumber                // a number literal (text)
	tPunct                 // = : , [ ] ( ) { } . ' ->
)

type token struct {
	kind tokKind
	text string // source text
	val  string // decoded name (ident, global, string)
	col  int    // 1-based byte column
}

func (t token) String() string {
	if t.kind == tEOL {
		return "end of line"
	}
	return strconv.Quote(t.text)
}

type parser struct {
	file  string
	lines []string
	ln    int    // index of the current line
	s     string // the current line
	pos   int    // byte offset in s
	m     *Module

	// per unit/network
	g    *Graph
	defs map[int64]NodeID
}

// ---- errors ----

func (p *parser) failAt(col int, format string, args ...any) {
	panic(&ParseError{Pos{p.file, p.ln + 1, col}, fmt.Sprintf(format, args...)})
}

func (p *parser) fail(t token, format string, args ...any) { p.failAt(t.col, format, args...) }

// ---- lines ----

// nextLine makes the next line current; false at end of input.
func (p *parser) nextLine(first bool) bool {
	if !first {
		p.ln++
	}
	if p.ln >= len(p.lines) {
		return false
	}
	p.s, p.pos = p.lines[p.ln], 0
	return true
}

// line advances to the next line; at end of input it fails with a
// message saying what was not closed.
func (p *parser) line(what string) {
	if !p.nextLine(false) {
		p.ln = len(p.lines) - 1
		p.failAt(len(p.lines[p.ln])+1, "unexpected end of file: %s not closed", what)
	}
}

// ---- scanning ----

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isNumChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '.' || c == '+' || c == '-'
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

// scan consumes and returns the next token of the current line.
func (p *parser) scan() token {
	p.skipSpace()
	start := p.pos
	col := start + 1
	if p.pos >= len(p.s) || p.s[p.pos] == ';' {
		return token{kind: tEOL, col: col}
	}
	c := p.s[p.pos]
	switch {
	case isLetter(c):
		for p.pos < len(p.s) && (isLetter(p.s[p.pos]) || isDigit(p.s[p.pos])) {
			p.pos++
		}
		t := p.s[start:p.pos]
		return token{kind: tIdent, text: t, val: t, col: col}
	case c == '%':
		p.pos++
		for p.pos < len(p.s) && isDigit(p.s[p.pos]) {
			p.pos++
		}
		if p.pos == start+1 {
			p.failAt(col, "expected node number after %%")
		}
		return token{kind: tNode, text: p.s[start:p.pos], val: p.s[start+1 : p.pos], col: col}
	case c == '@':
		p.pos++
		if p.pos < len(p.s) && p.s[p.pos] == '"' {
			v := p.quoted()
			return token{kind: tGlobal, text: p.s[start:p.pos], val: v, col: col}
		}
		for p.pos < len(p.s) && (isLetter(p.s[p.pos]) || isDigit(p.s[p.pos])) {
			p.pos++
		}
		if p.pos == start+1 || isDigit(p.s[start+1]) {
			p.failAt(col, "expected name after @")
		}
		return token{kind: tGlobal, text: p.s[start:p.pos], val: p.s[start+1 : p.pos], col: col}
	case c == '"':
		v := p.quoted()
		return token{kind: tString, text: p.s[start:p.pos], val: v, col: col}
	case c == '-' && p.pos+1 < len(p.s) && p.s[p.pos+1] == '>':
		p.pos += 2
		return token{kind: tPunct, text: "->", col: col}
	case isDigit(c) || c == '+' || c == '-':
		p.pos++
		for p.pos < len(p.s) && isNumChar(p.s[p.pos]) {
			p.pos++
		}
		return token{kind: tNumber, text: p.s[start:p.pos], col: col}
	case strings.IndexByte("=:,[](){}.'", c) >= 0:
		p.pos++
		return token{kind: tPunct, text: string(c), col: col}
	}
	p.failAt(col, "unexpected character %q", rune(c))
	panic("unreachable")
}

// quoted scans a Go-quoted string starting at p.pos and returns its value.
func (p *parser) quoted() string {
	start := p.pos
	i := p.pos + 1
	for ; i < len(p.s); i++ {
		if p.s[i] == '\\' {
			i++
			continue
		}
		if p.s[i] == '"' {
			break
		}
	}
	if i >= len(p.s) {
		p.failAt(start+1, "unterminated string")
	}
	p.pos = i + 1
	v, err := strconv.Unquote(p.s[start:p.pos])
	if err != nil {
		p.failAt(start+1, "malformed string %s", p.s[start:p.pos])
	}
	return v
}

// peek returns the next token without consuming it.
func (p *parser) peek() token {
	save := p.pos
	t := p.scan()
	p.pos = save
	return t
}

func (p *parser) isPunct(t token, s string) bool { return t.kind == tPunct && t.text == s }

// accept consumes the next token if it is the punctuation or keyword s.
func (p *parser) accept(s string) bool {
	t := p.peek()
	if (t.kind == tPunct || t.kind == tIdent) && t.text == s {
		p.scan()
		return true
	}
	return false
}

func (p *parser) expect(s string) token {
	t := p.scan()
	if (t.kind != tPunct && t.kind != tIdent) || t.text != s {
		p.fail(t, "expected %q, found %s", s, t)
	}
	return t
}

func (p *parser) endLine() {
	if t := p.scan(); t.kind != tEOL {
		p.fail(t, "unexpected %s at end of line", t)
	}
}

// name reads a bare or quoted name.
func (p *parser) name(what string) string {
	t := p.scan()
	if t.kind != tIdent && t.kind != tString {
		p.fail(t, "expected %s name, found %s", what, t)
	}
	return t.val
}

func (p *parser) global(what string) string {
	t := p.scan()
	if t.kind != tGlobal {
		p.fail(t, "expected @%s name, found %s", what, t)
	}
	return t.val
}

func (p *parser) number() float64 {
	t := p.scan()
	if t.kind != tNumber && t.kind != tIdent {
		p.fail(t, "expected number, found %s", t)
	}
	v, err := strconv.ParseFloat(t.text, 64)
	if err != nil && !isRangeErr(err) {
		p.fail(t, "malformed number %s", t)
	}
	return v
}

func isRangeErr(err error) bool {
	e, ok := err.(*strconv.NumError)
	return ok && e.Err == strconv.ErrRange
}

func (p *parser) integer() int {
	t := p.scan()
	if t.kind != tNumber {
		p.fail(t, "expected integer, found %s", t)
	}
	v, err := strconv.ParseInt(t.text, 10, 0)
	if err != nil {
		p.fail(t, "malformed integer %s", t)
	}
	return int(v)
}

// keyword reads an identifier and maps it through names (an enum's text
// forms) to its index.
func (p *parser) keyword(what string, names []string) int {
	t := p.scan()
	if t.kind == tIdent {
		for i, n := range names {
			if n == t.text {
				return i
			}
		}
	}
	p.fail(t, "unknown %s %s (want one of %s)", what, t, strings.Join(names, ", "))
	panic("unreachable")
}

// value reads a reference %N to a defined node.
func (p *parser) value() NodeID {
	t := p.scan()
	if t.kind != tNode {
		p.fail(t, "expected %%N, found %s", t)
	}
	n, err := strconv.ParseInt(t.val, 10, 64)
	if err != nil {
		p.fail(t, "malformed node number %s", t)
	}
	id, ok := p.defs[n]
	if !ok {
		p.fail(t, "use of undefined node %s", t.text)
	}
	return id
}

// optValue reads "KEY %N" if the next token is KEY, else returns NoNode.
func (p *parser) optValue(key string) NodeID {
	if p.accept(key) {
		return p.value()
	}
	return NoNode
}

// dim reads a dimension word (up to white space, ';' or '=') or a quoted
// dimension, and parses it with units.Parse; it must be in SI base form.
func (p *parser) dim() units.Dim {
	p.skipSpace()
	start := p.pos
	var s string
	if p.pos < len(p.s) && p.s[p.pos] == '"' {
		s = p.quoted()
	} else {
		for p.pos < len(p.s) && strings.IndexByte(" \t\r;=", p.s[p.pos]) < 0 {
			p.pos++
		}
		s = p.s[start:p.pos]
	}
	if s == "" {
		p.failAt(start+1, "expected dimension")
	}
	u, err := units.Parse(s)
	if err != nil {
		p.failAt(start+1, "bad dimension %q: %v", s, err)
	}
	if math.Abs(u.Scale-1) > 1e-12 {
		p.failAt(start+1, "dimension %q is not in SI base units (scale %g); write %s", s, u.Scale, u.Dim)
	}
	return u.Dim
}

// ---- structure ----

func (p *parser) module() {
	if len(p.lines) > 0 {
		if rest, ok := strings.CutPrefix(p.lines[0], "; snnc IR v"); ok && strings.TrimSpace(rest) != "1" {
			p.failAt(1, "unsupported IR version %q (this is snnc IR v1)", strings.TrimSpace(rest))
		}
	}
	for ok := p.nextLine(true); ok; ok = p.nextLine(false) {
		t := p.scan()
		switch {
		case t.kind == tEOL:
		case t.kind == tIdent && t.text == "unit":
			p.unit()
		case t.kind == tIdent && t.text == "network":
			p.network()
		default:
			p.fail(t, "expected unit or network, found %s", t)
		}
	}
}

// begin starts a new node scope with graph g.
func (p *parser) begin(g *Graph) {
	p.g, p.defs = g, make(map[int64]NodeID)
}

// nodeDef parses the rest of "%N = op operands" (t is the %N token).
func (p *parser) nodeDef(t token) {
	n, err := strconv.ParseInt(t.val, 10, 64)
	if err != nil {
		p.fail(t, "malformed node number %s", t)
	}
	if _, dup := p.defs[n]; dup {
		p.fail(t, "node %s redefined", t.text)
	}
	p.expect("=")
	ot := p.scan()
	op, ok := LookupOp(ot.text)
	if ot.kind != tIdent || !ok {
		p.fail(ot, "unknown op %s", ot)
	}
	info := op.Info()
	var id NodeID
	switch {
	case op == OpConst:
		id = p.g.Const(p.number())
	case op.IsRef():
		id = p.g.Ref(op, p.name(op.String()))
	case info.Leaf:
		id = p.g.Ref(op, "")
	default:
		var args [3]NodeID
		for i := 0; i < info.Arity; i++ {
			if i > 0 {
				p.expect(",")
			}
			args[i] = p.value()
		}
		id = p.g.Apply(op, args[:info.Arity]...)
	}
	p.endLine()
	p.defs[n] = id
}

func (p *parser) unit() {
	u := NewUnit(p.global("unit"))
	p.expect("{")
	p.endLine()
	p.begin(u.G)
	p.m.Units = append(p.m.Units, u)
	what := "unit " + FormatGlobal(u.Name)
	dyn := make(map[*State]bool)
	var sawSpike, sawRefr, sawMethod bool
	for {
		p.line(what)
		t := p.scan()
		if t.kind == tEOL {
			continue
		}
		if p.isPunct(t, "}") {
			p.endLine()
			return
		}
		if t.kind == tNode {
			p.nodeDef(t)
			continue
		}
		if (t.kind == tIdent || t.kind == tString) && p.isPunct(p.peek(), "'") {
			p.scan()
			s := u.State(t.val)
			if s == nil {
				p.fail(t, "dynamics for undeclared state %s", FormatName(t.val))
			}
			if dyn[s] {
				p.fail(t, "second dynamics line for state %s", FormatName(t.val))
			}
			dyn[s] = true
			p.expect("=")
			s.Kind = Kind(p.keyword("state kind", kindNames[:]))
			s.Tau = p.optValue("tau")
			s.Drive = p.optValue("drive")
			s.Rate = p.optValue("rate")
			s.Deriv = p.optValue("deriv")
			p.endLine()
			continue
		}
		if t.kind != tIdent {
			p.fail(t, "expected a declaration, found %s", t)
		}
		switch t.text {
		case "param":
			name := p.name("param")
			p.expect(":")
			u.AddParam(name, p.dim(), p.optValue("="))
		case "input":
			name := p.name("input")
			p.expect(":")
			u.AddInput(name, p.dim())
		case "state":
			name := p.name("state")
			p.expect(":")
			u.AddState(name, p.dim(), p.optValue("="))
		case "let":
			name := p.name("let")
			p.expect(":")
			u.AddLet(name, p.dim(), p.optValue("="))
		case "spike":
			if sawSpike {
				p.fail(t, "second spike line")
			}
			sawSpike = true
			u.Spike = p.value()
		case "reset":
			name := p.name("state")
			u.AddReset(name, p.optValue("="))
		case "refractory":
			if sawRefr {
				p.fail(t, "second refractory line")
			}
			sawRefr = true
			u.Refractory = p.value()
		case "method":
			if sawMethod {
				p.fail(t, "second method line")
			}
			sawMethod = true
			u.Method = Method(p.keyword("method", methodNames[:]))
		default:
			p.fail(t, "unknown unit item %s", t)
		}
		p.endLine()
	}
}

func (p *parser) network() {
	n := NewNetwork(p.global("network"))
	p.expect("{")
	p.endLine()
	p.begin(n.G)
	p.m.Networks = append(p.m.Networks, n)
	what := "network " + FormatGlobal(n.Name)
	seen := make(map[string]bool)
	once := func(t token) {
		if seen[t.text] {
			p.fail(t, "second %s line", t.text)
		}
		seen[t.text] = true
	}
	for {
		p.line(what)
		t := p.scan()
		if t.kind == tEOL {
			continue
		}
		if p.isPunct(t, "}") {
			p.endLine()
			return
		}
		if t.kind == tNode {
			p.nodeDef(t)
			continue
		}
		if t.kind != tIdent {
			p.fail(t, "expected a network item, found %s", t)
		}
		switch t.text {
		case "dt":
			once(t)
			n.Dt = p.number()
		case "duration":
			once(t)
			n.Duration = p.number()
		case "seed":
			once(t)
			st := p.scan()
			v, err := strconv.ParseUint(st.text, 10, 64)
			if st.kind != tNumber || err != nil {
				p.fail(st, "expected unsigned integer seed, found %s", st)
			}
			n.Seed = v
		case "pop":
			p.pop(n)
			continue // pop handles its own lines
		case "source":
			p.source(n)
		case "connect":
			p.connect(n)
		case "stim":
			s := &Stim{Name: p.global("stim")}
			p.expect("->")
			s.Pop = p.global("pop")
			p.expect(".")
			s.Input = p.name("input")
			p.expect(":")
			s.Dim = p.dim()
			p.expect("=")
			s.Wave = p.wave()
			n.Stims = append(n.Stims, s)
		case "record":
			p.record(n)
		default:
			p.fail(t, "unknown network item %s", t)
		}
		p.endLine()
	}
}

func (p *parser) pop(n *Network) {
	x := &Pop{Name: p.global("pop")}
	p.expect("=")
	x.Unit = p.global("unit")
	p.expect("[")
	x.N = p.integer()
	p.expect("]")
	n.Pops = append(n.Pops, x)
	if !p.accept("{") {
		p.endLine()
		return
	}
	p.endLine()
	what := "pop " + FormatGlobal(x.Name)
	for {
		p.line(what)
		t := p.peek()
		if t.kind == tEOL {
			continue
		}
		if p.isPunct(t, "}") {
			p.scan()
			p.endLine()
			return
		}
		s := &PopSet{Name: p.name("param or state"), Expr: NoNode}
		if p.accept("=") {
			if p.isPunct(p.peek(), "[") {
				s.Values = p.list()
			} else {
				s.Expr = p.value()
			}
		}
		x.Sets = append(x.Sets, s)
		p.endLine()
	}
}

// list reads "[v, v, …]" (possibly empty).
func (p *parser) list() []float64 {
	p.expect("[")
	vs := []float64{}
	if p.accept("]") {
		return vs
	}
	for {
		vs = append(vs, p.number())
		if p.accept("]") {
			return vs
		}
		p.expect(",")
	}
}

func (p *parser) source(n *Network) {
	s := &Source{Name: p.global("source"), Rate: NoNode}
	p.expect("=")
	s.Kind = SourceKind(p.keyword("source kind", sourceKindNames[:]))
	p.expect("[")
	s.N = p.integer()
	p.expect("]")
	s.Rate = p.optValue("rate")
	if p.accept("times") {
		p.expect("[")
		s.Times = [][]float64{}
		if !p.accept("]") {
			for {
				s.Times = append(s.Times, p.list())
				if p.accept("]") {
					break
				}
				p.expect(",")
			}
		}
	}
	if p.accept("file") {
		t := p.scan()
		if t.kind != tString {
			p.fail(t, "expected file name string, found %s", t)
		}
		s.File = t.val
	}
	n.Sources = append(n.Sources, s)
}

func (p *parser) connect(n *Network) {
	x := &Projection{Src: p.global("source")}
	p.expect("->")
	x.Dst = p.global("pop")
	p.expect(".")
	x.Target = p.name("target")
	x.Rule.Kind = RuleKind(p.keyword("rule", ruleKindNames[:]))
	if p.accept("(") {
		first := true
		seen := make(map[string]bool)
		for !p.accept(")") {
			if !first {
				p.expect(",")
			}
			t := p.scan()
			switch {
			case first && t.kind == tString:
				x.Rule.File = t.val
			case t.kind == tIdent && (t.text == "p" || t.text == "k"):
				if seen[t.text] {
					p.fail(t, "rule argument %s given twice", t.text)
				}
				seen[t.text] = true
				p.expect("=")
				if t.text == "p" {
					x.Rule.P = p.number()
				} else {
					x.Rule.K = p.integer()
				}
			default:
				p.fail(t, "unknown rule argument %s (want a file string, p=… or k=…)", t)
			}
			first = false
		}
	}
	x.Weight = p.optValue("weight")
	x.Delay = p.optValue("delay")
	n.Projections = append(n.Projections, x)
}

// wave reads "kind([\"file\"][, name=value]…)".
func (p *parser) wave() Wave {
	var w Wave
	w.Kind = WaveKind(p.keyword("waveform", waveKindNames[:]))
	p.expect("(")
	first := true
	for !p.accept(")") {
		if !first {
			p.expect(",")
		}
		t := p.scan()
		if first && t.kind == tString && !p.isPunct(p.peek(), "=") {
			w.File = t.val
		} else {
			if t.kind != tIdent && t.kind != tString {
				p.fail(t, "expected waveform argument name, found %s", t)
			}
			p.expect("=")
			w.Args = append(w.Args, WaveArg{Name: t.val, Value: p.number()})
		}
		first = false
	}
	return w
}

func (p *parser) record(n *Network) {
	r := &Record{Pop: p.global("pop"), Hi: -1}
	if !p.accept("spikes") {
		p.expect(".")
		r.Var = p.name("variable")
	}
	if p.accept("[") {
		r.Lo = p.integer()
		p.expect(":")
		if !p.accept("]") {
			r.Hi = p.integer()
			p.expect("]")
		}
	}
	if p.accept("every") {
		r.Every = p.number()
	}
	n.Records = append(n.Records, r)
}
