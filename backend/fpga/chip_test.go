package fpga

import (
	"snnc/backend/loihi"
	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/sim"
)

// runChip runs a quantised network on the chip simulator (default chip).
func runChip(n *fixed.Net) (*results.Result, error) {
	img, err := loihi.Compile(n, loihi.DefaultChip(), loihi.MapOptions{})
	if err != nil {
		return nil, err
	}
	res, _, err := sim.Run(img, sim.Options{})
	return res, err
}
