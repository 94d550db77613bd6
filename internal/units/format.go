package units

import (
	"fmt"
	"math"
	"strconv"
)

// Group writes n with its thousands separated by commas: 1234567 is
// "1,234,567".
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// FormatSI writes x (in unit) with three significant digits and an SI
// prefix from p to T: 1.31e-05 s is "13.1 µs", 3.08e-07 J is "308 nJ".
func FormatSI(x float64, unit string) string {
	prefixes := []struct {
		p string
		f float64
	}{{"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"k", 1e3}, {"", 1}, {"m", 1e-3}, {"µ", 1e-6}, {"n", 1e-9}, {"p", 1e-12}}
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprintf("%g %s", x, unit)
	}
	for _, p := range prefixes {
		if math.Abs(x) >= p.f*0.9995 {
			return fmt.Sprintf("%.3g %s%s", x/p.f, p.p, unit)
		}
	}
	return fmt.Sprintf("%.3g p%s", x/1e-12, unit)
}
