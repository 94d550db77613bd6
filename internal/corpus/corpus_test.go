package corpus

import (
	"testing"
)

// The interpreter's fixed mode against the plain reference simulator.
func TestInterpFixedMatchesReference(t *testing.T) {
	Compare(t, InterpFixed, Reference)
}

// Determinism: the same backend twice, and one thread against all.
func TestInterpFixedDeterministic(t *testing.T) {
	Compare(t, InterpFixed, InterpFixed)
	Compare(t, InterpFixed1, InterpFixed)
}

func TestSummary(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	s, err := Summary(InterpFixed)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + s)
}
