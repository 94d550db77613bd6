package toolchain

import (
	"bytes"
	"path/filepath"
	"testing"

	"snnc/frontend"
	"snnc/instance"
)

func load(t *testing.T, path string, sets ...instance.Override) ClaimInput {
	t.Helper()
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if errs != nil {
		t.Fatal(errs)
	}
	inst, err := instance.Build(m, "", instance.Options{BaseDir: filepath.Dir(path), Sets: sets})
	if err != nil {
		t.Fatal(err)
	}
	return ClaimInput{Name: inst.Name, Module: m, Inst: inst}
}

// TestClaim: the HH network is the cheapest of the three on the chip.
func TestClaim(t *testing.T) {
	if testing.Short() {
		t.Skip("quantises and simulates three networks")
	}
	var in []ClaimInput
	for _, f := range []string{"hh", "tvlif2hh", "lif4x"} {
		in = append(in, load(t, "../../../testdata/claim/"+f+".snn"))
	}
	c, err := Compare(in, Options{FitWeights: true}, 300)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	c.WriteText(&b)
	t.Log("\n" + b.String())
	for _, m := range Metrics {
		best := c.Cheapest(m)
		if best[0] != "claim_hh" {
			t.Errorf("%s: cheapest is %v, not the HH network", m, best)
		}
	}
}

// TestClaimCrossover shows where the claim stops holding: at sparse input
// the 4×LIF net's cheaper neuron updates win energy and cycles. It checks
// only that the comparison is monotone in the input rate, and logs it.
func TestClaimCrossover(t *testing.T) {
	if testing.Short() {
		t.Skip("quantises and simulates three networks per rate")
	}
	for _, hz := range []float64{20, 100, 300, 1000} {
		var in []ClaimInput
		for _, f := range []string{"hh", "tvlif2hh", "lif4x"} {
			in = append(in, load(t, "../../../testdata/claim/"+f+".snn", instance.Override{Pop: "in", Name: "rate", Value: hz}))
		}
		c, err := Compare(in, Options{FitWeights: true}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		c.WriteText(&b)
		t.Logf("input %g Hz (%.1f%% of inputs per step):\n%s", hz, hz*0.01, b.String())
	}
}
