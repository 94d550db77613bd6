package frontend

import (
	"fmt"
	"strconv"
	"strings"

	"snnc/internal/units"
)

// ParseFile parses one .snn file. It always returns a (possibly partial)
// tree and every syntax error found, sorted by position. After an error the
// parser skips to the next terminator or closing brace and carries on; at
// most one error is reported per line (later ones on a line are usually
// consequences of the first).
func ParseFile(filename string, src []byte) (*File, ErrorList) {
	var p parser
	p.init(filename, src)
	f := p.parseFile()
	p.errs.Sort()
	return f, p.errs
}

// ParseExpr parses a single expression (for tests and tools).
func ParseExpr(src string) (Expr, error) {
	var p parser
	p.init("", []byte(src))
	x := p.parseExpr()
	for p.tok == SEMI {
		p.next()
	}
	if p.tok != EOF {
		p.errorExpected("end of expression")
	}
	p.errs.Sort()
	return x, p.errs.Err()
}

// maxDepth bounds the nesting of expressions, so that hostile input cannot
// exhaust the stack.
const maxDepth = 1000

// A tokenInfo is one non-comment token with the comment groups before it.
type tokenInfo struct {
	tok  Token
	lit  string
	pos  Pos
	line *CommentGroup // comments on the previous token's line, after it
	lead *CommentGroup // comments ending on the line above this token, or on its line before it
}

type parser struct {
	toks     []tokenInfo
	comments []*CommentGroup
	errs     ErrorList
	errLines map[int]bool // lines that already have an error

	i     int // index of the current token
	tok   Token
	lit   string
	pos   Pos
	depth int
}

// init scans the whole file up front: tokens into p.toks, comments into
// groups (go/parser's rules), scanner errors into p.errs.
func (p *parser) init(filename string, src []byte) {
	p.errLines = make(map[int]bool)
	var s Scanner
	s.Init(filename, src, func(pos Pos, msg string) {
		p.errs.Add(pos, msg)
		p.errLines[pos.Line] = true
	})
	p.toks = make([]tokenInfo, 0, len(src)/4+2) // about one token per 4 bytes
	var pending []*Comment
	prevLine := 0 // last line of the previous token; 0 before the first
	for {
		pos, tok, lit := s.Scan()
		if tok == COMMENT {
			pending = append(pending, &Comment{Slash: pos, Text: lit})
			continue
		}
		t := tokenInfo{tok: tok, lit: lit, pos: pos}
		t.line, t.lead = p.groupComments(pending, prevLine, pos.Line)
		pending = pending[:0]
		p.toks = append(p.toks, t)
		prevLine = pos.Line
		if tok == EOF {
			break
		}
	}
	p.i = -1
	p.next()
}

// groupComments splits the comments between two tokens into groups, records
// them all, and returns the line comment of the previous token (the group
// starting on prevLine) and the lead comment of the next one (the last group,
// if it ends on the line above nextLine or on nextLine).
func (p *parser) groupComments(cs []*Comment, prevLine, nextLine int) (line, lead *CommentGroup) {
	for first := true; len(cs) > 0; first = false {
		inLine := first && prevLine > 0 && cs[0].Pos().Line == prevLine
		gap := 1 // a group continues on the next line ...
		if inLine {
			gap = 0 // ... but a line comment only on the same line
		}
		n, end := 1, cs[0].End().Line
		for n < len(cs) && cs[n].Pos().Line <= end+gap {
			end = cs[n].End().Line
			n++
		}
		g := &CommentGroup{List: append([]*Comment(nil), cs[:n]...)}
		p.comments = append(p.comments, g)
		if inLine {
			line = g
		} else if n == len(cs) && end+1 >= nextLine {
			lead = g
		}
		cs = cs[n:]
	}
	return line, lead
}

func (p *parser) next() {
	if p.i < len(p.toks)-1 {
		p.i++
	}
	t := &p.toks[p.i]
	p.tok, p.lit, p.pos = t.tok, t.lit, t.pos
}

// peek returns the kind of the token n places ahead.
func (p *parser) peek(n int) tokenInfo {
	if j := p.i + n; j < len(p.toks) {
		return p.toks[j]
	}
	return p.toks[len(p.toks)-1]
}

// doc returns the lead comment of the current token.
func (p *parser) doc() *CommentGroup { return p.toks[p.i].lead }

// lineComment returns the comment after the previous token on its line.
func (p *parser) lineComment() *CommentGroup { return p.toks[p.i].line }

// ---------------------------------------------------------------------------
// Errors

// error reports msg at pos unless that line already has an error.
func (p *parser) error(pos Pos, msg string) {
	if p.errLines[pos.Line] {
		return
	}
	p.errLines[pos.Line] = true
	p.errs.Add(pos, msg)
}

// describe returns the current token for an error message.
func (p *parser) describe() string {
	switch p.tok {
	case SEMI:
		if p.lit == "\n" {
			return "newline"
		}
		return "';'"
	case EOF:
		return "EOF"
	case STRING:
		return p.lit
	case IDENT, NUMBER, ILLEGAL:
		return "'" + p.lit + "'"
	}
	return "'" + p.tok.String() + "'"
}

func (p *parser) errorExpected(what string) {
	p.error(p.pos, "expected "+what+", found "+p.describe())
}

// expect consumes a token of kind tok, or reports "expected WHAT, found X".
// It returns the position of the token (or of whatever was found instead)
// and whether it was there.
func (p *parser) expect(tok Token, what string) (Pos, bool) {
	pos := p.pos
	if p.tok != tok {
		p.errorExpected(what)
		return pos, false
	}
	p.next()
	return pos, true
}

func quote(s string) string { return "'" + s + "'" }

// sync skips to the end of the current item: past the next terminator, or
// up to a closing brace or EOF, stepping over nested braces.
func (p *parser) sync() {
	depth := 0
	for {
		switch p.tok {
		case EOF:
			return
		case LBRACE:
			depth++
		case RBRACE:
			if depth == 0 {
				return
			}
			depth--
		case SEMI:
			if depth == 0 {
				p.next()
				return
			}
		}
		p.next()
	}
}

// endItem finishes an item: it must be followed by a terminator, a closing
// brace or EOF. It returns the item's line comment.
func (p *parser) endItem(what string) *CommentGroup {
	c := p.lineComment()
	switch p.tok {
	case SEMI:
		p.next()
	case RBRACE, EOF:
	default:
		p.errorExpected("newline or ';' after " + what)
		p.sync()
	}
	return c
}

// isKeyword reports whether the current token is the identifier kw.
func (p *parser) isKeyword(kw string) bool { return p.tok == IDENT && p.lit == kw }

// atTopLevelDecl reports whether the current token looks like the start of
// a top-level declaration (used to recover from a missing '}').
func (p *parser) atTopLevelDecl() bool {
	if p.tok != IDENT || p.lit != "neuron" && p.lit != "network" && p.lit != "import" {
		return false
	}
	n := p.peek(1).tok
	return n == IDENT || n == STRING
}

// ---------------------------------------------------------------------------
// Files and declarations

func (p *parser) parseFile() *File {
	f := &File{Name: p.pos.File}
	if len(p.comments) > 0 {
		if g := p.comments[0]; g != p.doc() && g.End().Offset <= p.pos.Offset {
			f.Doc = g
		}
	}
	for p.tok != EOF {
		start := p.i
		switch {
		case p.tok == SEMI:
			p.next()
		case p.isKeyword("import"):
			if len(f.Decls) > 0 {
				p.error(p.pos, "imports must come before declarations")
			}
			f.Imports = append(f.Imports, p.parseImport())
		case p.isKeyword("neuron"):
			f.Decls = append(f.Decls, p.parseNeuron())
		case p.isKeyword("network"):
			f.Decls = append(f.Decls, p.parseNetwork())
		default:
			p.errorExpected("'neuron', 'network' or 'import'")
			p.next()
			for p.tok != EOF && !p.atTopLevelDecl() {
				p.next()
			}
		}
		if p.i == start && p.tok != EOF {
			p.next() // guarantee progress
		}
	}
	f.Name = p.pos.File
	f.EOF = p.pos
	f.Comments = p.comments
	return f
}

func (p *parser) parseImport() *Import {
	im := &Import{Doc: p.doc(), Import: p.pos}
	p.next()
	if p.tok == STRING {
		im.Path = p.parseString()
	} else {
		p.errorExpected("import path string")
	}
	im.Comment = p.endItem("import")
	return im
}

// parseIdent parses a name, reporting "expected WHAT, found X" (and
// returning nil) if there is none.
func (p *parser) parseIdent(what string) *Ident {
	if p.tok != IDENT {
		p.errorExpected(what)
		return nil
	}
	id := &Ident{NamePos: p.pos, Name: p.lit}
	p.next()
	return id
}

// openBody expects the '{' of a declaration body, forgiving a newline before
// it.
func (p *parser) openBody(what string) (Pos, bool) {
	if p.tok == SEMI && p.peek(1).tok == LBRACE {
		p.errorExpected("'{' after " + what)
		p.next()
	}
	return p.expect(LBRACE, "'{' after "+what)
}

// body parses items until '}' (or a following top-level declaration, when
// the '}' is missing) and returns the '}' position.
func (p *parser) body(what string, item func()) Pos {
	for p.tok != RBRACE && p.tok != EOF {
		if p.tok == SEMI {
			p.next()
			continue
		}
		if p.atTopLevelDecl() {
			break
		}
		start := p.i
		item()
		if p.i == start {
			p.next() // guarantee progress
		}
	}
	pos, _ := p.expect(RBRACE, "'}' to close "+what)
	return pos
}

func (p *parser) parseNeuron() *NeuronDecl {
	d := &NeuronDecl{Doc: p.doc(), Neuron: p.pos}
	p.next()
	d.Name = p.parseIdent("neuron name")
	var ok bool
	if d.Lbrace, ok = p.openBody("neuron name"); !ok {
		p.skipDecl()
		return d
	}
	d.Rbrace = p.body("neuron body", func() {
		if it := p.parseNeuronItem(); it != nil {
			d.Items = append(d.Items, it)
		}
	})
	d.Comment = p.endItem("neuron declaration")
	return d
}

func (p *parser) parseNetwork() *NetworkDecl {
	d := &NetworkDecl{Doc: p.doc(), Network: p.pos}
	p.next()
	d.Name = p.parseIdent("network name")
	var ok bool
	if d.Lbrace, ok = p.openBody("network name"); !ok {
		p.skipDecl()
		return d
	}
	d.Rbrace = p.body("network body", func() {
		if it := p.parseNetworkItem(); it != nil {
			d.Items = append(d.Items, it)
		}
	})
	d.Comment = p.endItem("network declaration")
	return d
}

// skipDecl skips a declaration whose body could not be opened.
func (p *parser) skipDecl() {
	for p.tok != EOF && !p.atTopLevelDecl() {
		p.next()
	}
}

// ---------------------------------------------------------------------------
// Neuron items

const neuronItems = "neuron item (param, input, let, state, x' = ..., spike, reset, refractory or method)"

func (p *parser) parseNeuronItem() NeuronItem {
	doc := p.doc()
	if p.tok != IDENT {
		p.errorExpected(neuronItems)
		p.sync()
		return nil
	}
	if p.peek(1).tok == TICK {
		return p.parseEquation(doc)
	}
	kw := p.pos
	switch p.lit {
	case "param":
		p.next()
		x := &ParamDecl{Doc: doc, Param: kw}
		x.Name, x.Eq, x.Value = p.parseNameValue("param")
		x.Comment = p.endItem("param")
		return x
	case "let":
		p.next()
		x := &LetDecl{Doc: doc, Let: kw}
		x.Name, x.Eq, x.Value = p.parseNameValue("let")
		x.Comment = p.endItem("let")
		return x
	case "state":
		p.next()
		x := &StateDecl{Doc: doc, State: kw}
		x.Name, x.Eq, x.Init = p.parseNameValue("state")
		x.Comment = p.endItem("state")
		return x
	case "input":
		p.next()
		x := &InputDecl{Doc: doc, Input: kw}
		if x.Name = p.parseIdent("input name"); x.Name != nil {
			if pos, ok := p.expect(COLON, "':' and a unit after input name"); ok {
				x.Colon = pos
				x.Unit = p.parseUnit(false)
			}
		}
		x.Comment = p.endItem("input")
		return x
	case "spike":
		p.next()
		x := &SpikeDecl{Doc: doc, Spike: kw}
		if p.isKeyword("when") {
			x.When = p.pos
			p.next()
			x.Cond = p.parseExpr()
		} else {
			p.errorExpected("'when' after spike")
		}
		x.Comment = p.endItem("spike condition")
		return x
	case "reset":
		p.next()
		x := &ResetBlock{Doc: doc, Reset: kw}
		x.Lbrace, x.Assigns, x.Rbrace = p.parseBlock("reset")
		x.Comment = p.endItem("reset block")
		return x
	case "refractory":
		p.next()
		x := &RefractoryDecl{Doc: doc, Refractory: kw}
		x.Period = p.parseExpr()
		x.Comment = p.endItem("refractory period")
		return x
	case "method":
		p.next()
		x := &MethodDecl{Doc: doc, Method: kw}
		x.Name = p.parseIdent("method name (euler, rk4, ...)")
		x.Comment = p.endItem("method")
		return x
	}
	if p.peek(1).tok == ASSIGN {
		p.error(p.pos, fmt.Sprintf("expected %s, found assignment to '%s' (an equation is written %s' = ...)", neuronItems, p.lit, p.lit))
	} else {
		p.errorExpected(neuronItems)
	}
	p.sync()
	return nil
}

// parseNameValue parses `NAME = VALUE` after the keyword kw.
func (p *parser) parseNameValue(kw string) (*Ident, Pos, Expr) {
	name := p.parseIdent(kw + " name")
	if name == nil {
		return nil, Pos{}, nil
	}
	eq, ok := p.expect(ASSIGN, "'=' after "+kw+" name")
	if !ok {
		return name, Pos{}, nil
	}
	return name, eq, p.parseExpr()
}

func (p *parser) parseEquation(doc *CommentGroup) *Equation {
	x := &Equation{Doc: doc, Name: &Ident{NamePos: p.pos, Name: p.lit}}
	p.next()
	x.Tick = p.pos
	p.next()
	var ok bool
	if x.Eq, ok = p.expect(ASSIGN, "'=' after "+x.Name.Name+"'"); ok {
		x.RHS = p.parseExpr()
	} else {
		x.Eq = Pos{}
	}
	x.Comment = p.endItem("equation")
	return x
}

// parseBlock parses `{ NAME = VALUE ... }` (assignments separated by
// terminators) after what.
func (p *parser) parseBlock(what string) (lbrace Pos, list []*Assign, rbrace Pos) {
	lbrace, ok := p.expect(LBRACE, "'{' after "+what)
	if !ok {
		return Pos{}, nil, Pos{}
	}
	rbrace = p.body(what+" block", func() {
		if p.tok != IDENT {
			p.errorExpected("name = value in " + what + " block")
			p.sync()
			return
		}
		a := p.parseAssign(what + " block")
		a.Comment = p.endItem("assignment")
		list = append(list, a)
	})
	return lbrace, list, rbrace
}

// parseAssign parses `NAME = VALUE`; the current token is the name.
func (p *parser) parseAssign(where string) *Assign {
	a := &Assign{Doc: p.doc(), Name: &Ident{NamePos: p.pos, Name: p.lit}}
	p.next()
	var ok bool
	if a.Eq, ok = p.expect(ASSIGN, "'=' after "+quote(a.Name.Name)+" in "+where); ok {
		a.Value = p.parseExpr()
	}
	return a
}

// ---------------------------------------------------------------------------
// Network items

const networkItems = "network item (NAME = value, const, pop, connect, source, stim or record)"

func (p *parser) parseNetworkItem() NetworkItem {
	doc := p.doc()
	if p.tok != IDENT {
		p.errorExpected(networkItems)
		p.sync()
		return nil
	}
	if p.peek(1).tok == ASSIGN {
		a := p.parseAssign("network")
		x := &Setting{Doc: doc, Name: a.Name, Eq: a.Eq, Value: a.Value}
		x.Comment = p.endItem("setting")
		return x
	}
	kw := p.pos
	switch p.lit {
	case "const":
		p.next()
		x := &ConstDecl{Doc: doc, Const: kw}
		x.Name, x.Eq, x.Value = p.parseNameValue("const")
		x.Comment = p.endItem("const")
		return x
	case "pop":
		p.next()
		x := &PopDecl{Doc: doc, Pop: kw}
		h := p.parseSized("pop", "model")
		x.Name, x.Eq, x.Model, x.Lbrack, x.Size, x.Rbrack = h.name, h.eq, h.kind, h.lbrack, h.size, h.rbrack
		if x.Rbrack.IsValid() && p.tok == LBRACE {
			x.Lbrace, x.Inits, x.Rbrace = p.parseBlock("pop")
		}
		x.Comment = p.endItem("pop")
		return x
	case "source":
		p.next()
		x := &SourceDecl{Doc: doc, Source: kw}
		h := p.parseSized("source", "source kind (poisson or spikes)")
		x.Name, x.Eq, x.Kind, x.Lbrack, x.Size, x.Rbrack = h.name, h.eq, h.kind, h.lbrack, h.size, h.rbrack
		if x.Rbrack.IsValid() && p.tok == LBRACE {
			x.Lbrace, x.Props, x.Rbrace = p.parseBlock("source")
		}
		x.Comment = p.endItem("source")
		return x
	case "connect":
		p.next()
		x := &ConnectDecl{Doc: doc, Connect: kw}
		p.parseConnect(x)
		x.Comment = p.endItem("connect")
		return x
	case "stim":
		p.next()
		x := &StimDecl{Doc: doc, Stim: kw}
		p.parseStim(x)
		x.Comment = p.endItem("stim")
		return x
	case "record":
		p.next()
		x := &RecordDecl{Doc: doc, Record: kw}
		p.parseRecord(x)
		x.Comment = p.endItem("record")
		return x
	}
	p.errorExpected(networkItems)
	p.sync()
	return nil
}

// sizedHeader is `NAME = KIND[SIZE]` of a pop or source.
type sizedHeader struct {
	name, kind         *Ident
	eq, lbrack, rbrack Pos
	size               Expr
}

// parseSized parses the header of a pop or source. rbrack is valid only if
// the whole header parsed.
func (p *parser) parseSized(kw, kind string) (h sizedHeader) {
	if h.name = p.parseIdent(kw + " name"); h.name == nil {
		return
	}
	eq, ok := p.expect(ASSIGN, "'=' after "+kw+" name")
	if !ok {
		return
	}
	h.eq = eq
	if h.kind = p.parseIdent(kind); h.kind == nil {
		return
	}
	lbrack, ok := p.expect(LBRACK, "'[' and a size after "+quote(h.kind.Name))
	if !ok {
		return
	}
	h.lbrack = lbrack
	h.size = p.parseExpr()
	if pos, ok := p.expect(RBRACK, "']' after "+kw+" size"); ok {
		h.rbrack = pos
	}
	return
}

// parseTarget parses `POP.NAME` after an arrow.
func (p *parser) parseTarget(what string) (pop *Ident, dot Pos, name *Ident) {
	if pop = p.parseIdent("population after '->'"); pop == nil {
		return
	}
	dot, ok := p.expect(DOT, "'.' and a "+what+" after "+quote(pop.Name))
	if !ok {
		return pop, Pos{}, nil
	}
	return pop, dot, p.parseIdent(what + " name after '.'")
}

func (p *parser) parseConnect(x *ConnectDecl) {
	if x.Src = p.parseIdent("source population after connect"); x.Src == nil {
		return
	}
	arrow, ok := p.expect(ARROW, "'->' after "+quote(x.Src.Name))
	if !ok {
		return
	}
	x.Arrow = arrow
	if x.Dst, x.Dot, x.Target = p.parseTarget("target"); x.Target == nil {
		return
	}
	colon, ok := p.expect(COLON, "':' and a connection rule after "+quote(x.Dst.Name+"."+x.Target.Name))
	if !ok {
		return
	}
	x.Colon = colon
	if p.tok != IDENT {
		p.errorExpected("connection rule (all_to_all, one_to_one, random(...), ...)")
		return
	}
	id := p.parseIdent("")
	if p.tok == LPAREN {
		x.Rule = p.parseCall(id)
	} else {
		x.Rule = id
	}
	if p.tok == LBRACE {
		x.Lbrace, x.Props, x.Rbrace = p.parseBlock("connect")
	}
}

func (p *parser) parseStim(x *StimDecl) {
	if x.Name = p.parseIdent("stim name"); x.Name == nil {
		return
	}
	arrow, ok := p.expect(ARROW, "'->' after stim name")
	if !ok {
		return
	}
	x.Arrow = arrow
	if x.Pop, x.Dot, x.Input = p.parseTarget("input"); x.Input == nil {
		return
	}
	if eq, ok := p.expect(ASSIGN, "'=' and a waveform after "+quote(x.Pop.Name+"."+x.Input.Name)); ok {
		x.Eq = eq
		x.Wave = p.parseExpr()
	}
}

func (p *parser) parseRecord(x *RecordDecl) {
	if x.Pop = p.parseIdent("population after record"); x.Pop == nil {
		return
	}
	switch {
	case p.tok == DOT:
		x.Dot = p.pos
		p.next()
		if x.Var = p.parseIdent("variable name after '.'"); x.Var == nil {
			return
		}
	case p.isKeyword("spikes"):
		x.Spikes = p.pos
		p.next()
	default:
		p.errorExpected("'spikes' or '.VAR' after record " + quote(x.Pop.Name))
		return
	}
	if p.tok == LBRACK {
		x.Lbrack = p.pos
		p.next()
		x.Lo = p.parseExpr()
		if p.tok == DOTDOT {
			x.DotDot = p.pos
			p.next()
			x.Hi = p.parseExpr()
		}
		var ok bool
		if x.Rbrack, ok = p.expect(RBRACK, "'..' or ']' in neuron selection"); !ok {
			x.Rbrack = Pos{}
			return
		}
	}
	if p.isKeyword("every") {
		x.EveryPos = p.pos
		p.next()
		x.Every = p.parseExpr()
	}
}

// ---------------------------------------------------------------------------
// Expressions

func (p *parser) parseExpr() Expr { return p.parseBinary(precOr) }

// parseBinary parses binary operators of precedence >= prec (below unary).
func (p *parser) parseBinary(prec int) Expr {
	x := p.parseUnary()
	for {
		op := p.tok
		oprec := op.Precedence()
		if oprec < prec || oprec >= precUnary {
			return x
		}
		pos := p.pos
		p.next()
		y := p.parseBinary(oprec + 1)
		x = &BinaryExpr{X: x, OpPos: pos, Op: op, Y: y}
		if oprec == precCmp && p.tok.IsComparison() {
			p.error(p.pos, fmt.Sprintf("unexpected '%s' after comparison (comparisons do not chain; use &&)", p.tok))
		}
	}
}

// parseUnary parses - + ! prefixes. They bind looser than '^', so -x^2 is
// -(x^2).
func (p *parser) parseUnary() Expr {
	if p.depth >= maxDepth {
		p.error(p.pos, "expression nested too deeply")
		pos := p.pos
		for p.tok != EOF && p.tok != SEMI && p.tok != RBRACE {
			p.next() // give up on this expression
		}
		return &BadExpr{From: pos, To: p.pos}
	}
	p.depth++
	defer func() { p.depth-- }()
	switch p.tok {
	case ADD, SUB, NOT:
		pos, op := p.pos, p.tok
		p.next()
		return &UnaryExpr{OpPos: pos, Op: op, X: p.parseUnary()}
	}
	x := p.parsePrimary()
	if p.tok == POW {
		pos := p.pos
		p.next()
		// The exponent is a unary expression: right-associative, and 2^-1 works.
		x = &BinaryExpr{X: x, OpPos: pos, Op: POW, Y: p.parseUnary()}
	}
	return x
}

func (p *parser) parsePrimary() Expr {
	switch p.tok {
	case IDENT:
		id := &Ident{NamePos: p.pos, Name: p.lit}
		p.next()
		if p.tok == LPAREN {
			return p.parseCall(id)
		}
		return id
	case NUMBER:
		n := p.parseNumber()
		if p.tok == IDENT && p.pos.Line == n.ValuePos.Line {
			return &QuantityLit{Number: n, Unit: p.parseUnit(true)}
		}
		return n
	case STRING:
		return p.parseString()
	case LPAREN:
		x := &ParenExpr{Lparen: p.pos}
		p.next()
		x.X = p.parseExpr()
		x.Rparen, _ = p.expect(RPAREN, "')'")
		return x
	case LBRACK:
		x := &ListExpr{Lbrack: p.pos}
		p.next()
		for p.tok != RBRACK && p.tok != EOF {
			x.Elems = append(x.Elems, p.parseExpr())
			if p.tok != COMMA {
				break
			}
			p.next()
		}
		x.Rbrack, _ = p.expect(RBRACK, "',' or ']' in list")
		return x
	}
	p.errorExpected("expression")
	return &BadExpr{From: p.pos, To: p.pos}
}

func (p *parser) parseNumber() *NumberLit {
	n := &NumberLit{ValuePos: p.pos, Raw: p.lit}
	n.Value, _ = strconv.ParseFloat(strings.TrimRight(p.lit, "eE+-"), 64)
	p.next()
	return n
}

func (p *parser) parseString() *StringLit {
	s := &StringLit{ValuePos: p.pos, Raw: p.lit, Value: Unquote(p.lit)}
	p.next()
	return s
}

// parseCall parses the argument list of a call to fun: positional
// arguments, then keyword arguments `name = value`; a trailing comma is
// allowed.
func (p *parser) parseCall(fun *Ident) *CallExpr {
	x := &CallExpr{Fun: fun, Lparen: p.pos}
	p.next()
	for p.tok != RPAREN && p.tok != EOF {
		if p.tok == IDENT && p.peek(1).tok == ASSIGN {
			x.Named = append(x.Named, p.parseAssign("call to "+quote(fun.Name)))
		} else {
			if len(x.Named) > 0 {
				p.error(p.pos, "positional argument after keyword argument in call to "+quote(fun.Name))
			}
			x.Args = append(x.Args, p.parseExpr())
		}
		if p.tok != COMMA {
			break
		}
		p.next()
	}
	x.Rparen, _ = p.expect(RPAREN, "',' or ')' in call to "+quote(fun.Name))
	return x
}

// isUnitWord reports whether name is a unit word. It decides whether a
// quantity's unit continues past '*' or '/'.
func isUnitWord(name string) bool {
	_, ok := units.Lookup(name)
	return ok
}

// parseUnit parses a unit: UnitTerm {('*' | '/') UnitTerm}.
//
// In a quantity (quantity is true) the unit follows a number (on the same
// line: that is checked by the caller). It continues past '*' or '/' only if
// a unit word follows, so `20 mV / 2 ms` is (20 mV)/(2 ms) and
// `1 uF/cm2 * area` is (1 uF/cm2) * area; a '^' is a power of the unit only
// when an integer follows. Line breaks play no part in these decisions, so
// the formatter may join lines.
//
// After "input NAME :" (quantity false) the unit runs to the end of the
// item, and it may be "1" or start with "1/".
func (p *parser) parseUnit(quantity bool) *UnitExpr {
	u := &UnitExpr{}
	for {
		t := &UnitTerm{}
		if len(u.Terms) > 0 {
			t.OpPos, t.Op = p.pos, p.tok
			p.next()
		}
		switch {
		case p.tok == IDENT:
		case p.tok == NUMBER && p.lit == "1" && len(u.Terms) == 0 && !quantity:
		default:
			p.errorExpected("unit")
			if len(u.Terms) == 0 {
				t.NamePos, t.Name = p.pos, "1"
				u.Terms = append(u.Terms, t)
			}
			return u
		}
		t.NamePos, t.Name = p.pos, p.lit
		p.next()
		u.Terms = append(u.Terms, t)
		if p.tok == POW {
			p.parseUnitPower(t, quantity)
		}
		if p.tok != MUL && p.tok != QUO {
			return u
		}
		if next := p.peek(1); quantity && (next.tok != IDENT || !isUnitWord(next.lit)) {
			return u
		}
	}
}

// parseUnitPower parses `^N` or `^-N` after a unit word. In a quantity, a
// '^' not followed by an integer is left for the expression parser.
func (p *parser) parseUnitPower(t *UnitTerm, quantity bool) {
	k := 1
	if p.peek(k).tok == SUB {
		k++
	}
	n := p.peek(k)
	isInt := n.tok == NUMBER && strings.Trim(n.lit, "0123456789") == ""
	if quantity && !isInt {
		return
	}
	t.Caret = p.pos
	p.next()
	if p.tok == SUB {
		t.Minus = p.pos
		p.next()
	}
	if !isInt {
		p.errorExpected("integer power after '^' in unit")
		t.Caret, t.Minus = Pos{}, Pos{}
		return
	}
	t.Exp = p.parseNumber()
}
