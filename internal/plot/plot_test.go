package plot

import (
	"bytes"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/internal/results"
)

// synthetic returns a result like a squid run: one HH neuron spiking
// periodically, its voltage, and a 50-neuron population.
func synthetic() *results.Result {
	r := &results.Result{Network: "demo", DtMs: 0.01, DurationMs: 100, Steps: 10000}
	var ts []float64
	var ns []int32
	for t := 5.0; t < 100; t += 14.6 {
		ts = append(ts, t)
		ns = append(ns, 0)
	}
	r.Spikes = append(r.Spikes, results.PopSpikes{Pop: "cell", N: 1, Neuron: ns, TimeMs: ts})
	var ts2 []float64
	var ns2 []int32
	for k := range 400 {
		ts2 = append(ts2, float64(k)*0.25)
		ns2 = append(ns2, int32((k*37)%50))
	}
	r.Spikes = append(r.Spikes, results.PopSpikes{Pop: "exc", N: 50, Neuron: ns2, TimeMs: ts2})
	tr := results.Trace{Name: "cell.V", Unit: "V", Neurons: []int{0}}
	for k := 0; k <= 1000; k++ {
		t := float64(k) * 0.1
		v := -0.065 + 0.01*math.Sin(t/3)
		if math.Mod(t-5, 14.6) < 1 {
			v = 0.03
		}
		tr.TimeMs = append(tr.TimeMs, t)
		tr.Values = append(tr.Values, []float64{v})
	}
	r.Traces = append(r.Traces, tr)
	return r
}

func TestWritePNGAndSVG(t *testing.T) {
	dir := t.TempDir()
	out := os.Getenv("SNNC_PLOT_OUT") // set to keep the figure for a look
	if out == "" {
		out = filepath.Join(dir, "fig.png")
	}
	if err := WriteFile(out, synthetic(), Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 960 || b.Dy() != 3*288 {
		t.Errorf("PNG size %v, want 960x864", b)
	}
	svg := filepath.Join(dir, "fig.svg")
	if err := WriteFile(svg, synthetic(), Options{}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(svg)
	if !bytes.HasPrefix(b, []byte("<?xml")) || !bytes.Contains(b, []byte("time (ms)")) || !bytes.Contains(b, []byte("cell.V (mV)")) {
		t.Errorf("SVG lacks the expected labels")
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	var fe *FormatError
	if err := WriteFile(filepath.Join(dir, "x.jpg"), synthetic(), Options{}); !errors.As(err, &fe) {
		t.Errorf("jpg: err = %v", err)
	}
	err := WriteFile(filepath.Join(dir, "x.png"), &results.Result{Network: "n", DtMs: 1, DurationMs: 1}, Options{})
	if err == nil || !strings.Contains(err.Error(), "nothing to plot") {
		t.Errorf("empty: err = %v", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("files left behind: %v", es)
	}
	// Empty spikes and non-finite values draw without error.
	r := synthetic()
	r.Spikes[0].Neuron, r.Spikes[0].TimeMs = nil, nil
	r.Traces[0].Values[3][0] = math.NaN()
	if err := Render(&bytes.Buffer{}, "svg", r, Options{}); err != nil {
		t.Error(err)
	}
}

func TestDisplayUnit(t *testing.T) {
	for _, c := range []struct {
		unit string
		peak float64
		want string
	}{{"V", 0.065, "mV"}, {"V", 2, "V"}, {"S", 6e-9, "nS"}, {"S/m^2", 10, "S/m^2"}, {"1", 0.5, "1"}, {"A", 0, "A"}} {
		_, got := displayUnit(&results.Trace{Unit: c.unit, Values: [][]float64{{-c.peak}}})
		if got != c.want {
			t.Errorf("displayUnit(%s, %g) = %s, want %s", c.unit, c.peak, got, c.want)
		}
	}
}
