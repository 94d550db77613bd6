package fpga

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"snnc/internal/fixed"
)

//go:embed cpp/*.h
var support embed.FS

// Generator is the generator's name and version, written into the project
// (marker file and headers). Bump the version when the emitted design
// changes incompatibly.
const Generator = "snnc-fpga 1"

// MarkerFile marks a directory as a project written by this package; Write
// replaces only directories that hold it (or empty ones).
const MarkerFile = ".snnc-fpga"

// File is one file of a generated project.
type File struct {
	Path string // slash-separated, relative to the project directory
	Data []byte
}

// Project is a generated HLS project, in memory.
type Project struct {
	Name  string // the network's C++ identifier: firmware/<Name>.cpp, the top function
	Files []File // sorted by path
	// Notes are facts about the design worth telling the user (e.g. a
	// delivery loop that cannot run at II=1).
	Notes []string
}

// File returns the file at path, or nil.
func (p *Project) File(path string) []byte {
	for _, f := range p.Files {
		if f.Path == path {
			return f.Data
		}
	}
	return nil
}

// Generate builds the project of n with the knobs of opt. Unless
// opt.NoExpected, it runs the interpreter's fixed mode to write the
// expected spikes and traces into tb_data/.
func Generate(n *fixed.Net, opt Options) (*Project, error) {
	opt, err := opt.norm()
	if err != nil {
		return nil, err
	}
	d, err := newDesign(n, opt)
	if err != nil {
		return nil, err
	}
	e := &emitter{d: d, files: map[string][]byte{}}
	if err := e.emit(); err != nil {
		return nil, err
	}
	p := &Project{Name: d.id, Notes: e.notes}
	for path, data := range e.files {
		p.Files = append(p.Files, File{Path: path, Data: data})
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	return p, nil
}

// Write writes the project into dir atomically: everything goes to a
// temporary directory beside dir, which is then renamed to dir. An existing
// dir is replaced only when it is empty or a project written by this
// package (it holds MarkerFile); a failure leaves it as it was.
func (p *Project) Write(dir string) error {
	dir = filepath.Clean(dir)
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		if len(ents) > 0 {
			if _, err := os.Stat(filepath.Join(dir, MarkerFile)); err != nil {
				return fmt.Errorf("%s exists and is not an snnc FPGA project (no %s): not replacing it", dir, MarkerFile)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for _, f := range p.Files {
		path := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		perm := os.FileMode(0o644)
		if strings.HasSuffix(f.Path, ".sh") {
			perm = 0o755
		}
		if err := os.WriteFile(path, f.Data, perm); err != nil {
			return err
		}
	}
	// Replace: move the old project aside, the new one in, then delete the
	// old one. dir is never partial; between the two renames it is absent.
	var old string
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return err
	}
	ok = true
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// Compile generates the project of n and writes it into dir.
func Compile(n *fixed.Net, dir string, opt Options) (*Project, error) {
	p, err := Generate(n, opt)
	if err != nil {
		return nil, err
	}
	return p, p.Write(dir)
}

// cw writes C++ with indentation.
type cw struct {
	b   bytes.Buffer
	ind int
}

func (w *cw) l(format string, a ...any) {
	if format == "" {
		w.b.WriteByte('\n')
		return
	}
	for i := 0; i < w.ind; i++ {
		w.b.WriteString("    ")
	}
	if len(a) == 0 {
		w.b.WriteString(format)
	} else {
		fmt.Fprintf(&w.b, format, a...)
	}
	w.b.WriteByte('\n')
}

// open writes a line and indents; close dedents and writes a line.
func (w *cw) open(format string, a ...any)  { w.l(format, a...); w.ind++ }
func (w *cw) close(format string, a ...any) { w.ind--; w.l(format, a...) }

// raw writes text as it is.
func (w *cw) raw(s string) { w.b.WriteString(strings.TrimPrefix(s, "\n")) }

func (w *cw) bytes() []byte { return w.b.Bytes() }
