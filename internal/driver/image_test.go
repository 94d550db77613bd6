package driver

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"snnc/backend/loihi"
)

// compileImage compiles a testdata program for the loihi backend and
// returns the encoded core image.
func compileImage(t *testing.T, file string, opt RunOptions) []byte {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", file)
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := NewJob(m, path, opt)
	if err != nil {
		t.Fatal(err)
	}
	j.Options = map[string]string{"chips": "0", "rate": "10"}
	img, err := loihiImage(j)
	if err != nil {
		t.Fatal(err)
	}
	return img.Encode()
}

func TestDetectImage(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	magic := []byte(loihi.ImageMagic)
	for _, c := range []struct {
		name  string
		data  []byte
		image bool
	}{
		{"a.snnimg", append(append([]byte{}, magic...), 1, 0), true},
		{"a.bin", append(append([]byte{}, magic...), 1, 0), true}, // by magic, not by name
		{"a.snn", append(append([]byte{}, magic...), 1, 0), true},
		{"short.bin", magic[:5], true},                    // a truncated image
		{"tiny.bin", magic[:2], false},                    // too little to tell
		{"short.snnimg", []byte("hi\n"), true},            // too short: by name
		{"src.snnimg", []byte("network n {\n}\n"), false}, // long enough: by contents
		{"empty.snn", nil, false},
		{"prog.snn", []byte("network n {\n}\n"), false},
	} {
		p := write(c.name, c.data)
		b, err := DetectImage(p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := b != nil; got != c.image {
			t.Errorf("%s: image %v, want %v", c.name, got, c.image)
		}
		if b != nil && b.Name != "loihi" {
			t.Errorf("%s: backend %s", c.name, b.Name)
		}
	}
	if b, err := DetectImage(filepath.Join(dir, "missing.snnimg")); b != nil || err != nil {
		t.Errorf("missing file: %v, %v (want nil, nil: Load reports it)", b, err)
	}
	// Commands that read programs say what an image is.
	p := write("img.snnimg", append(append([]byte{}, magic...), 1, 0))
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "is a compiled loihi core image, not a program") {
		t.Errorf("Load of an image: %v", err)
	}
}

// TestRunImageMatchesProgram checks that running the encoded image gives the
// results of running the program, and that --duration cuts it short.
func TestRunImageMatchesProgram(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "squid.snn")
	data := compileImage(t, "squid.snn", RunOptions{})
	b := backends["loihi"]
	j := &ImageJob{Path: "squid.snnimg", Data: data, Options: map[string]string{}}
	got, err := b.RunImage(j)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	pj, err := NewJob(m, path, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pj.Options = map[string]string{"chips": "0", "rate": "10"}
	want, err := b.Run(pj)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
		t.Fatalf("image run differs from the program's")
	}

	j.Run.Duration = 0.05
	short, err := b.RunImage(j)
	if err != nil {
		t.Fatal(err)
	}
	if short.Steps != 5000 || short.DurationMs != 50 {
		t.Errorf("--duration 50ms: %d steps, %g ms", short.Steps, short.DurationMs)
	}
	for _, d := range []float64{0.3, 1e-9} {
		j.Run.Duration = d
		if _, err := b.RunImage(j); err == nil {
			t.Errorf("--duration %g s: no error", d)
		} else if _, ok := err.(*UsageError); !ok {
			t.Errorf("--duration %g s: %T %v, want a usage error", d, err, err)
		}
	}
	j.Run.Duration = 0
	j.Run.Network = "other"
	if _, err := b.RunImage(j); err == nil || !strings.Contains(err.Error(), "holds network squid") {
		t.Errorf("--network other: %v", err)
	}
}

// TestDamagedImages feeds truncated and corrupted images to the backend:
// each must be an error naming the file, never a panic nor a run (the
// image's checksum catches a flipped byte the structure cannot see, e.g.
// in a weight or the step count).
func TestDamagedImages(t *testing.T) {
	// squid: one core running a program (HH), densely; cuba: 4,000 CUBA
	// units and Poisson sources over many cores and 1 MB of synapses,
	// sparsely (each try decodes it all).
	for _, c := range []struct {
		file           string
		dense, samples int
	}{{"squid.snn", 512, 2000}, {"cuba.snn", 0, 60}} {
		data := compileImage(t, c.file, RunOptions{Duration: 0.0005})
		damage(t, c.file, data, c.dense, c.samples)
	}
	// A flipped byte the structure cannot see is named for what it is.
	data := compileImage(t, "squid.snn", RunOptions{Duration: 0.0005})
	data[len(data)/2] ^= 0x01
	_, err := loihiDecode(&ImageJob{Path: "x.snnimg", Data: data, Options: map[string]string{}})
	re := regexp.MustCompile(`^x\.snnimg: damaged loihi core image: checksum mismatch: the file is damaged \(stored [0-9a-f]{8}, computed [0-9a-f]{8}\); recompile it$`)
	if err == nil || !re.MatchString(err.Error()) {
		t.Errorf("flipped byte: %v", err)
	}
}

// damage tries every truncation and three byte flips at each of the first
// dense offsets, then at about samples offsets spread over the rest.
func damage(t *testing.T, file string, data []byte, dense, samples int) {
	b := backends["loihi"]
	try := func(what string, d []byte) {
		t.Helper()
		j := &ImageJob{Path: "x.snnimg", Data: d, Options: map[string]string{}}
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("%s, %s: panic: %v", file, what, r)
			}
		}()
		_, err := loihiDecode(j)
		if err == nil {
			t.Fatalf("%s, %s: the damaged image decodes", file, what)
		}
		if !strings.HasPrefix(err.Error(), "x.snnimg: ") {
			t.Fatalf("%s, %s: error does not name the file: %v", file, what, err)
		}
		if err := b.EmitImage(j, discard{}); err == nil {
			t.Fatalf("%s, %s: dump accepted what run refuses", file, what)
		}
	}
	stride := max(1, len(data)/samples)
	if testing.Short() {
		stride *= 8
	}
	next := func(n int) int {
		if n < dense {
			return n + 1
		}
		return n + stride
	}
	for n := 0; n < len(data); n = next(n) {
		try(fmt.Sprintf("truncated to %d bytes", n), data[:n])
	}
	for off := 0; off < len(data); off = next(off) {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			d := append([]byte(nil), data...)
			d[off] ^= x
			try(fmt.Sprintf("byte %d ^ %#x", off, x), d)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
