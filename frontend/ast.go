package frontend

import (
	"strconv"
	"strings"
)

// This file declares the syntax tree. Every node has Pos (its first
// character) and End (just after its last character). Declarations and items
// carry the comment group on the lines directly above them (Doc) and the one
// after them on their last line (Comment); every comment of a file is also in
// File.Comments, which is what the formatter prints from.
//
// Partial trees: after a syntax error, fields may hold nil (for a missing
// name or block) or a *BadExpr (for a missing expression).

// Node is any syntax tree node.
type Node interface {
	Pos() Pos
	End() Pos
}

// Expr is an expression node: *NumberLit, *QuantityLit, *StringLit, *Ident,
// *BinaryExpr, *UnaryExpr, *ParenExpr, *CallExpr, *ListExpr or *BadExpr.
type Expr interface {
	Node
	exprNode()
}

// Decl is a top-level declaration: *NeuronDecl or *NetworkDecl.
type Decl interface {
	Node
	declNode()
}

// NeuronItem is an item of a neuron body: *ParamDecl, *InputDecl, *LetDecl,
// *StateDecl, *Equation, *SpikeDecl, *ResetBlock, *RefractoryDecl or
// *MethodDecl.
type NeuronItem interface {
	Node
	neuronItem()
}

// NetworkItem is an item of a network body: *Setting, *ConstDecl, *PopDecl,
// *ConnectDecl, *SourceDecl, *StimDecl or *RecordDecl.
type NetworkItem interface {
	Node
	networkItem()
}

// ---------------------------------------------------------------------------
// Comments

// Comment is one // or /* */ comment. Text includes the comment markers and,
// for line comments, excludes the newline.
type Comment struct {
	Slash Pos
	Text  string
}

func (c *Comment) Pos() Pos { return c.Slash }
func (c *Comment) End() Pos { return endOfText(c.Slash, c.Text) }

// CommentGroup is a run of comments with no token and no blank line between
// them.
type CommentGroup struct {
	List []*Comment // len(List) > 0
}

func (g *CommentGroup) Pos() Pos { return g.List[0].Pos() }
func (g *CommentGroup) End() Pos { return g.List[len(g.List)-1].End() }

// Text returns the comments' text without markers, one line per source line,
// with leading and trailing blank lines removed (like go/ast).
func (g *CommentGroup) Text() string {
	if g == nil {
		return ""
	}
	var lines []string
	for _, c := range g.List {
		t := c.Text
		if strings.HasPrefix(t, "//") {
			t = strings.TrimPrefix(t[2:], " ")
			lines = append(lines, t)
			continue
		}
		t = strings.TrimSuffix(strings.TrimPrefix(t, "/*"), "*/")
		for _, l := range strings.Split(t, "\n") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// endOfText returns the position just after text starting at p (text may
// span lines).
func endOfText(p Pos, text string) Pos {
	if !p.IsValid() {
		return p
	}
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		p.Line += strings.Count(text, "\n")
		p.Col = len(text) - i
		p.Offset += len(text)
		return p
	}
	return p.add(len(text))
}

// ---------------------------------------------------------------------------
// File and top-level declarations

// File is one parsed source file.
type File struct {
	Name     string          // file name as given to ParseFile
	Doc      *CommentGroup   // comment directly above the first import or declaration
	Imports  []*Import       // in source order
	Decls    []Decl          // *NeuronDecl and *NetworkDecl in source order
	Comments []*CommentGroup // every comment in the file, in source order
	EOF      Pos             // position of the end of the file
}

func (f *File) Pos() Pos { return Pos{File: f.Name, Line: 1, Col: 1} }
func (f *File) End() Pos { return f.EOF }

// Import is `import "path"`.
type Import struct {
	Doc     *CommentGroup
	Import  Pos // position of "import"
	Path    *StringLit
	Comment *CommentGroup
}

// NeuronDecl is `neuron NAME { items }`.
type NeuronDecl struct {
	Doc     *CommentGroup
	Neuron  Pos // position of "neuron"
	Name    *Ident
	Lbrace  Pos
	Items   []NeuronItem
	Rbrace  Pos
	Comment *CommentGroup
}

// NetworkDecl is `network NAME { items }`.
type NetworkDecl struct {
	Doc     *CommentGroup
	Network Pos // position of "network"
	Name    *Ident
	Lbrace  Pos
	Items   []NetworkItem
	Rbrace  Pos
	Comment *CommentGroup
}

// ---------------------------------------------------------------------------
// Neuron items

// ParamDecl is `param NAME = VALUE`.
type ParamDecl struct {
	Doc     *CommentGroup
	Param   Pos
	Name    *Ident
	Eq      Pos // position of '='
	Value   Expr
	Comment *CommentGroup
}

// InputDecl is `input NAME : UNIT`.
type InputDecl struct {
	Doc     *CommentGroup
	Input   Pos
	Name    *Ident
	Colon   Pos
	Unit    *UnitExpr
	Comment *CommentGroup
}

// LetDecl is `let NAME = VALUE`.
type LetDecl struct {
	Doc     *CommentGroup
	Let     Pos
	Name    *Ident
	Eq      Pos
	Value   Expr
	Comment *CommentGroup
}

// StateDecl is `state NAME = INIT`.
type StateDecl struct {
	Doc     *CommentGroup
	State   Pos
	Name    *Ident
	Eq      Pos
	Init    Expr
	Comment *CommentGroup
}

// Equation is `NAME' = RHS`: the time derivative of state NAME.
type Equation struct {
	Doc     *CommentGroup
	Name    *Ident
	Tick    Pos // position of '
	Eq      Pos
	RHS     Expr
	Comment *CommentGroup
}

// SpikeDecl is `spike when COND`.
type SpikeDecl struct {
	Doc     *CommentGroup
	Spike   Pos
	When    Pos
	Cond    Expr
	Comment *CommentGroup
}

// ResetBlock is `reset { NAME = VALUE ... }`.
type ResetBlock struct {
	Doc     *CommentGroup
	Reset   Pos
	Lbrace  Pos
	Assigns []*Assign
	Rbrace  Pos
	Comment *CommentGroup
}

// RefractoryDecl is `refractory PERIOD`.
type RefractoryDecl struct {
	Doc        *CommentGroup
	Refractory Pos
	Period     Expr
	Comment    *CommentGroup
}

// MethodDecl is `method NAME` (euler, rk4, ...).
type MethodDecl struct {
	Doc     *CommentGroup
	Method  Pos
	Name    *Ident
	Comment *CommentGroup
}

// Assign is `NAME = VALUE`: a reset assignment, a pop initialiser, a
// connect/source property, or a keyword argument of a call.
type Assign struct {
	Doc     *CommentGroup
	Name    *Ident
	Eq      Pos // position of '='
	Value   Expr
	Comment *CommentGroup
}

// ---------------------------------------------------------------------------
// Network items

// Setting is `NAME = VALUE` in a network (dt, duration, seed, ...).
type Setting struct {
	Doc     *CommentGroup
	Name    *Ident
	Eq      Pos
	Value   Expr
	Comment *CommentGroup
}

// ConstDecl is `const NAME = VALUE`.
type ConstDecl struct {
	Doc     *CommentGroup
	Const   Pos
	Name    *Ident
	Eq      Pos
	Value   Expr
	Comment *CommentGroup
}

// PopDecl is `pop NAME = MODEL[SIZE] { inits }`; the block is optional
// (Lbrace is the zero Pos when absent).
type PopDecl struct {
	Doc     *CommentGroup
	Pop     Pos
	Name    *Ident
	Eq      Pos
	Model   *Ident
	Lbrack  Pos
	Size    Expr
	Rbrack  Pos
	Lbrace  Pos
	Inits   []*Assign
	Rbrace  Pos
	Comment *CommentGroup
}

// ConnectDecl is `connect SRC -> DST.TARGET : RULE { props }`; the block is
// optional. Rule is an *Ident (all_to_all, one_to_one) or a *CallExpr
// (random(p = 0.02), fixed_indegree(k = 10), from_file("edges.csv")).
type ConnectDecl struct {
	Doc     *CommentGroup
	Connect Pos
	Src     *Ident
	Arrow   Pos
	Dst     *Ident
	Dot     Pos
	Target  *Ident
	Colon   Pos
	Rule    Expr
	Lbrace  Pos
	Props   []*Assign
	Rbrace  Pos
	Comment *CommentGroup
}

// SourceDecl is `source NAME = KIND[SIZE] { props }` (KIND poisson or
// spikes); the block is optional.
type SourceDecl struct {
	Doc     *CommentGroup
	Source  Pos
	Name    *Ident
	Eq      Pos
	Kind    *Ident
	Lbrack  Pos
	Size    Expr
	Rbrack  Pos
	Lbrace  Pos
	Props   []*Assign
	Rbrace  Pos
	Comment *CommentGroup
}

// StimDecl is `stim NAME -> POP.INPUT = WAVE`; Wave is normally a *CallExpr
// (step(...), sine(...), file("current.csv")).
type StimDecl struct {
	Doc     *CommentGroup
	Stim    Pos
	Name    *Ident
	Arrow   Pos
	Pop     *Ident
	Dot     Pos
	Input   *Ident
	Eq      Pos
	Wave    Expr
	Comment *CommentGroup
}

// RecordDecl is `record POP spikes` or `record POP.VAR`, each optionally
// followed by a neuron selection `[LO..HI]` or `[LO]` and by `every PERIOD`.
type RecordDecl struct {
	Doc      *CommentGroup
	Record   Pos
	Pop      *Ident
	Dot      Pos    // position of '.' before Var, zero for spikes
	Var      *Ident // nil for spikes
	Spikes   Pos    // position of "spikes" when Var is nil
	Lbrack   Pos    // zero when there is no selection
	Lo       Expr   // nil when there is no selection
	DotDot   Pos    // position of '..', zero when Hi is nil
	Hi       Expr   // nil for a single index [LO]
	Rbrack   Pos
	EveryPos Pos  // position of "every", zero when absent
	Every    Expr // nil when absent
	Comment  *CommentGroup
}

// ---------------------------------------------------------------------------
// Expressions

// Ident is a name: a parameter, state, function, model, or a unit word used
// as a value (`V / mV`); the checker decides which.
type Ident struct {
	NamePos Pos
	Name    string
}

// NumberLit is a number without unit. Raw is the source spelling.
type NumberLit struct {
	ValuePos Pos
	Value    float64
	Raw      string
}

// QuantityLit is a number followed on the same line by a unit: `10 mV`,
// `0.3 mS/cm2`.
type QuantityLit struct {
	Number *NumberLit
	Unit   *UnitExpr
}

// StringLit is a string literal. Raw is the source spelling with quotes and
// escapes; Value is the unquoted text.
type StringLit struct {
	ValuePos Pos
	Value    string
	Raw      string
}

// BinaryExpr is `X Op Y`; Op is one of + - * / ^ < > <= >= == != && ||.
type BinaryExpr struct {
	X     Expr
	OpPos Pos
	Op    Token
	Y     Expr
}

// UnaryExpr is `Op X`; Op is one of - + !.
type UnaryExpr struct {
	OpPos Pos
	Op    Token
	X     Expr
}

// ParenExpr is `(X)`.
type ParenExpr struct {
	Lparen Pos
	X      Expr
	Rparen Pos
}

// CallExpr is `Fun(Args..., Named...)`: positional arguments, then keyword
// arguments `name = value`.
type CallExpr struct {
	Fun    *Ident
	Lparen Pos
	Args   []Expr
	Named  []*Assign
	Rparen Pos
}

// ListExpr is `[Elems...]`.
type ListExpr struct {
	Lbrack Pos
	Elems  []Expr
	Rbrack Pos
}

// BadExpr stands for an expression that could not be parsed.
type BadExpr struct {
	From, To Pos
}

// ---------------------------------------------------------------------------
// Units

// UnitExpr is a unit: terms joined by '*' and '/', left to right, e.g.
// `mS/cm2`, `uA/cm^2`, `1/ms`. The first term has Op ILLEGAL.
type UnitExpr struct {
	Terms []*UnitTerm // len(Terms) > 0
}

// UnitTerm is one factor of a unit: a unit word (or "1", only as the first
// term) with an optional integer power `^N` or `^-N`.
type UnitTerm struct {
	OpPos   Pos   // position of the preceding '*' or '/'; zero for the first term
	Op      Token // MUL, QUO, or ILLEGAL for the first term
	NamePos Pos
	Name    string     // unit word, or "1"
	Caret   Pos        // position of '^', zero when there is no power
	Minus   Pos        // position of '-' in a negative power, else zero
	Exp     *NumberLit // power (an integer literal), nil when there is none
}

// Power returns the term's integer power (1 when there is none).
func (t *UnitTerm) Power() int {
	if t.Exp == nil {
		return 1
	}
	n, _ := strconv.Atoi(t.Exp.Raw)
	if t.Minus.IsValid() {
		n = -n
	}
	return n
}

// String returns the unit in canonical text, which units.Parse accepts:
// "mS/cm2", "cm^2", "ms^-1", "1/s".
func (u *UnitExpr) String() string {
	var b strings.Builder
	for i, t := range u.Terms {
		if i > 0 {
			b.WriteString(t.Op.String())
		}
		b.WriteString(t.Name)
		if t.Exp != nil {
			b.WriteString("^")
			if t.Minus.IsValid() {
				b.WriteString("-")
			}
			b.WriteString(t.Exp.Raw)
		}
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Pos and End

func (x *Import) Pos() Pos { return x.Import }
func (x *Import) End() Pos {
	if x.Path != nil {
		return x.Path.End()
	}
	return x.Import.add(len("import"))
}

func (x *NeuronDecl) Pos() Pos  { return x.Neuron }
func (x *NeuronDecl) End() Pos  { return blockEnd(x.Rbrace, x.Lbrace, x.Name, x.Neuron, "neuron") }
func (x *NetworkDecl) Pos() Pos { return x.Network }
func (x *NetworkDecl) End() Pos { return blockEnd(x.Rbrace, x.Lbrace, x.Name, x.Network, "network") }

func blockEnd(rbrace, lbrace Pos, name *Ident, kw Pos, kwText string) Pos {
	switch {
	case rbrace.IsValid():
		return rbrace.add(1)
	case lbrace.IsValid():
		return lbrace.add(1)
	case name != nil:
		return name.End()
	}
	return kw.add(len(kwText))
}

func (x *ParamDecl) Pos() Pos { return x.Param }
func (x *ParamDecl) End() Pos { return endOf(x.Value, x.Name, x.Param, "param") }
func (x *InputDecl) Pos() Pos { return x.Input }
func (x *InputDecl) End() Pos {
	if x.Unit != nil {
		return x.Unit.End()
	}
	return endOf(nil, x.Name, x.Input, "input")
}
func (x *LetDecl) Pos() Pos        { return x.Let }
func (x *LetDecl) End() Pos        { return endOf(x.Value, x.Name, x.Let, "let") }
func (x *StateDecl) Pos() Pos      { return x.State }
func (x *StateDecl) End() Pos      { return endOf(x.Init, x.Name, x.State, "state") }
func (x *Equation) Pos() Pos       { return x.Name.Pos() }
func (x *Equation) End() Pos       { return endOf(x.RHS, nil, x.Tick, "'") }
func (x *SpikeDecl) Pos() Pos      { return x.Spike }
func (x *SpikeDecl) End() Pos      { return endOf(x.Cond, nil, x.Spike, "spike") }
func (x *ResetBlock) Pos() Pos     { return x.Reset }
func (x *ResetBlock) End() Pos     { return blockEnd(x.Rbrace, x.Lbrace, nil, x.Reset, "reset") }
func (x *RefractoryDecl) Pos() Pos { return x.Refractory }
func (x *RefractoryDecl) End() Pos { return endOf(x.Period, nil, x.Refractory, "refractory") }
func (x *MethodDecl) Pos() Pos     { return x.Method }
func (x *MethodDecl) End() Pos     { return endOf(nil, x.Name, x.Method, "method") }
func (x *Assign) Pos() Pos         { return x.Name.Pos() }
func (x *Assign) End() Pos         { return endOf(x.Value, x.Name, Pos{}, "") }

func (x *Setting) Pos() Pos   { return x.Name.Pos() }
func (x *Setting) End() Pos   { return endOf(x.Value, x.Name, Pos{}, "") }
func (x *ConstDecl) Pos() Pos { return x.Const }
func (x *ConstDecl) End() Pos { return endOf(x.Value, x.Name, x.Const, "const") }
func (x *PopDecl) Pos() Pos   { return x.Pop }
func (x *PopDecl) End() Pos {
	if x.Rbrace.IsValid() || x.Lbrace.IsValid() {
		return blockEnd(x.Rbrace, x.Lbrace, nil, Pos{}, "")
	}
	if x.Rbrack.IsValid() {
		return x.Rbrack.add(1)
	}
	return endOf(x.Size, x.Model, x.Pop, "pop")
}
func (x *ConnectDecl) Pos() Pos { return x.Connect }
func (x *ConnectDecl) End() Pos {
	if x.Rbrace.IsValid() || x.Lbrace.IsValid() {
		return blockEnd(x.Rbrace, x.Lbrace, nil, Pos{}, "")
	}
	return endOf(x.Rule, x.Target, x.Connect, "connect")
}
func (x *SourceDecl) Pos() Pos { return x.Source }
func (x *SourceDecl) End() Pos {
	if x.Rbrace.IsValid() || x.Lbrace.IsValid() {
		return blockEnd(x.Rbrace, x.Lbrace, nil, Pos{}, "")
	}
	if x.Rbrack.IsValid() {
		return x.Rbrack.add(1)
	}
	return endOf(x.Size, x.Kind, x.Source, "source")
}
func (x *StimDecl) Pos() Pos   { return x.Stim }
func (x *StimDecl) End() Pos   { return endOf(x.Wave, x.Input, x.Stim, "stim") }
func (x *RecordDecl) Pos() Pos { return x.Record }
func (x *RecordDecl) End() Pos {
	switch {
	case x.Every != nil:
		return x.Every.End()
	case x.Rbrack.IsValid():
		return x.Rbrack.add(1)
	case x.Var != nil:
		return x.Var.End()
	case x.Spikes.IsValid():
		return x.Spikes.add(len("spikes"))
	}
	return endOf(nil, x.Pop, x.Record, "record")
}

// endOf returns the end of the last present part of an item: n, else name,
// else the keyword at kw.
func endOf(n Node, name *Ident, kw Pos, kwText string) Pos {
	if n != nil {
		return n.End()
	}
	if name != nil {
		return name.End()
	}
	return kw.add(len(kwText))
}

func (x *Ident) Pos() Pos       { return x.NamePos }
func (x *Ident) End() Pos       { return x.NamePos.add(len(x.Name)) }
func (x *NumberLit) Pos() Pos   { return x.ValuePos }
func (x *NumberLit) End() Pos   { return x.ValuePos.add(len(x.Raw)) }
func (x *QuantityLit) Pos() Pos { return x.Number.Pos() }
func (x *QuantityLit) End() Pos { return x.Unit.End() }
func (x *StringLit) Pos() Pos   { return x.ValuePos }
func (x *StringLit) End() Pos   { return x.ValuePos.add(len(x.Raw)) }
func (x *BinaryExpr) Pos() Pos  { return x.X.Pos() }
func (x *BinaryExpr) End() Pos  { return x.Y.End() }
func (x *UnaryExpr) Pos() Pos   { return x.OpPos }
func (x *UnaryExpr) End() Pos   { return x.X.End() }
func (x *ParenExpr) Pos() Pos   { return x.Lparen }
func (x *ParenExpr) End() Pos   { return x.Rparen.add(1) }
func (x *CallExpr) Pos() Pos    { return x.Fun.Pos() }
func (x *CallExpr) End() Pos    { return x.Rparen.add(1) }
func (x *ListExpr) Pos() Pos    { return x.Lbrack }
func (x *ListExpr) End() Pos    { return x.Rbrack.add(1) }
func (x *BadExpr) Pos() Pos     { return x.From }
func (x *BadExpr) End() Pos     { return x.To }

func (u *UnitExpr) Pos() Pos { return u.Terms[0].Pos() }
func (u *UnitExpr) End() Pos { return u.Terms[len(u.Terms)-1].End() }
func (t *UnitTerm) Pos() Pos {
	if t.OpPos.IsValid() {
		return t.OpPos
	}
	return t.NamePos
}
func (t *UnitTerm) End() Pos {
	if t.Exp != nil {
		return t.Exp.End()
	}
	return t.NamePos.add(len(t.Name))
}

func (*Ident) exprNode()       {}
func (*NumberLit) exprNode()   {}
func (*QuantityLit) exprNode() {}
func (*StringLit) exprNode()   {}
func (*BinaryExpr) exprNode()  {}
func (*UnaryExpr) exprNode()   {}
func (*ParenExpr) exprNode()   {}
func (*CallExpr) exprNode()    {}
func (*ListExpr) exprNode()    {}
func (*BadExpr) exprNode()     {}

func (*NeuronDecl) declNode()  {}
func (*NetworkDecl) declNode() {}

func (*ParamDecl) neuronItem()      {}
func (*InputDecl) neuronItem()      {}
func (*LetDecl) neuronItem()        {}
func (*StateDecl) neuronItem()      {}
func (*Equation) neuronItem()       {}
func (*SpikeDecl) neuronItem()      {}
func (*ResetBlock) neuronItem()     {}
func (*RefractoryDecl) neuronItem() {}
func (*MethodDecl) neuronItem()     {}

func (*Setting) networkItem()     {}
func (*ConstDecl) networkItem()   {}
func (*PopDecl) networkItem()     {}
func (*ConnectDecl) networkItem() {}
func (*SourceDecl) networkItem()  {}
func (*StimDecl) networkItem()    {}
func (*RecordDecl) networkItem()  {}

// ---------------------------------------------------------------------------
// Traversal

// Inspect traverses the tree rooted at n in source order, like go/ast.Inspect:
// it calls f(n); if that returns true it visits n's children, then calls
// f(nil). Comments are not visited; nil fields are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	walk := func(c Node) { Inspect(c, f) }
	ident := func(id *Ident) {
		if id != nil {
			walk(id)
		}
	}
	expr := func(e Expr) {
		if e != nil {
			walk(e)
		}
	}
	assigns := func(as []*Assign) {
		for _, a := range as {
			walk(a)
		}
	}
	switch n := n.(type) {
	case *File:
		for _, im := range n.Imports {
			walk(im)
		}
		for _, d := range n.Decls {
			walk(d)
		}
	case *Import:
		if n.Path != nil {
			walk(n.Path)
		}
	case *NeuronDecl:
		ident(n.Name)
		for _, it := range n.Items {
			walk(it)
		}
	case *NetworkDecl:
		ident(n.Name)
		for _, it := range n.Items {
			walk(it)
		}
	case *ParamDecl:
		ident(n.Name)
		expr(n.Value)
	case *InputDecl:
		ident(n.Name)
		if n.Unit != nil {
			walk(n.Unit)
		}
	case *LetDecl:
		ident(n.Name)
		expr(n.Value)
	case *StateDecl:
		ident(n.Name)
		expr(n.Init)
	case *Equation:
		ident(n.Name)
		expr(n.RHS)
	case *SpikeDecl:
		expr(n.Cond)
	case *ResetBlock:
		assigns(n.Assigns)
	case *RefractoryDecl:
		expr(n.Period)
	case *MethodDecl:
		ident(n.Name)
	case *Assign:
		ident(n.Name)
		expr(n.Value)
	case *Setting:
		ident(n.Name)
		expr(n.Value)
	case *ConstDecl:
		ident(n.Name)
		expr(n.Value)
	case *PopDecl:
		ident(n.Name)
		ident(n.Model)
		expr(n.Size)
		assigns(n.Inits)
	case *ConnectDecl:
		ident(n.Src)
		ident(n.Dst)
		ident(n.Target)
		expr(n.Rule)
		assigns(n.Props)
	case *SourceDecl:
		ident(n.Name)
		ident(n.Kind)
		expr(n.Size)
		assigns(n.Props)
	case *StimDecl:
		ident(n.Name)
		ident(n.Pop)
		ident(n.Input)
		expr(n.Wave)
	case *RecordDecl:
		ident(n.Pop)
		ident(n.Var)
		expr(n.Lo)
		expr(n.Hi)
		expr(n.Every)
	case *QuantityLit:
		walk(n.Number)
		walk(n.Unit)
	case *BinaryExpr:
		expr(n.X)
		expr(n.Y)
	case *UnaryExpr:
		expr(n.X)
	case *ParenExpr:
		expr(n.X)
	case *CallExpr:
		ident(n.Fun)
		for _, a := range n.Args {
			expr(a)
		}
		assigns(n.Named)
	case *ListExpr:
		for _, e := range n.Elems {
			expr(e)
		}
	case *UnitExpr:
		for _, t := range n.Terms {
			walk(t)
		}
	}
	f(nil)
}
