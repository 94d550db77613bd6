package cpu

// The functions the generated code calls for transcendental ops, per
// ExpImpl (docs/cpu.md §exp):
//
//   - ExpFast: the interpreter's own algorithm (interp/fastexp.go) emitted
//     inline as straight-line IR, so the loop vectorizer widens it (the
//     32-entry table becomes a gather) and the results equal the
//     interpreter's bit for bit for arguments in (−708, 709). Outside that
//     range (and for NaN) glibc's exp/expm1 are used, through a "slow"
//     function with vector variants that returns at once when no lane is
//     out of range.
//   - ExpMvec: glibc's exp/expm1, declared with their libmvec vector
//     variants (_ZGVeN8v_exp, _ZGVdN4v_exp, _ZGVbN2v_exp, …) so that the
//     vectorizer calls the vector functions; opt also gets
//     -vector-library=LIBMVEC-X86.
//   - ExpLibm: glibc's scalar exp/expm1 (no vector variants).

import (
	"fmt"
	"math"
	"strings"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"
)

// Constants of interp/fastexp.go (the same literals, so the same float64
// values).
const (
	expInvLn2  = 1.4426950408889634     // 1/ln2
	expLn2Hi   = 0.6931471805599453     // ln2 rounded
	expLn2Lo   = 2.3190468138462996e-17 // ln2 − expLn2Hi
	expShifter = 6755399441055744.0     // 1.5·2^52: adding it rounds to an integer
	expLoLimit = -708.0
	expHiLimit = 709.0
)

// expCoef are the Taylor coefficients 1/n!, n = 2 … 13.
var expCoef = [...]float64{
	0.5, 0.16666666666666666, 0.041666666666666664, 0.008333333333333333,
	0.001388888888888889, 0.0001984126984126984, 2.48015873015873e-05, 2.7557319223985893e-06,
	2.755731922398589e-07, 2.505210838544172e-08, 2.08767569878681e-09, 1.6059043836821613e-10,
}

// mathlib creates, on first use, the module-level functions of the math
// ops.
type mathlib struct {
	m        *ir.Module
	impl     ExpImpl
	fns      map[string]*ir.Func
	used     []constant.Constant // functions only referenced by vector-variant attributes
	variants map[string]ir.AttrPair
}

func newMathlib(m *ir.Module, impl ExpImpl) *mathlib {
	return &mathlib{m: m, impl: impl, fns: map[string]*ir.Func{}, variants: map[string]ir.AttrPair{}}
}

// pure are the attributes of a declared math function.
var pureAttrs = []ir.FuncAttribute{enum.FuncAttrNoUnwind, enum.FuncAttrReadNone, enum.FuncAttrWillReturn}

// decl declares (once) an external function double(double…) or returns
// the existing declaration.
func (l *mathlib) decl(name string, ret types.Type, params ...types.Type) *ir.Func {
	if f, ok := l.fns[name]; ok {
		return f
	}
	var ps []*ir.Param
	for i, t := range params {
		ps = append(ps, ir.NewParam(fmt.Sprintf("a%d", i), t))
	}
	f := l.m.NewFunc(name, ret, ps...)
	l.fns[name] = f
	return f
}

// libm declares a pure libm function of one double.
func (l *mathlib) libm(name string) *ir.Func {
	if f, ok := l.fns[name]; ok {
		return f
	}
	f := l.decl(name, tF64, tF64)
	f.FuncAttrs = append(f.FuncAttrs, pureAttrs...)
	return f
}

// intrinsic declares llvm.NAME.f64.
func (l *mathlib) intrinsic(name string, n int) *ir.Func {
	ps := make([]types.Type, n)
	for i := range ps {
		ps[i] = tF64
	}
	return l.decl("llvm."+name+".f64", tF64, ps...)
}

// mvecWidths are the libmvec variants: ISA letter (b SSE4, d AVX2, e
// AVX-512) and lanes, widest first.
var mvecWidths = []struct {
	isa   string
	lanes int
}{{"e", 8}, {"d", 4}, {"b", 2}}

// vectorVariantAttr is the call-site attribute that tells the loop
// vectorizer the vector variants of scalar function name (VFABI).
func vectorVariantAttr(name string, variants map[int]string) ir.AttrPair {
	var parts []string
	for _, w := range mvecWidths {
		if v, ok := variants[w.lanes]; ok {
			parts = append(parts, fmt.Sprintf("_ZGV_LLVM_N%dv_%s(%s)", w.lanes, name, v))
		}
	}
	return ir.AttrPair{Key: "vector-function-abi-variant", Value: strings.Join(parts, ",")}
}

// mvecCall calls glibc's NAME (exp or expm1) with its libmvec variants.
func (l *mathlib) mvecCall(blk *ir.Block, name string, x value.Value) value.Value {
	f := l.libm(name)
	variants := map[int]string{}
	for _, w := range mvecWidths {
		vn := fmt.Sprintf("_ZGV%sN%dv_%s", w.isa, w.lanes, name)
		vt := types.NewVector(uint64(w.lanes), tF64)
		if _, ok := l.fns[vn]; !ok {
			vf := l.decl(vn, vt, vt)
			vf.FuncAttrs = append(vf.FuncAttrs, pureAttrs...)
			l.used = append(l.used, vf)
		}
		variants[w.lanes] = vn
	}
	c := blk.NewCall(f, x)
	c.FuncAttrs = append(c.FuncAttrs, vectorVariantAttr(name, variants))
	return c
}

// exp returns e^x.
func (l *mathlib) exp(blk *ir.Block, x value.Value) value.Value {
	switch l.impl {
	case ExpMvec:
		return l.mvecCall(blk, "exp", x)
	case ExpLibm:
		return blk.NewCall(l.libm("exp"), x)
	}
	return blk.NewCall(l.fast("exp"), x)
}

// expm1 returns e^x − 1.
func (l *mathlib) expm1(blk *ir.Block, x value.Value) value.Value {
	switch l.impl {
	case ExpMvec:
		return l.mvecCall(blk, "expm1", x)
	case ExpLibm:
		return blk.NewCall(l.libm("expm1"), x)
	}
	return blk.NewCall(l.fast("expm1"), x)
}

// exprel returns (e^x − 1)/x with the interpreter's special cases: 1 at
// x = 0, +Inf at +Inf.
func (l *mathlib) exprel(blk *ir.Block, x value.Value) value.Value {
	e := l.expm1(blk, x)
	q := blk.NewFDiv(e, x)
	isInf := blk.NewFCmp(enum.FPredOEQ, x, f64(posInf))
	r := blk.NewSelect(isInf, f64(posInf), q)
	isZero := blk.NewFCmp(enum.FPredOEQ, x, f64(0))
	return blk.NewSelect(isZero, f64(1), r)
}

// fast returns the inline fast function ("exp" or "expm1"): straight-line
// code computing interp's fexp / fexpm1 (interp/fastexp.go) for every x —
// every multiply–add fused (llvm.fma, exactly rounded on every machine) —
// with the lanes outside (expLoLimit, expHiLimit) taken from the slow
// function:
//
//	z = fma(x, 1/ln2, shifter); k = bits(z) − bits(shifter); kf = z − shifter
//	r = fma(−kf, ln2hi, x); r = fma(−kf, ln2lo, r)
//	p = fma(…fma(fma(c13, r, c12), r, c11)…, r, c2); q = fma(p, r·r, r)
//	s = 2^k;  exp = fma(s, q, s),  expm1 = fma(s, q, s − 1)
func (l *mathlib) fast(kind string) *ir.Func {
	name := "snnc.fast." + kind
	if f, ok := l.fns[name]; ok {
		return f
	}
	x := ir.NewParam("x", tF64)
	f := l.m.NewFunc(name, tF64, x)
	f.Linkage = enum.LinkageInternal
	f.FuncAttrs = append(f.FuncAttrs, enum.FuncAttrAlwaysInline, enum.FuncAttrNoUnwind, enum.FuncAttrReadNone, enum.FuncAttrWillReturn)
	l.fns[name] = f
	fma := l.intrinsic("fma", 3)
	b := newFB(f)
	c := b.cur
	z := c.NewCall(fma, x, f64(expInvLn2), f64(expShifter))
	k := c.NewSub(c.NewBitCast(z, tI64), i64(int64(f64bits(expShifter))))
	kf := c.NewFSub(z, f64(expShifter))
	nkf := c.NewFNeg(kf)
	r := c.NewCall(fma, nkf, f64(expLn2Hi), x)
	r = c.NewCall(fma, nkf, f64(expLn2Lo), r)
	n := len(expCoef)
	var p value.Value = c.NewCall(fma, f64(expCoef[n-1]), r, f64(expCoef[n-2]))
	for i := n - 3; i >= 0; i-- {
		p = c.NewCall(fma, p, r, f64(expCoef[i]))
	}
	q := c.NewCall(fma, p, c.NewFMul(r, r), r)
	s := c.NewBitCast(c.NewShl(c.NewAdd(k, i64(1023)), i64(52)), tF64)
	var fast value.Value
	if kind == "exp" {
		fast = c.NewCall(fma, s, q, s)
	} else {
		fast = c.NewCall(fma, s, q, c.NewFSub(s, f64(1)))
	}
	in := c.NewAnd(c.NewFCmp(enum.FPredOGT, x, f64(expLoLimit)), c.NewFCmp(enum.FPredOLT, x, f64(expHiLimit)))
	slow := l.slowCall(c, kind, x)
	c.NewRet(c.NewSelect(in, fast, slow))
	return f
}

// slowCall calls the slow path of kind: glibc's function for x outside
// (expLoLimit, expHiLimit) or NaN, anything (0) inside. The call carries
// vector variants that return at once when every lane is inside, so the
// vectorized loop pays one compare and branch per vector.
func (l *mathlib) slowCall(blk *ir.Block, kind string, x value.Value) value.Value {
	name := "snnc.slow." + kind
	f, ok := l.fns[name]
	if !ok {
		f = l.slowFunc(name, kind, 1)
		variants := map[int]string{}
		for _, w := range mvecWidths {
			vf := l.slowFunc(fmt.Sprintf("%s.v%d", name, w.lanes), kind, w.lanes)
			l.used = append(l.used, vf)
			variants[w.lanes] = vf.Name()
		}
		l.variants[name] = vectorVariantAttr(name, variants)
	}
	c := blk.NewCall(f, x)
	c.FuncAttrs = append(c.FuncAttrs, l.variants[name])
	return c
}

// slowFunc defines the slow path over `lanes` lanes (1: scalar).
func (l *mathlib) slowFunc(name, kind string, lanes int) *ir.Func {
	var t types.Type = tF64
	if lanes > 1 {
		t = types.NewVector(uint64(lanes), tF64)
	}
	x := ir.NewParam("x", t)
	f := l.m.NewFunc(name, t, x)
	f.Linkage = enum.LinkageInternal
	// The scalar function stays a call (a rare path in scalar code). The
	// vector variants are called only from vectorised loops, which exist
	// only after the O3 inliner ran; the driver's extra always-inline pass
	// then inlines them, so that the in-range test is a compare and a
	// branch in the loop and the glibc calls sit in a cold block, instead
	// of a call that spills the vector registers.
	inl := enum.FuncAttrNoInline
	if lanes > 1 {
		inl = enum.FuncAttrAlwaysInline
	}
	f.FuncAttrs = append(f.FuncAttrs, inl, enum.FuncAttrNoUnwind, enum.FuncAttrReadNone, enum.FuncAttrWillReturn)
	l.fns[name] = f
	libf := l.libm(kind)
	b := newFB(f)
	c := b.cur
	splat := func(v float64) constant.Constant {
		if lanes == 1 {
			return f64(v)
		}
		es := make([]constant.Constant, lanes)
		for i := range es {
			es[i] = f64(v)
		}
		return constant.NewVector(t.(*types.VectorType), es...)
	}
	in := c.NewAnd(c.NewFCmp(enum.FPredOGT, x, splat(expLoLimit)), c.NewFCmp(enum.FPredOLT, x, splat(expHiLimit)))
	var all value.Value = in
	if lanes > 1 {
		it := types.NewInt(uint64(lanes))
		all = c.NewICmp(enum.IPredEQ, c.NewBitCast(in, it), constant.NewInt(it, -1))
	}
	fast := b.block("inrange")
	slow := b.block("slow")
	c.NewCondBr(all, fast, slow)
	fast.NewRet(splat(0))
	if lanes == 1 {
		slow.NewRet(slow.NewCall(libf, x))
		return f
	}
	var v value.Value = x
	for i := 0; i < lanes; i++ {
		e := slow.NewExtractElement(x, i32(int64(i)))
		v = slow.NewInsertElement(v, slow.NewCall(libf, e), i32(int64(i)))
	}
	slow.NewRet(v)
	return f
}

// finish records the functions referenced only by attributes in
// @llvm.compiler.used, so that they survive until the vectorizer runs.
func (l *mathlib) finish() {
	if len(l.used) == 0 {
		return
	}
	elems := make([]constant.Constant, len(l.used))
	for i, f := range l.used {
		elems[i] = constant.NewBitCast(f, tI8p)
	}
	g := l.m.NewGlobalDef("llvm.compiler.used", constant.NewArray(arrayOf(len(elems), tI8p), elems...))
	g.Linkage = enum.LinkageAppending
	g.Section = "llvm.metadata"
}

// powi returns x^n by repeated multiplication, left to right (interp's
// powi): x^0 = 1, x^3 = (x·x)·x, x^−n = 1/x^n.
func powi(blk *ir.Block, x value.Value, n int) value.Value {
	if n == 0 {
		return f64(1)
	}
	neg := n < 0
	if neg {
		n = -n
	}
	r := x
	for i := 1; i < n; i++ {
		r = blk.NewFMul(r, x)
	}
	if neg {
		return blk.NewFDiv(f64(1), r)
	}
	return r
}

// powf returns the function snnc.powf(x, y) = interp's powf: x^y by
// multiplication when y is an integer with |y| ≤ 16, else libm pow.
func (l *mathlib) powf() *ir.Func {
	const name = "snnc.powf"
	if f, ok := l.fns[name]; ok {
		return f
	}
	x, y := ir.NewParam("x", tF64), ir.NewParam("y", tF64)
	f := l.m.NewFunc(name, tF64, x, y)
	f.Linkage = enum.LinkageInternal
	f.FuncAttrs = append(f.FuncAttrs, enum.FuncAttrNoUnwind, enum.FuncAttrReadNone, enum.FuncAttrWillReturn)
	l.fns[name] = f
	pow := l.decl("pow", tF64, tF64, tF64)
	pow.FuncAttrs = append(pow.FuncAttrs, pureAttrs...)
	b := newFB(f)
	c := b.cur
	// n := int(y); integer iff float64(n) == y and −16 ≤ n ≤ 16 (a y
	// outside the int64 range is not an integer that small anyway).
	inRange := c.NewAnd(c.NewFCmp(enum.FPredOGE, y, f64(-maxPowI)), c.NewFCmp(enum.FPredOLE, y, f64(maxPowI)))
	small := b.block("small")
	general := b.block("general")
	c.NewCondBr(inRange, small, general)
	general.NewRet(general.NewCall(pow, x, y))
	b.cur = small
	n := small.NewFPToSI(y, tI64)
	isInt := small.NewFCmp(enum.FPredOEQ, small.NewSIToFP(n, tF64), y)
	intB := b.block("int")
	small.NewCondBr(isInt, intB, general)
	// switch over n: one block per exponent.
	def := b.block("unreachable")
	def.NewUnreachable()
	var cases []*ir.Case
	for e := -maxPowI; e <= maxPowI; e++ {
		cb := b.block(fmt.Sprintf("pow%d", e))
		cb.NewRet(powi(cb, x, e))
		cases = append(cases, ir.NewCase(i64(int64(e)), cb))
	}
	intB.NewSwitch(n, def, cases...)
	return f
}

// maxPowI is interp's bound on integer exponents computed by multiplication.
const maxPowI = 16

var posInf = math.Inf(1)

func f64bits(v float64) uint64 { return math.Float64bits(v) }
