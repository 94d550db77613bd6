package frontend

import (
	"bytes"
	"errors"
	"testing"
)

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Fatal("empty list is an error")
	}
	l.Add(Pos{File: "b.snn", Line: 1, Col: 1, Offset: 0}, "third")
	l.Add(Pos{File: "a.snn", Line: 2, Col: 3, Offset: 12}, "second")
	l.Addf(Pos{File: "a.snn", Line: 1, Col: 5, Offset: 4}, "first %d", 1)
	l.Sort()
	want := []string{"a.snn:1:5: first 1", "a.snn:2:3: second", "b.snn:1:1: third"}
	for i, e := range l {
		if e.Error() != want[i] {
			t.Errorf("l[%d] = %s, want %s", i, e, want[i])
		}
	}
	if got := l.Error(); got != "a.snn:1:5: first 1 (and 2 more errors)" {
		t.Errorf("Error() = %s", got)
	}
	var el ErrorList
	if err := l.Err(); !errors.As(err, &el) || len(el) != 3 {
		t.Errorf("Err() = %v", err)
	}
	if got := l[:1].Error(); got != "a.snn:1:5: first 1" {
		t.Errorf("single Error() = %s", got)
	}
}

func TestFormatErrors(t *testing.T) {
	src := []byte("neuron n {\n\tparam C mV\n    param τ = 1 & 2\n}")
	_, errs := ParseFile("x.snn", src)
	files := func(name string) []byte {
		if name == "x.snn" {
			return src
		}
		return nil
	}
	var b bytes.Buffer
	FormatErrors(&b, errs, files, 0)
	// The caret line repeats tabs and counts characters, not bytes (τ).
	want := "x.snn:2:10: expected '=' after param name, found 'mV'\n" +
		"\tparam C mV\n" +
		"\t        ^\n" +
		"x.snn:3:18: invalid character '&' (did you mean '&&'?)\n" +
		"    param τ = 1 & 2\n" +
		"                ^\n"
	if b.String() != want {
		t.Errorf("FormatErrors:\n%s\nwant:\n%s", b.String(), want)
	}

	// capped
	b.Reset()
	FormatErrors(&b, errs, files, 1)
	want = "x.snn:2:10: expected '=' after param name, found 'mV'\n" +
		"\tparam C mV\n" +
		"\t        ^\n" +
		"too many errors (1 more; use --all-errors)\n"
	if b.String() != want {
		t.Errorf("FormatErrors capped:\n%s\nwant:\n%s", b.String(), want)
	}

	// no source: message lines only
	b.Reset()
	FormatErrors(&b, errs, nil, 0)
	if b.String() != "x.snn:2:10: expected '=' after param name, found 'mV'\nx.snn:3:18: invalid character '&' (did you mean '&&'?)\n" {
		t.Errorf("FormatErrors without source:\n%s", b.String())
	}

	// an error at EOF: the caret goes after the text
	src2 := []byte("neuron n {")
	_, errs = ParseFile("y.snn", src2)
	b.Reset()
	FormatErrors(&b, errs, func(string) []byte { return src2 }, 0)
	if want := "y.snn:1:11: expected '}' to close neuron body, found EOF\nneuron n {\n          ^\n"; b.String() != want {
		t.Errorf("FormatErrors at EOF:\n%q\nwant\n%q", b.String(), want)
	}
}

// TestFormatErrorsWithoutOffset: a position with only line and column (say,
// from a tool that does not track offsets) still finds its line.
func TestFormatErrorsWithoutOffset(t *testing.T) {
	src := []byte("line one\nline two\n")
	errs := ErrorList{{Pos: Pos{File: "z.snn", Line: 2, Col: 6}, Msg: "here"}}
	var b bytes.Buffer
	FormatErrors(&b, errs, func(string) []byte { return src }, 0)
	if want := "z.snn:2:6: here\nline two\n     ^\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
