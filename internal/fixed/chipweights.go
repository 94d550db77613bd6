package fixed

import "math"

// Synapse weight sign modes (docs/chip.md §3): the range of the 8-bit
// mantissa a synapse holds.
const (
	SignModeExc   = "excitatory" // 0..255
	SignModeInh   = "inhibitory" // −255..0
	SignModeMixed = "mixed"      // −128..127
)

// The range of a synapse's weight exponent on Loihi 1 (HARDWARE.md §1): the
// accumulator receives mant·2^(6+weight_exp) with WeightExpMin ≤ weight_exp ≤
// WeightExpMax. quantize keeps every projection inside it (the integer
// weights mant·2^shift have shift ≥ 0, so weight_exp ≥ −6 in practice), and
// the chip's mapper checks it (loihi.Limits).
const (
	WeightExpMin = -8
	WeightExpMax = 7
)

// ChipWeights rounds a projection's weights, given as real numbers of
// accumulator LSBs, to what a chip synapse holds (docs/fixed-point.md,
// "Synaptic weights"): every integer weight is mant·2^shift with one shift ≥
// 0 per projection and mant in the 8-bit range of the projection's sign
// mode — 0..255 when no weight is negative, −255..0 when none is positive,
// −128..127 otherwise. The shift is the smallest for which every rounded
// mantissa fits, so the largest |weight| keeps 8 (mixed: 7) significant
// bits; mantissas are w/2^shift rounded to nearest, halves away from zero.
func ChipWeights(ws []float64) (out []int64, shift int, mode string) {
	lo, hi := span(ws)
	mode = SignModeOf(ws)
	mlo, mhi := int64(0), int64(255)
	switch mode {
	case SignModeMixed:
		mlo, mhi = -128, 127
	case SignModeInh:
		mlo, mhi = -255, 0
	}
	mant := func(w float64, e int) int64 { return RoundHalfAway(w / math.Ldexp(1, e)) }
	for shift < 62 && (mant(hi, shift) > mhi || mant(lo, shift) < mlo) {
		shift++
	}
	out = make([]int64, len(ws))
	for i, w := range ws {
		out[i] = Clamp(mant(w, shift), mlo, mhi) << shift
	}
	return out, shift, mode
}

// ChipWeightsInt is ChipWeights for integer weights.
func ChipWeightsInt(ws []int64) (out []int64, shift int, mode string) {
	f := make([]float64, len(ws))
	for i, w := range ws {
		f[i] = float64(w)
	}
	return ChipWeights(f)
}

// SignModeOf returns the sign mode of a projection with weights ws.
func SignModeOf(ws []float64) string {
	lo, hi := span(ws)
	switch {
	case lo < 0 && hi > 0:
		return SignModeMixed
	case lo < 0:
		return SignModeInh
	}
	return SignModeExc
}

func span(ws []float64) (lo, hi float64) {
	for _, w := range ws {
		lo, hi = min(lo, w), max(hi, w)
	}
	return lo, hi
}
