package frontend

import "testing"

// Stimuli, records and connections may name populations declared later in
// the network: a network's items are declarations, not statements.
func TestForwardReferences(t *testing.T) {
	src := `network fwd {
    duration = 10 ms
    record cell spikes
    record cell.v
    stim drive -> cell.I = constant(1 nA)
    connect cell -> cell.v : one_to_one { weight = 1 mV }
    pop cell = lif[2]
}
`
	m, _, errs := CompileSource("fwd.snn", []byte(src), Options{})
	if len(errs) > 0 {
		t.Fatalf("forward references rejected: %v", errs)
	}
	n := m.Network("fwd")
	if len(n.Stims) != 1 || len(n.Records) != 2 || len(n.Projections) != 1 {
		t.Fatalf("got %d stims, %d records, %d projections", len(n.Stims), len(n.Records), len(n.Projections))
	}
}
