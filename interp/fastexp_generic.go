//go:build !amd64

package interp

const haveVecExp = false

func expVec(d, x []float64) bool    { return false }
func exprelVec(d, x []float64) bool { return false }
