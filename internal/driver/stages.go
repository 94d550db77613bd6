package driver

import "snnc/passes"

// Stage is one step of the compilation pipeline, as `snnc passes` lists it.
type Stage struct {
	Name        string
	Description string
	Requires    []string // properties that must hold before it runs
	Guarantees  []string // properties that hold after it
	Invalidates []string // properties that may no longer hold after it
	Lossy       bool     // changes behaviour beyond round-off; only on request
}

// Pipeline returns the stages a program can go through, in order: the
// frontend's lowering (or the IR parser), then every pass of the pass
// table (passes.Table), which starts with verification.
func Pipeline() []Stage {
	stages := []Stage{{
		Name:        "lower",
		Description: "parse .snn source, resolve names and imports, check physical dimensions, lower to IR (IR text input: parse)",
		Guarantees:  []string{passes.PropVerified},
	}}
	for _, p := range passes.Table {
		stages = append(stages, Stage{
			Name:        p.Name,
			Description: p.Description,
			Requires:    p.Requires,
			Guarantees:  p.Guarantees,
			Invalidates: p.Invalidates,
			Lossy:       p.Lossy,
		})
	}
	return stages
}

// Property is a named property passes require and guarantee.
type Property struct{ Name, Description string }

// Properties returns the pipeline's properties in a fixed order.
func Properties() []Property {
	var out []Property
	for _, p := range passes.PropertyDoc {
		out = append(out, Property{p.Name, p.Description})
	}
	return out
}
