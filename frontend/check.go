package frontend

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"snnc/internal/units"
	"snnc/ir"
)

// This file checks neuron models and lowers each to an ir.Unit. Names in
// a model resolve to its own declarations first (params, inputs, lets,
// states, and t for time), then to unit words, so a gate may be called m
// even though m is also the metre.

// checker holds the state of checking one program.
type checker struct {
	errs         ErrorList
	prog         *Program
	visibleNames []string // for "did you mean" suggestions
}

func (c *checker) errorf(pos Pos, format string, args ...any) {
	c.errs.Addf(pos, format, args...)
}

// model is a neuron declaration being checked.
type model struct {
	decl *NeuronDecl
	unit *ir.Unit
	done bool // checked (successfully or not)
	ok   bool

	params  map[string]*ParamDecl
	order   map[string]int // param index, state index
	inputs  map[string]*InputDecl
	lets    map[string]*LetDecl
	states  map[string]*StateDecl
	eqs     map[string]*Equation
	kindOf  map[string]string // name → "param", "input", "let", "state"
	declPos map[string]Pos

	letVal   map[string]val
	letBusy  map[string]bool
	letStack []string       // lets being checked, innermost last (for cycle messages)
	stateVal map[string]val // dimension of a state, from its initial value
	stBusy   map[string]bool
	paramVal map[string]val
	inputVal map[string]val

	curParam int // while checking params: index of the param being checked
}

// checkModel checks a neuron declaration and builds its ir.Unit.
func (c *checker) checkModel(m *model) {
	if m.done {
		return
	}
	m.done = true
	nerr := len(c.errs)
	d := m.decl
	u := ir.NewUnit(d.Name.Name)
	m.unit = u
	m.params = map[string]*ParamDecl{}
	m.order = map[string]int{}
	m.inputs = map[string]*InputDecl{}
	m.lets = map[string]*LetDecl{}
	m.states = map[string]*StateDecl{}
	m.eqs = map[string]*Equation{}
	m.kindOf = map[string]string{}
	m.declPos = map[string]Pos{}
	m.letVal = map[string]val{}
	m.letBusy = map[string]bool{}
	m.stateVal = map[string]val{}
	m.stBusy = map[string]bool{}
	m.paramVal = map[string]val{}
	m.inputVal = map[string]val{}

	var (
		paramList []*ParamDecl
		stateList []*StateDecl
		letList   []*LetDecl
		spike     *SpikeDecl
		reset     *ResetBlock
		refr      *RefractoryDecl
		method    *MethodDecl
	)
	declare := func(id *Ident, kind string) bool {
		if id == nil {
			return false
		}
		if id.Name == "t" {
			c.errorf(id.Pos(), "%s name t is reserved for time", kind)
			return false
		}
		if prev, ok := m.declPos[id.Name]; ok {
			c.errorf(id.Pos(), "%s %s redeclared in neuron %s (previous declaration as %s at %s)", kind, id.Name, d.Name.Name, m.kindOf[id.Name], prev)
			return false
		}
		m.declPos[id.Name] = id.Pos()
		m.kindOf[id.Name] = kind
		return true
	}
	once := func(isSet bool, prev func() Pos, pos Pos, what string) bool {
		if isSet {
			c.errorf(pos, "neuron %s has more than one %s (previous at %s)", d.Name.Name, what, prev())
			return false
		}
		return true
	}
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ParamDecl:
			if declare(it.Name, "param") {
				m.order[it.Name.Name] = len(paramList)
				m.params[it.Name.Name] = it
				paramList = append(paramList, it)
			}
		case *InputDecl:
			if declare(it.Name, "input") {
				m.inputs[it.Name.Name] = it
			}
		case *LetDecl:
			if declare(it.Name, "let") {
				m.lets[it.Name.Name] = it
				letList = append(letList, it)
			}
		case *StateDecl:
			if declare(it.Name, "state") {
				m.order[it.Name.Name] = len(stateList)
				m.states[it.Name.Name] = it
				stateList = append(stateList, it)
			}
		case *Equation:
			if it.Name == nil {
				continue
			}
			if prev, ok := m.eqs[it.Name.Name]; ok {
				c.errorf(it.Name.Pos(), "second equation for %s (previous at %s); each state has exactly one", it.Name.Name, prev.Name.Pos())
				continue
			}
			m.eqs[it.Name.Name] = it
		case *SpikeDecl:
			if once(spike != nil, func() Pos { return spike.Pos() }, it.Pos(), "spike condition") {
				spike = it
			}
		case *ResetBlock:
			if once(reset != nil, func() Pos { return reset.Pos() }, it.Pos(), "reset block") {
				reset = it
			}
		case *RefractoryDecl:
			if once(refr != nil, func() Pos { return refr.Pos() }, it.Pos(), "refractory period") {
				refr = it
			}
		case *MethodDecl:
			if once(method != nil, func() Pos { return method.Pos() }, it.Pos(), "method") {
				method = it
			}
		}
	}
	c.visibleNames = sortedKeys(m.declPos)

	// Params, in order: each may use earlier params.
	for i, p := range paramList {
		m.curParam = i
		s := c.modelScope(m, "param "+p.Name.Name, scopeParam)
		v := s.qty(p.Value)
		m.paramVal[p.Name.Name] = v
		if v.kind == kBad {
			continue
		}
		u.AddParam(p.Name.Name, v.dim, v.node)
	}
	m.curParam = len(paramList)
	for _, it := range d.Items {
		if in, ok := it.(*InputDecl); ok && in.Name != nil && m.inputs[in.Name.Name] == in {
			un, ok := c.unitOf(in.Unit)
			if !ok {
				m.inputVal[in.Name.Name] = bad
				continue
			}
			u.AddInput(in.Name.Name, un.Dim)
			m.inputVal[in.Name.Name] = val{kind: kQty, dim: un.Dim, node: u.I(in.Name.Name), unit: in.Unit.String()}
		}
	}

	// Methods.
	meth := ir.ExpEuler
	if method != nil && method.Name != nil {
		switch method.Name.Name {
		case "exp_euler", "exponential_euler":
		case "euler":
			meth = ir.Euler
		case "rk4":
			meth = ir.RK4
		default:
			c.errorf(method.Name.Pos(), "unknown method %s (expected exponential_euler, euler or rk4)", method.Name.Name)
		}
	}
	u.Method = meth

	// States: initial values (which also fix their dimensions).
	for _, st := range stateList {
		v := c.stateInit(m, st.Name.Name)
		if v.kind == kBad {
			continue
		}
		s := u.AddState(st.Name.Name, v.dim, v.node)
		_ = s
		c.checkInitDeps(m, st, v.node)
	}
	// Lets (all of them, even unused, so that every error is reported).
	for _, l := range letList {
		v := c.letValue(m, l.Name.Name)
		if v.kind == kQty {
			u.AddLet(l.Name.Name, v.dim, v.node)
		}
	}

	// Equations.
	for _, st := range stateList {
		if _, ok := m.eqs[st.Name.Name]; !ok {
			c.errorf(st.Name.Pos(), "state %s has no equation (expected %s' = …)", st.Name.Name, st.Name.Name)
		}
	}
	eqNames := make([]*Equation, 0, len(m.eqs))
	for _, it := range d.Items {
		if eq, ok := it.(*Equation); ok && eq.Name != nil && m.eqs[eq.Name.Name] == eq {
			eqNames = append(eqNames, eq)
		}
	}
	for _, eq := range eqNames {
		name := eq.Name.Name
		if _, ok := m.states[name]; !ok {
			if k, ok := m.kindOf[name]; ok {
				c.errorf(eq.Name.Pos(), "%s' = … but %s is %s, not a state (declare it with state %s = …)", name, name, aKind(k), name)
			} else {
				c.errorf(eq.Name.Pos(), "equation for undeclared state %s (declare it with state %s = …)%s", name, name, c.suggest(name))
			}
			continue
		}
		st := u.State(name)
		s := c.modelScope(m, "the equation of "+name, scopeDynamics)
		v := s.qty(eq.RHS)
		if v.kind == kBad || st == nil {
			continue
		}
		want := st.Dim.Div(units.Time)
		if v.dim != want {
			c.errorf(eq.RHS.Pos(), "%s' has dimension %s, expected %s (%s per time: the dimension of %s divided by time)", name, v.show(), want.String(), st.Dim.Name(), name)
			continue
		}
		if meth != ir.ExpEuler {
			st.SetGeneral(v.node)
			continue
		}
		lin := linearize(u.G, v.node, name)
		if lin.reason != "" {
			c.errorf(eq.RHS.Pos(), "%s' = … is not linear in %s: %s; exponential Euler needs %s' = A + B·%s with A and B free of %s (or declare method euler or method rk4)", name, name, lin.reason, name, name, name)
			continue
		}
		setDynamics(u.G, st, lin)
		if tau, ok := u.G.ConstValue(st.Tau); ok && st.Kind == ir.TVLIF && !(tau > 0) {
			c.errorf(eq.RHS.Pos(), "%s' = … grows without bound: the coefficient of %s is constant and positive, so tau = -1/B = %s is not a positive time constant; exponential Euler needs a decaying equation (or declare method euler or method rk4)", name, name, fmtSeconds(tau))
		}
	}

	// Events.
	if spike != nil {
		s := c.modelScope(m, "the spike condition", scopeDynamics)
		if v := s.cond(spike.Cond); v.kind == kBool {
			u.Spike = v.node
		}
	}
	if reset != nil {
		if spike == nil {
			c.errorf(reset.Pos(), "reset without a spike condition (add spike when …)")
		}
		seen := map[string]bool{}
		for _, a := range reset.Assigns {
			if a.Name == nil {
				continue
			}
			name := a.Name.Name
			if _, ok := m.states[name]; !ok {
				if k, ok := m.kindOf[name]; ok {
					c.errorf(a.Name.Pos(), "reset assigns %s, which is %s; only states can be reset", name, aKind(k))
				} else {
					c.errorf(a.Name.Pos(), "reset of undefined state %s%s", name, c.suggest(name))
				}
				continue
			}
			if seen[name] {
				c.errorf(a.Name.Pos(), "%s is reset twice", name)
				continue
			}
			seen[name] = true
			s := c.modelScope(m, "the reset of "+name, scopeDynamics)
			v := s.qty(a.Value)
			st := u.State(name)
			if v.kind == kBad || st == nil {
				continue
			}
			if v.dim != st.Dim {
				c.errorf(a.Value.Pos(), "cannot reset %s (%s) to %s", name, st.Dim.Name(), v.show())
				continue
			}
			u.AddReset(name, v.node)
		}
	}
	if refr != nil {
		if spike == nil {
			c.errorf(refr.Pos(), "refractory period without a spike condition (add spike when …)")
		}
		s := c.modelScope(m, "the refractory period", scopeParam)
		m.curParam = len(paramList)
		v := s.qty(refr.Period)
		if v.kind == kQty {
			if v.dim != units.Time {
				c.errorf(refr.Period.Pos(), "refractory period must be a time, found %s", v.show())
			} else if v.isConst && v.c < 0 {
				c.errorf(refr.Period.Pos(), "refractory period must not be negative, found %s", fmtQty(v))
			} else {
				u.Refractory = v.node
			}
		}
	}
	m.ok = len(c.errs) == nerr
}

type scopeKind uint8

const (
	scopeParam    scopeKind = iota // params (earlier ones only)
	scopeInit                      // initial values: params, states (initial), lets
	scopeDynamics                  // everything: params, inputs, states, lets, t
)

// modelScope returns the name resolution of one part of a model.
func (c *checker) modelScope(m *model, what string, k scopeKind) *scope {
	s := &scope{c: c, g: m.unit.G, what: what}
	s.resolve = func(id *Ident) (val, bool) {
		name := id.Name
		kind, declared := m.kindOf[name]
		if !declared {
			if name == "t" && k == scopeDynamics {
				return val{kind: kQty, dim: units.Time, node: m.unit.T(), unit: "s"}, true
			}
			if name == "t" {
				c.errorf(id.Pos(), "%s cannot use time t (t exists only while the network runs: use it in equations, lets, the spike condition or resets)", what)
				return bad, true
			}
			return val{}, false
		}
		switch kind {
		case "param":
			if i := m.order[name]; i >= m.curParam {
				if k == scopeParam && i == m.curParam {
					c.errorf(id.Pos(), "param %s refers to itself", name)
				} else {
					c.errorf(id.Pos(), "%s refers to param %s, which is declared later; params may use only earlier params", what, name)
				}
				return bad, true
			}
			v := m.paramVal[name]
			if v.kind == kBad {
				return bad, true
			}
			return val{kind: kQty, dim: v.dim, node: m.unit.P(name), unit: v.unit}, true
		case "input":
			if k != scopeDynamics {
				c.errorf(id.Pos(), "%s cannot use input %s (inputs exist only while the network runs)", what, name)
				return bad, true
			}
			v, ok := m.inputVal[name]
			if !ok || v.kind == kBad {
				return bad, true
			}
			return v, true
		case "state":
			if k == scopeParam {
				c.errorf(id.Pos(), "%s cannot depend on state %s", what, name)
				return bad, true
			}
			v := c.stateInit(m, name)
			if v.kind == kBad {
				return bad, true
			}
			return val{kind: kQty, dim: v.dim, node: m.unit.S(name), unit: v.unit}, true
		case "let":
			if k == scopeParam {
				c.errorf(id.Pos(), "%s cannot depend on let %s (lets may depend on states)", what, name)
				return bad, true
			}
			return c.letValue(m, name), true
		}
		return val{}, false
	}
	return s
}

// stateInit checks a state's initial value (once) and returns it; its
// dimension is the state's.
func (c *checker) stateInit(m *model, name string) val {
	if v, ok := m.stateVal[name]; ok {
		return v
	}
	st := m.states[name]
	if m.stBusy[name] {
		c.errorf(st.Name.Pos(), "the initial value of %s depends on %s itself", name, name)
		m.stateVal[name] = bad
		return bad
	}
	m.stBusy[name] = true
	s := c.modelScope(m, "the initial value of "+name, scopeInit)
	v := s.qty(st.Init)
	m.stBusy[name] = false
	if v.unit == "" {
		v.unit = v.dim.String()
	}
	if prev, ok := m.stateVal[name]; ok { // set by a cycle report
		return prev
	}
	m.stateVal[name] = v
	return v
}

// checkInitDeps checks that an initial value uses only earlier states.
func (c *checker) checkInitDeps(m *model, st *StateDecl, node ir.NodeID) {
	me := m.order[st.Name.Name]
	reported := map[string]bool{}
	m.unit.G.Walk(node, func(_ ir.NodeID, n ir.Node) {
		if (n.Op == ir.OpInput || n.Op == ir.OpTime) && !reported["@"+n.Name] {
			reported["@"+n.Name] = true
			what := "input " + n.Name
			if n.Op == ir.OpTime {
				what = "time t"
			}
			c.errorf(st.Init.Pos(), "the initial value of %s depends on %s (through a let); initial values may use params, lets and earlier states", st.Name.Name, what)
			return
		}
		if n.Op != ir.OpState || reported[n.Name] || n.Name == st.Name.Name {
			return
		}
		if m.order[n.Name] > me {
			reported[n.Name] = true
			c.errorf(st.Init.Pos(), "the initial value of %s uses state %s, which is declared later; initial values are computed in declaration order", st.Name.Name, n.Name)
		}
	})
}

// letValue checks a let (once), detecting cycles.
func (c *checker) letValue(m *model, name string) val {
	if v, ok := m.letVal[name]; ok {
		return v
	}
	l := m.lets[name]
	if m.letBusy[name] {
		chain := []string{name}
		for i := len(m.letStack) - 1; i >= 0 && m.letStack[i] != name; i-- {
			chain = append(chain, m.letStack[i])
		}
		chain = append(chain, name)
		slices.Reverse(chain)
		c.errorf(l.Name.Pos(), "let %s is defined in terms of itself (a cycle of lets: %s)", name, strings.Join(chain, " -> "))
		m.letVal[name] = bad
		return bad
	}
	m.letBusy[name] = true
	m.letStack = append(m.letStack, name)
	s := c.modelScope(m, "let "+name, scopeDynamics)
	v := s.expr(l.Value)
	m.letStack = m.letStack[:len(m.letStack)-1]
	m.letBusy[name] = false
	if prev, ok := m.letVal[name]; ok {
		return prev
	}
	if v.kind != kQty && v.kind != kBad {
		if v.kind == kBool {
			c.errorf(l.Value.Pos(), "let %s is a condition; lets must be quantities (write the condition where it is used, e.g. in spike when)", name)
		} else {
			c.errorf(l.Value.Pos(), "let %s must be a quantity, found %s", name, kindWord(v.kind))
		}
		v = bad
	}
	m.letVal[name] = v
	return v
}

// aKind returns a declaration kind with its article: "a param", "an input".
func aKind(k string) string {
	if k != "" && strings.ContainsRune("aeiou", rune(k[0])) {
		return "an " + k
	}
	return "a " + k
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// isIntegral reports whether x is an integer that fits comfortably in an int.
func isIntegral(x float64, max float64) bool {
	return x == math.Trunc(x) && math.Abs(x) <= max
}

var _ = fmt.Sprintf
