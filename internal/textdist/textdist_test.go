package textdist

import "testing"

func TestLevenshtein(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"gNa", "gNa", 0},
		{"gna", "gNa", 1}, {"canonicalise", "canonicalize", 1},
		{"kitten", "sitting", 3}, {"tau", "tua", 2},
	} {
		if d := Levenshtein(tt.a, tt.b); d != tt.d {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, d, tt.d)
		}
		if d := Levenshtein(tt.b, tt.a); d != tt.d {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, d, tt.d)
		}
	}
}
