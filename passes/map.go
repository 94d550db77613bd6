package passes

import (
	"fmt"

	"snnc/ir"
)

// MapPass is the `map` pass: it places each network's units on the cores
// (and chips) of the loihi target under every per-core limit (docs/chip.md
// §11) and reports the placement as remarks; a network that does not fit
// is an error naming the limit, the core or population, the excess and a
// remedy. It is an analysis: the module is unchanged. Owner: the hardware
// engineer.
var MapPass = Pass{
	Name:        "map",
	Description: "place each network's units on the loihi chip's cores under every per-core limit; report the placement, or say which limit breaks (changes nothing)",
	Requires:    []string{PropVerified},
	Run:         runMap,
}

func init() { Table = append(Table, MapPass) }

// MapTarget does the placement; the loihi back end sets it
// (snnc/backend/loihi/toolchain), so that this package does not import a
// back end.
var MapTarget func(m *ir.Module, ctx *Context) error

func runMap(m *ir.Module, ctx *Context) error {
	if MapTarget == nil {
		return fmt.Errorf("map: the loihi back end is not linked into this program")
	}
	return MapTarget(m, ctx)
}
