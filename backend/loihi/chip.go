// Package loihi is snnc's back end for its Loihi-class neuromorphic chip
// (docs/chip.md): the cost model, the mapper (units to cores and chips under
// every per-core limit), the core image (a versioned binary format and its
// text dump) and the resource / energy report.
//
// The chip itself — geometry, per-core limits, cycle costs and the energy
// model — is ChipConfig; DefaultChip returns docs/chip.md's numbers.
package loihi

import (
	"fmt"

	"snnc/internal/fixed"
)

// Limits are the per-core resource limits (docs/chip.md §11; the first
// seven are HARDWARE.md §1's Loihi 1 table).
type Limits struct {
	Compartments     int // 1,024
	InputAxons       int // 4,096
	OutputAxons      int // 4,096
	SynapseBits      int // 1,048,576 (16,384 words of 64 bits)
	Profiles         int // compartment profiles, 32
	ThresholdProfile int // threshold profiles, 8
	MaxDelay         int // synaptic delay in steps, 62
	MaxRefractory    int // refractory delay in steps, 63
	MicrocodeWords   int // microcode store, 4,096 instructions
	LUTWords         int // LUT memory, 65,536 words of 32 bits
	SynapseFormats   int // 16 (a 4-bit format index)
	GeneratorEvents  int // spike-list events per core, 65,536
	WeightBits       int // widest synaptic weight mantissa, 8
	WeightExpMin     int // smallest synaptic weight exponent (weight = mant·2^(6+weight_exp)), −8
	WeightExpMax     int // largest synaptic weight exponent, 7
}

// Cycles are the cycle costs of docs/chip.md §9 (1 cycle = 1 ns nominal).
type Cycles struct {
	StepStart      int // CE, per step and core
	CubaActive     int // CE, per active CUBA-LIF compartment
	CubaInactive   int // CE, per inactive CUBA-LIF compartment
	UnitDispatch   int // CE, per microcode unit
	UnitPerComp    int // CE, per compartment of a microcode unit (state fetch and write-back)
	Poisson        int // GE, per Poisson generator neuron
	ListBase       int // GE, per core with spike-list generators
	ListEvent      int // GE, per spike-list event
	Probe          int // CE, per sampled value
	PacketForm     int // AE, per packet
	SEPacket       int // SE, per packet
	SEBlock        int // SE, per synaptic block
	SESynapse      int // SE, per synapse
	HopX, HopY     int // NoC latency per hop along x / y
	SameTile       int // NoC latency core to core in one tile
	ChipLink       int // NoC latency of a chip-boundary hop
	LinkOccupancy  int // cycles a packet occupies a mesh link (2 flits)
	ChipLinkOccupy int // cycles a packet occupies a chip link
	BarrierBase    int // barrier: base
	BarrierPerTile int // barrier: per tile in use beyond the first
	BarrierPerChip int // barrier: per chip in use beyond the first
	RouterFIFO     int // packets per router input FIFO
	CoreInQueue    int // packets in a core's SE input queue

	// Microcode instruction cycles by class.
	InstrALU, InstrMul, InstrDiv, InstrLUT, InstrLUTInterp int
}

// Energy is the per-operation energy model of docs/chip.md §10, in pJ.
// It is an estimate: the published figures are Davies et al., IEEE Micro
// 38(1), 2018, Table 2 ("Loihi pre-silicon performance and energy
// measurements": SDF and SPICE simulation, not silicon; the synaptic-op
// figure is the table's minimum), checked against the sources docs/chip.md
// §10 cites; the microcode, generator and chip-link figures are snnc's.
type Energy struct {
	SynOp          float64 // per synapse processed (Davies 2018: 23.6 pJ)
	SynUpdate      float64 // per learning update (Davies 2018: 120 pJ; unused)
	CubaActive     float64 // per active CUBA-LIF update (Davies 2018: 81 pJ)
	CubaInactive   float64 // per inactive CUBA-LIF update (Davies 2018: 52 pJ)
	WithinTile     float64 // per packet delivered inside a tile (Davies 2018: 1.7 pJ)
	HopEW, HopNS   float64 // per packet per tile hop (Davies 2018: 3.0 / 4.0 pJ)
	ChipLink       float64 // per chip-boundary crossing (snnc: 40 pJ)
	UnitPerComp    float64 // microcode unit, per compartment (snnc: 52 pJ)
	InstrALU       float64 // snnc: 3 pJ (ALU, load/store, control)
	InstrMul       float64 // snnc: 6 pJ
	InstrLUT       float64 // snnc: 10 pJ
	InstrLUTInterp float64 // snnc: 13 pJ
	InstrDiv       float64 // snnc: 30 pJ
	Poisson        float64 // snnc: 10 pJ per generator neuron and step
	ListEvent      float64 // snnc: 3 pJ per spike-list event
}

// ChipConfig is the chip and system the mapper targets and the simulator
// executes.
type ChipConfig struct {
	TilesX, TilesY int // tiles per chip (8 × 4)
	CoresPerTile   int // 4
	MaxChips       int // chips available; 0: as many as needed
	ClockHz        float64
	Limits         Limits
	Cycles         Cycles
	Energy         Energy
}

// DefaultChip returns the chip of docs/chip.md.
func DefaultChip() ChipConfig {
	return ChipConfig{
		TilesX: 8, TilesY: 4, CoresPerTile: 4,
		ClockHz: 1e9,
		Limits: Limits{
			Compartments: 1024, InputAxons: 4096, OutputAxons: 4096,
			SynapseBits: 1 << 20, Profiles: 32, ThresholdProfile: 8,
			MaxDelay: 62, MaxRefractory: 63,
			MicrocodeWords: 4096, LUTWords: 65536, SynapseFormats: 16,
			GeneratorEvents: 65536, WeightBits: 8,
			WeightExpMin: fixed.WeightExpMin, WeightExpMax: fixed.WeightExpMax,
		},
		Cycles: Cycles{
			StepStart: 16, CubaActive: 8, CubaInactive: 5,
			UnitDispatch: 2, UnitPerComp: 2,
			Poisson: 4, ListBase: 2, ListEvent: 1, Probe: 1,
			PacketForm: 1, SEPacket: 4, SEBlock: 1, SESynapse: 2,
			HopX: 4, HopY: 7, SameTile: 2, ChipLink: 40,
			LinkOccupancy: 2, ChipLinkOccupy: 8,
			BarrierBase: 113, BarrierPerTile: 11, BarrierPerChip: 80,
			RouterFIFO: 4, CoreInQueue: 8,
			InstrALU: 1, InstrMul: 2, InstrDiv: 12, InstrLUT: 2, InstrLUTInterp: 3,
		},
		Energy: Energy{
			SynOp: 23.6, SynUpdate: 120, CubaActive: 81, CubaInactive: 52,
			WithinTile: 1.7, HopEW: 3.0, HopNS: 4.0, ChipLink: 40,
			UnitPerComp: 52, InstrALU: 3, InstrMul: 6, InstrLUT: 10, InstrLUTInterp: 13, InstrDiv: 30,
			Poisson: 10, ListEvent: 3,
		},
	}
}

// CoresPerChip returns TilesX·TilesY·CoresPerTile.
func (c *ChipConfig) CoresPerChip() int { return c.TilesX * c.TilesY * c.CoresPerTile }

// Validate checks the geometry.
func (c *ChipConfig) Validate() error {
	if c.TilesX <= 0 || c.TilesY <= 0 || c.CoresPerTile <= 0 {
		return fmt.Errorf("chip geometry %d×%d tiles × %d cores is not positive", c.TilesX, c.TilesY, c.CoresPerTile)
	}
	if c.TilesX > 255 || c.TilesY > 255 || c.CoresPerTile > 16 {
		return fmt.Errorf("chip geometry %d×%d tiles × %d cores is too large", c.TilesX, c.TilesY, c.CoresPerTile)
	}
	if c.MaxChips < 0 {
		return fmt.Errorf("negative chip count %d", c.MaxChips)
	}
	return nil
}

// GridCols returns the number of chip columns of a system of n chips:
// ceil(sqrt(n)).
func GridCols(n int) int {
	c := 1
	for c*c < n {
		c++
	}
	return c
}

// Loc is the physical place of a core: chip, global tile coordinates and
// core within its tile.
type Loc struct {
	Chip       int
	ChipX      int // chip column in the system grid
	ChipY      int // chip row
	X, Y       int // global tile coordinates
	Core       int // core within the tile
	Tile       int // tile index within its chip: y·TilesX + x (local coordinates)
	LocalTileX int
	LocalTileY int
}

// CoreLoc returns the location of global core id g in a system of nchips
// chips (core numbering of docs/chip.md §1).
func (c *ChipConfig) CoreLoc(g, nchips int) Loc {
	per := c.CoresPerChip()
	chip := g / per
	r := g % per
	tile := r / c.CoresPerTile
	cols := GridCols(max(nchips, 1))
	lx, ly := tile%c.TilesX, tile/c.TilesX
	cx, cy := chip%cols, chip/cols
	return Loc{Chip: chip, ChipX: cx, ChipY: cy, X: cx*c.TilesX + lx, Y: cy*c.TilesY + ly,
		Core: r % c.CoresPerTile, Tile: tile, LocalTileX: lx, LocalTileY: ly}
}

// FillOrder returns the global core id of the n-th core in serpentine fill
// order (docs/chip.md §1): chip by chip, tile rows bottom to top, even rows
// left to right and odd rows right to left, the cores of a tile in order.
func (c *ChipConfig) FillOrder(n int) int {
	per := c.CoresPerChip()
	chip, r := n/per, n%per
	tileSeq, core := r/c.CoresPerTile, r%c.CoresPerTile
	row, col := tileSeq/c.TilesX, tileSeq%c.TilesX
	if row%2 == 1 {
		col = c.TilesX - 1 - col
	}
	return chip*per + (row*c.TilesX+col)*c.CoresPerTile + core
}

// Route describes the XY path between two cores.
type Route struct {
	SameTile    bool
	HopsX       int // tile hops along x (chip-link hops included)
	HopsY       int
	ChipCrossX  int // of HopsX, hops that cross a chip boundary
	ChipCrossY  int
	LatencyCyc  int // unloaded latency in cycles
	EnergyPJ    float64
	DirectionsX int // +1 east, -1 west, 0 none
	DirectionsY int // +1 north, -1 south, 0 none
}

// RouteBetween returns the unloaded XY route from core a to core b.
func (c *ChipConfig) RouteBetween(a, b Loc) Route {
	var r Route
	dx, dy := b.X-a.X, b.Y-a.Y
	r.HopsX, r.HopsY = abs(dx), abs(dy)
	r.DirectionsX, r.DirectionsY = sign(dx), sign(dy)
	if dx == 0 && dy == 0 {
		r.SameTile = true
		r.LatencyCyc = c.Cycles.SameTile
		r.EnergyPJ = c.Energy.WithinTile
		return r
	}
	// Chip boundaries crossed along x: between columns where the global x
	// changes chip column.
	r.ChipCrossX = abs(floorDiv(b.X, c.TilesX) - floorDiv(a.X, c.TilesX))
	r.ChipCrossY = abs(floorDiv(b.Y, c.TilesY) - floorDiv(a.Y, c.TilesY))
	ex, ey := r.HopsX-r.ChipCrossX, r.HopsY-r.ChipCrossY
	cross := r.ChipCrossX + r.ChipCrossY
	r.LatencyCyc = ex*c.Cycles.HopX + ey*c.Cycles.HopY + cross*c.Cycles.ChipLink
	r.EnergyPJ = float64(ex)*c.Energy.HopEW + float64(ey)*c.Energy.HopNS + float64(cross)*c.Energy.ChipLink
	return r
}

// Barrier returns the barrier cycles for t tiles in use on n chips.
func (c *ChipConfig) Barrier(tiles, chips int) int {
	return c.Cycles.BarrierBase + c.Cycles.BarrierPerTile*max(tiles-1, 0) + c.Cycles.BarrierPerChip*max(chips-1, 0)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
