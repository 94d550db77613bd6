package driver

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"snnc/internal/units"
)

// Quantity is a number with a physical dimension, in SI units.
type Quantity struct {
	Value   float64 // SI
	Dim     units.Dim
	HasUnit bool // false for a bare number
}

// ParseQuantity parses "50ms", "50 ms", "-60 mV", "0.3 mS/cm2", "1e-3 s",
// or a bare number (dimensionless).
func ParseQuantity(s string) (Quantity, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return Quantity{}, fmt.Errorf("empty quantity")
	}
	i := numberPrefix(t)
	if i == 0 {
		return Quantity{}, fmt.Errorf("%q: expected a number with an optional unit, like 50ms or \"-60 mV\"", s)
	}
	v, err := strconv.ParseFloat(t[:i], 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return Quantity{}, fmt.Errorf("%q: number %q out of range", s, t[:i])
	}
	unit := strings.TrimSpace(t[i:])
	if unit == "" {
		return Quantity{Value: v}, nil
	}
	u, err := units.Parse(unit)
	if err != nil {
		return Quantity{}, fmt.Errorf("%q: %v", s, err)
	}
	return Quantity{Value: v * u.Scale, Dim: u.Dim, HasUnit: true}, nil
}

// numberPrefix returns the length of the decimal number at the start of s
// (sign, digits, fraction, exponent).
func numberPrefix(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0
	}
	// An exponent only if digits follow (so "1e" stays "1" + unit "e"?
	// no unit starts with e followed by a digit, so this is unambiguous).
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ParseDuration parses a simulated time with a time unit ("50ms", "50 ms",
// "0.5s", "1e3 us") and returns it in seconds. The unit is required and the
// value must be positive and finite.
func ParseDuration(s string) (float64, error) {
	q, err := ParseQuantity(s)
	if err != nil {
		return 0, err
	}
	if !q.HasUnit {
		return 0, fmt.Errorf("%q: a duration needs a time unit, like 50ms or 1s", s)
	}
	if !q.Dim.Equal(units.Time) {
		return 0, fmt.Errorf("%q is %s (%s), not a time", s, q.Dim, q.Dim.Name())
	}
	if !(q.Value > 0) {
		return 0, fmt.Errorf("%q: a duration must be positive", s)
	}
	return q.Value, nil
}

// Override is one --set POP.NAME=VALUE: a parameter or the initial value of
// a state of every neuron of a population.
type Override struct {
	Pop, Name string
	Value     Quantity
	Text      string // as given, for messages
}

// ParseOverride parses "pop.param=value" (value a quantity, e.g.
// "cell.gNa=100 mS/cm2").
func ParseOverride(s string) (Override, error) {
	lhs, rhs, ok := strings.Cut(s, "=")
	if !ok {
		return Override{}, fmt.Errorf("--set %q: expected POP.NAME=VALUE", s)
	}
	pop, name, ok := strings.Cut(strings.TrimSpace(lhs), ".")
	if !ok || pop == "" || name == "" || strings.ContainsAny(name, ". ") || strings.Contains(pop, " ") {
		return Override{}, fmt.Errorf("--set %q: expected POP.NAME=VALUE", s)
	}
	q, err := ParseQuantity(rhs)
	if err != nil {
		return Override{}, fmt.Errorf("--set %s: %v", strings.TrimSpace(lhs), err)
	}
	return Override{Pop: pop, Name: name, Value: q, Text: s}, nil
}
