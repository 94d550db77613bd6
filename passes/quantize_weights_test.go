package passes

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/fixed"
)

// Every projection's integer weights are what a chip synapse holds: one
// sign mode and shift per projection, an 8-bit mantissa per synapse
// (docs/fixed-point.md §6, "Synaptic weights").
func TestQuantizeChipWeights(t *testing.T) {
	for _, f := range []string{"cobahh.snn", "cuba.snn", "squid.snn", "paper/xor_hh.snn", "paper/mlp_hh.snn",
		"paper/xor_tvlif2hh.snn", "paper/mlp_tvlif2hh.snn", "corpus/loihi.snn", "corpus/xor.snn", "corpus/cobahh_small.snn", "corpus/tvlif2hh.snn"} {
		m, _, errs := frontend.CompileFile(filepath.Join("..", "testdata", f), frontend.Options{})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		inst, err := instance.Build(m, "", instance.Options{})
		if err != nil {
			t.Fatal(err)
		}
		inst.Duration, inst.Steps = 0.02, min(inst.Steps, instance.StepsFor(0.02, inst.Dt))
		net, rep, err := Quantize(m, QuantizeOptions{Inst: inst, NoErrorRun: true})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(rep.Projs) != len(net.Projections) {
			t.Fatalf("%s: %d projections reported, %d quantised", f, len(rep.Projs), len(net.Projections))
		}
		for i, q := range net.Projections {
			pq := rep.Projs[i]
			shift := q.WeightExp + 6
			if !q.Mant8 || shift < 0 {
				t.Fatalf("%s: %s: Mant8 %v, weight_exp %d", f, pq.Name, q.Mant8, q.WeightExp)
			}
			if q.WeightExp < fixed.WeightExpMin || q.WeightExp > fixed.WeightExpMax {
				t.Errorf("%s: %s: weight_exp %d outside Loihi's %d..%d", f, pq.Name, q.WeightExp, fixed.WeightExpMin, fixed.WeightExpMax)
			}
			lo, hi := int64(-128), int64(127)
			switch pq.Mode {
			case fixed.SignModeExc:
				lo, hi = 0, 255
			case fixed.SignModeInh:
				lo, hi = -255, 0
			}
			ws := q.Weights
			if ws == nil {
				ws = []int64{q.Weight}
			}
			for _, w := range ws {
				if m := w >> shift; m<<shift != w || m < lo || m > hi {
					t.Fatalf("%s: %s: weight %d is not an 8-bit %s mantissa << %d", f, pq.Name, w, pq.Mode, shift)
				}
			}
			if pq.MaxRelErr > 1.0/127 {
				t.Errorf("%s: %s: weight error %.3g of the largest |weight|", f, pq.Name, pq.MaxRelErr)
			}
			t.Logf("%s: %s: %s, weight_exp %d, max error %.3g (%.2g relative)", f, pq.Name, pq.Mode, pq.WeightExp, pq.MaxErr, pq.MaxRelErr)
		}
	}
}

func TestChipWeights(t *testing.T) {
	// One value keeps 8 significant bits.
	out, s, mode := fixed.ChipWeights([]float64{1000.4})
	if mode != fixed.SignModeExc || s != 2 || out[0] != 250<<2 {
		t.Fatalf("1000.4 -> %v shift %d %s", out, s, mode)
	}
	out, s, mode = fixed.ChipWeights([]float64{-3, 200.6})
	if mode != fixed.SignModeMixed || s != 1 || out[0] != -4 || out[1] != 200 {
		t.Fatalf("mixed -> %v shift %d %s", out, s, mode)
	}
	out, s, mode = fixed.ChipWeights([]float64{-255.4, -0.5})
	if mode != fixed.SignModeInh || s != 0 || out[0] != -255 || out[1] != -1 {
		t.Fatalf("inh -> %v shift %d %s", out, s, mode)
	}
}

// A program unit's accumulator holds fewer fraction bits than the program
// computes with when the largest weight into it would otherwise need a
// weight_exp above Loihi's 7; the program shifts it back where it reads it,
// so every weight with 8 significant bits is, after the shift, exactly the
// integer it would be at full precision (docs/fixed-point.md §9).
func TestQuantizeAccumulatorShift(t *testing.T) {
	shifted := 0
	for _, f := range []string{"paper/mlp_hh.snn", "corpus/xor.snn", "corpus/cobahh_small.snn"} {
		m, _, errs := frontend.CompileFile(filepath.Join("..", "testdata", f), frontend.Options{})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		inst, err := instance.Build(m, "", instance.Options{})
		if err != nil {
			t.Fatal(err)
		}
		inst.Duration, inst.Steps = 0.01, min(inst.Steps, instance.StepsFor(0.01, inst.Dt))
		net, rep, err := Quantize(m, QuantizeOptions{Inst: inst, NoErrorRun: true})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, q := range net.Projections {
			ip := inst.Projections[q.Index]
			name := ip.Target
			if ip.TargetState {
				name += ".jump"
			}
			var aq *AccQuant
			for _, a := range rep.Pops[ip.Dst].Accs {
				if a.Name == name {
					aq = a
				}
			}
			if aq == nil {
				t.Fatalf("%s: %s: no accumulator %s in the report", f, ip.Name, name)
			}
			if aq.Shift > 0 {
				shifted++
				prog := net.Pops[ip.Dst].Prog.Format()
				want := fmt.Sprintf("= shl %s, #%d", name, aq.Shift)
				if !strings.Contains(prog, want) {
					t.Errorf("%s: %s: the program does not read %s as %q:\n%s", f, ip.Name, name, want, prog)
				}
				if int(aq.Type.Frac) != aq.ReadFrac-aq.Shift {
					t.Errorf("%s: %s: accumulator %s, read as f%d << %d", f, ip.Name, aq.Type, aq.ReadFrac, aq.Shift)
				}
			}
			ws := ip.Weights
			if ws == nil {
				ws = []float64{ip.Weight}
			}
			full := make([]float64, len(ws))
			for j, w := range ws {
				full[j] = math.Ldexp(w, aq.ReadFrac)
			}
			want, shift, _ := fixed.ChipWeights(full)
			if shift-aq.Shift-6 != q.WeightExp {
				t.Errorf("%s: %s: weight_exp %d, want %d - %d - 6", f, ip.Name, q.WeightExp, shift, aq.Shift)
			}
			got := q.Weights
			if got == nil {
				got = []int64{q.Weight}
			}
			for j := range got {
				if got[j]<<aq.Shift != want[j] {
					t.Fatalf("%s: %s: weight %d: %d << %d != %d at full precision", f, rep.Projs[i].Name, j, got[j], aq.Shift, want[j])
				}
			}
		}
	}
	if shifted == 0 {
		t.Fatal("no accumulator was shifted: the test tests nothing")
	}
}
