package frontend

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// The canonical layout (snnc fmt):
//
//   - 4-space indentation, one item per line; declarations separated by one
//     blank line; inside a body, one blank line wherever the source had one
//     or more between items.
//   - In a run of consecutive one-line items of the same kind (params, lets,
//     states, equations, settings, consts, assignments) the '=' signs line up;
//     in a run of consecutive lines with trailing comments, the comments line
//     up.
//   - Single spaces around binary operators except '^'; none after a unary
//     operator; `V' = ...`; keyword arguments `from = 0 ms`; units without
//     spaces (`0.3 mS/cm2`); numbers and strings as written; parentheses as
//     written.
//   - `{ a = 1; b = 2 }` stays on one line if it was on one line and holds no
//     comment; neuron and network bodies are always one item per line.
//   - Calls and lists break after a comma where the source did.
//   - Every comment is kept, in order, next to the tokens it was next to.
//
// Format(Parse(Format(x))) == Format(x).

// Format prints f in the canonical layout.
func Format(f *File) []byte {
	p := &printer{}
	for _, g := range f.Comments {
		p.comments = append(p.comments, g.List...)
	}
	p.file(f)
	return p.out.Bytes()
}

// FormatSource parses and formats src. On syntax errors it returns nil and
// the errors.
func FormatSource(filename string, src []byte) ([]byte, ErrorList) {
	f, errs := ParseFile(filename, src)
	if len(errs) > 0 {
		return nil, errs
	}
	return Format(f), nil
}

const indentUnit = "    "

type printer struct {
	out      bytes.Buffer
	comments []*Comment // every comment, in source order
	ci       int        // index of the next comment to print
	depth    int        // indentation depth of the current item
	lastLine int        // source line of the last token or comment printed
	lineHead bool       // output is at the start of a line (after indentation)
	cell     int        // output offset of the alignment cell of the current row, or -1
}

// ---------------------------------------------------------------------------
// Low level: tokens, comments, line breaks

func (p *printer) write(s string) {
	p.out.WriteString(s)
	p.lineHead = false
}

// newline ends the output line and indents the next as a continuation of the
// current item.
func (p *printer) newline() {
	p.out.WriteByte('\n')
	p.out.WriteString(strings.Repeat(indentUnit, p.depth+1))
	p.lineHead = true
}

// tok prints text, the token at pos, after the comments that precede it.
func (p *printer) tok(pos Pos, text string) {
	p.flush(pos, text)
	p.write(text)
	if pos.IsValid() {
		p.lastLine = pos.Line
	}
}

// flush prints, inside an item, the comments before pos; next is the text
// about to be printed.
func (p *printer) flush(pos Pos, next string) {
	if !pos.IsValid() {
		return
	}
	for p.ci < len(p.comments) && p.comments[p.ci].Slash.Offset < pos.Offset {
		p.inlineComment(p.comments[p.ci], next)
	}
}

// inlineComment prints c in the middle of an item.
func (p *printer) inlineComment(c *Comment, next string) {
	p.ci++
	line := strings.HasPrefix(c.Text, "//")
	if b := p.out.Bytes(); !p.lineHead && b[len(b)-1] != ' ' && (line || !p.afterOpen()) {
		p.write(" ")
	}
	p.write(c.Text)
	p.lastLine = c.End().Line
	switch {
	case line:
		p.newline()
	case next != "" && !strings.ContainsAny(next[:1], ")],"):
		p.write(" ")
	}
}

// afterOpen reports whether the output ends in a space or an opening bracket.
func (p *printer) afterOpen() bool {
	b := p.out.Bytes()
	return len(b) > 0 && strings.IndexByte(" ([{", b[len(b)-1]) >= 0
}

// linebreak breaks the line before the token at next (in a call or list),
// keeping comments on the current source line on the current output line.
func (p *printer) linebreak(next Pos) {
	if next.IsValid() {
		for p.ci < len(p.comments) {
			c := p.comments[p.ci]
			if c.Slash.Offset >= next.Offset || c.Slash.Line != p.lastLine {
				break
			}
			p.inlineComment(c, "")
		}
	}
	if !p.lineHead {
		p.newline()
	}
}

// commentsBefore reports whether an unprinted comment starts before pos.
func (p *printer) commentsBefore(pos Pos) bool {
	return p.ci < len(p.comments) && pos.IsValid() && p.comments[p.ci].Slash.Offset < pos.Offset
}

// ---------------------------------------------------------------------------
// Blocks of items

// A row is one item (or standalone comment) of a block, rendered.
type row struct {
	text    string // without indentation or trailing comment; may span lines
	isComm  bool   // a standalone comment
	cell    int    // byte offset in text of the '=' to align, or -1
	kind    string // rows align only with rows of the same kind
	comment string // trailing comment
	blank   bool   // a blank line goes before the row
}

// An entry is an item to print in a block.
type entry struct {
	node   Node
	kind   string // alignment kind; "" for none
	decl   bool   // a top-level declaration: blank lines around it
	render func()
}

// block prints entries one per line at depth p.depth+1 (p.depth for the top
// level), with the comments among them, up to the comment before end (a
// closing brace or EOF). It returns with the output at the start of a line.
func (p *printer) block(entries []entry, end Pos, top bool) {
	outer := p.depth
	if !top {
		p.depth++
	}
	var rows []row
	prevEnd := p.lastLine // source line where the previous row ended
	first := true
	prevDecl, prevEntry := false, false // the previous row was a declaration, an entry
	comment := func(c *Comment) {
		p.ci++
		if n := len(rows); n > 0 && rows[n-1].isComm && c.Slash.Line == prevEnd && !strings.HasPrefix(rows[n-1].text, "//") {
			rows[n-1].text += " " + c.Text // comments on one line stay on one line
		} else {
			rows = append(rows, row{text: c.Text, cell: -1, isComm: true, blank: !first && (c.Slash.Line > prevEnd+1 || prevDecl)})
		}
		prevEnd = c.End().Line
		first, prevDecl, prevEntry = false, false, false
	}
	for i, e := range entries {
		start := e.node.Pos()
		for p.commentsBefore(start) {
			comment(p.comments[p.ci])
		}
		r := row{cell: -1, kind: e.kind}
		r.blank = !first && (start.Line > prevEnd+1 || prevDecl || e.decl && prevEntry)
		// Render the item.
		mark := p.out.Len()
		p.cell, p.lineHead = -1, true
		e.render()
		r.text = string(p.out.Bytes()[mark:])
		if p.cell >= 0 {
			r.cell = p.cell - mark
		}
		p.out.Truncate(mark)
		// Trailing comments: those on the item's last line, before the next item.
		endLine := e.node.End().Line
		next := end
		if i+1 < len(entries) {
			next = entries[i+1].node.Pos()
		}
		for p.commentsBefore(next) && p.comments[p.ci].Slash.Line == endLine && endLine > 0 {
			c := p.comments[p.ci]
			p.ci++
			if r.comment != "" {
				r.comment += " "
			}
			r.comment += c.Text
			endLine = c.End().Line
		}
		if endLine > 0 {
			prevEnd = endLine
		}
		p.lastLine = prevEnd
		rows = append(rows, r)
		first, prevDecl, prevEntry = false, e.decl, true
	}
	for p.commentsBefore(end) || end.Offset < 0 && p.ci < len(p.comments) {
		comment(p.comments[p.ci])
	}
	p.writeRows(rows)
	p.depth = outer
	p.lastLine = prevEnd
}

// writeRows writes rows at depth p.depth, aligning '=' signs and trailing
// comments over runs of one-line rows.
func (p *printer) writeRows(rows []row) {
	oneLine := func(r row) bool { return !strings.Contains(r.text, "\n") }
	// Align '=' over runs of one-line rows of the same kind.
	for i := 0; i < len(rows); {
		j := i + 1
		if rows[i].cell >= 0 && rows[i].kind != "" && oneLine(rows[i]) {
			for j < len(rows) && !rows[j].blank && rows[j].kind == rows[i].kind && rows[j].cell >= 0 && oneLine(rows[j]) {
				j++
			}
			w := 0
			for _, r := range rows[i:j] {
				w = max(w, utf8.RuneCountInString(r.text[:r.cell]))
			}
			for k := i; k < j; k++ {
				r := &rows[k]
				pad := w - utf8.RuneCountInString(r.text[:r.cell])
				r.text = r.text[:r.cell] + strings.Repeat(" ", pad) + r.text[r.cell:]
			}
		}
		i = j
	}
	// Align trailing comments over runs of one-line rows that have them.
	for i := 0; i < len(rows); {
		j := i + 1
		if rows[i].comment != "" && oneLine(rows[i]) {
			for j < len(rows) && !rows[j].blank && rows[j].comment != "" && oneLine(rows[j]) {
				j++
			}
			w := 0
			for _, r := range rows[i:j] {
				w = max(w, utf8.RuneCountInString(r.text))
			}
			for k := i; k < j; k++ {
				r := &rows[k]
				r.text += strings.Repeat(" ", w-utf8.RuneCountInString(r.text))
			}
		}
		i = j
	}
	ind := strings.Repeat(indentUnit, p.depth)
	for _, r := range rows {
		if r.blank {
			p.out.WriteByte('\n')
		}
		p.out.WriteString(ind)
		p.out.WriteString(r.text)
		if r.comment != "" {
			p.out.WriteString(" ")
			p.out.WriteString(r.comment)
		}
		p.out.WriteByte('\n')
	}
	p.lineHead = true
}

// body prints `{`, the entries one per line, and `}`.
func (p *printer) body(lbrace, rbrace Pos, entries []entry) {
	p.tok(lbrace, "{")
	if len(entries) == 0 && !p.commentsBefore(rbrace) {
		p.tok(rbrace, "}")
		return
	}
	// Comments on the line of '{' stay there.
	for p.commentsBefore(rbrace) && p.comments[p.ci].Slash.Line == lbrace.Line {
		c := p.comments[p.ci]
		if len(entries) > 0 && c.Slash.Offset >= entries[0].node.Pos().Offset {
			break
		}
		p.ci++
		p.write(" " + c.Text)
		p.lastLine = c.End().Line
	}
	p.out.WriteByte('\n')
	p.block(entries, rbrace, false)
	p.out.WriteString(strings.Repeat(indentUnit, p.depth))
	p.tok(rbrace, "}")
}

// assignBlock prints the block of a reset, pop, connect or source: on one
// line if it was on one line and holds no comment, else one per line.
func (p *printer) assignBlock(lbrace, rbrace Pos, list []*Assign) {
	if !lbrace.IsValid() && list == nil {
		return
	}
	p.write(" ")
	p.flush(lbrace, "{")
	if lbrace.Line == rbrace.Line && !p.commentsBefore(rbrace) {
		p.tok(lbrace, "{")
		if len(list) == 0 {
			p.tok(rbrace, "}")
			return
		}
		for i, a := range list {
			if i > 0 {
				p.write(";")
			}
			p.write(" ")
			p.assign(a, false)
		}
		p.write(" ")
		p.tok(rbrace, "}")
		return
	}
	entries := make([]entry, len(list))
	for i, a := range list {
		entries[i] = entry{node: a, kind: "assign", render: func() { p.assign(a, true) }}
	}
	p.body(lbrace, rbrace, entries)
}

// ---------------------------------------------------------------------------
// Declarations and items

func (p *printer) file(f *File) {
	var entries []entry
	for _, im := range f.Imports {
		entries = append(entries, entry{node: im, render: func() {
			p.tok(im.Import, "import")
			p.write(" ")
			if im.Path != nil {
				p.expr(im.Path)
			} else {
				p.write(`""`)
			}
		}})
	}
	for _, d := range f.Decls {
		entries = append(entries, entry{node: d, decl: true, render: func() { p.decl(d) }})
	}
	end := f.EOF
	if !end.IsValid() {
		end.Offset = -1 // no position: print every remaining comment
	}
	p.block(entries, end, true)
	for p.ci < len(p.comments) { // comments the tree's positions did not place
		p.out.WriteString(p.comments[p.ci].Text + "\n")
		p.ci++
	}
}

func (p *printer) decl(d Decl) {
	switch d := d.(type) {
	case *NeuronDecl:
		p.tok(d.Neuron, "neuron")
		p.write(" ")
		p.ident(d.Name)
		p.write(" ")
		entries := make([]entry, 0, len(d.Items))
		for _, it := range d.Items {
			entries = append(entries, entry{node: it, kind: neuronKind(it), render: func() { p.neuronItem(it) }})
		}
		p.body(d.Lbrace, d.Rbrace, entries)
	case *NetworkDecl:
		p.tok(d.Network, "network")
		p.write(" ")
		p.ident(d.Name)
		p.write(" ")
		entries := make([]entry, 0, len(d.Items))
		for _, it := range d.Items {
			entries = append(entries, entry{node: it, kind: networkKind(it), render: func() { p.networkItem(it) }})
		}
		p.body(d.Lbrace, d.Rbrace, entries)
	}
}

func neuronKind(it NeuronItem) string {
	switch it.(type) {
	case *ParamDecl:
		return "param"
	case *LetDecl:
		return "let"
	case *StateDecl:
		return "state"
	case *Equation:
		return "equation"
	}
	return ""
}

func networkKind(it NetworkItem) string {
	switch it.(type) {
	case *Setting:
		return "setting"
	case *ConstDecl:
		return "const"
	}
	return ""
}

// nameValue prints `KW NAME = VALUE` with the alignment cell before '='.
func (p *printer) nameValue(kwPos Pos, kw string, name *Ident, eq Pos, value Expr) {
	if kw != "" {
		p.tok(kwPos, kw)
		p.write(" ")
	}
	p.ident(name)
	p.equals(eq)
	p.exprOrBlank(value)
}

// equals prints " = " and marks the alignment cell.
func (p *printer) equals(eq Pos) {
	p.cell = p.out.Len()
	p.write(" ")
	p.tok(eq, "=")
	p.write(" ")
}

func (p *printer) neuronItem(it NeuronItem) {
	switch x := it.(type) {
	case *ParamDecl:
		p.nameValue(x.Param, "param", x.Name, x.Eq, x.Value)
	case *LetDecl:
		p.nameValue(x.Let, "let", x.Name, x.Eq, x.Value)
	case *StateDecl:
		p.nameValue(x.State, "state", x.Name, x.Eq, x.Init)
	case *InputDecl:
		p.tok(x.Input, "input")
		p.write(" ")
		p.ident(x.Name)
		p.write(" ")
		p.tok(x.Colon, ":")
		p.write(" ")
		if x.Unit != nil {
			p.unit(x.Unit)
		} else {
			p.write("1")
		}
	case *Equation:
		p.ident(x.Name)
		p.tok(x.Tick, "'")
		p.equals(x.Eq)
		p.exprOrBlank(x.RHS)
	case *SpikeDecl:
		p.tok(x.Spike, "spike")
		p.write(" ")
		p.tok(x.When, "when")
		p.write(" ")
		p.exprOrBlank(x.Cond)
	case *ResetBlock:
		p.tok(x.Reset, "reset")
		p.assignBlock(x.Lbrace, x.Rbrace, x.Assigns)
	case *RefractoryDecl:
		p.tok(x.Refractory, "refractory")
		p.write(" ")
		p.exprOrBlank(x.Period)
	case *MethodDecl:
		p.tok(x.Method, "method")
		p.write(" ")
		p.ident(x.Name)
	}
}

func (p *printer) networkItem(it NetworkItem) {
	switch x := it.(type) {
	case *Setting:
		p.nameValue(Pos{}, "", x.Name, x.Eq, x.Value)
	case *ConstDecl:
		p.nameValue(x.Const, "const", x.Name, x.Eq, x.Value)
	case *PopDecl:
		p.tok(x.Pop, "pop")
		p.sized(x.Name, x.Eq, x.Model, x.Lbrack, x.Size, x.Rbrack)
		p.assignBlock(x.Lbrace, x.Rbrace, x.Inits)
	case *SourceDecl:
		p.tok(x.Source, "source")
		p.sized(x.Name, x.Eq, x.Kind, x.Lbrack, x.Size, x.Rbrack)
		p.assignBlock(x.Lbrace, x.Rbrace, x.Props)
	case *ConnectDecl:
		p.tok(x.Connect, "connect")
		p.write(" ")
		p.ident(x.Src)
		p.write(" ")
		p.tok(x.Arrow, "->")
		p.write(" ")
		p.ident(x.Dst)
		p.tok(x.Dot, ".")
		p.ident(x.Target)
		p.write(" ")
		p.tok(x.Colon, ":")
		p.write(" ")
		p.exprOrBlank(x.Rule)
		p.assignBlock(x.Lbrace, x.Rbrace, x.Props)
	case *StimDecl:
		p.tok(x.Stim, "stim")
		p.write(" ")
		p.ident(x.Name)
		p.write(" ")
		p.tok(x.Arrow, "->")
		p.write(" ")
		p.ident(x.Pop)
		p.tok(x.Dot, ".")
		p.ident(x.Input)
		p.write(" ")
		p.tok(x.Eq, "=")
		p.write(" ")
		p.exprOrBlank(x.Wave)
	case *RecordDecl:
		p.tok(x.Record, "record")
		p.write(" ")
		p.ident(x.Pop)
		if x.Var != nil {
			p.tok(x.Dot, ".")
			p.ident(x.Var)
		} else {
			p.write(" ")
			p.tok(x.Spikes, "spikes")
		}
		if x.Lo != nil {
			p.tok(x.Lbrack, "[")
			p.expr(x.Lo)
			if x.Hi != nil {
				p.tok(x.DotDot, "..")
				p.expr(x.Hi)
			}
			p.tok(x.Rbrack, "]")
		}
		if x.Every != nil {
			p.write(" ")
			p.tok(x.EveryPos, "every")
			p.write(" ")
			p.expr(x.Every)
		}
	}
}

// sized prints ` NAME = KIND[SIZE]` of a pop or source.
func (p *printer) sized(name *Ident, eq Pos, kind *Ident, lbrack Pos, size Expr, rbrack Pos) {
	p.write(" ")
	p.ident(name)
	p.write(" ")
	p.tok(eq, "=")
	p.write(" ")
	p.ident(kind)
	p.tok(lbrack, "[")
	p.exprOrBlank(size)
	p.tok(rbrack, "]")
}

// assign prints `NAME = VALUE`; in a block it marks the alignment cell.
func (p *printer) assign(a *Assign, cell bool) {
	p.ident(a.Name)
	if cell {
		p.equals(a.Eq)
	} else {
		p.write(" ")
		p.tok(a.Eq, "=")
		p.write(" ")
	}
	p.exprOrBlank(a.Value)
}

// ---------------------------------------------------------------------------
// Expressions

func (p *printer) ident(id *Ident) {
	if id == nil {
		p.write("_")
		return
	}
	p.tok(id.NamePos, id.Name)
}

func (p *printer) exprOrBlank(x Expr) {
	if x == nil {
		p.write("_")
		return
	}
	p.expr(x)
}

func (p *printer) expr(x Expr) {
	switch x := x.(type) {
	case *Ident:
		p.ident(x)
	case *NumberLit:
		p.tok(x.ValuePos, x.Raw)
	case *StringLit:
		p.tok(x.ValuePos, x.Raw)
	case *QuantityLit:
		p.expr(x.Number)
		p.write(" ")
		p.unit(x.Unit)
	case *BinaryExpr:
		p.exprOrBlank(x.X)
		if x.Op == POW {
			p.tok(x.OpPos, "^")
		} else {
			p.write(" ")
			p.tok(x.OpPos, x.Op.String())
			p.write(" ")
		}
		p.exprOrBlank(x.Y)
	case *UnaryExpr:
		p.tok(x.OpPos, x.Op.String())
		p.exprOrBlank(x.X)
	case *ParenExpr:
		p.tok(x.Lparen, "(")
		p.exprOrBlank(x.X)
		p.tok(x.Rparen, ")")
	case *CallExpr:
		p.ident(x.Fun)
		p.tok(x.Lparen, "(")
		var items []Node
		for _, a := range x.Args {
			items = append(items, a)
		}
		for _, a := range x.Named {
			items = append(items, a)
		}
		p.list(items, func(n Node) {
			if a, ok := n.(*Assign); ok {
				p.assign(a, false)
			} else {
				p.exprOrBlank(n.(Expr))
			}
		})
		p.tok(x.Rparen, ")")
	case *ListExpr:
		p.tok(x.Lbrack, "[")
		items := make([]Node, len(x.Elems))
		for i, e := range x.Elems {
			items[i] = e
		}
		p.list(items, func(n Node) { p.exprOrBlank(n.(Expr)) })
		p.tok(x.Rbrack, "]")
	case *BadExpr, nil:
		p.write("_")
	}
}

// list prints comma-separated items, breaking the line after a comma where
// the source did.
func (p *printer) list(items []Node, item func(Node)) {
	for i, n := range items {
		if i > 0 {
			p.write(",")
			prev, pos := items[i-1].End(), n.Pos()
			if prev.IsValid() && pos.IsValid() && pos.Line > prev.Line {
				p.linebreak(pos)
			} else {
				p.write(" ")
			}
		}
		item(n)
	}
}

func (p *printer) unit(u *UnitExpr) {
	for i, t := range u.Terms {
		if i > 0 {
			p.tok(t.OpPos, t.Op.String())
		}
		p.tok(t.NamePos, t.Name)
		if t.Exp != nil {
			p.tok(t.Caret, "^")
			if t.Minus.IsValid() || t.Power() < 0 {
				p.tok(t.Minus, "-")
			}
			p.tok(t.Exp.ValuePos, t.Exp.Raw)
		}
	}
}
