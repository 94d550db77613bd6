package instance

import (
	"math"
	"math/bits"
)

// The counter-based random number scheme of snnc (docs/rng.md is the
// normative description, with test vectors). Every random draw is a pure
// function of (seed, domain, a, b, j): no generator state is carried from
// one draw to the next, so results never depend on evaluation order or on
// the number of threads, and any backend can reproduce any single draw.
//
//	mix64(z)          the SplitMix64 finalizer (a bijection of uint64)
//	Key(s, d, a, b)   h = mix64(s); h = mix64(h + γ + d); h = mix64(h + γ + a); h = mix64(h + γ + b)
//	Draw(k, j)        mix64(k + (j+1)·γ)   (the j-th output of SplitMix64 seeded with k)
//	U53(x)            (x >> 11) · 2^-53     ∈ [0, 1)
//
// with γ = 0x9E3779B97F4A7C15 and all arithmetic modulo 2^64.

// Gamma is SplitMix64's increment (the golden ratio in 64-bit fixed point).
const Gamma uint64 = 0x9E3779B97F4A7C15

// Domains separate the independent uses of the seed. A stream is
// Key(seed, domain, a, b); the meaning of a and b is per domain.
const (
	DomainInit    uint64 = 1 // a = population index, b = neuron: initial values, param draws
	DomainConnect uint64 = 2 // a = projection index, b = source row (random) or target (fixed_indegree)
	DomainSynapse uint64 = 3 // a = projection index, b = synapse position in CSR order: weight, delay draws
	DomainPoisson uint64 = 4 // a = source index, b = neuron; draw j = time step j
	DomainRate    uint64 = 5 // a = source index, b = neuron: draws in a source's rate expression
)

// Mix64 is the SplitMix64 output function (Stafford's mix 13).
func Mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xBF58476D1CE4E5B9
	z ^= z >> 27
	z *= 0x94D049BB133111EB
	z ^= z >> 31
	return z
}

// Key returns the stream key of (seed, domain, a, b).
func Key(seed, domain, a, b uint64) uint64 {
	h := Mix64(seed)
	h = Mix64(h + Gamma + domain)
	h = Mix64(h + Gamma + a)
	h = Mix64(h + Gamma + b)
	return h
}

// Draw returns the j-th 64-bit draw of the stream with the given key.
func Draw(key, j uint64) uint64 { return Mix64(key + (j+1)*Gamma) }

// U53 maps 64 random bits to a float64 uniform on [0, 1) (53 bits).
func U53(x uint64) float64 { return float64(x>>11) * (1.0 / (1 << 53)) }

// Stream is a convenience cursor over one keyed stream: draw j is
// Draw(Key, j). It is a value type; copying it forks nothing (the draw
// index J is the whole state).
type Stream struct {
	Key uint64
	J   uint64
}

// NewStream returns the stream Key(seed, domain, a, b) positioned at draw 0.
func NewStream(seed, domain, a, b uint64) Stream {
	return Stream{Key: Key(seed, domain, a, b)}
}

// Next returns the next 64-bit draw.
func (s *Stream) Next() uint64 {
	x := Draw(s.Key, s.J)
	s.J++
	return x
}

// Uniform returns a float64 uniform on [0, 1) (one draw).
func (s *Stream) Uniform() float64 { return U53(s.Next()) }

// Uniform01Open returns a float64 uniform on (0, 1] (one draw): 1 − U53.
func (s *Stream) Uniform01Open() float64 { return 1 - U53(s.Next()) }

// Normal returns a standard normal deviate by the Box–Muller transform
// (two draws, cosine branch only): sqrt(−2 ln u1)·cos(2π u2) with
// u1 = 1 − U53(first) ∈ (0, 1] and u2 = U53(second) ∈ [0, 1).
func (s *Stream) Normal() float64 {
	u1 := 1 - U53(s.Next())
	u2 := U53(s.Next())
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// Intn returns an integer uniform on [0, n) for n > 0 (one draw), as the
// high word of the 128-bit product draw·n (Lemire's method without the
// rejection step; the bias is below n/2^64).
func (s *Stream) Intn(n uint64) uint64 {
	hi, _ := bits.Mul64(s.Next(), n)
	return hi
}

// PoissonThreshold returns the integer threshold T of a Poisson generator
// with spike probability p = rate·dt per step: the neuron spikes at step k
// iff Draw(key, k) >> 11 < T, which is exactly U53(Draw(key, k)) < p.
// T = ceil(p·2^53), clamped to [0, 2^53].
func PoissonThreshold(p float64) uint64 {
	if !(p > 0) {
		return 0
	}
	x := math.Ceil(p * (1 << 53))
	if x >= 1<<53 {
		return 1 << 53
	}
	return uint64(x)
}

// PoissonSpikes reports whether the Poisson generator with stream key and
// threshold T spikes at step k.
func PoissonSpikes(key, T uint64, k int64) bool { return Draw(key, uint64(k))>>11 < T }
