package passes

import (
	"strings"

	"snnc/ir"
)

// exprString renders expression id of g in infix notation for remarks and
// test messages: "gNa*h*m^3 + gL", "x > a && y > a", "exprel(-100*V - 4)".
// Shared subexpressions are written out in full; a result longer than
// maxLen (if maxLen > 0) is cut with "…".
func exprString(g *ir.Graph, id ir.NodeID, maxLen int) string {
	if id == ir.NoNode {
		return "<none>"
	}
	f := &exprFmt{g: g, memo: map[ir.NodeID]fmtd{}}
	s := f.of(id).s
	if maxLen > 0 && len(s) > maxLen {
		cut := maxLen
		for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

type fmtd struct {
	s    string
	prec int
}

type exprFmt struct {
	g    *ir.Graph
	memo map[ir.NodeID]fmtd
}

const (
	precOr = iota + 1
	precAnd
	precCmp
	precAdd
	precMul
	precNeg
	precPow
	precAtom
)

// fmtCap bounds the length of any one rendered subexpression, so that a
// DAG with much sharing cannot blow up.
const fmtCap = 1 << 14

func (f *exprFmt) of(id ir.NodeID) fmtd {
	if r, ok := f.memo[id]; ok {
		return r
	}
	r := f.compute(id)
	if len(r.s) > fmtCap {
		r.s = r.s[:fmtCap] + "…"
	}
	f.memo[id] = r
	return r
}

// arg renders a child, parenthesised if its precedence is below min.
func (f *exprFmt) arg(id ir.NodeID, min int) string {
	a := f.of(id)
	if a.prec < min {
		return "(" + a.s + ")"
	}
	return a.s
}

func (f *exprFmt) compute(id ir.NodeID) fmtd {
	n := f.g.Node(id)
	a := n.Args
	bin := func(op string, prec, lmin, rmin int) fmtd {
		return fmtd{f.arg(a[0], lmin) + op + f.arg(a[1], rmin), prec}
	}
	switch n.Op {
	case ir.OpConst:
		s := ir.FormatFloat(n.Val)
		if strings.HasPrefix(s, "-") {
			return fmtd{s, precNeg}
		}
		return fmtd{s, precAtom}
	case ir.OpParam, ir.OpState, ir.OpInput:
		return fmtd{n.Name, precAtom}
	case ir.OpTime:
		return fmtd{"t", precAtom}
	case ir.OpIndex:
		return fmtd{"i", precAtom}
	case ir.OpAdd:
		return bin(" + ", precAdd, precAdd, precAdd)
	case ir.OpSub:
		return bin(" - ", precAdd, precAdd, precAdd+1)
	case ir.OpMul:
		return bin("*", precMul, precMul, precMul)
	case ir.OpDiv:
		return bin("/", precMul, precMul, precMul+1)
	case ir.OpNeg:
		return fmtd{"-" + f.arg(a[0], precNeg), precNeg}
	case ir.OpPow:
		return bin("^", precPow, precPow+1, precPow)
	case ir.OpLt:
		return bin(" < ", precCmp, precCmp+1, precCmp+1)
	case ir.OpGt:
		return bin(" > ", precCmp, precCmp+1, precCmp+1)
	case ir.OpLe:
		return bin(" <= ", precCmp, precCmp+1, precCmp+1)
	case ir.OpGe:
		return bin(" >= ", precCmp, precCmp+1, precCmp+1)
	case ir.OpEq:
		return bin(" == ", precCmp, precCmp+1, precCmp+1)
	case ir.OpNe:
		return bin(" != ", precCmp, precCmp+1, precCmp+1)
	case ir.OpAnd:
		return bin(" && ", precAnd, precAnd, precAnd+1)
	case ir.OpOr:
		return bin(" || ", precOr, precOr, precOr+1)
	case ir.OpNot:
		return fmtd{"!" + f.arg(a[0], precNeg), precNeg}
	}
	info := n.Op.Info()
	parts := make([]string, info.Arity)
	for i := range parts {
		parts[i] = f.of(a[i]).s
	}
	return fmtd{n.Op.String() + "(" + strings.Join(parts, ", ") + ")", precAtom}
}

// nodeNumbers returns the numbers the IR printer gives the nodes of u (its
// "%N" labels): DFS post-order over the unit's roots.
func nodeNumbers(u *ir.Unit) map[ir.NodeID]int {
	num := map[ir.NodeID]int{}
	for i, id := range u.G.PostOrder(u.Roots()...) {
		num[id] = i
	}
	return num
}
