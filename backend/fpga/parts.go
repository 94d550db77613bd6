package fpga

import "sort"

// Part is an FPGA device's capacity, for the estimate's fit check.
type Part struct {
	Name   string
	Device string // the full part number for Vitis HLS (set_part)
	Family string
	Board  string // a board that carries it
	DSP    int
	BRAM36 int // 36 Kb block RAMs (each is two BRAM18)
	URAM   int // 288 Kb UltraRAMs (not used by the estimate; listed)
	LUT    int
	FF     int
}

// Parts are the devices the estimate knows (AMD/Xilinx data sheets
// DS890, DS962, DS190, DS180).
var Parts = []Part{
	{Name: "xc7z020", Device: "xc7z020clg400-1", Family: "Zynq-7000", Board: "PYNQ-Z2, ZedBoard", DSP: 220, BRAM36: 140, LUT: 53200, FF: 106400},
	{Name: "xc7a100t", Device: "xc7a100tcsg324-1", Family: "Artix-7", Board: "Nexys A7, Arty A7-100", DSP: 240, BRAM36: 135, LUT: 63400, FF: 126800},
	{Name: "xczu9eg", Device: "xczu9eg-ffvb1156-2-e", Family: "Zynq UltraScale+", Board: "ZCU102", DSP: 2520, BRAM36: 912, LUT: 274080, FF: 548160},
	{Name: "xcu50", Device: "xcu50-fsvh2104-2-e", Family: "Alveo", Board: "Alveo U50", DSP: 5952, BRAM36: 1344, URAM: 640, LUT: 872000, FF: 1743000},
	{Name: "xcvu9p", Device: "xcvu9p-flga2104-2L-e", Family: "Virtex UltraScale+", Board: "VCU118", DSP: 6840, BRAM36: 2160, URAM: 960, LUT: 1182240, FF: 2364480},
	{Name: "xcu250", Device: "xcu250-figd2104-2L-e", Family: "Alveo", Board: "Alveo U250", DSP: 12288, BRAM36: 2688, URAM: 1280, LUT: 1728000, FF: 3456000},
}

// LookupPart returns the part with that name.
func LookupPart(name string) (Part, bool) {
	for _, p := range Parts {
		if p.Name == name {
			return p, true
		}
	}
	return Part{}, false
}

// PartNames returns the known parts' names, sorted.
func PartNames() []string {
	var out []string
	for _, p := range Parts {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}
