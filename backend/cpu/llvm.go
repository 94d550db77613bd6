package cpu

// Small helpers over github.com/llir/llvm: types, constants, a function
// builder with uniquely named blocks and values, and structured loops.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"
)

var (
	tF64  = types.Double
	tI64  = types.I64
	tI32  = types.I32
	tI16  = types.I16
	tI8   = types.I8
	tI1   = types.I1
	tVoid = types.Void
	tI8p  = types.NewPointer(types.I8)
	tI8pp = types.NewPointer(tI8p)
	tF64p = types.NewPointer(types.Double)
	tI64p = types.NewPointer(types.I64)
	tI32p = types.NewPointer(types.I32)
)

func f64(v float64) *constant.Float { return constant.NewFloat(tF64, v) }
func i64(v int64) *constant.Int     { return constant.NewInt(tI64, v) }
func i32(v int64) *constant.Int     { return constant.NewInt(tI32, v) }
func i8(v int64) *constant.Int      { return constant.NewInt(tI8, v) }
func i1(v bool) *constant.Int       { return constant.NewBool(v) }

// arrayOf returns the type [n x elem].
func arrayOf(n int, elem types.Type) *types.ArrayType { return types.NewArray(uint64(n), elem) }

// sanitize turns a name of the network into an LLVM identifier fragment.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteString("_" + strconv.FormatInt(int64(r), 16) + "_")
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// fb builds one function: it tracks the current block and gives blocks and
// values unique names (llir does not uniquify names).
type fb struct {
	f     *ir.Func
	cur   *ir.Block
	names map[string]int
}

func newFB(f *ir.Func) *fb {
	b := &fb{f: f, names: map[string]int{}}
	b.cur = b.block("entry")
	return b
}

func (b *fb) uniq(name string) string {
	n := b.names[name]
	b.names[name] = n + 1
	if n == 0 {
		return name
	}
	return name + "." + strconv.Itoa(n)
}

// block creates a new (empty) block; it does not make it current.
func (b *fb) block(name string) *ir.Block { return b.f.NewBlock(b.uniq(name)) }

// named gives v (an instruction) a unique name and returns it.
func (b *fb) named(v value.Value, name string) value.Value {
	if n, ok := v.(value.Named); ok {
		n.SetName(b.uniq(name))
	}
	return v
}

// gep returns &base[idx] for a pointer to an array global ([N x T]*) or a
// plain T* (elem is T).
func (b *fb) elemPtr(base value.Value, elem types.Type, idx value.Value) value.Value {
	if pt, ok := base.Type().(*types.PointerType); ok {
		if at, ok := pt.ElemType.(*types.ArrayType); ok {
			return b.cur.NewGetElementPtr(at, base, i64(0), idx)
		}
	}
	return b.cur.NewGetElementPtr(elem, base, idx)
}

func (b *fb) load(elem types.Type, base value.Value, idx value.Value) value.Value {
	return b.cur.NewLoad(elem, b.elemPtr(base, elem, idx))
}

func (b *fb) store(elem types.Type, v, base value.Value, idx value.Value) {
	b.cur.NewStore(v, b.elemPtr(base, elem, idx))
}

// loadG loads a scalar global.
func (b *fb) loadG(g *ir.Global) value.Value { return b.cur.NewLoad(g.ContentType, g) }

// loop emits `for i := lo; i < hi; i++ { body }` with loop-carried values
// (init gives their types and initial values; body returns their next
// values) and returns the carried values after the loop. The body may
// create blocks; the block current when it returns is the latch. A phi is
// created with its entry value only; the back edge is added after the body.
func (b *fb) loop(name string, lo, hi value.Value, init []value.Value, body func(i value.Value, acc []value.Value) []value.Value) []value.Value {
	pre := b.cur
	bodyB := b.block(name + ".body")
	exit := b.block(name + ".exit")
	pre.NewCondBr(pre.NewICmp(enum.IPredSLT, lo, hi), bodyB, exit)
	b.cur = bodyB
	iv := bodyB.NewPhi(ir.NewIncoming(lo, pre))
	iv.SetName(b.uniq(name + ".i"))
	phis := make([]*ir.InstPhi, len(init))
	acc := make([]value.Value, len(init))
	for j, v := range init {
		phis[j] = bodyB.NewPhi(ir.NewIncoming(v, pre))
		acc[j] = phis[j]
	}
	out := body(iv, acc)
	if len(out) != len(init) {
		panic(fmt.Sprintf("cpu: loop %s: body returned %d values for %d carried", name, len(out), len(init)))
	}
	latch := b.cur
	next := latch.NewAdd(iv, constant.NewInt(lo.Type().(*types.IntType), 1))
	iv.Incs = append(iv.Incs, ir.NewIncoming(next, latch))
	for j := range phis {
		phis[j].Incs = append(phis[j].Incs, ir.NewIncoming(out[j], latch))
	}
	latch.NewCondBr(latch.NewICmp(enum.IPredSLT, next, hi), bodyB, exit)
	b.cur = exit
	res := make([]value.Value, len(init))
	for j := range init {
		res[j] = exit.NewPhi(ir.NewIncoming(init[j], pre), ir.NewIncoming(out[j], latch))
	}
	return res
}

// ifThen emits `if cond { then }`.
func (b *fb) ifThen(name string, cond value.Value, then func()) {
	tb := b.block(name + ".then")
	done := b.block(name + ".end")
	b.cur.NewCondBr(cond, tb, done)
	b.cur = tb
	then()
	if b.cur.Term == nil {
		b.cur.NewBr(done)
	}
	b.cur = done
}

// call emits a call.
func (b *fb) call(f *ir.Func, args ...value.Value) *ir.InstCall {
	return b.cur.NewCall(f, args...)
}

// cstr is a module-level NUL-terminated string constant; it returns an i8*.
type strTab struct {
	m    *ir.Module
	strs map[string]*ir.Global
	n    int
}

func (t *strTab) get(s string) constant.Constant {
	g, ok := t.strs[s]
	if !ok {
		arr := constant.NewCharArrayFromString(s + "\x00")
		g = t.m.NewGlobalDef(fmt.Sprintf("snnc.str.%d", t.n), arr)
		t.n++
		g.Immutable = true
		g.Linkage = enum.LinkagePrivate
		g.UnnamedAddr = enum.UnnamedAddrUnnamedAddr
		t.strs[s] = g
	}
	return constant.NewGetElementPtr(g.ContentType, g, i64(0), i64(0))
}

// funcAttrs are the attributes of every function the backend defines.
func defAttrs(f *ir.Func, extra ...ir.FuncAttribute) {
	f.FuncAttrs = append(f.FuncAttrs, enum.FuncAttrNoUnwind)
	f.FuncAttrs = append(f.FuncAttrs, extra...)
}
