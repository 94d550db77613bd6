// Package fixed is the executable definition of snnc's fixed-point
// semantics (docs/fixed-point.md, which is normative): the integer
// arithmetic, the backend-neutral integer update program that every
// fixed-point backend runs (the interpreter's fixed mode, the chip's
// microcode, the FPGA C++ and the CPU program), lookup tables, the Loihi 1
// CUBA-LIF datapath, and the quantised network.
package fixed

import "math"

// Round is the rounding of a right shift (docs/fixed-point.md §2.1).
type Round uint8

const (
	Floor  Round = iota // x >> s (arithmetic: toward −∞)
	HalfUp              // (x + 2^(s−1)) >> s
	Trunc               // toward zero: sign(x)·(|x| >> s)
	numRounds
)

var roundNames = [...]string{"flr", "rnd", "trz"}

func (r Round) String() string {
	if r < numRounds {
		return roundNames[r]
	}
	return "round?"
}

// Shr returns x shifted right by s (0 ≤ s ≤ 62) with rounding r.
func Shr(x int64, s uint, r Round) int64 {
	if s == 0 {
		return x
	}
	switch r {
	case HalfUp:
		return (x + 1<<(s-1)) >> s
	case Trunc:
		return (x + ((x >> 63) & (1<<s - 1))) >> s
	}
	return x >> s
}

// MulSh returns the low 64 bits of a·b shifted right by s with rounding r.
func MulSh(a, b int64, s uint, r Round) int64 { return Shr(a*b, s, r) }

// Decay is Loihi's 12-bit decay: sign(x)·((|x|·(4096 − d)) >> 12), the
// magnitude truncated toward zero (d in 0..4096).
func Decay(x, d int64) int64 { return Shr(x*(4096-d), 12, Trunc) }

// Wrap returns the low w bits of x, sign-extended (1 ≤ w ≤ 64).
func Wrap(x int64, w uint) int64 {
	if w >= 64 {
		return x
	}
	return x << (64 - w) >> (64 - w)
}

// WrapU returns the low w bits of x, zero-extended (1 ≤ w ≤ 64).
func WrapU(x int64, w uint) int64 {
	if w >= 64 {
		return x
	}
	return int64(uint64(x) & (1<<w - 1))
}

// Clamp returns min(max(x, lo), hi).
func Clamp(x, lo, hi int64) int64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// Div is integer division truncated toward zero, with Div(a, 0) = 0 and
// Div(MinInt64, −1) = MinInt64.
func Div(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	if b == -1 {
		return -a // wraps for MinInt64
	}
	return a / b
}

// Rem is a − b·Div(a, b): the sign of a; Rem(a, 0) = a.
func Rem(a, b int64) int64 {
	if b == 0 {
		return a
	}
	if b == -1 {
		return 0
	}
	return a % b
}

// Abs returns |x| (MinInt64 for MinInt64).
func Abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// MinOf and MaxOf are the range of a signed w-bit integer.
func MinOf(w uint) int64 { return -1 << (w - 1) }

// MaxOf returns 2^(w−1) − 1.
func MaxOf(w uint) int64 { return 1<<(w-1) - 1 }

// RoundHalfAway rounds a float64 to the nearest integer, halves away from
// zero (math.Round), saturating at the int64 range; NaN gives 0. It is the
// one float → integer conversion the compiler uses for data (weights,
// initial values, LUT entries, stimuli).
func RoundHalfAway(x float64) int64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x >= 9.2233720368547748e18:
		return math.MaxInt64
	case x <= -9.2233720368547758e18:
		return math.MinInt64
	}
	return int64(math.Round(x))
}
