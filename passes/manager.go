package passes

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"snnc/internal/textdist"
	"snnc/ir"
)

// Pass is one row of the pass table.
type Pass struct {
	Name        string
	Description string   // one line
	Requires    []string // properties that must hold before the pass runs
	Guarantees  []string // properties that hold after it
	// Invalidates lists properties that may no longer hold after the pass
	// (every property not listed here and not guaranteed is preserved).
	Invalidates []string
	// Lossy passes change the network's behaviour beyond round-off; they are
	// never part of a preset and must be asked for by name.
	Lossy bool
	Run   func(m *ir.Module, ctx *Context) error
}

// Pipeline is an ordered list of passes.
type Pipeline []*Pass

// Names returns the pipeline as "a,b,c".
func (p Pipeline) String() string {
	names := make([]string, len(p))
	for i, x := range p {
		names[i] = x.Name
	}
	return strings.Join(names, ",")
}

// Initial is the set of properties a module has when a pipeline starts:
// Run verifies its input, so "verified" holds.
var Initial = []string{PropVerified}

// Check checks the order of the pipeline: every property a pass requires
// must have been guaranteed by an earlier pass (or hold initially) and not
// invalidated since. The error names the pass and the pass that provides
// the missing property.
func (p Pipeline) Check() error {
	have := map[string]string{} // property -> who established it
	for _, x := range Initial {
		have[x] = "(input)"
	}
	lost := map[string]string{} // property -> pass that invalidated it
	for i, x := range p {
		for _, r := range x.Requires {
			if _, ok := have[r]; ok {
				continue
			}
			prov := providers(r)
			hint := ""
			if len(prov) > 0 {
				hint = fmt.Sprintf(": run %s before %s", strings.Join(prov, " or "), x.Name)
			}
			if by, ok := lost[r]; ok {
				return fmt.Errorf("pipeline %s: pass %s (#%d) requires %q, which %s invalidated%s", p, x.Name, i+1, r, by, hint)
			}
			return fmt.Errorf("pipeline %s: pass %s (#%d) requires %q, which no earlier pass guarantees%s", p, x.Name, i+1, r, hint)
		}
		for _, r := range x.Invalidates {
			if _, ok := have[r]; ok {
				lost[r] = x.Name
			}
			delete(have, r)
		}
		for _, g := range x.Guarantees {
			have[g] = x.Name
			delete(lost, g)
		}
	}
	return nil
}

// providers returns the names of the table's passes that guarantee prop.
func providers(prop string) []string {
	var out []string
	for i := range Table {
		for _, g := range Table[i].Guarantees {
			if g == prop && !Table[i].Lossy {
				out = append(out, Table[i].Name)
			}
		}
	}
	return out
}

// Lookup returns the pass of the table with that name.
func Lookup(name string) (*Pass, bool) {
	for i := range Table {
		if Table[i].Name == name {
			return &Table[i], true
		}
	}
	return nil, false
}

// Parse reads an explicit pipeline "a,b,c" (names of the table, separated
// by commas; spaces around names are ignored). An empty spec is the empty
// pipeline. Unknown names are errors that suggest the nearest known name,
// and the order is checked (Pipeline.Check).
func Parse(spec string) (Pipeline, error) {
	var p Pipeline
	if strings.TrimSpace(spec) == "" {
		return p, nil
	}
	for _, f := range strings.Split(spec, ",") {
		name := strings.TrimSpace(f)
		if name == "" {
			return nil, fmt.Errorf("pipeline %q: empty pass name", spec)
		}
		x, ok := Lookup(name)
		if !ok {
			return nil, unknownPass(name)
		}
		p = append(p, x)
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return p, nil
}

func unknownPass(name string) error {
	msg := fmt.Sprintf("unknown pass %q", name)
	if s := nearest(name, Names()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return errors.New(msg + "; known passes: " + strings.Join(Names(), ", "))
}

// Names returns the names of the table's passes, in table order.
func Names() []string {
	out := make([]string, len(Table))
	for i := range Table {
		out[i] = Table[i].Name
	}
	return out
}

// Preset returns the pipeline of an optimisation level: 0 (verify only),
// 1 (canonicalize), 2 (canonicalize, fuse-hh, canonicalize). Presets never
// contain lossy passes.
func Preset(level int) (Pipeline, error) {
	names, ok := presets[level]
	if !ok {
		return nil, fmt.Errorf("unknown optimisation level -O%d (want -O0, -O1 or -O2)", level)
	}
	return Parse(strings.Join(names, ","))
}

var presets = map[int][]string{
	0: {"verify"},
	1: {"canonicalize"},
	2: {"canonicalize", "fuse-hh", "canonicalize"},
}

// PresetNames returns the pass names of an optimisation level.
func PresetNames(level int) []string { return append([]string(nil), presets[level]...) }

// Options configure Run.
type Options struct {
	// PrintAfter selects passes after which the module is printed: "" for
	// none, "all", or a comma-separated list of pass names.
	PrintAfter string
	// PrintTo receives the IR text after each selected pass, each preceded
	// by a comment line "; IR after PASS (#N)". Nil with PrintDir empty
	// means os.Stderr.
	PrintTo io.Writer
	// PrintDir, if not empty, receives one file per selected pass instead
	// of PrintTo: DIR/NN-PASS.ir (NN the pass's position, from 01).
	PrintDir string
	// VerifyEach runs ir.Verify after every pass; the error names the pass
	// that produced invalid IR. (Run always verifies its input and its
	// final result.)
	VerifyEach bool
	// TimePasses, if not nil, receives a table of the time spent in each
	// pass after the pipeline has run.
	TimePasses io.Writer
	// Remarks, if not nil, receives the optimisation remarks as they are
	// made, one per line ("remark: unit hh: …", "missed: unit x: …").
	Remarks io.Writer
}

// Result is what Run observed.
type Result struct {
	Remarks []Remark
	Timings []Timing
}

// Timing is the wall time of one pass of a run.
type Timing struct {
	Pass     string
	Duration time.Duration
}

// RemarkKind distinguishes applied transformations from missed ones.
type RemarkKind uint8

const (
	Applied RemarkKind = iota // printed "remark"
	Missed                    // printed "missed"
	Note                      // printed "note": information about a candidate
)

func (k RemarkKind) String() string {
	switch k {
	case Applied:
		return "remark"
	case Missed:
		return "missed"
	}
	return "note"
}

// Remark is one optimisation remark.
type Remark struct {
	Pass string
	Kind RemarkKind
	Unit string
	Msg  string
}

// String formats the remark as "KIND: unit UNIT: MSG".
func (r Remark) String() string {
	if r.Unit == "" {
		return fmt.Sprintf("%s: %s", r.Kind, r.Msg)
	}
	return fmt.Sprintf("%s: unit %s: %s", r.Kind, r.Unit, r.Msg)
}

// Context is handed to each pass.
type Context struct {
	Pass    string // the running pass
	unit    string // the unit being worked on, for panics and errors
	opts    Options
	remarks []Remark
}

// SetUnit records the unit the pass is working on ("" when none): if the
// pass panics or fails, the error names it.
func (c *Context) SetUnit(name string) { c.unit = name }

// Unit returns the unit set by SetUnit.
func (c *Context) Unit() string { return c.unit }

// Remark records an applied-transformation remark about unit.
func (c *Context) Remark(unit, format string, args ...any) { c.add(Applied, unit, format, args...) }

// Missed records a missed-transformation remark about unit.
func (c *Context) Missed(unit, format string, args ...any) { c.add(Missed, unit, format, args...) }

// Notef records an informational remark about unit.
func (c *Context) Notef(unit, format string, args ...any) { c.add(Note, unit, format, args...) }

func (c *Context) add(k RemarkKind, unit, format string, args ...any) {
	r := Remark{Pass: c.Pass, Kind: k, Unit: unit, Msg: fmt.Sprintf(format, args...)}
	c.remarks = append(c.remarks, r)
	if c.opts.Remarks != nil {
		fmt.Fprintln(c.opts.Remarks, r.String())
	}
}

// PassError is a failure of one pass: an error it returned, a panic
// (Panic true, Stack set), or invalid IR found by VerifyEach.
type PassError struct {
	Pass  string
	Index int    // position in the pipeline, from 1
	Unit  string // the unit the pass was working on, if known
	Err   error
	Panic bool
	Stack []byte
}

func (e *PassError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pass %s", e.Pass)
	if e.Panic {
		b.WriteString(" panicked")
		if e.Unit != "" {
			fmt.Fprintf(&b, " while working on unit %s", e.Unit)
		}
		fmt.Fprintf(&b, ": %v (a compiler bug)", e.Err)
		return b.String()
	}
	if e.Unit != "" {
		fmt.Fprintf(&b, ": unit %s", e.Unit)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *PassError) Unwrap() error { return e.Err }

// Run runs the pipeline on m, in place. It verifies m first and last (and
// after every pass with VerifyEach). Each pass runs on a copy, so if a pass
// fails (an error, a panic or invalid IR) m is left as the last successful
// pass produced it and the error (a *PassError) names the pass and the unit
// it was working on.
func Run(m *ir.Module, p Pipeline, opts Options) (*Result, error) {
	res := &Result{}
	if err := p.Check(); err != nil {
		return res, err
	}
	printSel, err := selectPrint(p, opts.PrintAfter)
	if err != nil {
		return res, err
	}
	if err := ir.Verify(m); err != nil {
		return res, fmt.Errorf("input module does not verify:\n%w", err)
	}
	if opts.PrintDir != "" && len(printSel) > 0 {
		if err := os.MkdirAll(opts.PrintDir, 0o777); err != nil {
			return res, err
		}
	}
	ctx := &Context{opts: opts}
	for i, x := range p {
		ctx.Pass, ctx.unit = x.Name, ""
		work := m.Clone()
		start := time.Now()
		perr := runOne(x, work, ctx)
		res.Timings = append(res.Timings, Timing{x.Name, time.Since(start)})
		if perr != nil {
			perr.Index = i + 1
			res.Remarks = ctx.remarks
			return res, perr
		}
		if opts.VerifyEach {
			if err := ir.Verify(work); err != nil {
				res.Remarks = ctx.remarks
				return res, &PassError{Pass: x.Name, Index: i + 1, Err: fmt.Errorf("produced invalid IR:\n%w", err)}
			}
		}
		*m = *work
		if printSel[i] {
			if err := printAfter(m, x.Name, i+1, opts); err != nil {
				res.Remarks = ctx.remarks
				return res, err
			}
		}
	}
	res.Remarks = ctx.remarks
	if len(p) > 0 {
		if err := ir.Verify(m); err != nil {
			last := p[len(p)-1].Name
			return res, fmt.Errorf("pipeline %s produced invalid IR (rerun with VerifyEach to find the pass; last pass %s):\n%w", p, last, err)
		}
	}
	if opts.TimePasses != nil {
		writeTimings(opts.TimePasses, res.Timings)
	}
	return res, nil
}

// runOne runs one pass, turning errors and panics into a *PassError.
func runOne(x *Pass, m *ir.Module, ctx *Context) (perr *PassError) {
	defer func() {
		if r := recover(); r != nil {
			err, ok := r.(error)
			if !ok {
				err = fmt.Errorf("%v", r)
			}
			perr = &PassError{Pass: x.Name, Unit: ctx.unit, Err: err, Panic: true, Stack: debug.Stack()}
		}
	}()
	if err := x.Run(m, ctx); err != nil {
		var pe *PassError
		if errors.As(err, &pe) {
			return pe
		}
		return &PassError{Pass: x.Name, Unit: ctx.unit, Err: err}
	}
	return nil
}

// selectPrint resolves Options.PrintAfter to the pipeline positions to print.
func selectPrint(p Pipeline, spec string) ([]bool, error) {
	sel := make([]bool, len(p))
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return sel, nil
	}
	if spec == "all" {
		for i := range sel {
			sel[i] = true
		}
		return sel, nil
	}
	for _, f := range strings.Split(spec, ",") {
		name := strings.TrimSpace(f)
		if _, ok := Lookup(name); !ok {
			return nil, fmt.Errorf("print-after: %w", unknownPass(name))
		}
		found := false
		for i, x := range p {
			if x.Name == name {
				sel[i], found = true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("print-after: pass %s is not in the pipeline %q", name, p.String())
		}
	}
	return sel, nil
}

func printAfter(m *ir.Module, pass string, idx int, opts Options) error {
	text := ir.Print(m)
	if opts.PrintDir != "" {
		name := filepath.Join(opts.PrintDir, fmt.Sprintf("%02d-%s.ir", idx, pass))
		return os.WriteFile(name, text, 0o666)
	}
	w := opts.PrintTo
	if w == nil {
		w = os.Stderr
	}
	if _, err := fmt.Fprintf(w, "; IR after %s (#%d)\n", pass, idx); err != nil {
		return err
	}
	_, err := w.Write(text)
	return err
}

func writeTimings(w io.Writer, ts []Timing) {
	var total time.Duration
	for _, t := range ts {
		total += t.Duration
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "#\tpass\ttime\t%\t")
	for i, t := range ts {
		pct := 0.0
		if total > 0 {
			pct = 100 * float64(t.Duration) / float64(total)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.1f\t\n", i+1, t.Pass, fmtDur(t.Duration), pct)
	}
	fmt.Fprintf(tw, "\ttotal\t%s\t100.0\t\n", fmtDur(total))
	tw.Flush()
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}

// nearest returns the candidate closest to name by edit distance, if it is
// close enough to be a plausible typo.
func nearest(name string, cands []string) string {
	best, bestD := "", 1<<30
	for _, c := range cands {
		d := textdist.Levenshtein(strings.ToLower(name), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(name)/3) {
		return best
	}
	return ""
}

// sortedKeys returns the keys of a string set in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
