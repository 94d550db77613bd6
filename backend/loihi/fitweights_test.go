package loihi

import (
	"testing"

	"snnc/internal/fixed"
)

func TestFitWeights(t *testing.T) {
	_, net := mixedNet(t)
	if n2, c := FitWeights(net); c != 0 || n2 != net {
		t.Fatalf("weights that fit were changed (%d)", c)
	}
	// Widen one projection's weights beyond 8 bits, of mixed sign.
	q := *net.Projections[0]
	q.Weights = append([]int64(nil), q.Weights...)
	for i := range q.Weights {
		q.Weights[i] = q.Weights[i]*37 + 1 - int64(i%3)*300000
	}
	wide := *net
	wide.Projections = append([]*fixed.Proj{&q}, net.Projections[1:]...)
	if _, err := WeightFormatOf(&q, len(q.Weights)); err == nil {
		t.Fatal("test weights fit already")
	}
	fit, c := FitWeights(&wide)
	if c != 1 {
		t.Fatalf("%d projections fitted", c)
	}
	f, err := WeightFormatOf(fit.Projections[0], len(q.Weights))
	if err != nil || f.Bits > 8 || f.Mode != SignMixed {
		t.Fatalf("fitted format %+v, %v", f, err)
	}
	// Rounded, not rescaled: every weight within half a mantissa step.
	step := int64(1) << f.Exp
	for i, w := range q.Weights {
		if d := fit.Projections[0].Weights[i] - w; d > step || -d > step {
			t.Fatalf("weight %d: %d -> %d (step %d)", i, w, fit.Projections[0].Weights[i], step)
		}
	}
	if err := fit.Check(); err != nil {
		t.Fatal(err)
	}
}
