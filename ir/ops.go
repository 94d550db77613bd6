package ir

import "math"

// Op is the operation of an expression node. All ops are described by one
// table, opTable; add an op by adding a constant and a table row.
type Op uint8

const (
	OpInvalid Op = iota

	// Leaves.
	OpConst // Val: a float64 in SI units (never NaN/Inf in a verified module)
	OpParam // Name: a parameter of the unit
	OpState // Name: a state of the unit (its value at the start of the step)
	OpInput // Name: an input of the unit (the sum delivered this step)
	OpTime  // simulation time t in seconds (unit graphs only)
	OpIndex // neuron index i within its population (network graphs only)

	// Random draws (network graphs only; never hash-consed, never folded).
	OpUniform // uniform(a, b): uniform on [a, b)
	OpNormal  // normal(mean, sd)

	// Arithmetic.
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpNeg
	OpPow

	// Elementary functions.
	OpExp
	OpLog
	OpSqrt
	OpSin
	OpCos
	OpTanh
	OpAbs
	OpMin
	OpMax
	OpExprel // (exp(x)-1)/x, 1 at x = 0

	// Comparisons and logic: results are 0 or 1; any nonzero is true.
	OpLt
	OpGt
	OpLe
	OpGe
	OpEq
	OpNe
	OpAnd
	OpOr
	OpNot
	OpSelect // select(c, a, b): a if c is true (nonzero), else b

	numOps
)

// Cost is an op's cost class, used by cost reports (FLOP counts).
type Cost uint8

const (
	CostNone Cost = iota // leaves: free
	CostAdd              // add, sub, neg, abs, min, max
	CostMul              // mul
	CostDiv              // div
	CostExp              // transcendentals: exp, log, pow, sqrt, sin, …
	CostCmp              // comparisons, logic, select
)

var costNames = [...]string{"none", "add", "mul", "div", "exp", "cmp"}

func (c Cost) String() string {
	if int(c) < len(costNames) {
		return costNames[c]
	}
	return "cost?"
}

// OpInfo describes an op.
type OpInfo struct {
	Name        string // text form
	Arity       int    // number of arguments (fixed)
	Commutative bool   // f(a, b) == f(b, a)
	Cost        Cost
	Leaf        bool                      // const, refs, time, index
	Random      bool                      // a random draw: never hash-consed or folded
	UnitOnly    bool                      // allowed only in unit graphs
	NetworkOnly bool                      // allowed only in network graphs
	Eval        func(a []float64) float64 // pure ops only; nil for leaves and random ops
}

var opTable = [...]OpInfo{
	OpInvalid: {Name: "invalid"},

	OpConst: {Name: "const", Leaf: true},
	OpParam: {Name: "param", Leaf: true, UnitOnly: true},
	OpState: {Name: "state", Leaf: true, UnitOnly: true},
	OpInput: {Name: "input", Leaf: true, UnitOnly: true},
	OpTime:  {Name: "time", Leaf: true, UnitOnly: true},
	OpIndex: {Name: "index", Leaf: true, NetworkOnly: true},

	OpUniform: {Name: "uniform", Arity: 2, Random: true, NetworkOnly: true},
	OpNormal:  {Name: "normal", Arity: 2, Random: true, NetworkOnly: true},

	OpAdd: {Name: "add", Arity: 2, Commutative: true, Cost: CostAdd, Eval: func(a []float64) float64 { return a[0] + a[1] }},
	OpSub: {Name: "sub", Arity: 2, Cost: CostAdd, Eval: func(a []float64) float64 { return a[0] - a[1] }},
	OpMul: {Name: "mul", Arity: 2, Commutative: true, Cost: CostMul, Eval: func(a []float64) float64 { return a[0] * a[1] }},
	OpDiv: {Name: "div", Arity: 2, Cost: CostDiv, Eval: func(a []float64) float64 { return a[0] / a[1] }},
	OpNeg: {Name: "neg", Arity: 1, Cost: CostAdd, Eval: func(a []float64) float64 { return -a[0] }},
	OpPow: {Name: "pow", Arity: 2, Cost: CostExp, Eval: func(a []float64) float64 { return math.Pow(a[0], a[1]) }},

	OpExp:    {Name: "exp", Arity: 1, Cost: CostExp, Eval: func(a []float64) float64 { return math.Exp(a[0]) }},
	OpLog:    {Name: "log", Arity: 1, Cost: CostExp, Eval: func(a []float64) float64 { return math.Log(a[0]) }},
	OpSqrt:   {Name: "sqrt", Arity: 1, Cost: CostExp, Eval: func(a []float64) float64 { return math.Sqrt(a[0]) }},
	OpSin:    {Name: "sin", Arity: 1, Cost: CostExp, Eval: func(a []float64) float64 { return math.Sin(a[0]) }},
	OpCos:    {Name: "cos", Arity: 1, Cost: CostExp, Eval: func(a []float64) float64 { return math.Cos(a[0]) }},
	OpTanh:   {Name: "tanh", Arity: 1, Cost: CostExp, Eval: func(a []float64) float64 { return math.Tanh(a[0]) }},
	OpAbs:    {Name: "abs", Arity: 1, Cost: CostAdd, Eval: func(a []float64) float64 { return math.Abs(a[0]) }},
	OpMin:    {Name: "min", Arity: 2, Commutative: true, Cost: CostAdd, Eval: func(a []float64) float64 { return math.Min(a[0], a[1]) }},
	OpMax:    {Name: "max", Arity: 2, Commutative: true, Cost: CostAdd, Eval: func(a []float64) float64 { return math.Max(a[0], a[1]) }},
	OpExprel: {Name: "exprel", Arity: 1, Cost: CostExp, Eval: func(a []float64) float64 { return Exprel(a[0]) }},

	OpLt:     {Name: "lt", Arity: 2, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] < a[1]) }},
	OpGt:     {Name: "gt", Arity: 2, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] > a[1]) }},
	OpLe:     {Name: "le", Arity: 2, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] <= a[1]) }},
	OpGe:     {Name: "ge", Arity: 2, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] >= a[1]) }},
	OpEq:     {Name: "eq", Arity: 2, Commutative: true, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] == a[1]) }},
	OpNe:     {Name: "ne", Arity: 2, Commutative: true, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] != a[1]) }},
	OpAnd:    {Name: "and", Arity: 2, Commutative: true, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] != 0 && a[1] != 0) }},
	OpOr:     {Name: "or", Arity: 2, Commutative: true, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] != 0 || a[1] != 0) }},
	OpNot:    {Name: "not", Arity: 1, Cost: CostCmp, Eval: func(a []float64) float64 { return b2f(a[0] == 0) }},
	OpSelect: {Name: "select", Arity: 3, Cost: CostCmp, Eval: selectEval},
}

func selectEval(a []float64) float64 {
	if a[0] != 0 {
		return a[1]
	}
	return a[2]
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// opByName maps text names to ops (built from opTable).
var opByName = func() map[string]Op {
	m := make(map[string]Op, numOps)
	for op := Op(1); op < numOps; op++ {
		m[opTable[op].Name] = op
	}
	return m
}()

// Info returns the op's table entry. An invalid op gets the "invalid" row.
func (op Op) Info() *OpInfo {
	if op >= numOps {
		return &opTable[OpInvalid]
	}
	return &opTable[op]
}

// String returns the op's text name.
func (op Op) String() string {
	if op >= numOps || op == OpInvalid {
		return "invalid"
	}
	return opTable[op].Name
}

// Valid reports whether op is a defined op (not OpInvalid).
func (op Op) Valid() bool { return op > OpInvalid && op < numOps }

// IsRef reports whether op names a declaration: param, state or input.
func (op Op) IsRef() bool { return op == OpParam || op == OpState || op == OpInput }

// LookupOp returns the op with the given text name.
func LookupOp(name string) (Op, bool) {
	op, ok := opByName[name]
	return op, ok
}

// Ops returns all valid ops in table order.
func Ops() []Op {
	ops := make([]Op, 0, numOps-1)
	for op := Op(1); op < numOps; op++ {
		ops = append(ops, op)
	}
	return ops
}

// Exprel returns (exp(x)-1)/x, with its limit 1 at x = 0. It is accurate
// for small |x| (computed as expm1(x)/x, no cancellation), is +Inf at +Inf
// and 0 at -Inf.
func Exprel(x float64) float64 {
	switch {
	case x == 0:
		return 1
	case math.IsInf(x, 1):
		return math.Inf(1)
	}
	return math.Expm1(x) / x
}
