package ir

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// ErrorList is every problem Verify found, in a deterministic order.
type ErrorList []error

func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap lets errors.Is/As see the individual problems.
func (l ErrorList) Unwrap() []error { return l }

// Verify checks m and returns nil or an ErrorList of all problems found,
// each naming the unit or network and the item ("unit hh: state m: init
// references later state n"). See docs/ir.md for the rules.
func Verify(m *Module) error {
	v := &verifier{m: m}
	v.module()
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

type verifier struct {
	m    *Module
	errs ErrorList
}

func (v *verifier) errorf(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

func (v *verifier) module() {
	if v.m == nil {
		v.errorf("nil module")
		return
	}
	units := make(map[string]bool)
	for i, u := range v.m.Units {
		if u == nil {
			v.errorf("unit #%d is nil", i)
			continue
		}
		if u.Name == "" {
			v.errorf("unit #%d has an empty name", i)
		} else if units[u.Name] {
			v.errorf("unit %s: declared twice", u.Name)
		}
		units[u.Name] = true
		v.unit(u)
	}
	nets := make(map[string]bool)
	for i, n := range v.m.Networks {
		if n == nil {
			v.errorf("network #%d is nil", i)
			continue
		}
		if n.Name == "" {
			v.errorf("network #%d has an empty name", i)
		} else if nets[n.Name] {
			v.errorf("network %s: declared twice", n.Name)
		}
		nets[n.Name] = true
		v.network(n)
	}
}

// graph checks the structure of every node of g: valid ops, arities,
// arguments that are earlier nodes, unused slots NoNode.
func (v *verifier) graph(where string, g *Graph) {
	for i, n := range g.nodes {
		id := NodeID(i)
		if !n.Op.Valid() {
			v.errorf("%s: node %d: invalid op %d", where, id, n.Op)
			continue
		}
		ar := n.Op.Info().Arity
		for k, a := range n.Args {
			switch {
			case k >= ar && a != NoNode:
				v.errorf("%s: node %d (%v): unused argument slot %d is %d, want NoNode", where, id, n.Op, k, a)
			case k < ar && (a < 0 || a >= id):
				v.errorf("%s: node %d (%v): argument %d is %d, not an earlier node", where, id, n.Op, k, a)
			}
		}
	}
}

// ctx says which leaves an expression may use; allow returns "" if the
// node is allowed, else the reason it is not.
type ctx func(n Node) string

// expr checks one root expression: id in range (NoNode if optional),
// finite constants, and each node allowed by allow. Each distinct problem
// is reported once per root.
func (v *verifier) expr(where string, g *Graph, id NodeID, required bool, allow ctx) {
	if id == NoNode {
		if required {
			v.errorf("%s: missing", where)
		}
		return
	}
	if !g.Valid(id) {
		v.errorf("%s: node id %d out of range (graph has %d nodes)", where, id, g.Len())
		return
	}
	seen := make(map[string]bool)
	for _, x := range g.PostOrder(id) {
		n := g.nodes[x]
		msg := ""
		switch {
		case !n.Op.Valid():
			continue // reported by graph
		case n.Op == OpConst && (math.IsNaN(n.Val) || math.IsInf(n.Val, 0)):
			msg = "constant " + FormatFloat(n.Val) + " (constants must be finite)"
		case n.Op.IsRef() && n.Name == "":
			msg = n.Op.String() + " reference with an empty name"
		case !n.Op.IsRef() && n.Name != "":
			msg = fmt.Sprintf("%v node carries a name %q", n.Op, n.Name)
		default:
			msg = allow(n)
		}
		if msg != "" && !seen[msg] {
			seen[msg] = true
			v.errorf("%s: %s", where, msg)
		}
	}
}

// constAt returns the value of id if it is a valid const node.
func constAt(g *Graph, id NodeID) (float64, bool) { return g.ConstValue(id) }

func (v *verifier) unit(u *Unit) {
	w := "unit " + u.Name
	// Namespace: params, inputs, lets and states share one.
	kinds := make(map[string]string)
	declare := func(kind, name string) {
		if name == "" {
			v.errorf("%s: %s with an empty name", w, kind)
			return
		}
		if k, dup := kinds[name]; dup {
			v.errorf("%s: %s %s: name already declared as a %s", w, kind, name, k)
			return
		}
		kinds[name] = kind
	}
	paramIdx := make(map[string]int)
	stateIdx := make(map[string]int)
	for i, p := range u.Params {
		declare("param", p.Name)
		if _, ok := paramIdx[p.Name]; !ok {
			paramIdx[p.Name] = i
		}
	}
	for _, p := range u.Inputs {
		declare("input", p.Name)
	}
	for _, p := range u.Lets {
		declare("let", p.Name)
	}
	for i, s := range u.States {
		declare("state", s.Name)
		if _, ok := stateIdx[s.Name]; !ok {
			stateIdx[s.Name] = i
		}
	}
	if u.Method >= numMethods {
		v.errorf("%s: invalid method %d", w, u.Method)
	}
	if u.G == nil {
		v.errorf("%s: no graph", w)
		return
	}
	v.graph(w, u.G)

	isInput := func(name string) bool { _, ok := kinds[name]; return ok && kinds[name] == "input" }
	// ref checks a leaf against the unit's declarations.
	ref := func(n Node) string {
		switch n.Op {
		case OpParam:
			if _, ok := paramIdx[n.Name]; !ok {
				return "references undeclared param " + n.Name
			}
		case OpState:
			if _, ok := stateIdx[n.Name]; !ok {
				return "references undeclared state " + n.Name
			}
		case OpInput:
			if !isInput(n.Name) {
				return "references undeclared input " + n.Name
			}
		}
		if info := n.Op.Info(); info.NetworkOnly {
			if info.Random {
				return "random op " + n.Op.String() + " outside a network graph"
			}
			return n.Op.String() + " outside a network graph"
		}
		return ""
	}
	// dynamic: params, states, inputs, time.
	dynamic := ctx(ref)

	for i, p := range u.Params {
		i := i
		v.expr(w+": param "+p.Name+": default", u.G, p.Default, true, func(n Node) string {
			if msg := ref(n); msg != "" {
				return msg
			}
			switch n.Op {
			case OpParam:
				switch j := paramIdx[n.Name]; {
				case j == i:
					return "references itself"
				case j > i:
					return "references later param " + n.Name
				}
			case OpState, OpInput, OpTime:
				return "references " + refText(n) + " (defaults may use only constants and earlier params)"
			}
			return ""
		})
	}
	for i, s := range u.States {
		i := i
		v.expr(w+": state "+s.Name+": init", u.G, s.Init, true, func(n Node) string {
			if msg := ref(n); msg != "" {
				return msg
			}
			switch n.Op {
			case OpState:
				switch j := stateIdx[n.Name]; {
				case j == i:
					return "references itself"
				case j > i:
					return "references later state " + n.Name
				}
			case OpInput, OpTime:
				return "references " + refText(n) + " (inits may use only params, constants and earlier states)"
			}
			return ""
		})
	}
	for _, l := range u.Lets {
		v.expr(w+": let "+l.Name, u.G, l.Expr, true, dynamic)
	}
	for _, s := range u.States {
		sw := w + ": state " + s.Name
		need := [4]bool{}
		switch s.Kind {
		case TVLIF:
			need[0], need[1] = true, true
		case Integrator:
			need[2] = true
		case General:
			need[3] = true
		default:
			v.errorf("%s: invalid kind %d", sw, s.Kind)
			continue
		}
		fields := [4]struct {
			name string
			id   NodeID
		}{{"tau", s.Tau}, {"drive", s.Drive}, {"rate", s.Rate}, {"deriv", s.Deriv}}
		if s.Kind == TVLIF && s.Tau == NoNode && s.Drive == NoNode && s.Rate == NoNode && s.Deriv == NoNode {
			v.errorf("%s: no dynamics", sw)
			continue
		}
		for k, f := range fields {
			switch {
			case need[k]:
				v.expr(sw+": "+f.name, u.G, f.id, true, dynamic)
			case f.id != NoNode:
				v.errorf("%s: %v state has a %s expression", sw, s.Kind, f.name)
			}
		}
		if c, ok := constAt(u.G, s.Tau); ok && s.Kind == TVLIF && !(c > 0) {
			v.errorf("%s: tau is %s, must be positive", sw, FormatFloat(c))
		}
	}
	v.expr(w+": spike", u.G, u.Spike, false, dynamic)
	resets := make(map[string]bool)
	for _, a := range u.Reset {
		aw := w + ": reset " + a.State
		if _, ok := stateIdx[a.State]; !ok {
			v.errorf("%s: not a state of the unit", aw)
		} else if resets[a.State] {
			v.errorf("%s: state reset twice", aw)
		}
		resets[a.State] = true
		v.expr(aw, u.G, a.Value, true, dynamic)
	}
	v.expr(w+": refractory", u.G, u.Refractory, false, dynamic)
	if c, ok := constAt(u.G, u.Refractory); ok && !(c >= 0) {
		v.errorf("%s: refractory: period %s is negative", w, FormatFloat(c))
	}
}

func refText(n Node) string {
	if n.Op.IsRef() {
		return n.Op.String() + " " + n.Name
	}
	return n.Op.String()
}

// network expression contexts
func netCtx(index, random bool) ctx {
	return func(n Node) string {
		info := n.Op.Info()
		switch {
		case info.UnitOnly:
			return "references " + refText(n) + " (network expressions may use only constants, index and random draws)"
		case n.Op == OpIndex && !index:
			return "uses index (allowed only in pop sets)"
		case info.Random && !random:
			return "uses random op " + n.Op.String() + " (allowed only in pop sets, weights and delays)"
		}
		return ""
	}
}

func (v *verifier) network(n *Network) {
	w := "network " + n.Name
	if !(n.Dt > 0) || math.IsInf(n.Dt, 0) {
		v.errorf("%s: dt is %s, must be positive and finite", w, FormatFloat(n.Dt))
	}
	if !(n.Duration >= 0) || math.IsInf(n.Duration, 0) {
		v.errorf("%s: duration is %s, must be non-negative and finite", w, FormatFloat(n.Duration))
	}
	if n.G == nil {
		v.errorf("%s: no graph", w)
		return
	}
	v.graph(w, n.G)
	setCtx, synCtx, rateCtx := netCtx(true, true), netCtx(false, true), netCtx(false, false)

	names := make(map[string]string) // pop and source names
	declare := func(kind, name string) {
		if name == "" {
			v.errorf("%s: %s with an empty name", w, kind)
		} else if k, dup := names[name]; dup {
			v.errorf("%s: %s %s: name already declared as a %s", w, kind, name, k)
		} else {
			names[name] = kind
		}
	}
	for _, p := range n.Pops {
		pw := w + ": pop " + p.Name
		declare("pop", p.Name)
		if p.N <= 0 {
			v.errorf("%s: size %d, must be positive", pw, p.N)
		}
		u := v.m.Unit(p.Unit)
		if u == nil {
			v.errorf("%s: unknown unit %s", pw, p.Unit)
		}
		sets := make(map[string]bool)
		for _, s := range p.Sets {
			sw := pw + ": set " + s.Name
			if sets[s.Name] {
				v.errorf("%s: set twice", sw)
			}
			sets[s.Name] = true
			if u != nil && u.Param(s.Name) == nil && u.State(s.Name) == nil {
				v.errorf("%s: unit %s has no param or state %s", sw, p.Unit, s.Name)
			}
			switch {
			case s.Values != nil && s.Expr != NoNode:
				v.errorf("%s: has both an expression and a list of values", sw)
			case s.Values != nil:
				if len(s.Values) != p.N {
					v.errorf("%s: %d values for %d neurons", sw, len(s.Values), p.N)
				}
				for i, x := range s.Values {
					if math.IsNaN(x) || math.IsInf(x, 0) {
						v.errorf("%s: value %d is %s", sw, i, FormatFloat(x))
						break
					}
				}
			default:
				v.expr(sw, n.G, s.Expr, true, setCtx)
			}
		}
	}
	for _, s := range n.Sources {
		sw := w + ": source " + s.Name
		declare("source", s.Name)
		if s.N <= 0 {
			v.errorf("%s: size %d, must be positive", sw, s.N)
		}
		if s.Kind >= numSourceKinds {
			v.errorf("%s: invalid kind %d", sw, s.Kind)
			continue
		}
		if s.Kind != Poisson && s.Rate != NoNode {
			v.errorf("%s: %v source has a rate", sw, s.Kind)
		}
		if s.Kind != SpikeList && s.Times != nil {
			v.errorf("%s: %v source has spike times", sw, s.Kind)
		}
		if s.Kind != SpikeFile && s.File != "" {
			v.errorf("%s: %v source has a file", sw, s.Kind)
		}
		switch s.Kind {
		case Poisson:
			v.expr(sw+": rate", n.G, s.Rate, true, rateCtx)
			if c, ok := constAt(n.G, s.Rate); ok && !(c >= 0) {
				v.errorf("%s: rate %s is negative", sw, FormatFloat(c))
			}
		case SpikeList:
			if len(s.Times) != s.N {
				v.errorf("%s: %d spike lists for %d neurons", sw, len(s.Times), s.N)
			}
		times:
			for i, ts := range s.Times {
				for k, t := range ts {
					if !(t >= 0) || math.IsInf(t, 0) {
						v.errorf("%s: neuron %d: spike time %s is not a finite time >= 0", sw, i, FormatFloat(t))
						break times
					}
					if k > 0 && t < ts[k-1] {
						v.errorf("%s: neuron %d: spike times not in ascending order", sw, i)
						break times
					}
				}
			}
		case SpikeFile:
			if s.File == "" {
				v.errorf("%s: missing file", sw)
			}
		}
	}
	for _, p := range n.Projections {
		pw := fmt.Sprintf("%s: connect %s -> %s.%s", w, p.Src, p.Dst, p.Target)
		srcN := n.Size(p.Src)
		if srcN < 0 {
			v.errorf("%s: unknown source population %s", pw, p.Src)
		}
		dst := n.Pop(p.Dst)
		if dst == nil {
			if n.Source(p.Dst) != nil {
				v.errorf("%s: destination %s is a source, not a pop", pw, p.Dst)
			} else {
				v.errorf("%s: unknown destination pop %s", pw, p.Dst)
			}
		} else if u := v.m.Unit(dst.Unit); u != nil && u.State(p.Target) == nil && u.Input(p.Target) == nil {
			v.errorf("%s: unit %s has no state or input %s", pw, dst.Unit, p.Target)
		}
		r := p.Rule
		if r.Kind >= numRuleKinds {
			v.errorf("%s: invalid rule kind %d", pw, r.Kind)
		} else {
			if r.Kind != Random && r.P != 0 {
				v.errorf("%s: rule %v has p", pw, r.Kind)
			}
			if r.Kind != FixedIndegree && r.K != 0 {
				v.errorf("%s: rule %v has k", pw, r.Kind)
			}
			if r.Kind != FromFile && r.File != "" {
				v.errorf("%s: rule %v has a file", pw, r.Kind)
			}
		}
		switch r.Kind {
		case Random:
			if !(r.P >= 0 && r.P <= 1) {
				v.errorf("%s: probability %s not in [0, 1]", pw, FormatFloat(r.P))
			}
		case FixedIndegree:
			if r.K <= 0 {
				v.errorf("%s: indegree k = %d, must be positive", pw, r.K)
			} else if srcN >= 0 && r.K > srcN {
				v.errorf("%s: indegree k = %d exceeds the source size %d", pw, r.K, srcN)
			}
		case OneToOne:
			if dst != nil && srcN >= 0 && srcN != dst.N {
				v.errorf("%s: one_to_one between sizes %d and %d", pw, srcN, dst.N)
			}
		case FromFile:
			if r.File == "" {
				v.errorf("%s: from_file without a file", pw)
			}
		}
		v.expr(pw+": weight", n.G, p.Weight, true, synCtx)
		v.expr(pw+": delay", n.G, p.Delay, false, synCtx)
		if c, ok := constAt(n.G, p.Delay); ok && !(c >= 0) {
			v.errorf("%s: delay %s is negative", pw, FormatFloat(c))
		}
	}
	stims := make(map[string]bool)
	for _, s := range n.Stims {
		sw := w + ": stim " + s.Name
		if s.Name == "" {
			v.errorf("%s: stim with an empty name", w)
		} else if stims[s.Name] {
			v.errorf("%s: declared twice", sw)
		}
		stims[s.Name] = true
		if p := n.Pop(s.Pop); p == nil {
			v.errorf("%s: unknown pop %s", sw, s.Pop)
		} else if u := v.m.Unit(p.Unit); u != nil {
			if in := u.Input(s.Input); in == nil {
				v.errorf("%s: unit %s has no input %s", sw, p.Unit, s.Input)
			} else if !in.Dim.Equal(s.Dim) {
				v.errorf("%s: dimension %v does not match input %s : %v", sw, s.Dim, s.Input, in.Dim)
			}
		}
		v.wave(sw, s.Wave)
	}
	for _, r := range n.Records {
		what := r.Pop + " spikes"
		if r.Var != "" {
			what = r.Pop + "." + r.Var
		}
		rw := w + ": record " + what
		size := -1
		if p := n.Pop(r.Pop); p != nil {
			size = p.N
			if u := v.m.Unit(p.Unit); u != nil && r.Var != "" &&
				u.State(r.Var) == nil && u.Let(r.Var) == nil && u.Input(r.Var) == nil {
				v.errorf("%s: unit %s has no state, let or input %s", rw, p.Unit, r.Var)
			}
		} else if s := n.Source(r.Pop); s != nil {
			size = s.N
			if r.Var != "" {
				v.errorf("%s: a source has only spikes", rw)
			}
		} else {
			v.errorf("%s: unknown pop %s", rw, r.Pop)
		}
		if r.Lo < 0 || r.Hi != -1 && (r.Hi <= r.Lo || size >= 0 && r.Hi > size) {
			v.errorf("%s: bad neuron range [%d:%d] (size %d)", rw, r.Lo, r.Hi, size)
		} else if r.Hi == -1 && size >= 0 && r.Lo >= size {
			v.errorf("%s: range start %d beyond size %d", rw, r.Lo, size)
		}
		if !(r.Every >= 0) || math.IsInf(r.Every, 0) {
			v.errorf("%s: every %s, must be non-negative and finite", rw, FormatFloat(r.Every))
		}
	}
}

// waveArgs lists each waveform's required and optional argument names.
var waveArgs = [numWaveKinds]struct{ required, optional []string }{
	WaveConstant: {[]string{"a"}, nil},
	WaveStep:     {[]string{"a"}, []string{"from", "to"}},
	WaveSine:     {[]string{"amp", "freq"}, []string{"offset", "phase"}},
	WaveSquare:   {[]string{"low", "high", "period"}, []string{"duty", "phase"}},
	WaveSawtooth: {[]string{"low", "high", "period"}, []string{"phase"}},
	WaveTriangle: {[]string{"low", "high", "period"}, []string{"phase"}},
	WaveFile:     {nil, nil},
}

// WaveArgNames returns the required and optional argument names of a
// waveform kind (see docs/ir.md for their meaning).
func WaveArgNames(k WaveKind) (required, optional []string) {
	if k >= numWaveKinds {
		return nil, nil
	}
	return waveArgs[k].required, waveArgs[k].optional
}

func (v *verifier) wave(w string, wv Wave) {
	if wv.Kind >= numWaveKinds {
		v.errorf("%s: invalid waveform kind %d", w, wv.Kind)
		return
	}
	if wv.Kind == WaveFile && wv.File == "" {
		v.errorf("%s: file waveform without a file", w)
	}
	if wv.Kind != WaveFile && wv.File != "" {
		v.errorf("%s: %v waveform has a file", w, wv.Kind)
	}
	req, opt := WaveArgNames(wv.Kind)
	known := make(map[string]bool)
	for _, a := range append(append([]string{}, req...), opt...) {
		known[a] = true
	}
	seen := make(map[string]bool)
	for _, a := range wv.Args {
		switch {
		case seen[a.Name]:
			v.errorf("%s: argument %s given twice", w, a.Name)
		case !known[a.Name]:
			want := "none"
			if len(known) > 0 {
				all := append(append([]string{}, req...), opt...)
				sort.Strings(all)
				want = strings.Join(all, ", ")
			}
			v.errorf("%s: unknown %v argument %q (want %s)", w, wv.Kind, a.Name, want)
		case math.IsNaN(a.Value) || math.IsInf(a.Value, 0) && !(wv.Kind == WaveStep && a.Name == "to" && a.Value > 0):
			v.errorf("%s: argument %s is %s", w, a.Name, FormatFloat(a.Value))
		case (a.Name == "period" || a.Name == "freq") && !(a.Value > 0):
			v.errorf("%s: %s is %s, must be positive", w, a.Name, FormatFloat(a.Value))
		case (a.Name == "duty" || a.Name == "phase") && !(a.Value >= 0 && a.Value <= 1):
			v.errorf("%s: %s is %s, must be a fraction of the period in [0, 1]", w, a.Name, FormatFloat(a.Value))
		}
		seen[a.Name] = true
	}
	for _, r := range req {
		if !seen[r] {
			v.errorf("%s: %v waveform needs argument %s", w, wv.Kind, r)
		}
	}
}
