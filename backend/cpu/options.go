package cpu

import "fmt"

// ExpImpl chooses the implementation of exp and expm1 (exprel) in float
// mode. docs/cpu.md compares them in agreement and speed.
type ExpImpl string

const (
	// ExpFast is the interpreter's own exp (interp/fastexp.go) inlined:
	// bit-identical with the interpreter for arguments in (−708, 709),
	// vectorised without any library. The default.
	ExpFast ExpImpl = "fast"
	// ExpMvec is glibc's exp/expm1 with libmvec's vector variants.
	ExpMvec ExpImpl = "mvec"
	// ExpLibm is glibc's scalar exp/expm1.
	ExpLibm ExpImpl = "libm"
)

// ExpImpls lists the implementations.
var ExpImpls = []ExpImpl{ExpFast, ExpMvec, ExpLibm}

// ParseExpImpl returns the implementation named s ("" is the default).
func ParseExpImpl(s string) (ExpImpl, error) {
	if s == "" {
		return ExpFast, nil
	}
	for _, e := range ExpImpls {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("unknown exp implementation %q (want fast, mvec or libm)", s)
}

// Mode is the arithmetic of the generated program.
type Mode string

const (
	Float Mode = "float" // float64, the interpreter's semantics
	Fixed Mode = "fixed" // the quantised network's integer programs (docs/fixed-point.md)
)

// Options control code generation.
type Options struct {
	// Threads is the number of threads the program uses when it is not
	// given -t; 0 means the number of online CPUs at run time. Results
	// never depend on it.
	Threads int
	// Exp chooses exp/expm1 in float mode ("" = ExpFast).
	Exp ExpImpl
	// Steps overrides the number of steps of the instance when > 0.
	Steps int64
	// EmbedLimit is the largest array (bytes) embedded in the module as a
	// constant initialiser; larger arrays go to the sidecar data file.
	// 0 means DefaultEmbedLimit; a negative value puts every array in the
	// data file.
	EmbedLimit int
}

// DefaultEmbedLimit is the default EmbedLimit: arrays up to 4 KiB are
// embedded in the module.
const DefaultEmbedLimit = 4096

func (o Options) embedLimit() int {
	switch {
	case o.EmbedLimit == 0:
		return DefaultEmbedLimit
	case o.EmbedLimit < 0:
		return -1
	}
	return o.EmbedLimit
}

func (o Options) exp() ExpImpl {
	if o.Exp == "" {
		return ExpFast
	}
	return o.Exp
}
