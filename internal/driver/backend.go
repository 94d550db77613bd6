package driver

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"snnc/instance"
	"snnc/internal/results"
	"snnc/ir"
)

// Backend is one target of snnc, chosen by name: `snnc run --backend NAME`,
// `snnc compile --target NAME`, `snnc dump --emit=NAME` and
// `snnc report --target NAME`. A backend fills in what it supports; the
// commands say clearly when a backend lacks an operation.
//
// Backends register themselves from their own file in this package
// (backend_NAME.go, in an init function), so that the package list stays
// one-directional: driver imports the backends, never the reverse.
type Backend struct {
	Name        string
	Description string
	// Flags are the backend's own options (e.g. fpga's reuse factor),
	// offered by the commands as --NAME and passed in Options.
	Flags []Flag

	// Run simulates the job's network and returns its spikes and traces.
	Run func(j *Job) (*results.Result, error)
	// Compile writes the backend's artefact (a core image, an HLS project,
	// an executable) to j.Out.
	Compile func(j *Job) error
	// Emit writes the backend's text form for `snnc dump --emit=NAME`.
	Emit func(j *Job, w io.Writer) error
	// Report writes a resource and cost report (JSON when j.JSON).
	Report func(j *Job, w io.Writer) error

	// A backend whose Compile writes a file it can read back (loihi's core
	// image) describes that file here, so that the commands accept it in
	// place of a program (image.go). ImageMagic is the bytes every such
	// file starts with (how it is recognised), ImageExt its usual
	// extension, ImageKind what to call it in messages.
	ImageMagic string
	ImageExt   string
	ImageKind  string
	// ImageFlags are the names of the backend's Flags that still apply to
	// an already compiled image (the others were fixed when it was
	// compiled).
	ImageFlags []string
	// RunImage simulates a compiled image; EmitImage prints it.
	RunImage  func(j *ImageJob) (*results.Result, error)
	EmitImage func(j *ImageJob, w io.Writer) error
}

// Flag is a backend-specific option.
type Flag struct {
	Name    string
	Default string
	Usage   string
}

// Job is one request to a backend: a checked (and optimised) module, the
// network chosen in it, and the options of the command.
type Job struct {
	Module  *ir.Module
	Network *ir.Network
	Path    string // the program's file; data files are relative to its directory
	Run     RunOptions
	Out     string            // Compile's output path
	JSON    bool              // Report as JSON
	Options map[string]string // the backend's Flags, by name (defaults filled in)

	inst *instance.Instance
}

// Instance instantiates the job's network (once) with the run options'
// seed and overrides.
func (j *Job) Instance() (*instance.Instance, error) {
	if j.inst != nil {
		return j.inst, nil
	}
	inst, err := instantiate(j.Module, j.Network.Name, filepath.Dir(j.Path), j.Run)
	if err != nil {
		return nil, err
	}
	j.inst = inst
	return inst, nil
}

// Int returns a backend option as an integer (a usage error if it is not one).
func (j *Job) Int(name string) (int, error) {
	s := j.Options[name]
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, &UsageError{fmt.Errorf("--%s %q: want an integer", name, s)}
	}
	return v, nil
}

var backends = map[string]*Backend{}

// register adds a backend; it is called from init functions.
func register(b *Backend) {
	if _, dup := backends[b.Name]; dup {
		panic("driver: backend " + b.Name + " registered twice")
	}
	backends[b.Name] = b
}

// Backends returns every backend, sorted by name.
func Backends() []*Backend {
	out := make([]*Backend, 0, len(backends))
	for _, b := range backends {
		out = append(out, b)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Name < out[k].Name })
	return out
}

// BackendNames lists the backends that support an operation ("run",
// "compile", "emit", "report"), for help texts and errors.
func BackendNames(op string) []string {
	var names []string
	for _, b := range Backends() {
		if b.supports(op) {
			names = append(names, b.Name)
		}
	}
	return names
}

func (b *Backend) supports(op string) bool {
	switch op {
	case "run":
		return b.Run != nil
	case "compile":
		return b.Compile != nil
	case "emit":
		return b.Emit != nil
	case "report":
		return b.Report != nil
	}
	return false
}

// LookupBackend returns the backend for an operation, or a usage error
// naming the choices.
func LookupBackend(name, op string) (*Backend, error) {
	b, ok := backends[name]
	if !ok || !b.supports(op) {
		what := map[string]string{"run": "--backend", "compile": "--target", "emit": "--emit", "report": "--target"}[op]
		if ok {
			return nil, &UsageError{fmt.Errorf("%s %s: the %s backend cannot %s (backends that can: %s)", what, name, name, op, strings.Join(BackendNames(op), ", "))}
		}
		return nil, &UsageError{fmt.Errorf("unknown %s %s (want one of %s)", what, name, strings.Join(BackendNames(op), ", "))}
	}
	return b, nil
}

// NewJob prepares a job: picks the network and applies --duration.
func NewJob(m *ir.Module, path string, opt RunOptions) (*Job, error) {
	net, err := PickNetwork(m, path, opt.Network)
	if err != nil {
		return nil, err
	}
	if opt.Duration > 0 {
		if err := checkSteps(opt.Duration, net.Dt); err != nil {
			return nil, err
		}
		m = m.Clone()
		net = m.Network(net.Name)
		net.Duration = opt.Duration
	}
	return &Job{Module: m, Network: net, Path: path, Run: opt, Options: map[string]string{}}, nil
}

// instantiate builds the instance of a network with the run options.
func instantiate(m *ir.Module, net, baseDir string, opt RunOptions) (*instance.Instance, error) {
	iopt := instance.Options{Seed: opt.Seed, BaseDir: baseDir}
	for _, o := range opt.Sets {
		io := instance.Override{Pop: o.Pop, Name: o.Name, Value: o.Value.Value}
		if o.Value.HasUnit {
			d := o.Value.Dim
			io.Unit = &d
		}
		iopt.Sets = append(iopt.Sets, io)
	}
	return instance.Build(m, net, iopt)
}
