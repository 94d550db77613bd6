// Package units is snnc's system of physical dimensions and unit names.
//
// A Dim is a vector of integer exponents over the seven SI base
// dimensions; a Unit is a Dim with a scale factor to SI base units, so
// that a quantity's SI value is its number times the unit's Scale. The
// frontend uses Lookup and Parse to read unit words written after numbers
// ("10 mV", "0.3 mS/cm2"); the IR prints dimensions with Dim.String and
// reads them back with Parse. Every value inside snnc is in SI base units.
package units

import (
	"fmt"
	"strconv"
	"strings"
)

// Base dimension indices.
const (
	Length      = iota // m
	Mass               // kg
	TimeDim            // s
	Current            // A
	Temperature        // K
	Amount             // mol
	Luminosity         // cd
	numBase
)

var baseSymbols = [numBase]string{"m", "kg", "s", "A", "K", "mol", "cd"}

// Dim is a physical dimension: exponents of m, kg, s, A, K, mol, cd.
type Dim [numBase]int8

// Common dimensions.
var (
	Dimensionless = Dim{}
	Time          = Dim{TimeDim: 1}
	Frequency     = Dim{TimeDim: -1}
	Metre         = Dim{Length: 1}
	Area          = Dim{Length: 2}
	Ampere        = Dim{Current: 1}
	Voltage       = Dim{Length: 2, Mass: 1, TimeDim: -3, Current: -1}
	Conductance   = Dim{Length: -2, Mass: -1, TimeDim: 3, Current: 2}
	Resistance    = Dim{Length: 2, Mass: 1, TimeDim: -3, Current: -2}
	Capacitance   = Dim{Length: -2, Mass: -1, TimeDim: 4, Current: 2}
	Charge        = Dim{TimeDim: 1, Current: 1}
)

// Mul returns the dimension of a product.
func (d Dim) Mul(e Dim) Dim {
	for i := range d {
		d[i] += e[i]
	}
	return d
}

// Div returns the dimension of a quotient.
func (d Dim) Div(e Dim) Dim {
	for i := range d {
		d[i] -= e[i]
	}
	return d
}

// Pow returns the dimension raised to an integer power.
func (d Dim) Pow(n int) Dim {
	for i := range d {
		d[i] = int8(int(d[i]) * n)
	}
	return d
}

// IsZero reports whether d is dimensionless.
func (d Dim) IsZero() bool { return d == Dim{} }

// Equal reports whether d and e are the same dimension.
func (d Dim) Equal(e Dim) bool { return d == e }

// named derived units used to print dimensions readably, in preference order.
var printNames = []struct {
	sym string
	dim Dim
}{
	{"V", Voltage},
	{"S", Conductance},
	{"F", Capacitance},
	{"ohm", Resistance},
	{"A", Ampere},
	{"C", Charge},
	{"mol", Dim{Amount: 1}},
	{"K", Dim{Temperature: 1}},
	{"kg", Dim{Mass: 1}},
}

// String returns the canonical SI text of d, which Parse reads back:
// "V", "S/m^2", "A/m^2", "s", "1/s", "1" for dimensionless.
func (d Dim) String() string {
	if d.IsZero() {
		return "1"
	}
	// A named unit times powers of m and s, the simplest such form.
	best, bestScore := "", 1<<30
	for _, n := range printNames {
		r := d.Div(n.dim)
		if r[Mass] == 0 && r[Current] == 0 && r[Temperature] == 0 && r[Amount] == 0 && r[Luminosity] == 0 {
			score := abs(int(r[Length])) + abs(int(r[TimeDim]))
			if score < bestScore {
				best, bestScore = joinTerms([]term{{n.sym, 1}, {"m", int(r[Length])}, {"s", int(r[TimeDim])}}), score
			}
		}
	}
	if best != "" {
		return best
	}
	var ts []term
	for i, e := range d {
		ts = append(ts, term{baseSymbols[i], int(e)})
	}
	return joinTerms(ts)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

type term struct {
	sym string
	pow int
}

func joinTerms(ts []term) string {
	var num, den []string
	for _, t := range ts {
		switch {
		case t.pow == 1:
			num = append(num, t.sym)
		case t.pow > 1:
			num = append(num, t.sym+"^"+strconv.Itoa(t.pow))
		case t.pow == -1:
			den = append(den, t.sym)
		case t.pow < -1:
			den = append(den, t.sym+"^"+strconv.Itoa(-t.pow))
		}
	}
	s := strings.Join(num, "*")
	if s == "" {
		s = "1"
	}
	for _, x := range den {
		s += "/" + x
	}
	return s
}

var dimNames = []struct {
	name string
	dim  Dim
}{
	{"dimensionless", Dimensionless},
	{"time", Time},
	{"frequency", Frequency},
	{"length", Metre},
	{"area", Area},
	{"voltage", Voltage},
	{"current", Ampere},
	{"conductance", Conductance},
	{"resistance", Resistance},
	{"capacitance", Capacitance},
	{"charge", Charge},
	{"current per area", Ampere.Div(Area)},
	{"conductance per area", Conductance.Div(Area)},
	{"capacitance per area", Capacitance.Div(Area)},
	{"voltage per time", Voltage.Div(Time)},
	{"current per time", Ampere.Div(Time)},
	{"conductance per time", Conductance.Div(Time)},
	{"amount of substance", Dim{Amount: 1}},
	{"temperature", Dim{Temperature: 1}},
	{"mass", Dim{Mass: 1}},
}

// Name returns a human name of the dimension ("voltage", "time",
// "conductance per area"), or its String form when it has none.
func (d Dim) Name() string {
	for _, n := range dimNames {
		if n.dim == d {
			return n.name
		}
	}
	return d.String()
}

// Unit is a named unit: a dimension and the factor to SI base units.
// Every unit snnc knows is a power of ten of SI base units, so Scale is
// always 10^Pow10; Pow10 lets callers scale decimal literals exactly
// ("1 uF/cm2" is 0.01 F/m^2, not 0.009999999999999998).
type Unit struct {
	Dim   Dim
	Scale float64
	Pow10 int
}

// Mul, Div and Pow combine units.
func (u Unit) Mul(v Unit) Unit { return mk(u.Dim.Mul(v.Dim), u.Pow10+v.Pow10) }
func (u Unit) Div(v Unit) Unit { return mk(u.Dim.Div(v.Dim), u.Pow10-v.Pow10) }
func (u Unit) Pow(n int) Unit  { return mk(u.Dim.Pow(n), u.Pow10*n) }

func mk(d Dim, p10 int) Unit { return Unit{d, pow10(p10), p10} }

// pow10 returns 10^n correctly rounded.
func pow10(n int) float64 {
	x, _ := strconv.ParseFloat("1e"+strconv.Itoa(n), 64)
	return x
}

// ScaleDecimal returns the decimal literal raw (as written in source, e.g.
// "0.3", "1e-3") times 10^p10, correctly rounded to float64.
func ScaleDecimal(raw string, p10 int) (float64, error) {
	if p10 == 0 {
		return strconv.ParseFloat(raw, 64)
	}
	mant, exp := raw, 0
	if i := strings.IndexAny(raw, "eE"); i >= 0 {
		e, err := strconv.Atoi(raw[i+1:])
		if err != nil {
			return 0, err
		}
		mant, exp = raw[:i], e
	}
	return strconv.ParseFloat(mant+"e"+strconv.Itoa(exp+p10), 64)
}

// baseUnits are the unit words that take SI prefixes.
var baseUnits = map[string]Unit{
	"s":   mk(Time, 0),
	"Hz":  mk(Frequency, 0),
	"V":   mk(Voltage, 0),
	"A":   mk(Ampere, 0),
	"ohm": mk(Resistance, 0),
	"S":   mk(Conductance, 0),
	"F":   mk(Capacitance, 0),
	"m":   mk(Metre, 0),
	"mol": mk(Dim{Amount: 1}, 0),
	"K":   mk(Dim{Temperature: 1}, 0),
	"g":   mk(Dim{Mass: 1}, -3),
	"cd":  mk(Dim{Luminosity: 1}, 0),
}

// prefixes are the SI prefixes accepted before a unit word.
var prefixes = map[string]int{
	"p": -12, "n": -9, "u": -6, "m": -3, "c": -2,
	"k": 3, "M": 6, "G": 9,
}

// Lookup resolves one unit word: a base unit ("mV" is milli + V), optionally
// followed by a power digit for lengths ("cm2", "um2", "mm3").
func Lookup(name string) (Unit, bool) {
	if u, ok := lookupPrefixed(name); ok {
		return u, true
	}
	// Length shorthands: cm2, um2, mm2, m2, cm3 ...
	if n := len(name); n >= 2 && (name[n-1] == '2' || name[n-1] == '3') {
		if u, ok := lookupPrefixed(name[:n-1]); ok && u.Dim == Metre {
			return u.Pow(int(name[n-1] - '0')), true
		}
	}
	return Unit{}, false
}

func lookupPrefixed(name string) (Unit, bool) {
	if u, ok := baseUnits[name]; ok {
		return u, true
	}
	if len(name) > 1 {
		if f, ok := prefixes[name[:1]]; ok {
			if u, ok := baseUnits[name[1:]]; ok {
				return mk(u.Dim, f+u.Pow10), true
			}
		}
	}
	return Unit{}, false
}

// Parse reads a unit expression: unit words (see Lookup) with optional
// integer powers, joined by '*' and '/', evaluated left to right; "1" is
// dimensionless and may start a quotient ("1/s").
func Parse(s string) (Unit, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Unit{}, fmt.Errorf("empty unit")
	}
	res := mk(Dim{}, 0)
	op := byte('*')
	first := true
	for {
		i := strings.IndexAny(s, "*/")
		tok := s
		if i >= 0 {
			tok = s[:i]
		}
		tok = strings.TrimSpace(tok)
		var u Unit
		switch {
		case tok == "1" && first:
			u = mk(Dim{}, 0)
		default:
			name, pow := tok, 1
			if j := strings.IndexByte(tok, '^'); j >= 0 {
				p, err := strconv.Atoi(strings.TrimSpace(tok[j+1:]))
				if err != nil || p < -127 || p > 127 {
					return Unit{}, fmt.Errorf("bad power in unit %q", orig)
				}
				name, pow = strings.TrimSpace(tok[:j]), p
			}
			b, ok := Lookup(name)
			if !ok {
				return Unit{}, fmt.Errorf("unknown unit %q in %q", name, orig)
			}
			u = b.Pow(pow)
		}
		if op == '*' {
			res = res.Mul(u)
		} else {
			res = res.Div(u)
		}
		first = false
		if i < 0 {
			break
		}
		op = s[i]
		s = s[i+1:]
	}
	return res, nil
}
