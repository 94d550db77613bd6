package loihi

import (
	"errors"
	"strings"
	"testing"

	"snnc/internal/fixed"
)

// Loihi 1's weight exponent is -8..7 (HARDWARE.md §1): the accumulator
// receives mant·2^(6+weight_exp).
func TestWeightFormatExponentRange(t *testing.T) {
	lim := DefaultChip().Limits
	if lim.WeightExpMin != -8 || lim.WeightExpMax != 7 {
		t.Fatalf("default weight_exp range %d..%d, want -8..7", lim.WeightExpMin, lim.WeightExpMax)
	}
	proj := func(ws ...int64) *fixed.Proj { return &fixed.Proj{Weights: ws} }
	// weight_exp 7: mantissas up to 255 << 13 fit.
	f, err := WeightFormatIn(proj(255<<13, 3<<13, 0), 3, lim)
	if err != nil || f.Exp != 13 || f.Bits != 8 || f.Mode != SignExc {
		t.Fatalf("255<<13: %+v, %v", f, err)
	}
	// Exact at a larger exponent (all mantissas even), but the format stops at 13.
	f, err = WeightFormatIn(proj(254<<13, 2<<13), 2, lim)
	if err != nil || f.Exp != 13 || f.Bits != 8 {
		t.Fatalf("254<<13: %+v, %v", f, err)
	}
	// Mixed sign: −(1<<20) is −128<<13, the most negative 8-bit mantissa at weight_exp 7.
	if f, err = WeightFormatIn(proj(1<<19, -(1<<20)), 2, lim); err != nil || f.Exp != 13 || f.Mode != SignMixed {
		t.Fatalf("-(1<<20): %+v, %v", f, err)
	}
	// weight_exp 10: beyond the chip, for per-synapse and constant weights alike.
	for _, p := range []*fixed.Proj{proj(255<<16, 7<<16), {Weight: -(129 << 16)}} {
		_, err = WeightFormatIn(p, 2, lim)
		var ee *WeightExpError
		if !errors.As(err, &ee) || ee.Exp != 10 || ee.Max != 7 {
			t.Fatalf("%v: %v, want weight_exp 10 > 7", p.Weights, err)
		}
		if !strings.Contains(err.Error(), "weight_exp 10, above the maximum 7 by 3") || !strings.Contains(ee.Remedy(), "2^3") {
			t.Errorf("message: %v; %s", err, ee.Remedy())
		}
	}
	// A chip with a narrower range: weight_exp ≥ -4 means shifts ≥ 2.
	narrow := lim
	narrow.WeightExpMin = -4
	_, err = WeightFormatIn(proj(3, 5), 2, narrow)
	var ee *WeightExpError
	if !errors.As(err, &ee) || ee.Exp != -6 || !strings.Contains(err.Error(), "below the minimum -4 by 2") {
		t.Fatalf("narrow: %v", err)
	}
}

// The mapper reports a weight exponent over the limit with the projection,
// the value, the limit and a remedy; the image builder checks the image's
// chip too.
func TestMapWeightExponentError(t *testing.T) {
	_, net := mixedNet(t)
	var qi int
	for i, q := range net.Projections {
		if q.Weights != nil {
			qi = i
			break
		}
	}
	q := *net.Projections[qi]
	ws := make([]int64, len(q.Weights))
	for i := range ws {
		ws[i] = int64(1+i%200) << 17 // 8-bit mantissas, weight_exp 11
	}
	q.Weights, q.Mant8, q.WeightExp = ws, true, 11
	bad := *net
	bad.Projections = append([]*fixed.Proj{}, net.Projections...)
	bad.Projections[qi] = &q
	if err := bad.Check(); err != nil {
		t.Fatal(err)
	}
	md, err := ModelFromNet(&bad)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Map(md, DefaultChip(), MapOptions{})
	var me *MapError
	if !errors.As(err, &me) || me.Limit != "weight exponent" || me.Value != 11 || me.Max != 7 {
		t.Fatalf("map: %v", err)
	}
	t.Log(err)
	name := net.Inst.Projections[q.Index].Name
	for _, want := range []string{"connect " + name + ":", "weight_exp 11, above the maximum 7 by 4", "-8..7", "scale the projection's weights down by 2^4"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("map error %q lacks %q", err, want)
		}
	}
	// Compile (relays, model, map, image) says the same.
	if _, err := Compile(&bad, DefaultChip(), MapOptions{}); err == nil || !strings.Contains(err.Error(), "weight_exp 11") {
		t.Errorf("compile: %v", err)
	}
	// The image builder checks the chip the image is built for: a mapping
	// made for the default chip, an image for a chip without exponents.
	md, err = ModelFromNet(net)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := Map(md, DefaultChip(), MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mp.Chip.Limits.WeightExpMax = -7 // no weight fits: every exponent is ≥ 0 = 6 + (−6)
	if _, err := BuildImage(mp, net); err == nil || !strings.Contains(err.Error(), "above the maximum") {
		t.Errorf("image builder accepted weight_exp over %d: %v", mp.Chip.Limits.WeightExpMax, err)
	}
}
