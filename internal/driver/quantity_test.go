package driver

import (
	"errors"
	"math"
	"testing"

	"snnc/internal/units"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]float64{
		"50ms": 0.05, "50 ms": 0.05, "0.5s": 0.5, " 1e3 us ": 1e-3, "2.5e-1s": 0.25, "1 s": 1, "+3ms": 0.003,
	} {
		got, err := ParseDuration(in)
		if err != nil || math.Abs(got-want) > 1e-15 {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "50", "ms", "50 mV", "-1 ms", "0 s", "1e400 s", "abc", "5 parsecs", "1..2ms"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestParseOverride(t *testing.T) {
	o, err := ParseOverride("cell.gNa=100 mS/cm2")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := units.Parse("S/m^2")
	if o.Pop != "cell" || o.Name != "gNa" || math.Abs(o.Value.Value-1000) > 1e-9 || !o.Value.Dim.Equal(want.Dim) || !o.Value.HasUnit {
		t.Errorf("got %+v", o)
	}
	o, err = ParseOverride("exc.N = 3")
	if err != nil || o.Value.Value != 3 || o.Value.HasUnit {
		t.Errorf("got %+v, %v", o, err)
	}
	o, err = ParseOverride("p.V=-60mV")
	if err != nil || math.Abs(o.Value.Value+0.06) > 1e-15 {
		t.Errorf("got %+v, %v", o, err)
	}
	for _, in := range []string{"cell", "cell=1", ".x=1", "a.=1", "a.b.c=1", "a.b=", "a.b=mV", "a.b=1 furlong"} {
		if _, err := ParseOverride(in); err == nil {
			t.Errorf("ParseOverride(%q) succeeded", in)
		}
	}
}

func TestCheckSteps(t *testing.T) {
	if err := checkSteps(0.05, 1e-4); err != nil {
		t.Error(err)
	}
	for _, d := range []float64{1e-9, 1e30} {
		var ue *UsageError
		if err := checkSteps(d, 1e-4); !errors.As(err, &ue) {
			t.Errorf("checkSteps(%g): %v", d, err)
		}
	}
	for in, want := range map[float64]string{0.1e-3: "0.1 ms", 2: "2 s", 5e-6: "5 us", 0: "0 s"} {
		if got := FormatTime(in); got != want {
			t.Errorf("FormatTime(%g) = %q, want %q", in, got, want)
		}
	}
}
