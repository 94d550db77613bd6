package ir

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseIR: any bytes → Parse must not panic; if it succeeds, the
// printed text must parse and print to the same bytes, and Verify must not
// panic.
func FuzzParseIR(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ir"))
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add(Print(buildModule()))
	f.Add([]byte("unit @u {\n  %0 = const 1\n  state x : 1 = %0\n  x' = integrator rate %0\n}\n"))
	f.Add([]byte("network @n {\n  %0 = const 0\n  %1 = normal %0, %0\n  pop @p = @u[2] {\n    x = %1\n  }\n  record @p.x[1:] every 0.1\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := Parse("fuzz.ir", src)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error is %T, not *ParseError", err)
			}
			return
		}
		_ = Verify(m)
		out := Print(m)
		m2, err := Parse("printed.ir", out)
		if err != nil {
			t.Fatalf("printed text does not parse: %v\n%s", err, out)
		}
		if out2 := Print(m2); !bytes.Equal(out, out2) {
			t.Fatalf("Print(Parse(Print(m))) != Print(m):\n%s", diffLines(string(out), string(out2)))
		}
		_ = Verify(m2)
		_ = m.Clone()
	})
}
