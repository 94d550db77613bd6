package driver

// Stage is one step of the compilation pipeline, as `snnc passes` lists it.
type Stage struct {
	Name        string
	Description string
	Requires    []string // properties that must hold before it runs
	Guarantees  []string // properties that hold after it
}

// Pipeline returns the stages a program goes through, in order: the
// frontend's lowering (or the IR parser), verification, then every pass of
// the pass table (passTable in adapter.go, read from snnc/passes once that
// package has one).
func Pipeline() []Stage {
	stages := []Stage{
		{
			Name:        "lower",
			Description: "parse .snn source, resolve names and imports, check physical dimensions, lower to IR (IR text input: parse)",
			Guarantees:  []string{"ir"},
		},
		{
			Name:        "verify",
			Description: "check the module's structural invariants (ir.Verify)",
			Requires:    []string{"ir"},
			Guarantees:  []string{"verified"},
		},
	}
	return append(stages, passTable()...)
}
