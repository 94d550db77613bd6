package loihi

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"snnc/backend/loihi/loihitest"
	"snnc/instance"
	"snnc/internal/fixed"
)

// mixedSrc has every feature an image holds: Poisson and spike-list
// sources, a CUBA population with refractoriness and a stimulus, a
// microcode population with two accumulators and per-neuron params,
// delays, sparse and dense synapse groups, and several cores.
const mixedSrc = `
network mixed {
    dt = 0.1 ms
    duration = 20 ms
    seed = 7
    source noise = poisson[300] { rate = 200 Hz }
    source cue = spikes[3] { times = [[1 ms, 2 ms], [1.5 ms], [3 ms, 3 ms]] }
    pop a = lif[700]
    pop b = traub[500]
    connect noise -> a.I : random(p = 0.1) { weight = uniform(0.1 nA, 1 nA); delay = uniform(0 ms, 2 ms) }
    connect cue -> a.I : all_to_all { weight = 2 nA }
    connect a -> b.ge : fixed_indegree(k = 20) { weight = 6 nS; delay = 0.3 ms }
    connect b -> b.gi : random(p = 0.05) { weight = uniform(10 nS, 60 nS) }
    connect b -> a.I : random(p = 0.02) { weight = -1 nA }
    stim drive -> a.I = sine(amp = 0.5 nA, freq = 50 Hz, offset = 0.2 nA)
    record a spikes
    record b spikes
    record a.v[0..4] every 0.5 ms
    record b.V[10..11]
}
`

func mixedNet(t testing.TB) (*instance.Instance, *fixed.Net) {
	t.Helper()
	inst := build(t, mixedSrc)
	net, err := loihitest.Net(inst, nil)
	if err != nil {
		t.Fatal(err)
	}
	return inst, net
}

func compileImage(t testing.TB, net *fixed.Net, cfg ChipConfig) *Image {
	t.Helper()
	md, err := ModelFromNet(net)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := Map(md, cfg, MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := BuildImage(mp, net)
	if err != nil {
		t.Fatal(err)
	}
	if err := img.Validate(); err != nil {
		t.Fatal(err)
	}
	return img
}

func TestImageRoundTrip(t *testing.T) {
	_, net := mixedNet(t)
	cfg := DefaultChip()
	cfg.Limits.Compartments = 400 // several cores
	img := compileImage(t, net, cfg)
	if len(img.Cores) < 3 {
		t.Fatalf("%d cores", len(img.Cores))
	}
	bin := img.Encode()
	img2, err := DecodeImage(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(img, img2) {
		t.Fatal("decoded image differs from the original")
	}
	if !bytes.Equal(bin, img2.Encode()) {
		t.Fatal("binary → struct → binary changed the bytes")
	}
	if img.Text() != img2.Text() {
		t.Fatal("text forms differ")
	}
	// Determinism: compiling again gives the same bytes.
	if !bytes.Equal(bin, compileImage(t, net, cfg).Encode()) {
		t.Fatal("two compilations differ")
	}
	// Truncations and corruptions are errors, never panics.
	for _, n := range []int{0, 5, 9, 10, 20, len(bin) / 2, len(bin) - 1} {
		if _, err := DecodeImage(bin[:n]); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
	bad := append([]byte(nil), bin...)
	bad[8] = 99
	if _, err := DecodeImage(bad); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("bad version: %v", err)
	}
	for i := 10; i < len(bin); i += len(bin)/97 + 1 {
		c := append([]byte(nil), bin...)
		c[i] ^= 0x5a
		_, _ = DecodeImage(c) // must not panic
	}
	txt := img.Text()
	for _, want := range []string{"; snnc loihi core image v2", "program 0 @", "lut 0 @f", "mulsh.rnd", "entity 2 source @noise", "format 0 proj", "outaxon 0 -> core"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text form lacks %q", want)
		}
	}
}

// TestImageSynapses decodes every input axon of every core and checks
// that the packed synapse memory holds exactly the network's synapses.
func TestImageSynapses(t *testing.T) {
	inst, net := mixedNet(t)
	cfg := DefaultChip()
	cfg.Limits.Compartments = 400
	img := compileImage(t, net, cfg)
	type syn struct {
		core, comp, delay int
		w                 int64
		pre               string
	}
	var want, got []string
	// Expected: every synapse, at its target's compartment.
	locate := func(e, i int) (int, int) {
		for _, p := range img.Entities[e].Pieces {
			if i >= p.Lo && i < p.Hi {
				return img.Cores[p.Core].ID, p.Comp0 + (i-p.Lo)*img.Entities[e].Comps
			}
		}
		t.Fatalf("entity %d neuron %d not placed", e, i)
		return 0, 0
	}
	md, _ := ModelFromNet(net)
	for _, q := range net.Projections {
		ip := inst.Projections[q.Index]
		src := md.ProjSrcEntity(ip)
		en := img.Entities[ip.Dst]
		j := -1
		for x, a := range en.Targets {
			if a == q.Acc {
				j = x
			}
		}
		for i := 0; i < ip.NPre; i++ {
			for k := ip.Row[i]; k < ip.Row[i+1]; k++ {
				c, comp := locate(ip.Dst, int(ip.Post[k]))
				want = append(want, fmt.Sprint(src, i, c, comp+j, ip.DelayAt(k), q.WeightAt(k)))
			}
		}
	}
	// Decoded: follow every output axon of every source neuron.
	coreIdx := map[int]int{}
	for ci, co := range img.Cores {
		coreIdx[co.ID] = ci
	}
	for e, en := range img.Entities {
		for i := 0; i < en.N; i++ {
			c, comp := locate(e, i)
			co := img.Cores[coreIdx[c]]
			cm := co.Comps[comp]
			for _, oa := range co.OutAxons[cm.OutStart : cm.OutStart+cm.OutCount] {
				dst := img.Cores[coreIdx[int(oa.Core)]]
				if err := dst.Synapses(int(oa.Axon), func(comp, d int, w int64) {
					got = append(got, fmt.Sprint(e, i, dst.ID, comp, d, w))
				}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(want) == 0 || !reflect.DeepEqual(want, got) {
		t.Fatalf("decoded %d synapses, want %d (equal: %v)", len(got), len(want), reflect.DeepEqual(want, got))
	}
}
