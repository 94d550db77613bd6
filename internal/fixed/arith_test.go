package fixed

import (
	"math"
	"math/rand"
	"testing"
)

func TestShrRounding(t *testing.T) {
	cases := []struct {
		x    int64
		s    uint
		r    Round
		want int64
	}{
		{-3, 1, Floor, -2}, {3, 1, Floor, 1},
		{-3, 1, Trunc, -1}, {3, 1, Trunc, 1},
		{-5, 1, HalfUp, -2}, {5, 1, HalfUp, 3}, {-6, 2, HalfUp, -1}, {-7, 2, HalfUp, -2},
		{-4096, 12, Trunc, -1}, {-4095, 12, Trunc, 0}, {-4097, 12, Trunc, -1},
		{math.MinInt64, 62, Trunc, -2}, {math.MinInt64, 1, Floor, math.MinInt64 / 2},
		{7, 0, HalfUp, 7}, {-7, 0, Trunc, -7},
	}
	for _, c := range cases {
		if got := Shr(c.x, c.s, c.r); got != c.want {
			t.Errorf("Shr(%d, %d, %v) = %d, want %d", c.x, c.s, c.r, got, c.want)
		}
	}
	// Trunc is sign(x)·(|x| >> s); Floor is ⌊x/2^s⌋; HalfUp is ⌊x/2^s + ½⌋.
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 100000; i++ {
		x := rng.Int63n(1<<40) - 1<<39
		s := uint(rng.Intn(20))
		ax := x
		if ax < 0 {
			ax = -ax
		}
		tr := ax >> s
		if x < 0 {
			tr = -tr
		}
		if got := Shr(x, s, Trunc); got != tr {
			t.Fatalf("Trunc(%d, %d) = %d, want %d", x, s, got, tr)
		}
		f := math.Floor(float64(x) / math.Ldexp(1, int(s)))
		if got := Shr(x, s, Floor); float64(got) != f {
			t.Fatalf("Floor(%d, %d) = %d, want %g", x, s, got, f)
		}
		h := math.Floor(float64(x)/math.Ldexp(1, int(s)) + 0.5)
		if got := Shr(x, s, HalfUp); float64(got) != h {
			t.Fatalf("HalfUp(%d, %d) = %d, want %g", x, s, got, h)
		}
	}
}

func TestWrapDivRem(t *testing.T) {
	if Wrap(1<<23, 24) != -(1<<23) || Wrap(1<<24+5, 24) != 5 || Wrap(-(1<<23)-1, 24) != 1<<23-1 {
		t.Fatal("Wrap")
	}
	if WrapU(-1, 6) != 63 || WrapU(64, 6) != 0 {
		t.Fatal("WrapU")
	}
	if Div(7, 2) != 3 || Div(-7, 2) != -3 || Div(7, -2) != -3 || Div(5, 0) != 0 || Div(math.MinInt64, -1) != math.MinInt64 {
		t.Fatal("Div")
	}
	if Rem(7, 2) != 1 || Rem(-7, 2) != -1 || Rem(7, -2) != 1 || Rem(5, 0) != 5 || Rem(math.MinInt64, -1) != 0 {
		t.Fatal("Rem")
	}
	if RoundHalfAway(2.5) != 3 || RoundHalfAway(-2.5) != -3 || RoundHalfAway(math.NaN()) != 0 || RoundHalfAway(1e300) != math.MaxInt64 {
		t.Fatal("RoundHalfAway")
	}
}

func TestLUT(t *testing.T) {
	l := &LUT{Name: "t", Type: S(32, 0), X0: -100, Shift: 4, Interp: true, Vals: []int64{0, 160, 480, 480}}
	cases := map[int64]int64{
		-1000: 0, -100: 0, -92: 80, -84: 160, -76: 320, -68: 480, -52: 480, 1 << 40: 480,
		-91: 90, // 0 + (160·9) >> 4
	}
	for x, want := range cases {
		if got := l.At(x); got != want {
			t.Errorf("At(%d) = %d, want %d", x, got, want)
		}
	}
	// floor in interpolation of a decreasing segment
	d := &LUT{Name: "d", Type: S(32, 0), X0: 0, Shift: 2, Interp: true, Vals: []int64{0, -3}}
	if got := d.At(1); got != -1 { // (-3·1) >> 2 = floor(-0.75) = -1
		t.Errorf("decreasing At(1) = %d, want -1", got)
	}
	n := &LUT{Name: "n", Type: S(32, 0), X0: 0, Shift: 2, Vals: []int64{5, 7}}
	if n.At(3) != 5 || n.At(4) != 7 || n.At(-1) != 5 {
		t.Error("non-interpolating table")
	}
}

func TestProgramTextRoundTrip(t *testing.T) {
	for _, p := range []*Program{CubaLIFProgram("loihi_lif", false), CubaLIFProgram("lif", true), testProgram()} {
		if err := p.Verify(); err != nil {
			t.Fatal(err)
		}
		txt := p.Format()
		q, err := ParseProgram([]byte(txt))
		if err != nil {
			t.Fatalf("%v\n%s", err, txt)
		}
		if got := q.Format(); got != txt {
			t.Fatalf("round trip differs:\n%s\n---\n%s", txt, got)
		}
	}
}

func testProgram() *Program {
	b := NewBuilder("odd name")
	x := b.AddReg("x", RegState, S(32, 28), "V")
	a := b.AddReg("acc.I", RegAcc, S(32, 10), "")
	t0 := b.AddReg("t0", RegTemp, I64, "")
	l := b.AddLUT(&LUT{Name: "e", Type: S(32, 30), X0: -5, Shift: 3, Interp: true, Vals: []int64{1, -2, 3}, Comment: "exp(x)"})
	b.EmitLUT(t0, l, R(x))
	b.EmitR(OpMulSh, HalfUp, x, R(x), R(t0), Imm(30))
	b.EmitR(OpShr, Trunc, t0, R(a), Imm(3))
	b.Emit(OpAdd, x, R(x), R(t0))
	b.Emit(OpClamp, x, R(x), Imm(-1<<31), Imm(1<<31-1))
	b.Emit(OpGt, t0, R(x), Imm(12345))
	b.SetSpike(t0)
	return b.P
}

func TestVerifyCatches(t *testing.T) {
	p := testProgram()
	p.Code = append(p.Code, Instr{Op: OpShr, Dst: 1, Args: [3]Operand{R(0), R(0)}})
	p.Code = append(p.Code, Instr{Op: OpClamp, Dst: 0, Args: [3]Operand{R(0), Imm(5), Imm(1)}})
	err := p.Verify()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"writes acc register", "must be an immediate", "lo 5 > hi 1"} {
		if !contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
