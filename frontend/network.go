package frontend

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"snnc/internal/units"
	"snnc/ir"
)

// This file checks network declarations and lowers each to an ir.Network.

// maxSize bounds population and source sizes (int32 neuron indices).
const maxSize = 1 << 30

func (c *checker) checkNetwork(d *NetworkDecl, dir string) *ir.Network {
	nerr := len(c.errs)
	n := ir.NewNetwork(d.Name.Name)
	consts := map[string]val{}
	names := map[string]Pos{} // pops, sources, stims, consts
	kind := map[string]string{}
	models := map[string]*model{} // pop → model
	sizes := map[string]int{}
	declare := func(id *Ident, k string) bool {
		if id == nil {
			return false
		}
		if prev, ok := names[id.Name]; ok {
			c.errorf(id.Pos(), "%s %s redeclared in network %s (previous declaration as %s at %s)", k, id.Name, d.Name.Name, kind[id.Name], prev)
			return false
		}
		names[id.Name] = id.Pos()
		kind[id.Name] = k
		return true
	}
	netScope := func(what, random string) *scope {
		s := &scope{c: c, g: n.G, what: what, allowRandom: random}
		s.resolve = func(id *Ident) (val, bool) {
			if v, ok := consts[id.Name]; ok {
				return v, true
			}
			if k, ok := kind[id.Name]; ok && k != "const" {
				c.errorf(id.Pos(), "%s is %s, not a value", id.Name, aKind(k))
				return bad, true
			}
			return val{}, false
		}
		return s
	}
	// constQty checks a compile-time constant quantity of the given dimension.
	constQty := func(e Expr, what string, want units.Dim) (float64, bool) {
		v := netScope(what, "").qty(e)
		if v.kind == kBad {
			return 0, false
		}
		if v.dim != want {
			c.errorf(e.Pos(), "%s must be %s, found %s", what, article(want), v.show())
			return 0, false
		}
		if !v.isConst {
			c.errorf(e.Pos(), "%s must be a constant", what)
			return 0, false
		}
		return v.c, true
	}
	constInt := func(e Expr, what string, lo, hi float64) (int, bool) {
		x, ok := constQty(e, what, units.Dimensionless)
		if !ok {
			return 0, false
		}
		if x != math.Trunc(x) {
			c.errorf(e.Pos(), "%s must be an integer, found %g", what, x)
			return 0, false
		}
		if x < lo || x > hi {
			c.errorf(e.Pos(), "%s must be in [%.0f, %.0f], found %.0f", what, lo, hi, x)
			return 0, false
		}
		return int(x), true
	}

	// Settings first: dt is needed to check delays.
	dt, haveDt, haveDur := 0.1e-3, false, false
	settings := map[string]*Setting{}
	for _, it := range d.Items {
		switch it := it.(type) {
		case *Setting:
			if it.Name == nil {
				continue
			}
			if prev, ok := settings[it.Name.Name]; ok {
				c.errorf(it.Name.Pos(), "%s set twice (previous at %s)", it.Name.Name, prev.Name.Pos())
				continue
			}
			settings[it.Name.Name] = it
			switch it.Name.Name {
			case "dt":
				if x, ok := constQty(it.Value, "dt", units.Time); ok {
					if x <= 0 {
						c.errorf(it.Value.Pos(), "dt must be positive, found %s", fmtSeconds(x))
					} else {
						dt, haveDt = x, true
					}
				}
			case "duration":
				if x, ok := constQty(it.Value, "duration", units.Time); ok {
					if x <= 0 {
						c.errorf(it.Value.Pos(), "duration must be positive, found %s", fmtSeconds(x))
					} else {
						n.Duration, haveDur = x, true
					}
				}
			case "seed":
				x, ok := constQty(it.Value, "seed", units.Dimensionless)
				if ok {
					if x < 0 || x != math.Trunc(x) || x >= 1<<53 {
						c.errorf(it.Value.Pos(), "seed must be an integer in [0, 2^53), found %g", x)
					} else {
						n.Seed = uint64(x)
					}
				}
			default:
				c.errorf(it.Name.Pos(), "unknown network setting %s (expected dt, duration or seed)", it.Name.Name)
			}
		}
	}
	n.Dt = dt
	if !haveDur && settings["duration"] == nil {
		c.errorf(d.Name.Pos(), "network %s has no duration (add duration = …)", d.Name.Name)
	}
	if haveDt && haveDur && n.Duration/dt > 1e12 {
		c.errorf(settings["duration"].Value.Pos(), "duration / dt = %g steps is too many (at most 1e12)", n.Duration/dt)
	}
	// multiple checks that a time is a whole number of steps.
	multiple := func(e Expr, x float64, what string) bool {
		r := x / dt
		if math.Abs(r-math.Round(r)) > 1e-9*math.Max(1, math.Abs(r)) {
			c.errorf(e.Pos(), "%s %s is not a multiple of dt = %s", what, fmtSeconds(x), fmtSeconds(dt))
			return false
		}
		return true
	}

	for _, it := range d.Items {
		switch it := it.(type) {
		case *ConstDecl:
			if !declare(it.Name, "const") {
				continue
			}
			v := netScope("const "+it.Name.Name, "").qty(it.Value)
			if v.kind != kBad && !v.isConst {
				c.errorf(it.Value.Pos(), "const %s must be a compile-time constant", it.Name.Name)
				v = bad
			}
			consts[it.Name.Name] = v

		case *PopDecl:
			if !declare(it.Name, "pop") || it.Model == nil {
				continue
			}
			m := c.prog.lookupModel(it.Model.Name)
			if m == nil {
				c.errorf(it.Model.Pos(), "unknown neuron model %s%s", it.Model.Name, c.suggestModel(it.Model.Name))
				continue
			}
			c.checkModel(m)
			size, ok := constInt(it.Size, "population size", 1, maxSize)
			if !ok {
				continue
			}
			models[it.Name.Name] = m
			sizes[it.Name.Name] = size
			if !m.ok {
				continue
			}
			c.prog.useModel(m)
			p := n.AddPop(it.Name.Name, m.unit.Name, size)
			seen := map[string]bool{}
			for _, a := range it.Inits {
				if a.Name == nil {
					continue
				}
				name := a.Name.Name
				dim, k := modelVarDim(m.unit, name)
				if k != "param" && k != "state" {
					if k == "" {
						c.errorf(a.Name.Pos(), "neuron %s has no param or state named %s%s", m.unit.Name, name, c.suggestMember(m.unit, name, "param", "state"))
					} else {
						c.errorf(a.Name.Pos(), "%s is %s of %s; a population sets params and initial states", name, aKind(k), m.unit.Name)
					}
					continue
				}
				if seen[name] {
					c.errorf(a.Name.Pos(), "%s set twice in population %s", name, it.Name.Name)
					continue
				}
				seen[name] = true
				s := netScope(fmt.Sprintf("the value of %s.%s", it.Name.Name, name), "population initialisers")
				v := s.expr(a.Value)
				switch v.kind {
				case kBad:
				case kList:
					vals, ok := c.listValues(a.Value, v, dim, size, name)
					if ok {
						p.SetValues(name, vals)
					}
				case kQty:
					if v.dim != dim {
						c.errorf(a.Value.Pos(), "%s of %s is %s, found %s", name, m.unit.Name, dimWords(dim), v.show())
						continue
					}
					p.SetExpr(name, v.node)
				default:
					c.errorf(a.Value.Pos(), "expected a value for %s, found %s", name, kindWord(v.kind))
				}
			}

		case *SourceDecl:
			if !declare(it.Name, "source") || it.Kind == nil {
				continue
			}
			size, ok := constInt(it.Size, "source size", 1, maxSize)
			if !ok {
				continue
			}
			sizes[it.Name.Name] = size
			c.checkSource(n, it, size, dir, netScope)
		}
	}

	// Stimuli and records second, so they may name pops declared after them.
	for _, it := range d.Items {
		switch it := it.(type) {
		case *StimDecl:
			if !declare(it.Name, "stim") || it.Pop == nil || it.Input == nil {
				continue
			}
			m, ok := c.popModel(it.Pop, kind, models)
			if !ok {
				continue
			}
			dim, k := modelVarDim(m.unit, it.Input.Name)
			if k != "input" {
				if k == "" {
					c.errorf(it.Input.Pos(), "neuron %s has no input named %s (stimuli drive inputs)%s", m.unit.Name, it.Input.Name, c.suggestMember(m.unit, it.Input.Name, "input"))
				} else {
					c.errorf(it.Input.Pos(), "%s is %s of %s; stimuli drive inputs (declare input %s : …)", it.Input.Name, aKind(k), m.unit.Name, it.Input.Name)
				}
				continue
			}
			if w, ok := c.checkWave(it.Wave, dim, dir, netScope("the waveform of "+it.Name.Name, "")); ok {
				n.AddStim(it.Name.Name, it.Pop.Name, it.Input.Name, dim, w)
			}

		case *RecordDecl:
			if it.Pop == nil {
				continue
			}
			var m *model
			if kind[it.Pop.Name] == "source" { // a source has spikes to record, nothing else
				if _, ok := sizes[it.Pop.Name]; !ok {
					continue // the source is broken: already reported
				}
				if it.Var != nil {
					c.errorf(it.Var.Pos(), "%s is a source; only its spikes can be recorded (record %s spikes)", it.Pop.Name, it.Pop.Name)
					continue
				}
			} else {
				var ok bool
				if m, ok = c.popModel(it.Pop, kind, models); !ok {
					continue
				}
			}
			r := &ir.Record{Pop: it.Pop.Name, Lo: 0, Hi: -1}
			if it.Var != nil {
				if _, k := modelVarDim(m.unit, it.Var.Name); k != "state" && k != "let" && k != "input" {
					if k == "" {
						c.errorf(it.Var.Pos(), "neuron %s has no state, let or input named %s%s", m.unit.Name, it.Var.Name, c.suggestMember(m.unit, it.Var.Name, "state", "let", "input"))
					} else {
						c.errorf(it.Var.Pos(), "%s is %s of %s; only states, lets and inputs can be recorded", it.Var.Name, aKind(k), m.unit.Name)
					}
					continue
				}
				r.Var = it.Var.Name
			}
			size := sizes[it.Pop.Name]
			if it.Lo != nil {
				lo, ok1 := constInt(it.Lo, "neuron index", 0, float64(size-1))
				hi := lo
				ok2 := true
				if it.Hi != nil {
					hi, ok2 = constInt(it.Hi, "neuron index", 0, float64(size-1))
				}
				if !ok1 || !ok2 {
					continue
				}
				if hi < lo {
					c.errorf(it.Lbrack, "empty neuron range [%d..%d] (the range is inclusive: LO..HI with LO <= HI)", lo, hi)
					continue
				}
				r.Lo, r.Hi = lo, hi+1
			}
			if it.Every != nil {
				if it.Var == nil {
					c.errorf(it.EveryPos, "every applies to recorded variables, not spikes")
					continue
				}
				x, ok := constQty(it.Every, "the recording period", units.Time)
				if !ok {
					continue
				}
				if x <= 0 {
					c.errorf(it.Every.Pos(), "the recording period must be positive, found %s", fmtSeconds(x))
					continue
				}
				if !multiple(it.Every, x, "recording period") {
					continue
				}
				if math.Abs(x-dt) > 1e-9*dt {
					r.Every = x
				}
			}
			n.Records = append(n.Records, r)
		}
	}

	// Connections last, so they may name pops and sources declared after them.
	for _, it := range d.Items {
		cd, ok := it.(*ConnectDecl)
		if !ok || cd.Src == nil || cd.Dst == nil || cd.Target == nil {
			continue
		}
		srcSize, ok := sizes[cd.Src.Name]
		if !ok {
			if k, ok := kind[cd.Src.Name]; ok {
				c.errorf(cd.Src.Pos(), "%s is %s; connections start at a population or source", cd.Src.Name, aKind(k))
			} else if _, ok := names[cd.Src.Name]; !ok {
				c.errorf(cd.Src.Pos(), "connect from unknown population or source %s%s", cd.Src.Name, c.suggestFrom(cd.Src.Name, names))
			}
			continue
		}
		if kind[cd.Dst.Name] == "source" {
			c.errorf(cd.Dst.Pos(), "cannot connect into source %s; connections end at a population", cd.Dst.Name)
			continue
		}
		m, ok := c.popModel(cd.Dst, kind, models)
		if !ok {
			continue
		}
		dstSize := sizes[cd.Dst.Name]
		tdim, k := modelVarDim(m.unit, cd.Target.Name)
		if k != "state" && k != "input" {
			if k == "" {
				c.errorf(cd.Target.Pos(), "neuron %s has no state or input named %s (a connection adds its weight to a state or an input)%s", m.unit.Name, cd.Target.Name, c.suggestMember(m.unit, cd.Target.Name, "state", "input"))
			} else {
				c.errorf(cd.Target.Pos(), "%s is %s of %s; a connection targets a state or an input", cd.Target.Name, aKind(k), m.unit.Name)
			}
			continue
		}
		rule, ok := c.checkRule(cd.Rule, srcSize, dstSize, cd.Src.Name, cd.Dst.Name, dir, netScope)
		if !ok {
			continue
		}
		weight, delay := ir.NoNode, ir.NoNode
		seen := map[string]bool{}
		propsOK := true
		for _, a := range cd.Props {
			if a.Name == nil {
				continue
			}
			if seen[a.Name.Name] {
				c.errorf(a.Name.Pos(), "%s set twice", a.Name.Name)
				propsOK = false
				continue
			}
			seen[a.Name.Name] = true
			s := netScope(a.Name.Name+" of a connection", "weights and delays")
			switch a.Name.Name {
			case "weight":
				v := s.qty(a.Value)
				if v.kind == kBad {
					propsOK = false
					continue
				}
				if v.dim != tdim {
					c.errorf(a.Value.Pos(), "weight must have the dimension of %s.%s, %s; found %s", cd.Dst.Name, cd.Target.Name, dimWords(tdim), v.show())
					propsOK = false
					continue
				}
				weight = v.node
			case "delay":
				v := s.qty(a.Value)
				if v.kind == kBad {
					propsOK = false
					continue
				}
				if v.dim != units.Time {
					c.errorf(a.Value.Pos(), "delay must be a time, found %s", v.show())
					propsOK = false
					continue
				}
				if v.isConst {
					if v.c < 0 {
						c.errorf(a.Value.Pos(), "delay must not be negative, found %s", fmtSeconds(v.c))
						propsOK = false
						continue
					}
					if !multiple(a.Value, v.c, "delay") {
						propsOK = false
						continue
					}
				}
				delay = v.node
			default:
				c.errorf(a.Name.Pos(), "unknown connection property %s (expected weight or delay)", a.Name.Name)
				propsOK = false
			}
		}
		if !propsOK {
			continue
		}
		if weight == ir.NoNode {
			if rule.Kind != ir.FromFile {
				c.errorf(cd.Connect, "connection %s -> %s.%s has no weight (add { weight = … })", cd.Src.Name, cd.Dst.Name, cd.Target.Name)
				continue
			}
			// from_file: the file's weights are in the target's SI unit.
			weight = n.G.Const(1)
		}
		p := n.Connect(cd.Src.Name, cd.Dst.Name, cd.Target.Name, rule, weight)
		p.Delay = delay
	}
	if len(c.errs) != nerr {
		return nil
	}
	return n
}

// popModel resolves a population name used in a stim, record or connect.
func (c *checker) popModel(id *Ident, kind map[string]string, models map[string]*model) (*model, bool) {
	m, ok := models[id.Name]
	if ok {
		return m, m.ok
	}
	switch k := kind[id.Name]; k {
	case "":
		c.errorf(id.Pos(), "unknown population %s", id.Name)
	case "pop": // declared but broken: already reported
	default:
		c.errorf(id.Pos(), "%s is %s, not a population", id.Name, aKind(k))
	}
	return nil, false
}

// modelVarDim returns the dimension and kind of a unit's declaration.
func modelVarDim(u *ir.Unit, name string) (units.Dim, string) {
	switch {
	case u.Param(name) != nil:
		return u.Param(name).Dim, "param"
	case u.State(name) != nil:
		return u.State(name).Dim, "state"
	case u.Input(name) != nil:
		return u.Input(name).Dim, "input"
	case u.Let(name) != nil:
		return u.Let(name).Dim, "let"
	}
	return units.Dim{}, ""
}

// listValues checks a per-neuron list of constants.
func (c *checker) listValues(e Expr, v val, dim units.Dim, size int, name string) ([]float64, bool) {
	if len(v.elems) != size {
		c.errorf(e.Pos(), "list for %s has %d values, expected one per neuron (%d)", name, len(v.elems), size)
		return nil, false
	}
	out := make([]float64, size)
	le := unparen(e).(*ListExpr) // v is a list, so e is one, maybe in parentheses
	for i, x := range v.elems {
		if x.kind == kBad {
			return nil, false
		}
		if x.kind != kQty || !x.isConst {
			c.errorf(le.Elems[i].Pos(), "list elements must be constant quantities")
			return nil, false
		}
		if x.dim != dim {
			c.errorf(le.Elems[i].Pos(), "%s is %s, found %s", name, dimWords(dim), x.show())
			return nil, false
		}
		out[i] = x.c
	}
	return out, true
}

// unparen strips parentheses around an expression.
func unparen(e Expr) Expr {
	for {
		p, ok := e.(*ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// checkRule checks a connection rule.
func (c *checker) checkRule(e Expr, srcN, dstN int, src, dst, dir string, netScope func(string, string) *scope) (ir.Rule, bool) {
	var name *Ident
	var call *CallExpr
	switch e := e.(type) {
	case *Ident:
		name = e
	case *CallExpr:
		name, call = e.Fun, e
	default:
		if e != nil {
			c.errorf(e.Pos(), "expected a connection rule (all_to_all, one_to_one, random(p = …), fixed_indegree(k = …) or from_file(\"…\"))")
		}
		return ir.Rule{}, false
	}
	args, ok := c.callArgs(call, name, ruleSigs[name.Name])
	if !ok {
		return ir.Rule{}, false
	}
	s := netScope("the rule "+name.Name, "")
	switch name.Name {
	case "all_to_all":
		return ir.Rule{Kind: ir.AllToAll}, true
	case "one_to_one":
		if srcN != dstN {
			c.errorf(name.Pos(), "one_to_one needs populations of equal size, found %s[%d] and %s[%d]", src, srcN, dst, dstN)
			return ir.Rule{}, false
		}
		return ir.Rule{Kind: ir.OneToOne}, true
	case "random":
		v := s.qty(args["p"])
		if v.kind == kBad {
			return ir.Rule{}, false
		}
		if !v.dim.IsZero() || !v.isConst || v.c < 0 || v.c > 1 {
			c.errorf(args["p"].Pos(), "random(p) needs a constant probability in [0, 1], found %s", describe(v))
			return ir.Rule{}, false
		}
		return ir.Rule{Kind: ir.Random, P: v.c}, true
	case "fixed_indegree":
		v := s.qty(args["k"])
		if v.kind == kBad {
			return ir.Rule{}, false
		}
		if !v.dim.IsZero() || !v.isConst || v.c != math.Trunc(v.c) || v.c < 1 {
			c.errorf(args["k"].Pos(), "fixed_indegree(k) needs a constant positive integer, found %s", describe(v))
			return ir.Rule{}, false
		}
		if int(v.c) > srcN {
			c.errorf(args["k"].Pos(), "fixed_indegree k = %g exceeds the size of %s (%d)", v.c, src, srcN)
			return ir.Rule{}, false
		}
		return ir.Rule{Kind: ir.FixedIndegree, K: int(v.c)}, true
	case "from_file":
		v := s.expr(args["file"])
		if v.kind != kString {
			if v.kind != kBad {
				c.errorf(args["file"].Pos(), "from_file needs a file name string, found %s", kindWord(v.kind))
			}
			return ir.Rule{}, false
		}
		path, ok := c.dataFile(args["file"].Pos(), dir, v.str)
		if !ok {
			return ir.Rule{}, false
		}
		return ir.Rule{Kind: ir.FromFile, File: path}, true
	}
	c.errorf(name.Pos(), "unknown connection rule %s (expected all_to_all, one_to_one, random, fixed_indegree or from_file)", name.Name)
	return ir.Rule{}, false
}

// A signature lists parameter names in positional order; a trailing "?"
// marks an optional one.
var ruleSigs = map[string][]string{
	"all_to_all":     {},
	"one_to_one":     {},
	"random":         {"p"},
	"fixed_indegree": {"k"},
	"from_file":      {"file"},
}

// callArgs matches positional and named arguments to a signature.
// fun is the called name; call is nil when the name is used without
// parentheses (random instead of random(p = …)).
func (c *checker) callArgs(call *CallExpr, fun *Ident, sig []string) (map[string]Expr, bool) {
	out := map[string]Expr{}
	name := fun.Name
	if sig == nil {
		return out, true // unknown: the caller reports it
	}
	if call == nil {
		if len(sig) > 0 && !optional(sig[0]) {
			c.errorf(fun.Pos(), "%s needs argument %s (write %s(%s = …))", name, paramName(sig[0]), name, paramName(sig[0]))
			return nil, false
		}
		return out, true
	}
	if len(call.Args) > len(sig) {
		c.errorf(call.Args[len(sig)].Pos(), "%s takes at most %d argument%s, found %d", name, len(sig), plural(len(sig)), len(call.Args)+len(call.Named))
		return nil, false
	}
	for i, a := range call.Args {
		out[paramName(sig[i])] = a
	}
	for _, a := range call.Named {
		if a.Name == nil {
			return nil, false
		}
		known := false
		for _, p := range sig {
			if paramName(p) == a.Name.Name {
				known = true
			}
		}
		if !known {
			c.errorf(a.Name.Pos(), "%s has no argument %s (its arguments: %s)", name, a.Name.Name, sigList(sig))
			return nil, false
		}
		if _, dup := out[a.Name.Name]; dup {
			c.errorf(a.Name.Pos(), "argument %s given twice", a.Name.Name)
			return nil, false
		}
		out[a.Name.Name] = a.Value
	}
	for _, p := range sig {
		if _, ok := out[paramName(p)]; !ok && !optional(p) {
			c.errorf(call.Rparen, "%s needs argument %s (its arguments: %s)", name, paramName(p), sigList(sig))
			return nil, false
		}
	}
	return out, true
}

func optional(p string) bool { return len(p) > 0 && p[len(p)-1] == '?' }
func paramName(p string) string {
	if optional(p) {
		return p[:len(p)-1]
	}
	return p
}
func sigList(sig []string) string {
	s := ""
	for i, p := range sig {
		if i > 0 {
			s += ", "
		}
		s += paramName(p)
	}
	if s == "" {
		return "none"
	}
	return s
}

// waveSigs: argument names, positional order, and their dimensions: "a"
// for the input's amplitude dimension, "t" time, "f" frequency, "1"
// dimensionless.
var waveSigs = map[string]struct {
	kind ir.WaveKind
	args []string
	dims []string
}{
	"constant": {ir.WaveConstant, []string{"a"}, []string{"a"}},
	"step":     {ir.WaveStep, []string{"a", "from?", "to?"}, []string{"a", "t", "t"}},
	"sine":     {ir.WaveSine, []string{"amp", "freq", "offset?", "phase?"}, []string{"a", "f", "a", "1"}},
	"square":   {ir.WaveSquare, []string{"low", "high", "period", "duty?", "phase?"}, []string{"a", "a", "t", "1", "1"}},
	"sawtooth": {ir.WaveSawtooth, []string{"low", "high", "period", "phase?"}, []string{"a", "a", "t", "1"}},
	"triangle": {ir.WaveTriangle, []string{"low", "high", "period", "phase?"}, []string{"a", "a", "t", "1"}},
	"file":     {ir.WaveFile, []string{"file"}, []string{"s"}},
}

func (c *checker) checkWave(e Expr, amp units.Dim, dir string, s *scope) (ir.Wave, bool) {
	call, ok := e.(*CallExpr)
	if !ok {
		if e != nil {
			c.errorf(e.Pos(), "expected a waveform: constant(…), step(…), sine(…), square(…), sawtooth(…), triangle(…) or file(\"…\")")
		}
		return ir.Wave{}, false
	}
	sig, ok := waveSigs[call.Fun.Name]
	if !ok {
		c.errorf(call.Fun.Pos(), "unknown waveform %s (expected constant, step, sine, square, sawtooth, triangle or file)", call.Fun.Name)
		return ir.Wave{}, false
	}
	args, ok := c.callArgs(call, call.Fun, sig.args)
	if !ok {
		return ir.Wave{}, false
	}
	w := ir.Wave{Kind: sig.kind}
	for i, p := range sig.args {
		name := paramName(p)
		a, present := args[name]
		if !present {
			continue
		}
		if sig.dims[i] == "s" {
			v := s.expr(a)
			if v.kind != kString {
				if v.kind != kBad {
					c.errorf(a.Pos(), "file needs a file name string, found %s", kindWord(v.kind))
				}
				return ir.Wave{}, false
			}
			path, ok := c.dataFile(a.Pos(), dir, v.str)
			if !ok {
				return ir.Wave{}, false
			}
			w.File = path
			continue
		}
		want := map[string]units.Dim{"a": amp, "t": units.Time, "f": units.Frequency, "1": units.Dimensionless}[sig.dims[i]]
		v := s.qty(a)
		if v.kind == kBad {
			return ir.Wave{}, false
		}
		if v.dim != want {
			c.errorf(a.Pos(), "%s of %s must be %s, found %s", name, call.Fun.Name, dimWords(want), v.show())
			return ir.Wave{}, false
		}
		if !v.isConst {
			c.errorf(a.Pos(), "%s of %s must be a constant", name, call.Fun.Name)
			return ir.Wave{}, false
		}
		if (name == "period" || name == "freq") && v.c <= 0 {
			c.errorf(a.Pos(), "%s of %s must be positive, found %s", name, call.Fun.Name, fmtQty(v))
			return ir.Wave{}, false
		}
		if (name == "duty" || name == "phase") && (v.c < 0 || v.c > 1) {
			c.errorf(a.Pos(), "%s of %s is a fraction of the period, in [0, 1]; found %g", name, call.Fun.Name, v.c)
			return ir.Wave{}, false
		}
		w.Args = append(w.Args, ir.WaveArg{Name: name, Value: v.c})
	}
	return w, true
}

// checkSource checks a poisson or spikes source.
func (c *checker) checkSource(n *ir.Network, d *SourceDecl, size int, dir string, netScope func(string, string) *scope) {
	props := map[string]*Assign{}
	for _, a := range d.Props {
		if a.Name == nil {
			continue
		}
		if _, dup := props[a.Name.Name]; dup {
			c.errorf(a.Name.Pos(), "%s set twice", a.Name.Name)
			return
		}
		props[a.Name.Name] = a
	}
	allowed := map[string][]string{"poisson": {"rate"}, "spikes": {"times", "file"}}[d.Kind.Name]
	if allowed == nil {
		c.errorf(d.Kind.Pos(), "unknown source kind %s (expected poisson or spikes)", d.Kind.Name)
		return
	}
	for _, a := range d.Props {
		if a.Name == nil {
			continue
		}
		ok := false
		for _, p := range allowed {
			ok = ok || p == a.Name.Name
		}
		if !ok {
			c.errorf(a.Name.Pos(), "%s source has no property %s (expected %s)", d.Kind.Name, a.Name.Name, sigList(allowed))
			return
		}
	}
	switch d.Kind.Name {
	case "poisson":
		a := props["rate"]
		if a == nil {
			c.errorf(d.Kind.Pos(), "poisson source %s needs a rate (add { rate = … Hz })", d.Name.Name)
			return
		}
		v := netScope("the rate of "+d.Name.Name, "").qty(a.Value)
		if v.kind == kBad {
			return
		}
		if v.dim != units.Frequency {
			c.errorf(a.Value.Pos(), "rate must be a frequency, found %s", v.show())
			return
		}
		if v.isConst && v.c < 0 {
			c.errorf(a.Value.Pos(), "rate must not be negative, found %s", fmtQty(v))
			return
		}
		n.AddPoisson(d.Name.Name, size, v.node)
	case "spikes":
		t, f := props["times"], props["file"]
		switch {
		case t != nil && f != nil:
			c.errorf(f.Name.Pos(), "spikes source %s has both times and file; give one", d.Name.Name)
		case t == nil && f == nil:
			c.errorf(d.Kind.Pos(), "spikes source %s needs times = [[…], …] or file = \"…\"", d.Name.Name)
		case f != nil:
			v := netScope("file", "").expr(f.Value)
			if v.kind != kString {
				if v.kind != kBad {
					c.errorf(f.Value.Pos(), "file needs a file name string, found %s", kindWord(v.kind))
				}
				return
			}
			if path, ok := c.dataFile(f.Value.Pos(), dir, v.str); ok {
				n.AddSpikeFile(d.Name.Name, size, path)
			}
		default:
			v := netScope("times", "").expr(t.Value)
			if v.kind == kBad {
				return
			}
			le, ok := unparen(t.Value).(*ListExpr)
			if v.kind != kList || !ok {
				c.errorf(t.Value.Pos(), "times must be a list of per-neuron lists, e.g. [[1 ms, 5 ms], [3 ms]]")
				return
			}
			if len(v.elems) != size {
				c.errorf(t.Value.Pos(), "times has %d list%s, expected one per neuron (%d)", len(v.elems), plural(len(v.elems)), size)
				return
			}
			times := make([][]float64, size)
			for i, row := range v.elems {
				re, ok := unparen(le.Elems[i]).(*ListExpr)
				if row.kind != kList || !ok {
					c.errorf(le.Elems[i].Pos(), "times of neuron %d must be a list", i)
					return
				}
				times[i] = []float64{}
				for j, x := range row.elems {
					if x.kind == kBad {
						return
					}
					if x.kind != kQty || !x.isConst || x.dim != units.Time {
						c.errorf(re.Elems[j].Pos(), "spike times must be constant times, found %s", describe(x))
						return
					}
					if x.c < 0 {
						c.errorf(re.Elems[j].Pos(), "spike time must not be negative, found %s", fmtSeconds(x.c))
						return
					}
					if j > 0 && x.c < times[i][j-1] {
						c.errorf(re.Elems[j].Pos(), "spike times of neuron %d must be in ascending order", i)
						return
					}
					times[i] = append(times[i], x.c)
				}
			}
			n.AddSpikeList(d.Name.Name, times)
		}
	}
}

// dataFile resolves a data file path relative to the declaring file and
// checks that it exists.
func (c *checker) dataFile(pos Pos, dir, name string) (string, bool) {
	if name == "" {
		c.errorf(pos, "empty file name")
		return "", false
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	if !c.prog.fileExists(path) {
		c.errorf(pos, "cannot find data file %q (looked for %s)", name, path)
		return "", false
	}
	return path, true
}

func (c *checker) suggestModel(name string) string {
	return suggestAmong(name, c.prog.modelNames())
}

// suggestMember proposes a declaration of unit u of one of the given
// kinds ("param", "state", "input", "let") for a misspelt name.
func (c *checker) suggestMember(u *ir.Unit, name string, kinds ...string) string {
	var names []string
	for _, k := range kinds {
		switch k {
		case "param":
			for _, p := range u.Params {
				names = append(names, p.Name)
			}
		case "state":
			for _, st := range u.States {
				names = append(names, st.Name)
			}
		case "input":
			for _, in := range u.Inputs {
				names = append(names, in.Name)
			}
		case "let":
			for _, l := range u.Lets {
				names = append(names, l.Name)
			}
		}
	}
	return suggestAmong(name, names)
}

func (c *checker) suggestFrom(name string, names map[string]Pos) string {
	return suggestAmong(name, sortedKeys(names))
}

// article names a dimension with its article: "a time", "an area",
// "dimensionless", "a quantity in S/m^3" (a dimension without a name).
func article(d units.Dim) string {
	if d.IsZero() {
		return "dimensionless"
	}
	name := d.Name()
	if name == d.String() {
		return "a quantity in " + name
	}
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// dimWords is article with the SI unit: "a current (A)".
func dimWords(d units.Dim) string {
	if d.IsZero() || d.Name() == d.String() {
		return article(d)
	}
	return fmt.Sprintf("%s (%s)", article(d), d.String())
}

func kindWord(k valKind) string {
	switch k {
	case kBool:
		return "a truth value"
	case kString:
		return "a string"
	case kList:
		return "a list"
	}
	return "a quantity"
}

func describe(v val) string {
	switch {
	case v.kind != kQty:
		return kindWord(v.kind)
	case !v.isConst:
		return "a non-constant " + v.dim.Name()
	}
	return fmtQty(v)
}

// fmtSeconds prints a time in a readable unit: ms for the usual range of
// time steps and delays (0.01 ms to 1 s), else us or s.
func fmtSeconds(x float64) string {
	a := math.Abs(x)
	switch {
	case a == 0:
		return "0 ms"
	case a < 1e-5:
		return fmt.Sprintf("%.10g us", x*1e6)
	case a < 1:
		return fmt.Sprintf("%.10g ms", x*1e3)
	}
	return fmt.Sprintf("%.10g s", x)
}
