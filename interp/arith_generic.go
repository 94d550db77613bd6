//go:build !amd64

package interp

func vecVV(k kernel, d, x, y []float64) int         { return 0 }
func vecVS(k kernel, d, x []float64, s float64) int { return 0 }
