package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
)

// ReadJSON reads a result written by WriteJSON (or by hand in the same
// shape). Object keys keep their order in the file. Steps is derived from
// duration and dt; a population's N is one more than its largest neuron
// index (the JSON form does not store population sizes).
func ReadJSON(path string) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := DecodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// DecodeJSON parses the JSON form of a result.
func DecodeJSON(data []byte) (*Result, error) {
	d := json.NewDecoder(bufio.NewReader(bytes.NewReader(data)))
	d.UseNumber()
	r := &Result{}
	seen := map[string]bool{}
	err := object(d, func(key string) error {
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "network":
			return d.Decode(&r.Network)
		case "dt_ms":
			return decodeFloat(d, &r.DtMs)
		case "duration_ms":
			return decodeFloat(d, &r.DurationMs)
		case "seed":
			return d.Decode(&r.Seed)
		case "spikes":
			return object(d, func(pop string) error {
				var raw struct {
					Neuron []int32     `json:"neuron"`
					TimeMs []nullFloat `json:"time_ms"`
				}
				if err := d.Decode(&raw); err != nil {
					return fmt.Errorf("spikes of %q: %w", pop, err)
				}
				if len(raw.Neuron) != len(raw.TimeMs) {
					return fmt.Errorf("spikes of %q: %d neurons but %d times", pop, len(raw.Neuron), len(raw.TimeMs))
				}
				ps := PopSpikes{Pop: pop, Neuron: raw.Neuron, TimeMs: floats(raw.TimeMs)}
				for _, n := range raw.Neuron {
					if n < 0 {
						return fmt.Errorf("spikes of %q: negative neuron index %d", pop, n)
					}
					ps.N = max(ps.N, int(n)+1)
				}
				if ps.Neuron == nil {
					ps.Neuron = []int32{}
				}
				r.Spikes = append(r.Spikes, ps)
				return nil
			})
		case "traces":
			return object(d, func(name string) error {
				var raw struct {
					Unit    string        `json:"unit"`
					TimeMs  []nullFloat   `json:"time_ms"`
					Neurons []int         `json:"neurons"`
					Values  [][]nullFloat `json:"values"`
				}
				if err := d.Decode(&raw); err != nil {
					return fmt.Errorf("trace %q: %w", name, err)
				}
				t := Trace{Name: name, Unit: raw.Unit, TimeMs: floats(raw.TimeMs), Neurons: raw.Neurons}
				if t.Neurons == nil {
					t.Neurons = []int{}
				}
				if len(raw.Values) != len(raw.TimeMs) {
					return fmt.Errorf("trace %q: %d samples but %d times", name, len(raw.Values), len(raw.TimeMs))
				}
				t.Values = make([][]float64, len(raw.Values))
				for s, row := range raw.Values {
					if len(row) != len(t.Neurons) {
						return fmt.Errorf("trace %q: sample %d has %d values for %d neurons", name, s, len(row), len(t.Neurons))
					}
					t.Values[s] = floats(row)
				}
				r.Traces = append(r.Traces, t)
				return nil
			})
		}
		return fmt.Errorf("unknown key %q", key)
	})
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the result object")
	}
	for _, k := range []string{"network", "dt_ms", "duration_ms"} {
		if !seen[k] {
			return nil, fmt.Errorf("missing key %q", k)
		}
	}
	if r.DtMs > 0 {
		r.Steps = int64(math.Round(r.DurationMs / r.DtMs))
	}
	return r, nil
}

// object reads one JSON object, calling value for each key with the
// decoder positioned at the key's value.
func object(d *json.Decoder, value func(key string) error) error {
	tok, err := d.Token()
	if err != nil {
		return syntaxErr(err)
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("expected an object, found %v", tok)
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return syntaxErr(err)
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("expected a key, found %v", tok)
		}
		if err := value(key); err != nil {
			return err
		}
	}
	if _, err := d.Token(); err != nil { // '}'
		return syntaxErr(err)
	}
	return nil
}

func syntaxErr(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func decodeFloat(d *json.Decoder, p *float64) error {
	var v nullFloat
	if err := d.Decode(&v); err != nil {
		return err
	}
	*p = float64(v)
	return nil
}

// nullFloat is a float64 that reads JSON null as NaN.
type nullFloat float64

func (f *nullFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = nullFloat(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("invalid number %s", b)
	}
	*f = nullFloat(v)
	return nil
}

func floats(in []nullFloat) []float64 {
	out := make([]float64, len(in))
	for i, v := range in {
		out[i] = float64(v)
	}
	return out
}
