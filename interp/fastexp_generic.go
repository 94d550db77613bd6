//go:build !amd64

package interp

const haveVecExp = false

func expVec(d, x []float64)    { panic("interp: no vector exp") }
func exprelVec(d, x []float64) { panic("interp: no vector exprel") }
