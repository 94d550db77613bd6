package loihi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
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
		if _, err := DecodeImage(c); err == nil { // nor a panic
			t.Errorf("byte %d ^ 0x5a: no error", i)
		}
	}
	txt := img.Text()
	for _, want := range []string{fmt.Sprintf("; snnc loihi core image v%d", ImageVersion), "program 0 @", "lut 0 @f", "mulsh.rnd", "entity 2 source @noise", "format 0 proj", "outaxon 0 -> core"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text form lacks %q", want)
		}
	}
}

// smallSrc is a small network with a program unit, a source and a
// stimulus: an image of a few kilobytes, every byte of which is damaged in
// turn by TestImageChecksum.
const smallSrc = `
network small {
    dt = 0.1 ms
    duration = 5 ms
    seed = 3
    source noise = poisson[4] { rate = 300 Hz }
    pop a = lif[3]
    pop b = traub[2]
    connect noise -> a.I : all_to_all { weight = uniform(0.1 nA, 1 nA); delay = 0.2 ms }
    connect a -> b.ge : all_to_all { weight = 6 nS }
    stim drive -> a.I = sine(amp = 0.5 nA, freq = 50 Hz, offset = 0.2 nA)
    record a spikes
    record b.V[0..1]
}
`

// decodeDamaged decodes a damaged image: it must be an error, never a
// panic and never an image. A damaged byte (at offset off; -1 for other
// damage) outside the header and the END tag must be a checksum mismatch
// (the END tag itself is how the decoder finds the checksum: damaged, the
// file reads as truncated).
func decodeDamaged(t *testing.T, what string, d []byte, off int) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic: %v", what, r)
		}
	}()
	img, err := DecodeImage(d)
	if err == nil || img != nil {
		t.Fatalf("%s: decoded (error %v)", what, err)
	}
	if off < len(ImageMagic)+2 || (off >= len(d)-8 && off < len(d)-4) {
		return // a truncation, the magic or version (checked first), the END tag
	}
	var ce *ChecksumError
	if !errors.As(err, &ce) {
		t.Fatalf("%s: %v, want a checksum mismatch", what, err)
	}
	stored := binary.LittleEndian.Uint32(d[len(d)-4:])
	want := fmt.Sprintf("core image: checksum mismatch: the file is damaged (stored %08x, computed %08x); recompile it",
		stored, crc32.Checksum(d[:len(d)-4], crc32.MakeTable(crc32.Castagnoli)))
	if err.Error() != want {
		t.Fatalf("%s: %q, want %q", what, err, want)
	}
}

// TestImageChecksum damages every byte of a small image (and a few
// thousand random bytes of a larger one) and truncates it everywhere:
// each must be rejected, a flipped byte by the checksum.
func TestImageChecksum(t *testing.T) {
	net, err := loihitest.Net(build(t, smallSrc), nil)
	if err != nil {
		t.Fatal(err)
	}
	bin := compileImage(t, net, DefaultChip()).Encode()
	if _, err := DecodeImage(bin); err != nil {
		t.Fatal(err)
	}
	if n := len(bin); string(bin[n-8:n-4]) != "END\x00" ||
		binary.LittleEndian.Uint32(bin[n-4:]) != crc32.Checksum(bin[:n-4], crc32.MakeTable(crc32.Castagnoli)) {
		t.Fatalf("the image does not end in END and the CRC-32C of what precedes it: % x", bin[n-8:])
	}
	t.Logf("small image: %d bytes", len(bin))
	for off := range bin {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			d := append([]byte(nil), bin...)
			d[off] ^= x
			decodeDamaged(t, fmt.Sprintf("byte %d ^ %#x", off, x), d, off)
		}
	}
	for n := range bin {
		decodeDamaged(t, fmt.Sprintf("truncated to %d bytes", n), bin[:n], -1)
	}
	decodeDamaged(t, "a byte appended", append(append([]byte(nil), bin...), 0), -1)
	decodeDamaged(t, "the image twice", append(append([]byte(nil), bin...), bin...), -1)

	// A larger image (several cores, synapse memory), sampled.
	_, mnet := mixedNet(t)
	cfg := DefaultChip()
	cfg.Limits.Compartments = 400
	big := compileImage(t, mnet, cfg).Encode()
	t.Logf("mixed image: %d bytes", len(big))
	rng := rand.New(rand.NewPCG(1, 2))
	tries := 3000
	if testing.Short() {
		tries = 300
	}
	for range tries {
		off, x := rng.IntN(len(big)), byte(1+rng.IntN(255))
		d := append([]byte(nil), big...)
		d[off] ^= x
		decodeDamaged(t, fmt.Sprintf("mixed: byte %d ^ %#x", off, x), d, off)
	}

	// The version is checked before the checksum: an image of another
	// version gets its own message, damaged or not.
	for _, v := range []uint16{2, ImageVersion + 1} {
		d := append([]byte(nil), bin...)
		binary.LittleEndian.PutUint16(d[len(ImageMagic):], v)
		want := fmt.Sprintf("core image version %d; this snnc reads version %d (recompile it)", v, ImageVersion)
		if _, err := DecodeImage(d); err == nil || err.Error() != want {
			t.Errorf("version %d: %v, want %q", v, err, want)
		}
		d[len(d)/2] ^= 0xff
		if _, err := DecodeImage(d); err == nil || err.Error() != want {
			t.Errorf("damaged version %d: %v, want %q", v, err, want)
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
