package fpga

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"snnc/internal/fixed"
)

// TestArithMatchesGo runs every op of the integer program (every rounding,
// shift amounts and widths at their edges, LUTs with and without
// interpolation, operands at the int64 limits) through the C++ the
// generator emits and compares with fixed.Program.Eval, the Go definition
// of docs/fixed-point.md §2 and §4.
func TestArithMatchesGo(t *testing.T) {
	requireCXX(t)
	t.Parallel()
	rng := rand.New(rand.NewSource(1))
	edge := []int64{0, 1, -1, 2, -2, 3, -3, 7, 4095, 4096, -4097, 1<<31 - 1, -1 << 31, 1<<40 + 12345,
		-(1<<40 + 999), math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}
	random := func() int64 {
		switch rng.Intn(4) {
		case 0:
			return rng.Int63n(1<<13) - 1<<12
		case 1:
			return rng.Int63n(1<<33) - 1<<32
		case 2:
			return int64(rng.Uint64())
		}
		return edge[rng.Intn(len(edge))]
	}
	// Registers a, b, c (temporaries of a test program) and three tables.
	prog := &fixed.Program{Name: "arith", Spike: -1}
	for _, n := range []string{"a", "b", "c"} {
		prog.Regs = append(prog.Regs, fixed.Reg{Name: n, Kind: fixed.RegTemp, Type: fixed.I64})
	}
	interp := &fixed.LUT{Name: "li", Type: fixed.S(32, 0), X0: -1000, Shift: 6, Interp: true}
	for i := 0; i < 40; i++ {
		interp.Vals = append(interp.Vals, int64(math.Round(1e6*math.Sin(float64(i)/5))))
	}
	step := &fixed.LUT{Name: "ls", Type: fixed.S(16, 0), X0: 5, Shift: 0, Vals: []int64{-7, 3, 30000, -32768, 12}}
	one := &fixed.LUT{Name: "l1", Type: fixed.S(64, 0), X0: math.MinInt64 / 2, Shift: 62, Interp: true, Vals: []int64{math.MaxInt64 / 3}}
	prog.LUTs = []*fixed.LUT{interp, step, one}
	R, I := fixed.R, fixed.Imm
	type group struct {
		in   fixed.Instr
		vals [][3]int64
	}
	var groups []group
	add := func(op fixed.Op, rnd fixed.Round, lut int, nargs int, args ...fixed.Operand) {
		in := fixed.Instr{Op: op, Rnd: rnd, LUT: int32(lut)}
		copy(in.Args[:], args)
		var vals [][3]int64
		switch nargs {
		case 1:
			for _, a := range edge {
				vals = append(vals, [3]int64{a})
			}
		case 2:
			for _, a := range edge {
				for _, b := range edge {
					vals = append(vals, [3]int64{a, b})
				}
			}
		case 3:
			for k := 0; k < 400; k++ {
				vals = append(vals, [3]int64{random(), random(), random()})
			}
		}
		for k := 0; k < 60; k++ {
			vals = append(vals, [3]int64{random(), random(), random()})
		}
		groups = append(groups, group{in, vals})
	}
	for _, op := range []fixed.Op{fixed.OpMov, fixed.OpNeg, fixed.OpAbs} {
		add(op, fixed.Floor, -1, 1, R(0))
	}
	for _, op := range []fixed.Op{fixed.OpAdd, fixed.OpSub, fixed.OpMul, fixed.OpDiv, fixed.OpRem, fixed.OpMin, fixed.OpMax,
		fixed.OpDecay, fixed.OpGt, fixed.OpGe, fixed.OpLt, fixed.OpLe, fixed.OpEq, fixed.OpNe, fixed.OpAnd, fixed.OpOr, fixed.OpXor} {
		add(op, fixed.Floor, -1, 2, R(0), R(1))
	}
	// Immediate second operands (as the quantiser emits them).
	for _, v := range []int64{0, -1, 4096, 3, math.MinInt64} {
		add(fixed.OpDiv, fixed.Floor, -1, 1, R(0), I(v))
		add(fixed.OpRem, fixed.Floor, -1, 1, R(0), I(v))
	}
	for _, d := range []int64{0, 1, 2048, 4095, 4096} {
		add(fixed.OpDecay, fixed.Floor, -1, 1, R(0), I(d))
	}
	for _, rnd := range []fixed.Round{fixed.Floor, fixed.HalfUp, fixed.Trunc} {
		for _, s := range []int64{0, 1, 12, 29, 62} {
			add(fixed.OpMulSh, rnd, -1, 2, R(0), R(1), I(s))
			add(fixed.OpShr, rnd, -1, 1, R(0), I(s))
		}
	}
	for _, s := range []int64{0, 1, 31, 62} {
		add(fixed.OpShl, fixed.Floor, -1, 1, R(0), I(s))
	}
	for _, w := range []int64{1, 2, 8, 24, 32, 63, 64} {
		add(fixed.OpWrap, fixed.Floor, -1, 1, R(0), I(w))
	}
	add(fixed.OpClamp, fixed.Floor, -1, 3, R(0), R(1), R(2))
	add(fixed.OpClamp, fixed.Floor, -1, 1, R(0), I(-8388607), I(8388607))
	add(fixed.OpSel, fixed.Floor, -1, 3, R(0), R(1), R(2))
	for l, t := range prog.LUTs {
		g := group{in: fixed.Instr{Op: fixed.OpLut, LUT: int32(l), Args: [3]fixed.Operand{R(0)}}}
		for i := -2; i < len(t.Vals)+2; i++ {
			x := t.X0 + int64(i)<<t.Shift
			for _, dx := range []int64{0, 1, -1, 17, 1<<t.Shift - 1} {
				g.vals = append(g.vals, [3]int64{x + dx})
			}
		}
		for _, x := range edge {
			g.vals = append(g.vals, [3]int64{x})
		}
		groups = append(groups, g)
	}
	if err := prog.Verify(); err != nil {
		// Verify checks only the structure the groups share; each group's
		// instruction is checked below.
		t.Fatal(err)
	}

	var src bytes.Buffer
	src.WriteString("#include <cstdio>\n#include \"snnc_common.h\"\n\n")
	for l, tb := range prog.LUTs {
		fmt.Fprintf(&src, "static const int64_t tab%d[] = {", l)
		for i, v := range tb.Vals {
			if i > 0 {
				src.WriteString(", ")
			}
			src.WriteString(lit(v))
		}
		src.WriteString("};\n")
	}
	src.WriteString("\nint main() {\n")
	var want []string
	regs := []string{"a", "b", "c"}
	lutExpr := func(l int, x string) string {
		tb := prog.LUTs[l]
		return fmt.Sprintf("snnc::lut<%d, %d, %v>(tab%d, %s, %s)", len(tb.Vals), tb.Shift, tb.Interp, l, paren(lit(tb.X0)), x)
	}
	for gi, g := range groups {
		p := *prog
		p.Code = []fixed.Instr{g.in}
		p.Code[0].Dst = 0
		if err := p.Verify(); err != nil {
			t.Fatalf("group %d: %v", gi, err)
		}
		expr, err := instrExpr(&g.in, regs, lutExpr)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 3; k++ {
			fmt.Fprintf(&src, "    static const int64_t g%d_%s[] = {", gi, regs[k])
			for i, v := range g.vals {
				if i > 0 {
					src.WriteString(", ")
				}
				src.WriteString(lit(v[k]))
			}
			src.WriteString("};\n")
		}
		fmt.Fprintf(&src, "    for (unsigned i = 0; i < %d; ++i) {\n", len(g.vals))
		fmt.Fprintf(&src, "        const snnc::word a = g%d_a[i], b = g%d_b[i], c = g%d_c[i];\n", gi, gi, gi)
		src.WriteString("        (void)a; (void)b; (void)c;\n")
		fmt.Fprintf(&src, "        std::printf(\"%%lld\\n\", (long long)(%s));\n    }\n", expr)
		for _, v := range g.vals {
			r := []int64{v[0], v[1], v[2]}
			want = append(want, fmt.Sprintf("%d\t%s\t%v", p.Eval(&p.Code[0], r), expr, v))
		}
	}
	src.WriteString("    return 0;\n}\n")

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "arith.cpp"), src.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cxx, _ := FindCompiler()
	inc, _ := filepath.Abs("cpp")
	args := append(append([]string{}, CXXFlags...), "-I"+inc, "-o", "arith", "arith.cpp")
	cmd := exec.CommandContext(context.Background(), cxx, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(dir, "arith")).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	bad := 0
	for i, w := range want {
		f := strings.SplitN(w, "\t", 3)
		if got[i] != f[0] {
			if bad < 10 {
				v, _ := strconv.ParseInt(got[i], 10, 64)
				t.Errorf("%s with (a, b, c) = %s: C++ %d, Go %s", f[1], f[2], v, f[0])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d cases differ", bad, len(want))
	}
	t.Logf("%d cases in %d groups", len(want), len(groups))
}
