package loihi

import (
	"reflect"
	"testing"

	"snnc/internal/fixed"
)

// Relays preserve the network's behaviour bit for bit: the reference
// simulation of the relayed network equals that of the original, for
// chains of one to several stages.
func TestRelaysExact(t *testing.T) {
	_, net := mixedNet(t)
	want, err := fixed.Simulate(net, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, maxDelay := range []int{62, 9, 3, 0} {
		rn, n, err := RelayNet(net, maxDelay)
		if err != nil {
			t.Fatal(err)
		}
		if maxDelay == 62 && (n != 0 || rn != net) {
			t.Fatalf("no delay over 62, yet %d relays", n)
		}
		if maxDelay < 20 && n == 0 {
			t.Fatalf("max delay %d: no relays", maxDelay)
		}
		for _, q := range rn.Inst.Projections {
			if q.MaxDelay() > maxDelay {
				t.Fatalf("max delay %d: %s keeps delay %d", maxDelay, q.Name, q.MaxDelay())
			}
		}
		got, err := fixed.Simulate(rn, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("max delay %d (%d relays): the relayed network behaves differently", maxDelay, n)
		}
		if maxDelay == 0 {
			continue // 20 stages: more projections into one population than a core has synapse formats
		}
		// And on the chip, with a chip whose delay limit is maxDelay.
		cfg := DefaultChip()
		cfg.Limits.MaxDelay = maxDelay
		img, err := Compile(net, cfg, MapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := img.Validate(); err != nil {
			t.Fatal(err)
		}
		t.Logf("max delay %d: %d relay units, %d cores", maxDelay, n, len(img.Cores))
	}
}
