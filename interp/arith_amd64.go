package interp

// Declarations of arith_amd64.s. Each processes n elements, n a multiple of 4.

//go:noescape
func addVVBlocks(d, x, y *float64, n int)

//go:noescape
func subVVBlocks(d, x, y *float64, n int)

//go:noescape
func mulVVBlocks(d, x, y *float64, n int)

//go:noescape
func divVVBlocks(d, x, y *float64, n int)

//go:noescape
func addVSBlocks(d, x *float64, s float64, n int)

//go:noescape
func subVSBlocks(d, x *float64, s float64, n int)

//go:noescape
func mulVSBlocks(d, x *float64, s float64, n int)

//go:noescape
func divVSBlocks(d, x *float64, s float64, n int)

//go:noescape
func subSVBlocks(d *float64, s float64, x *float64, n int)

//go:noescape
func divSVBlocks(d *float64, s float64, x *float64, n int)

// vecVV runs the 4-lane loop of k (kAddVV … kDivVV) over the first
// len(d)&^3 elements and returns how many it did.
func vecVV(k kernel, d, x, y []float64) int {
	n := len(d) &^ 3
	if !haveVecExp || n == 0 {
		return 0
	}
	switch k {
	case kAddVV:
		addVVBlocks(&d[0], &x[0], &y[0], n)
	case kSubVV:
		subVVBlocks(&d[0], &x[0], &y[0], n)
	case kMulVV:
		mulVVBlocks(&d[0], &x[0], &y[0], n)
	case kDivVV:
		divVVBlocks(&d[0], &x[0], &y[0], n)
	default:
		return 0
	}
	return n
}

// vecVS is vecVV for the vector–scalar and scalar–vector kernels.
func vecVS(k kernel, d, x []float64, s float64) int {
	n := len(d) &^ 3
	if !haveVecExp || n == 0 {
		return 0
	}
	switch k {
	case kAddVS:
		addVSBlocks(&d[0], &x[0], s, n)
	case kSubVS:
		subVSBlocks(&d[0], &x[0], s, n)
	case kMulVS:
		mulVSBlocks(&d[0], &x[0], s, n)
	case kDivVS:
		divVSBlocks(&d[0], &x[0], s, n)
	case kSubSV:
		subSVBlocks(&d[0], s, &x[0], n)
	case kDivSV:
		divSVBlocks(&d[0], s, &x[0], n)
	default:
		return 0
	}
	return n
}
