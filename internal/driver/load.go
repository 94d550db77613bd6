package driver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"snnc/frontend"
	"snnc/ir"
)

// Kind is the language of a program file.
type Kind int

const (
	Source Kind = iota // .snn source
	IRText             // the IR text form (docs/ir.md)
)

func (k Kind) String() string {
	if k == IRText {
		return "IR text"
	}
	return ".snn source"
}

// irMagic starts the first line of every IR file ir.Print writes.
const irMagic = "; snnc IR"

// DetectKind tells IR text from .snn source: a file is IR if its name ends
// in .ir or its first line starts with "; snnc IR".
func DetectKind(path string, src []byte) Kind {
	if strings.EqualFold(filepath.Ext(path), ".ir") {
		return IRText
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	if bytes.HasPrefix(src, []byte(irMagic)) {
		return IRText
	}
	return Source
}

// Diagnostics is a user error made of positioned messages.
type Diagnostics struct {
	List frontend.ErrorList
	// sources caches file contents for the source lines of messages.
	sources map[string][]byte
	program *frontend.Program // the loaded program, for imported files and the stdlib
}

func (d *Diagnostics) Error() string { return d.List.Error() }

// Len returns the number of messages.
func (d *Diagnostics) Len() int { return len(d.List) }

// Format writes the messages with their source lines and carets, at most
// max of them (max <= 0: all).
func (d *Diagnostics) Format(w io.Writer, max int) {
	frontend.FormatErrors(w, d.List, d.source, max)
}

func (d *Diagnostics) source(file string) []byte {
	if src, ok := d.sources[file]; ok {
		return src
	}
	if src := d.program.Source(file); src != nil {
		return src
	}
	if d.sources == nil {
		d.sources = map[string][]byte{}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		src = nil
	}
	d.sources[file] = src
	return src
}

// newDiagnostics wraps errs, remembering src as the contents of file.
func newDiagnostics(errs frontend.ErrorList, file string, src []byte) *Diagnostics {
	d := &Diagnostics{List: errs, sources: map[string][]byte{}}
	if file != "" {
		d.sources[file] = src
	}
	return d
}

// AsDiagnostics returns err's diagnostics, if it carries any.
func AsDiagnostics(err error) (*Diagnostics, bool) {
	var d *Diagnostics
	ok := errors.As(err, &d)
	return d, ok
}

// ReadFile reads a program file and detects its kind. A read error is
// returned as is (it names the path); a backend's compiled image (image.go)
// is an error that says so.
func ReadFile(path string) ([]byte, Kind, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, cleanPathError(err)
	}
	if b := imageBackend(path, src[:min(len(src), 16)]); b != nil {
		return nil, 0, notAProgram(path, b)
	}
	return src, DetectKind(path, src), nil
}

// cleanPathError turns "open x: no such file or directory" into
// "x: no such file or directory".
func cleanPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

// Load reads the program at path and returns it as a verified IR module:
// .snn source is checked and lowered by the frontend; IR text is parsed.
// User errors come back as *Diagnostics.
func Load(path string) (*ir.Module, error) {
	src, kind, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m *ir.Module
	if kind == Source {
		return compileSource(path, src) // lowering verifies
	}
	if m, err = parseIR(path, src); err != nil {
		return nil, err
	}
	if errs := verify(path, m); len(errs) > 0 {
		return nil, newDiagnostics(errs, path, src)
	}
	return m, nil
}

// parseIR parses IR text, turning a parse error into diagnostics.
func parseIR(path string, src []byte) (*ir.Module, error) {
	m, err := ir.Parse(path, src)
	if err != nil {
		var pe *ir.ParseError
		if errors.As(err, &pe) {
			pos := frontend.Pos{File: pe.Pos.File, Line: pe.Pos.Line, Col: pe.Pos.Col, Offset: offsetOf(src, pe.Pos.Line, pe.Pos.Col)}
			l := frontend.ErrorList{{Pos: pos, Msg: pe.Msg}}
			return nil, newDiagnostics(l, path, src)
		}
		return nil, err
	}
	return m, nil
}

// ParseAST parses .snn source into its syntax tree. Syntax errors come back
// as *Diagnostics, with the partial tree.
func ParseAST(path string, src []byte) (*frontend.File, error) {
	f, errs := frontend.ParseFile(path, src)
	if len(errs) > 0 {
		return f, newDiagnostics(errs, path, src)
	}
	return f, nil
}

// Format returns the canonical layout of a program: frontend.FormatSource
// for .snn source; for IR text, the module printed by ir.Print (comments in
// IR files are not kept).
func Format(path string, src []byte) ([]byte, error) {
	if DetectKind(path, src) == IRText {
		m, err := parseIR(path, src)
		if err != nil {
			return nil, err
		}
		return ir.Print(m), nil
	}
	out, errs := formatSource(path, src)
	if len(errs) > 0 {
		return nil, newDiagnostics(errs, path, src)
	}
	return out, nil
}

// offsetOf returns the byte offset of line:col (1-based) in src, or -1.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for ; line > 1; line-- {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	if off+col-1 > len(src) || col < 1 {
		return -1
	}
	return off + col - 1
}
