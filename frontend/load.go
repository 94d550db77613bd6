package frontend

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"snnc/ir"
)

// This file loads a program — a root file, its imports and the standard
// models — and drives checking and lowering.

//go:embed stdlib/*.snn
var stdlibFS embed.FS

// Options configure loading.
type Options struct {
	// ReadFile reads a source or data file; nil means os.ReadFile.
	ReadFile func(path string) ([]byte, error)
	// FileExists reports whether a data file exists; nil means os.Stat.
	FileExists func(path string) bool
}

// Program is a loaded set of files: the root, its imports, and the
// standard models it may use.
type Program struct {
	Root    *File
	Files   []*File // root first, then imports in load order
	sources map[string][]byte
	opts    Options

	models    map[string]*model // user models by name (across files)
	modelList []*model          // user models in load order
	rootModel map[*model]bool
	used      []*model // models used by networks, in order of first use
	usedSet   map[*model]bool
}

// Source returns the text of a loaded file (for printing diagnostics).
func (p *Program) Source(file string) []byte {
	if p == nil {
		return nil
	}
	if b, ok := p.sources[file]; ok {
		return b
	}
	if b, ok := stdlibSources()[file]; ok {
		return b
	}
	return nil
}

func (p *Program) fileExists(path string) bool {
	if p.opts.FileExists != nil {
		return p.opts.FileExists(path)
	}
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// CompileFile loads, checks and lowers the program in path.
func CompileFile(path string, opts Options) (*ir.Module, *Program, ErrorList) {
	read := opts.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(path)
	if err != nil {
		var el ErrorList
		el.Add(Pos{File: path}, "cannot read file: "+describeIOError(err))
		return nil, nil, el
	}
	return CompileSource(path, src, opts)
}

// CompileSource checks and lowers a program whose root file's text is src.
// Imports are read relative to filename's directory.
func CompileSource(filename string, src []byte, opts Options) (*ir.Module, *Program, ErrorList) {
	p := &Program{sources: map[string][]byte{}, opts: opts, models: map[string]*model{},
		rootModel: map[*model]bool{}, usedSet: map[*model]bool{}}
	if p.opts.ReadFile == nil {
		p.opts.ReadFile = os.ReadFile
	}
	var errs ErrorList
	p.load(filename, src, nil, nil, &errs)
	if len(errs) > 0 {
		errs.Sort()
		return nil, p, errs
	}
	m, errs := p.check()
	return m, p, errs
}

// load parses a file and, recursively, its imports. stack holds the chain
// of files being imported, for cycle detection.
func (p *Program) load(filename string, src []byte, stack []string, at *Import, errs *ErrorList) {
	f, perrs := ParseFile(filename, src)
	p.sources[filename] = src
	*errs = append(*errs, perrs...)
	if f == nil {
		return
	}
	if p.Root == nil {
		p.Root = f
	}
	p.Files = append(p.Files, f)
	stack = append(stack, filepath.Clean(filename)) // the root may be spelt ./a.snn
	for _, d := range f.Decls {
		if nd, ok := d.(*NeuronDecl); ok && nd.Name != nil {
			if prev, dup := p.models[nd.Name.Name]; dup {
				errs.Addf(nd.Name.Pos(), "neuron %s redeclared (previous declaration at %s)", nd.Name.Name, prev.decl.Name.Pos())
				continue
			}
			m := &model{decl: nd}
			p.models[nd.Name.Name] = m
			p.modelList = append(p.modelList, m)
			if len(stack) == 1 {
				p.rootModel[m] = true
			}
		}
	}
	dir := filepath.Dir(filename)
	for _, imp := range f.Imports {
		if imp.Path == nil {
			continue
		}
		if imp.Path.Value == "" {
			errs.Addf(imp.Path.Pos(), "empty import path")
			continue
		}
		path := imp.Path.Value
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		path = filepath.Clean(path)
		for i, s := range stack {
			if s == path {
				chain := append(append([]string{}, stack[i:]...), path)
				errs.Addf(imp.Path.Pos(), "import cycle: %s", strings.Join(chain, " -> "))
				path = ""
				break
			}
		}
		if path == "" {
			continue
		}
		if _, seen := p.sources[path]; seen {
			continue // already loaded through another import
		}
		b, err := p.opts.ReadFile(path)
		if err != nil {
			errs.Addf(imp.Path.Pos(), "cannot import %q: %s", imp.Path.Value, describeIOError(err))
			continue
		}
		p.load(path, b, stack, imp, errs)
	}
}

func describeIOError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// lookupModel finds a neuron model: the program's own, else a standard one.
func (p *Program) lookupModel(name string) *model {
	if m, ok := p.models[name]; ok {
		return m
	}
	if d := stdlibDecl(name); d != nil {
		m := &model{decl: d}
		p.models[name] = m // one copy per program
		return m
	}
	return nil
}

func (p *Program) useModel(m *model) {
	if !p.usedSet[m] {
		p.usedSet[m] = true
		p.used = append(p.used, m)
	}
}

func (p *Program) modelNames() []string {
	set := map[string]bool{}
	for n := range p.models {
		set[n] = true
	}
	for _, n := range StdlibModels() {
		set[n] = true
	}
	return sortedKeys(set)
}

// check checks every declaration and lowers the program.
func (p *Program) check() (*ir.Module, ErrorList) {
	c := &checker{prog: p}
	mod := ir.NewModule()
	// Models of the root file, in order, then networks.
	for _, m := range p.modelList {
		if p.rootModel[m] {
			c.checkModel(m)
		}
	}
	var nets []*ir.Network
	seenNet := map[string]Pos{}
	for _, d := range p.Root.Decls {
		nd, ok := d.(*NetworkDecl)
		if !ok || nd.Name == nil {
			continue
		}
		if prev, dup := seenNet[nd.Name.Name]; dup {
			c.errorf(nd.Name.Pos(), "network %s redeclared (previous declaration at %s)", nd.Name.Name, prev)
			continue
		}
		seenNet[nd.Name.Name] = nd.Name.Pos()
		if n := c.checkNetwork(nd, filepath.Dir(p.Root.Name)); n != nil {
			nets = append(nets, n)
		}
	}
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, c.errs
	}
	for _, m := range p.modelList {
		if p.rootModel[m] {
			mod.AddUnit(m.unit)
		}
	}
	for _, m := range p.used {
		if !p.rootModel[m] {
			mod.AddUnit(m.unit)
		}
	}
	for _, n := range nets {
		mod.AddNetwork(n)
	}
	if err := ir.Verify(mod); err != nil {
		panic(fmt.Sprintf("frontend: lowering produced invalid IR (a compiler bug): %v", err))
	}
	return mod, nil
}

// ---- the standard models ----

var (
	stdOnce  sync.Once
	stdDecls map[string]*NeuronDecl
	stdSrc   map[string][]byte
	stdNames []string
)

func loadStdlib() {
	stdDecls = map[string]*NeuronDecl{}
	stdSrc = map[string][]byte{}
	ents, err := fs.ReadDir(stdlibFS, "stdlib")
	if err != nil {
		panic("frontend: stdlib: " + err.Error())
	}
	for _, e := range ents {
		name := "stdlib/" + e.Name()
		src, err := stdlibFS.ReadFile(name)
		if err != nil {
			panic("frontend: stdlib: " + err.Error())
		}
		f, errs := ParseFile("<std>/"+e.Name(), src)
		if len(errs) > 0 {
			panic("frontend: standard model does not parse: " + errs.Error())
		}
		stdSrc["<std>/"+e.Name()] = src
		for _, d := range f.Decls {
			if nd, ok := d.(*NeuronDecl); ok {
				stdDecls[nd.Name.Name] = nd
				stdNames = append(stdNames, nd.Name.Name)
			}
		}
	}
	sort.Strings(stdNames)
}

func stdlibDecl(name string) *NeuronDecl {
	stdOnce.Do(loadStdlib)
	return stdDecls[name]
}

func stdlibSources() map[string][]byte {
	stdOnce.Do(loadStdlib)
	return stdSrc
}

// StdlibModels returns the names of the standard models, sorted.
func StdlibModels() []string {
	stdOnce.Do(loadStdlib)
	return append([]string(nil), stdNames...)
}

// StdlibSource returns the source of the standard model with that name.
func StdlibSource(name string) ([]byte, bool) {
	stdOnce.Do(loadStdlib)
	d, ok := stdDecls[name]
	if !ok {
		return nil, false
	}
	return stdSrc[d.Neuron.File], true
}
