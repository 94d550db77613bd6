package loihi

import (
	"math"

	"snnc/internal/fixed"
)

// FitWeights returns net with every projection's integer weights rounded
// to what a synapse holds: mantissa << exponent with the mantissa in 0..255
// (all weights ≥ 0), −255..0 (all ≤ 0) or −128..127 (mixed signs), the
// exponent the smallest that fits the largest |weight|. Projections that
// already fit are kept (the same *fixed.Proj), and net itself is returned
// when nothing changes; changed counts the projections rounded.
//
// It is a stopgap: the weights of the result differ from quantize's, so the
// chip then agrees bit for bit with the fixed-point reference run on the
// fitted network, not on quantize's. quantize should emit chip-sized
// weights itself (requested of the numerics engineer).
func FitWeights(net *fixed.Net) (*fixed.Net, int) {
	var out []*fixed.Proj
	changed := 0
	for _, q := range net.Projections {
		n := net.Inst.Projections[q.Index].NumSynapses()
		if _, err := WeightFormatOf(q, n); err == nil {
			out = append(out, q)
			continue
		}
		lo, hi := int64(0), int64(0)
		for _, w := range q.Weights {
			lo, hi = min(lo, w), max(hi, w)
		}
		mlo, mhi := int64(0), int64(255)
		switch {
		case lo < 0 && hi > 0:
			mlo, mhi = -128, 127
		case hi <= 0:
			mlo, mhi = -255, 0
		}
		e := 0
		for e < 62 && (roundShift(hi, e) > mhi || roundShift(lo, e) < mlo) {
			e++
		}
		nq := *q
		nq.Weights = make([]int64, len(q.Weights))
		for i, w := range q.Weights {
			nq.Weights[i] = fixed.Clamp(roundShift(w, e), mlo, mhi) << e
		}
		nq.Mant8, nq.WeightExp = false, 0
		out = append(out, &nq)
		changed++
	}
	if changed == 0 {
		return net, 0
	}
	nn := *net
	nn.Projections = out
	return &nn, changed
}

// roundShift returns w / 2^e rounded half away from zero.
func roundShift(w int64, e int) int64 {
	return fixed.RoundHalfAway(float64(w) / math.Ldexp(1, e))
}
