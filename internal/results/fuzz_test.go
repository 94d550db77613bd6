package results

import (
	"bytes"
	"testing"
)

// FuzzDecodeJSON: any input either fails cleanly or decodes to a result
// that writes and reads back to the same bytes.
func FuzzDecodeJSON(f *testing.F) {
	var buf bytes.Buffer
	sample().WriteJSON(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"network": "x", "dt_ms": 1, "duration_ms": 1}`))
	f.Add([]byte(`{"network": "x", "dt_ms": 1, "duration_ms": 1, "traces": {"p.v": {"unit": "V", "time_ms": [0], "neurons": [0], "values": [[null]]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeJSON(data)
		if err != nil {
			return
		}
		var a, b bytes.Buffer
		if err := r.WriteJSON(&a); err != nil {
			t.Fatal(err)
		}
		r2, err := DecodeJSON(a.Bytes())
		if err != nil {
			t.Fatalf("rewritten result does not decode: %v\n%s", err, a.Bytes())
		}
		r2.WriteJSON(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("not stable:\n%s\n---\n%s", a.Bytes(), b.Bytes())
		}
		var z bytes.Buffer
		if err := r.WriteNPZ(&z); err != nil {
			t.Fatal(err)
		}
		if err := r.WriteSpikesCSV(&z); err != nil {
			t.Fatal(err)
		}
	})
}
