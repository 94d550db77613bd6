package corpus

import (
	"strings"
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

func TestNetFormat(t *testing.T) {
	net, _, err := Load(List()[4]) // loihi
	if err != nil {
		t.Fatal(err)
	}
	s := net.Format()
	for _, want := range []string{"pop @a [60] unit @loihi_lif cuba-lif du=1000", "program @loihi_lif {", "connect drive -> a.a_in", "weight_exp"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
}
