package instance

import (
	"fmt"
	"strconv"
	"strings"

	"snnc/internal/units"
)

// ParseOverride parses a --set argument "pop.name=value", where value is a
// number optionally followed by a unit expression ("exc.tau=20 ms",
// "cell.gNa=0.12 S/cm2", "noise.rate=5Hz"). A value without a unit is taken
// in SI units.
func ParseOverride(s string) (Override, error) {
	lhs, rhs, ok := strings.Cut(s, "=")
	if !ok {
		return Override{}, fmt.Errorf("--set %q: want pop.name=value", s)
	}
	pop, name, ok := strings.Cut(strings.TrimSpace(lhs), ".")
	if !ok || pop == "" || name == "" {
		return Override{}, fmt.Errorf("--set %q: want pop.name=value", s)
	}
	rhs = strings.TrimSpace(rhs)
	// The longest prefix that parses as a number is the value.
	end := 0
	for i := 1; i <= len(rhs); i++ {
		if _, err := strconv.ParseFloat(rhs[:i], 64); err == nil {
			end = i
		}
	}
	if end == 0 {
		return Override{}, fmt.Errorf("--set %q: %q does not start with a number", s, rhs)
	}
	x, _ := strconv.ParseFloat(rhs[:end], 64)
	o := Override{Pop: pop, Name: name, Value: x}
	if u := strings.TrimSpace(rhs[end:]); u != "" {
		unit, err := units.Parse(u)
		if err != nil {
			return Override{}, fmt.Errorf("--set %q: %v", s, err)
		}
		o.Value = x * unit.Scale
		o.Unit = &unit.Dim
	}
	return o, nil
}
