package interp

// haveVecExp reports whether the CPU (and OS) support AVX2 and FMA, for the
// 4-lane loops of fastexp_amd64.s.
var haveVecExp = func() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, c, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c&fma == 0 || c&osxsave == 0 || c&avx == 0 {
		return false
	}
	if xgetbv()&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, b, _, _ := cpuid(7, 0)
	return b&(1<<5) != 0 // AVX2
}()

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() uint32

// expBlocks and exprelBlocks process n elements (a multiple of 4) from x
// to d if all of them are inside the fast path's range (and nonzero, for
// exprel); otherwise they write nothing and return false.
//
//go:noescape
func expBlocks(d, x *float64, n int) bool

//go:noescape
func exprelBlocks(d, x *float64, n int) bool

func expVec(d, x []float64) bool    { return expBlocks(&d[0], &x[0], len(d)) }
func exprelVec(d, x []float64) bool { return exprelBlocks(&d[0], &x[0], len(d)) }
