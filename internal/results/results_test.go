package results

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func sample() *Result {
	return &Result{
		Network:    "net",
		DtMs:       0.1,
		DurationMs: 2,
		Seed:       12345,
		Steps:      20,
		Spikes: []PopSpikes{
			{Pop: "exc", N: 3, Neuron: []int32{2, 0, 2}, TimeMs: []float64{0.1, 0.30000000000000004, 1.5}},
			{Pop: "inh", N: 1, Neuron: []int32{}, TimeMs: []float64{}},
		},
		Traces: []Trace{
			{Name: "exc.V", Unit: "V", TimeMs: []float64{0, 1}, Neurons: []int{0, 2},
				Values: [][]float64{{-0.065, -0.0651}, {1.5e-9, math.Copysign(0, -1)}}},
			{Name: "inh.m", Unit: "1", TimeMs: []float64{}, Neurons: []int{0}, Values: [][]float64{}},
		},
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := sample()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeJSON(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	want := sample()
	want.Spikes[0].N = 3 // 1 + largest index
	want.Spikes[1].N = 0 // no spikes: unknown
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	// Bit-exact floats, including -0.
	if !math.Signbit(got.Traces[0].Values[1][1]) {
		t.Errorf("-0 lost")
	}
	// Stable bytes.
	var again bytes.Buffer
	got.WriteJSON(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("rewrite differs:\n%s\n---\n%s", buf.Bytes(), again.Bytes())
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	sample().WriteJSON(&buf)
	want := `{
  "network": "net",
  "dt_ms": 0.1,
  "duration_ms": 2,
  "seed": 12345,
  "spikes": {
    "exc": {
      "neuron": [2,0,2],
      "time_ms": [0.1,0.30000000000000004,1.5]
    },
    "inh": {
      "neuron": [],
      "time_ms": []
    }
  },
  "traces": {
    "exc.V": {
      "unit": "V",
      "time_ms": [0,1],
      "neurons": [0,2],
      "values": [
        [-0.065,-0.0651],
        [1.5e-09,-0]
      ]
    },
    "inh.m": {
      "unit": "1",
      "time_ms": [],
      "neurons": [0],
      "values": []
    }
  }
}
`
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Errorf("JSON (-want +got):\n%s", d)
	}
	empty := &Result{Network: "e", DtMs: 1, DurationMs: 1}
	buf.Reset()
	empty.WriteJSON(&buf)
	if _, err := DecodeJSON(buf.Bytes()); err != nil {
		t.Errorf("empty result: %v\n%s", err, buf.Bytes())
	}
	if !strings.Contains(buf.String(), `"spikes": {},`) {
		t.Errorf("empty spikes not {}:\n%s", buf.Bytes())
	}
}

func TestJSONNonFinite(t *testing.T) {
	r := &Result{Network: "n", DtMs: 1, DurationMs: 1, Traces: []Trace{{Name: "p.v", Unit: "V", TimeMs: []float64{0}, Neurons: []int{0}, Values: [][]float64{{math.Inf(1)}}}}}
	var buf bytes.Buffer
	r.WriteJSON(&buf)
	got, err := DecodeJSON(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(got.Traces[0].Values[0][0]) {
		t.Errorf("non-finite value read back as %v", got.Traces[0].Values[0][0])
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	for _, in := range []string{
		``, `[]`, `{"network": "x"}`, `{"network": "x", "dt_ms": 1, "duration_ms": 1, "bogus": 1}`,
		`{"network": "x", "dt_ms": 1, "duration_ms": 1, "spikes": {"p": {"neuron": [1], "time_ms": []}}}`,
		`{"network": "x", "dt_ms": 1, "duration_ms": 1, "spikes": {"p": {"neuron": [-1], "time_ms": [1]}}}`,
		`{"network": "x", "dt_ms": 1, "duration_ms": 1, "traces": {"p.v": {"time_ms": [0], "neurons": [0], "values": [[1, 2]]}}}`,
		`{"network": "x", "dt_ms": 1, "duration_ms": 1} {}`,
		`{"network": "x", "network": "y", "dt_ms": 1, "duration_ms": 1}`,
		`{"network": "x", "dt_ms": "1", "duration_ms": 1}`,
	} {
		if _, err := DecodeJSON([]byte(in)); err == nil {
			t.Errorf("DecodeJSON(%q) succeeded", in)
		}
	}
}

func TestCSV(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run.csv")
	if err := WriteFile(out, sample()); err != nil {
		t.Fatal(err)
	}
	spikes, _ := os.ReadFile(out)
	wantSpikes := "population,neuron,time_ms\nexc,2,0.1\nexc,0,0.30000000000000004\nexc,2,1.5\n"
	if d := cmp.Diff(wantSpikes, string(spikes)); d != "" {
		t.Errorf("spikes (-want +got):\n%s", d)
	}
	v, err := os.ReadFile(filepath.Join(dir, "run.exc.V.csv"))
	if err != nil {
		t.Fatal(err)
	}
	wantV := "time_ms,exc.V[0] (V),exc.V[2] (V)\n0,-0.065,-0.0651\n1,1.5e-09,-0\n"
	if d := cmp.Diff(wantV, string(v)); d != "" {
		t.Errorf("trace (-want +got):\n%s", d)
	}
	m, _ := os.ReadFile(filepath.Join(dir, "run.inh.m.csv"))
	if string(m) != "time_ms,inh.m[0]\n" {
		t.Errorf("dimensionless trace: %q", m)
	}
	want := []string{"run.csv", "run.exc.V.csv", "run.inh.m.csv"}
	if d := cmp.Diff(want, dirNames(t, dir), cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	if got := sample().OutputPaths(out); len(got) != 3 || got[1] != filepath.Join(dir, "run.exc.V.csv") {
		t.Errorf("OutputPaths = %v", got)
	}
}

func TestTracePath(t *testing.T) {
	for _, c := range [][3]string{
		{"out.csv", "p.v", "out.p.v.csv"},
		{"dir.x/out", "p.v", "dir.x/out.p.v.csv"},
		{"a/b.CSV", "p.v", "a/b.p.v.csv"},
	} {
		if got := TracePath(c[0], c[1]); got != c[2] {
			t.Errorf("TracePath(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestFormatOf(t *testing.T) {
	for p, want := range map[string]Format{"a.json": JSON, "a.JSON": JSON, "x/y.csv": CSV, "r.npz": NPZ} {
		if f, err := FormatOf(p); err != nil || f != want {
			t.Errorf("FormatOf(%q) = %v, %v", p, f, err)
		}
	}
	for _, p := range []string{"a.txt", "a", "a.npy", "a.json.gz"} {
		var fe *FormatError
		if _, err := FormatOf(p); !errors.As(err, &fe) {
			t.Errorf("FormatOf(%q): err = %v", p, err)
		}
	}
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "x.txt"), sample()); err == nil {
		t.Error("WriteFile .txt succeeded")
	}
	if n := dirNames(t, dir); len(n) != 0 {
		t.Errorf("files left: %v", n)
	}
}

// npyArray is a parsed .npy file.
type npyArray struct {
	descr string
	shape []int
	data  []byte
}

var npyDict = regexp.MustCompile(`^\{'descr': '([<>|][a-z][0-9]+)', 'fortran_order': False, 'shape': \(([0-9, ]*)\), \} *\n$`)

func parseNPY(t *testing.T, b []byte) npyArray {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("bad npy magic %q", b[:min(len(b), 8)])
	}
	hl := int(binary.LittleEndian.Uint16(b[8:]))
	if (10+hl)%64 != 0 {
		t.Errorf("data offset %d not a multiple of 64", 10+hl)
	}
	m := npyDict.FindStringSubmatch(string(b[10 : 10+hl]))
	if m == nil {
		t.Fatalf("bad npy header %q", b[10:10+hl])
	}
	a := npyArray{descr: m[1], data: b[10+hl:]}
	for _, f := range strings.Split(m[2], ",") {
		if f = strings.TrimSpace(f); f != "" {
			n, _ := strconv.Atoi(f)
			a.shape = append(a.shape, n)
		}
	}
	return a
}

func (a npyArray) float64s(t *testing.T) []float64 {
	if a.descr != "<f8" {
		t.Fatalf("descr %s, want <f8", a.descr)
	}
	out := make([]float64, len(a.data)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(a.data[8*i:]))
	}
	return out
}

func (a npyArray) int32s(t *testing.T) []int32 {
	if a.descr != "<i4" {
		t.Fatalf("descr %s, want <i4", a.descr)
	}
	out := make([]int32, len(a.data)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(a.data[4*i:]))
	}
	return out
}

func TestNPZ(t *testing.T) {
	var buf bytes.Buffer
	if err := sample().WriteNPZ(&buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	arrays := map[string]npyArray{}
	var names []string
	for _, f := range z.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		names = append(names, f.Name)
		arrays[strings.TrimSuffix(f.Name, ".npy")] = parseNPY(t, b)
	}
	wantNames := []string{"exc.spikes.neuron.npy", "exc.spikes.time_ms.npy", "inh.spikes.neuron.npy", "inh.spikes.time_ms.npy",
		"exc.V.npy", "exc.V.time_ms.npy", "inh.m.npy", "inh.m.time_ms.npy"}
	if d := cmp.Diff(wantNames, names); d != "" {
		t.Fatalf("members (-want +got):\n%s", d)
	}
	s := sample()
	if a := arrays["exc.spikes.neuron"]; !cmp.Equal(a.shape, []int{3}) || !cmp.Equal(a.int32s(t), s.Spikes[0].Neuron) {
		t.Errorf("exc.spikes.neuron = %v %v", a.shape, a.int32s(t))
	}
	if a := arrays["exc.spikes.time_ms"]; !cmp.Equal(a.float64s(t), s.Spikes[0].TimeMs) {
		t.Errorf("exc.spikes.time_ms = %v", a.float64s(t))
	}
	if a := arrays["inh.spikes.neuron"]; !cmp.Equal(a.shape, []int{0}) || len(a.data) != 0 {
		t.Errorf("inh.spikes.neuron = %v %d bytes", a.shape, len(a.data))
	}
	v := arrays["exc.V"]
	if !cmp.Equal(v.shape, []int{2, 2}) {
		t.Errorf("exc.V shape %v", v.shape)
	}
	if got, want := v.float64s(t), []float64{-0.065, -0.0651, 1.5e-9, 0}; !cmp.Equal(got, want) {
		t.Errorf("exc.V = %v, want %v", got, want)
	}
	if a := arrays["inh.m"]; !cmp.Equal(a.shape, []int{0, 1}) {
		t.Errorf("inh.m shape %v", a.shape)
	}
	if a := arrays["exc.V.time_ms"]; !cmp.Equal(a.float64s(t), []float64{0, 1}) {
		t.Errorf("exc.V.time_ms = %v", a.float64s(t))
	}
	// Deterministic bytes.
	var again bytes.Buffer
	sample().WriteNPZ(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes differ")
	}
}

func TestNPYHeaderShapes(t *testing.T) {
	var b bytes.Buffer
	if err := WriteNPYFloat64(&b, []float64{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		t.Fatal(err)
	}
	a := parseNPY(t, b.Bytes())
	if !cmp.Equal(a.shape, []int{2, 3}) || !cmp.Equal(a.float64s(t), []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("got %v %v", a.shape, a.float64s(t))
	}
	if err := WriteNPYFloat64(&b, []float64{1}, 2); err == nil {
		t.Error("shape mismatch accepted")
	}
}

func TestWriteFileAllFormats(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{"json", "csv", "npz"} {
		p := filepath.Join(dir, "r."+ext)
		if err := WriteFile(p, sample()); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
	}
	r, err := ReadJSON(filepath.Join(dir, "r.json"))
	if err != nil || r.Network != "net" || r.Steps != 20 {
		t.Fatalf("ReadJSON: %v %+v", err, r)
	}
	for _, n := range dirNames(t, dir) {
		if strings.Contains(n, ".tmp") {
			t.Errorf("temporary file left: %s", n)
		}
	}
	// A write into a missing directory fails and creates nothing.
	if err := WriteFile(filepath.Join(dir, "missing", "r.csv"), sample()); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}
