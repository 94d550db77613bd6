package passes

import "snnc/ir"

// Properties a pass can require, guarantee or invalidate.
const (
	// PropVerified: the module passes ir.Verify. Run checks it on its input
	// and every pass must keep it.
	PropVerified = "verified"
	// PropCanonical: every unit is in canonicalize's normal form (see
	// docs/passes.md): expressions canonical, dynamics in tv-LIF form where
	// linear, no dead lets or states, only reachable graph nodes.
	PropCanonical = "canonical"
	// PropNoHHFusable: no unit has the tv-LIF2HH structure fuse-hh matches.
	PropNoHHFusable = "no-hh-fusable"
	// PropHHExpanded: no unit has a conductance-based membrane expand-hh
	// would expand.
	PropHHExpanded = "hh-expanded"
)

// PropertyDoc describes each property, in a fixed order (for `snnc passes`
// and docs/passes.md).
var PropertyDoc = []struct{ Name, Description string }{
	{PropVerified, "the module passes ir.Verify (Run checks its input and output)"},
	{PropCanonical, "units are in canonicalize's normal form"},
	{PropNoHHFusable, "no unit has the tv-LIF2HH structure that fuse-hh fuses"},
	{PropHHExpanded, "no unit has a conductance-based membrane that expand-hh expands"},
}

// Table is the pass table: every pass snnc knows, in the order they would
// run in a full pipeline. Presets and --passes pick from it by name; the
// order of a pipeline is checked against Requires/Guarantees/Invalidates
// (Pipeline.Check). Add a pass by adding a row (and its file).
var Table = []Pass{
	{
		Name:        "verify",
		Description: "check the module's structural invariants (ir.Verify); changes nothing",
		Guarantees:  []string{PropVerified},
		Run:         runVerify,
	},
	{
		Name:        "canonicalize",
		Description: "fold constants, simplify and order expressions, share subexpressions, bring ODEs to tv-LIF form, remove dead lets and states",
		Requires:    []string{PropVerified},
		Guarantees:  []string{PropCanonical},
		Run:         runCanonicalize,
	},
	{
		Name:        "expand-hh",
		Description: "replace each conductance-based membrane C·V' = Σ g_k(E_k−V) + I by the tv-LIF2HH construction (K channel compartments, accumulator F, soma); exact",
		Requires:    []string{PropCanonical},
		Guarantees:  []string{PropHHExpanded},
		Invalidates: []string{PropCanonical, PropNoHHFusable},
		Run:         runExpandHH,
	},
	{
		Name:        "fuse-hh",
		Description: "find units with the tv-LIF2HH structure (by algebra, any names, order and channel count ≥ 2) and fuse each into one conductance-based HH unit; exact",
		Requires:    []string{PropCanonical},
		Guarantees:  []string{PropNoHHFusable},
		Invalidates: []string{PropCanonical, PropHHExpanded},
		Run:         runFuseHH,
	},
}

func runVerify(m *ir.Module, ctx *Context) error { return ir.Verify(m) }
