package loihi

import (
	"errors"

	"snnc/internal/fixed"
)

// FitWeights returns net with every projection's integer weights rounded
// to what a synapse holds (fixed.ChipWeightsInt: mantissa << exponent with
// the mantissa in 0..255, −255..0 or −128..127). Projections that already
// fit are kept (the same *fixed.Proj), and net itself is returned when
// nothing changes; changed counts the projections rounded.
//
// quantize emits chip-sized weights for every projection itself (by the
// same fixed.ChipWeights), so on a quantised network this is a check that
// changes nothing; it only rounds networks built by other means.
func FitWeights(net *fixed.Net) (*fixed.Net, int) {
	var out []*fixed.Proj
	changed := 0
	for _, q := range net.Projections {
		n := net.Inst.Projections[q.Index].NumSynapses()
		_, err := WeightFormatOf(q, n)
		var ee *WeightExpError
		if err == nil || errors.As(err, &ee) {
			// Fits, or needs an exponent the chip lacks: rounding the
			// mantissas cannot help (Map reports it).
			out = append(out, q)
			continue
		}
		nq := *q
		ws, shift, _ := fixed.ChipWeightsInt(q.Weights)
		nq.Weights = ws
		nq.Mant8, nq.WeightExp = true, shift-6
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
