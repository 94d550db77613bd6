package frontend

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the formatter's golden files in testdata/syntax")

// TestFormatGolden formats every testdata/syntax/*.snn and compares with the
// .golden file next to it (go test ./frontend -run Format -update rewrites
// them).
func TestFormatGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/syntax/*.snn")
	if len(files) == 0 {
		t.Fatal("no testdata/syntax/*.snn")
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, errs := FormatSource(file, src)
		if errs != nil {
			t.Errorf("%s: %v", file, errs)
			continue
		}
		golden := strings.TrimSuffix(file, ".snn") + ".golden"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: %v (run with -update)", file, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: formatted output differs from %s:\n%s", file, golden, lineDiff(string(want), string(got)))
		}
	}
}

// lineDiff shows the first differing line of want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, wl, gl)
		}
	}
	return "(no difference)"
}

// snnFiles returns every .snn file under the repository's testdata and
// frontend's testdata and stdlib.
func snnFiles(t testing.TB) []string {
	var files []string
	for _, root := range []string{"../testdata", "testdata", "stdlib"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".snn") {
				files = append(files, path)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no .snn files found")
	}
	return files
}

// TestFormatIdempotent checks, for every .snn file in the repository that
// parses, that formatting is idempotent, keeps every comment, and does not
// change the meaning (the tree without positions and comments).
func TestFormatIdempotent(t *testing.T) {
	for _, file := range snnFiles(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, errs := ParseFile(file, src); errs != nil {
			continue // a diagnostics case
		}
		if err := checkFormat(file, src); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// checkFormat formats src (which must parse) and checks the result: it
// parses, it means the same, it has the same comments, and formatting it
// again changes nothing.
func checkFormat(file string, src []byte) error {
	f1, errs := ParseFile(file, src)
	if errs != nil {
		return fmt.Errorf("source does not parse: %v", errs)
	}
	out1 := Format(f1)
	f2, errs := ParseFile(file, out1)
	if errs != nil {
		return fmt.Errorf("formatted output does not parse: %v\n%s", errs, out1)
	}
	if a, b := dumpTree(f1), dumpTree(f2); a != b {
		return fmt.Errorf("formatting changed the tree:\n%s\nformatted:\n%s\n%s", src, out1, lineDiff(a, b))
	}
	if a, b := commentTexts(f1), commentTexts(f2); a != b {
		return fmt.Errorf("formatting changed the comments:\n%q\n%q\nformatted:\n%s", a, b, out1)
	}
	out2 := Format(f2)
	if !bytes.Equal(out1, out2) {
		return fmt.Errorf("format is not idempotent:\n%s\nsecond time:\n%s\n%s", out1, out2, lineDiff(string(out1), string(out2)))
	}
	return nil
}

func commentTexts(f *File) string {
	var b strings.Builder
	for _, g := range f.Comments {
		for _, c := range g.List {
			b.WriteString(c.Text)
			b.WriteByte(0)
		}
	}
	return b.String()
}

// dumpTree prints a tree without positions and comments, one field a line.
func dumpTree(n Node) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	return b.String()
}

var (
	posType     = reflect.TypeOf(Pos{})
	commentType = reflect.TypeOf(&CommentGroup{})
)

func dumpValue(b *strings.Builder, v reflect.Value, depth int) {
	ind := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		if v.Kind() == reflect.Pointer {
			b.WriteString(v.Type().Elem().Name() + " ")
		}
		dumpValue(b, v.Elem(), depth)
	case reflect.Struct:
		b.WriteString("{\n")
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.Type == posType || f.Type == commentType || f.Name == "Comments" || f.Name == "Name" && f.Type.Kind() == reflect.String && v.Type().Name() == "File" {
				continue
			}
			fmt.Fprintf(b, "%s  %s: ", ind, f.Name)
			dumpValue(b, v.Field(i), depth+1)
		}
		b.WriteString(ind + "}\n")
	case reflect.Slice:
		b.WriteString("[\n")
		for i := 0; i < v.Len(); i++ {
			b.WriteString(ind + "  ")
			dumpValue(b, v.Index(i), depth+1)
		}
		b.WriteString(ind + "]\n")
	default:
		fmt.Fprintf(b, "%#v\n", v.Interface())
	}
}

// TestFormatCases checks small inputs against their canonical form.
func TestFormatCases(t *testing.T) {
	tests := []struct{ src, want string }{
		{"neuron a{param x=1}", "neuron a {\n    param x = 1\n}\n"},
		{"neuron a {}", "neuron a {}\n"},
		{"neuron a {\n}\n\n\n\nnetwork b {}", "neuron a {}\n\nnetwork b {}\n"},
		// '=' aligned within a run of the same kind, not across kinds or blank lines
		{"neuron a {\nparam x = 1\nparam long = 2\nlet y = 3\n\nparam z = 4\n}",
			"neuron a {\n    param x    = 1\n    param long = 2\n    let y = 3\n\n    param z = 4\n}\n"},
		// operators
		{"network n { x = -a^2*b+c/(d-e) }", "network n {\n    x = -a^2 * b + c / (d - e)\n}\n"},
		// one-line blocks stay on one line
		{"neuron a {reset{v=0;w=1}}", "neuron a {\n    reset { v = 0; w = 1 }\n}\n"},
		{"network n {pop p = m[1] {}}", "network n {\n    pop p = m[1] {}\n}\n"},
		// trailing comments aligned
		{"network n {\nx = 1 // a\nlonger = 2 // b\n}", "network n {\n    x      = 1 // a\n    longer = 2 // b\n}\n"},
		// a call broken after a comma stays broken there
		{"network n {\nx = f(a,\nb, c)\n}", "network n {\n    x = f(a,\n        b, c)\n}\n"},
		// empty file, comment-only file
		{"", ""},
		{"// c\n", "// c\n"},
	}
	for _, tt := range tests {
		got, errs := FormatSource("t.snn", []byte(tt.src))
		if errs != nil {
			t.Errorf("%q: %v", tt.src, errs)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("format %q:\n got %q\nwant %q", tt.src, got, tt.want)
		}
		if err := checkFormat("t.snn", []byte(tt.src)); err != nil {
			t.Errorf("%q: %v", tt.src, err)
		}
	}
}

// TestFormatSourceErrors checks that FormatSource refuses bad input.
func TestFormatSourceErrors(t *testing.T) {
	out, errs := FormatSource("bad.snn", []byte("neuron {"))
	if out != nil || errs == nil {
		t.Fatalf("FormatSource of bad input = %q, %v", out, errs)
	}
}

// FuzzParse: any input parses without panicking; input without errors
// formats to something that parses to the same tree with the same comments,
// and formatting is idempotent.
func FuzzParse(f *testing.F) {
	for _, file := range snnFiles(f) {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, errs := ParseFile("fuzz.snn", src)
		if file == nil {
			t.Fatal("nil file")
		}
		if errs != nil {
			Format(file) // must not panic on a partial tree
			return
		}
		if err := checkFormat("fuzz.snn", src); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkParseCOBAHH(b *testing.B) {
	var src []byte
	for _, name := range []string{"stdlib/traub.snn", "testdata/syntax/cobahh.snn"} {
		s, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		src = append(src, s...)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := ParseFile("cobahh.snn", src); errs != nil {
			b.Fatal(errs)
		}
	}
}
