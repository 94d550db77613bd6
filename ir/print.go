package ir

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"snnc/internal/units"
)

// Header is the first line of every printed module.
const Header = "; snnc IR v1"

// Print returns the text form of m (see docs/ir.md). The output is
// deterministic: it depends only on the module's content, not on map
// order or on the order nodes were added to graphs, and
// Print(Parse(Print(m))) == Print(m). Print does not verify m; it prints
// invalid modules as faithfully as it can (a node id out of range prints
// as a marker that Parse rejects).
func Print(m *Module) []byte {
	p := &printer{}
	p.line(Header)
	for _, u := range m.Units {
		p.line("")
		p.unit(u)
	}
	for _, n := range m.Networks {
		p.line("")
		p.network(n)
	}
	return p.buf.Bytes()
}

// PrintUnit returns the text form of one unit (no header).
func PrintUnit(u *Unit) []byte {
	p := &printer{}
	p.unit(u)
	return p.buf.Bytes()
}

// PrintNetwork returns the text form of one network (no header).
func PrintNetwork(n *Network) []byte {
	p := &printer{}
	p.network(n)
	return p.buf.Bytes()
}

type printer struct {
	buf    bytes.Buffer
	g      *Graph
	num    map[NodeID]int // printed number of each defined node
	seen   map[NodeID]bool
	indent string
}

func (p *printer) line(format string, args ...any) {
	if format == "" {
		p.buf.WriteByte('\n')
		return
	}
	p.buf.WriteString(p.indent)
	if len(args) == 0 {
		p.buf.WriteString(format)
	} else {
		fmt.Fprintf(&p.buf, format, args...)
	}
	p.buf.WriteByte('\n')
}

// begin starts numbering the nodes of graph g from %0.
func (p *printer) begin(g *Graph) {
	p.g, p.num, p.seen = g, make(map[NodeID]int), make(map[NodeID]bool)
}

// define prints the definitions of the not yet printed nodes reachable
// from roots, in DFS post-order.
func (p *printer) define(roots ...NodeID) {
	if p.g == nil {
		return
	}
	for _, r := range roots {
		for _, id := range p.g.postOrder(r, p.seen, nil) {
			n := p.g.nodes[id]
			k := len(p.num)
			p.num[id] = k
			p.line("%%%d = %s", k, p.nodeText(n))
		}
	}
}

func (p *printer) nodeText(n Node) string {
	info := n.Op.Info()
	switch {
	case n.Op == OpConst:
		return "const " + FormatFloat(n.Val)
	case n.Op.IsRef():
		return info.Name + " " + FormatName(n.Name)
	case info.Leaf:
		return info.Name
	}
	var b strings.Builder
	b.WriteString(n.Op.String())
	for i := 0; i < info.Arity; i++ {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(", ")
		}
		b.WriteString(p.ref(n.Args[i]))
	}
	return b.String()
}

// ref returns the text of a reference to a defined node.
func (p *printer) ref(id NodeID) string {
	if k, ok := p.num[id]; ok {
		return "%" + strconv.Itoa(k)
	}
	return fmt.Sprintf("<bad node %d>", id)
}

// opt returns " KEY %N" if id is a node, else "".
func (p *printer) opt(key string, id NodeID) string {
	if id == NoNode {
		return ""
	}
	return " " + key + " " + p.ref(id)
}

func (p *printer) unit(u *Unit) {
	p.line("unit %s {", FormatGlobal(u.Name))
	p.indent = "  "
	p.begin(u.G)
	for _, x := range u.Params {
		p.define(x.Default)
		p.line("param %s : %s%s", FormatName(x.Name), formatDim(x.Dim), p.opt("=", x.Default))
	}
	for _, x := range u.Inputs {
		p.line("input %s : %s", FormatName(x.Name), formatDim(x.Dim))
	}
	for _, x := range u.States {
		p.define(x.Init)
		p.line("state %s : %s%s", FormatName(x.Name), formatDim(x.Dim), p.opt("=", x.Init))
	}
	for _, x := range u.Lets {
		p.define(x.Expr)
		p.line("let %s : %s%s", FormatName(x.Name), formatDim(x.Dim), p.opt("=", x.Expr))
	}
	for _, x := range u.States {
		if x.Kind == TVLIF && x.Tau == NoNode && x.Drive == NoNode && x.Rate == NoNode && x.Deriv == NoNode {
			continue // no dynamics at all
		}
		p.define(x.Tau, x.Drive, x.Rate, x.Deriv)
		p.line("%s' = %s%s%s%s%s", FormatName(x.Name), x.Kind,
			p.opt("tau", x.Tau), p.opt("drive", x.Drive), p.opt("rate", x.Rate), p.opt("deriv", x.Deriv))
	}
	if u.Spike != NoNode {
		p.define(u.Spike)
		p.line("spike %s", p.ref(u.Spike))
	}
	for _, a := range u.Reset {
		p.define(a.Value)
		p.line("reset %s%s", FormatName(a.State), p.opt("=", a.Value))
	}
	if u.Refractory != NoNode {
		p.define(u.Refractory)
		p.line("refractory %s", p.ref(u.Refractory))
	}
	p.line("method %s", u.Method)
	p.indent = ""
	p.line("}")
}

func (p *printer) network(n *Network) {
	p.line("network %s {", FormatGlobal(n.Name))
	p.indent = "  "
	p.begin(n.G)
	p.line("dt %s", FormatFloat(n.Dt))
	p.line("duration %s", FormatFloat(n.Duration))
	p.line("seed %d", n.Seed)
	for _, x := range n.Pops {
		for _, s := range x.Sets {
			if s.Values == nil {
				p.define(s.Expr)
			}
		}
		head := fmt.Sprintf("pop %s = %s[%d]", FormatGlobal(x.Name), FormatGlobal(x.Unit), x.N)
		if len(x.Sets) == 0 {
			p.line("%s", head)
			continue
		}
		p.line("%s {", head)
		for _, s := range x.Sets {
			switch {
			case s.Values != nil:
				p.line("  %s = %s", FormatName(s.Name), formatList(s.Values))
			default:
				p.line("  %s%s", FormatName(s.Name), p.opt("=", s.Expr))
			}
		}
		p.line("}")
	}
	for _, x := range n.Sources {
		p.define(x.Rate)
		var b strings.Builder
		fmt.Fprintf(&b, "source %s = %s[%d]%s", FormatGlobal(x.Name), x.Kind, x.N, p.opt("rate", x.Rate))
		if x.Times != nil {
			b.WriteString(" times [")
			for i, ts := range x.Times {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(formatList(ts))
			}
			b.WriteString("]")
		}
		if x.File != "" {
			b.WriteString(" file " + strconv.Quote(x.File))
		}
		p.line("%s", b.String())
	}
	for _, x := range n.Projections {
		p.define(x.Weight, x.Delay)
		p.line("connect %s -> %s.%s %s%s%s", FormatGlobal(x.Src), FormatGlobal(x.Dst), FormatName(x.Target),
			formatRule(x.Rule), p.opt("weight", x.Weight), p.opt("delay", x.Delay))
	}
	for _, x := range n.Stims {
		p.line("stim %s -> %s.%s : %s = %s", FormatGlobal(x.Name), FormatGlobal(x.Pop), FormatName(x.Input),
			formatDim(x.Dim), formatWave(x.Wave))
	}
	for _, x := range n.Records {
		var b strings.Builder
		b.WriteString("record " + FormatGlobal(x.Pop))
		if x.Var == "" {
			b.WriteString(" spikes")
		} else {
			b.WriteString("." + FormatName(x.Var))
		}
		if x.Lo != 0 || x.Hi != -1 {
			fmt.Fprintf(&b, "[%d:", x.Lo)
			if x.Hi != -1 {
				b.WriteString(strconv.Itoa(x.Hi))
			}
			b.WriteString("]")
		}
		if x.Every != 0 {
			b.WriteString(" every " + FormatFloat(x.Every))
		}
		p.line("%s", b.String())
	}
	p.indent = ""
	p.line("}")
}

func formatRule(r Rule) string {
	var args []string
	if r.File != "" {
		args = append(args, strconv.Quote(r.File))
	}
	if r.P != 0 {
		args = append(args, "p="+FormatFloat(r.P))
	}
	if r.K != 0 {
		args = append(args, "k="+strconv.Itoa(r.K))
	}
	if len(args) == 0 {
		return r.Kind.String()
	}
	return r.Kind.String() + "(" + strings.Join(args, ", ") + ")"
}

func formatWave(w Wave) string {
	var args []string
	if w.File != "" {
		args = append(args, strconv.Quote(w.File))
	}
	for _, a := range w.Args {
		args = append(args, FormatName(a.Name)+"="+FormatFloat(a.Value))
	}
	return w.Kind.String() + "(" + strings.Join(args, ", ") + ")"
}

func formatList(vs []float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(FormatFloat(v))
	}
	b.WriteByte(']')
	return b.String()
}

// FormatFloat formats v so that strconv.ParseFloat reads back the same
// float64 (shortest 'g' form: "0.01", "1e-05", "-0", "+Inf", "NaN").
func FormatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// FormatName returns name as printed in the text form: bare if it is an
// identifier ([A-Za-z_][A-Za-z0-9_]*), else Go-quoted.
func FormatName(name string) string {
	if isIdent(name) {
		return name
	}
	return strconv.Quote(name)
}

// FormatGlobal returns "@" + FormatName(name).
func FormatGlobal(name string) string { return "@" + FormatName(name) }

func formatDim(d units.Dim) string {
	s := d.String()
	if s == "" || strings.ContainsAny(s, " \t\r\n;=\"") {
		return strconv.Quote(s)
	}
	return s
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
