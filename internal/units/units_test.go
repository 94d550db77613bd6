package units

import (
	"math"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		name  string
		dim   Dim
		scale float64
	}{
		{"mV", Voltage, 1e-3},
		{"ms", Time, 1e-3},
		{"s", Time, 1},
		{"Hz", Frequency, 1},
		{"nS", Conductance, 1e-9},
		{"uF", Capacitance, 1e-6},
		{"Mohm", Resistance, 1e6},
		{"cm2", Area, 1e-4},
		{"um2", Area, 1e-12},
		{"mm2", Area, 1e-6},
		{"m", Metre, 1},
		{"mm", Metre, 1e-3},
		{"mol", Dim{Amount: 1}, 1},
		{"kHz", Frequency, 1e3},
		{"pA", Ampere, 1e-12},
	}
	for _, tt := range tests {
		u, ok := Lookup(tt.name)
		if !ok {
			t.Errorf("Lookup(%q) failed", tt.name)
			continue
		}
		if u.Dim != tt.dim || math.Abs(u.Scale/tt.scale-1) > 1e-12 {
			t.Errorf("Lookup(%q) = %v %g, want %v %g", tt.name, u.Dim, u.Scale, tt.dim, tt.scale)
		}
	}
	for _, bad := range []string{"", "x", "mx", "V2", "ms2", "xm", "mmV", "Q"} {
		if _, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) succeeded, want failure", bad)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		src   string
		dim   Dim
		scale float64
	}{
		{"mS/cm2", Conductance.Div(Area), 10},
		{"uA/cm2", Ampere.Div(Area), 1e-2},
		{"uF/cm2", Capacitance.Div(Area), 1e-2},
		{"F/m^2", Capacitance.Div(Area), 1},
		{"1", Dimensionless, 1},
		{"1/s", Frequency, 1},
		{"kg*m^2/s^3/A", Voltage, 1},
		{"m^-2", Dim{Length: -2}, 1},
	}
	for _, tt := range tests {
		u, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if u.Dim != tt.dim || math.Abs(u.Scale/tt.scale-1) > 1e-12 {
			t.Errorf("Parse(%q) = %v %g, want %v %g", tt.src, u.Dim, u.Scale, tt.dim, tt.scale)
		}
	}
	for _, bad := range []string{"", "foo", "mV^x", "/s", "mV*"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", bad)
		}
	}
}

func TestStringRoundTrip(t *testing.T) {
	dims := []Dim{Dimensionless, Time, Frequency, Voltage, Conductance, Capacitance,
		Ampere.Div(Area), Conductance.Div(Area), Capacitance.Div(Area), Voltage.Div(Time),
		Area, Resistance, {Mass: 1, Luminosity: 2, Amount: -1}, {Temperature: -3, Length: 1}}
	for _, d := range dims {
		s := d.String()
		u, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%v.String()=%q): %v", d, s, err)
			continue
		}
		if u.Dim != d || u.Scale != 1 {
			t.Errorf("round trip of %v via %q gave %v scale %g", d, s, u.Dim, u.Scale)
		}
	}
	want := map[Dim]string{Voltage: "V", Conductance.Div(Area): "S/m^2", Ampere.Div(Area): "A/m^2",
		Time: "s", Frequency: "1/s", Dimensionless: "1", Voltage.Div(Time): "V/s"}
	for d, s := range want {
		if got := d.String(); got != s {
			t.Errorf("%v.String() = %q, want %q", d, got, s)
		}
	}
}

func TestName(t *testing.T) {
	if Voltage.Name() != "voltage" || Time.Name() != "time" || Conductance.Div(Area).Name() != "conductance per area" {
		t.Errorf("names: %q %q %q", Voltage.Name(), Time.Name(), Conductance.Div(Area).Name())
	}
}

func TestScaleDecimal(t *testing.T) {
	u, _ := Parse("uF/cm2")
	if x, _ := ScaleDecimal("1", u.Pow10); x != 0.01 {
		t.Errorf("1 uF/cm2 = %v, want 0.01", x)
	}
	mv, _ := Lookup("mV")
	if x, _ := ScaleDecimal("-54.387", mv.Pow10); x != -0.054387 {
		t.Errorf("-54.387 mV = %v", x)
	}
	if x, _ := ScaleDecimal("1e-3", 3); x != 1 {
		t.Errorf("1e-3 * 1e3 = %v", x)
	}
	if u.Scale != 0.01 {
		t.Errorf("uF/cm2 scale %v", u.Scale)
	}
}

func TestGroupAndFormatSI(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 13191: "13,191"} {
		if got := Group(n); got != want {
			t.Errorf("Group(%d) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct {
		x    float64
		unit string
		want string
	}{{1.31e-5, "s", "13.1 µs"}, {3.08e-7, "J", "308 nJ"}, {1e9, "Hz", "1 GHz"}, {2.39e-3, "J", "2.39 mJ"}, {0.0001, "s", "100 µs"}, {4.52e-10, "J", "452 pJ"}, {0, "J", "0 J"}, {2e-15, "J", "0.002 pJ"}} {
		if got := FormatSI(c.x, c.unit); got != c.want {
			t.Errorf("FormatSI(%g, %s) = %q, want %q", c.x, c.unit, got, c.want)
		}
	}
}
