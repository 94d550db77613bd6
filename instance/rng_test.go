package instance

import (
	"math"
	"testing"
)

// Test vectors of docs/rng.md, computed independently (Python, arbitrary
// precision integers).
func TestRNGVectors(t *testing.T) {
	if got := Mix64(1); got != 0x5692161d100b05e5 {
		t.Errorf("Mix64(1) = %#x", got)
	}
	for _, c := range []struct {
		seed, domain, a, b uint64
		key                uint64
		draws              [3]uint64
		u                  [2]float64
	}{
		{12345, DomainInit, 0, 0, 0xa81255e7b3feffba,
			[3]uint64{0x71ace17be161a4ca, 0xaa71a0d5ec9e87f3, 0xa9dd926b83c9059e},
			[2]float64{0.4440442016069768, 0.6657963297153575}},
		{12345, DomainPoisson, 0, 7, 0xbc81e295343a01fa,
			[3]uint64{0x16426dffef672628, 0x2db0ca207564ac8c, 0x5560695c1808a281},
			[2]float64{0.08695113657395526, 0.1784788445705937}},
		{0, DomainConnect, 3, 4, 0x271e4c50f91f7118,
			[3]uint64{0x37f2819857b63643, 0x965a429a92742935, 0x4fc784e09385fa77},
			[2]float64{0.21854410142233216, 0.5873147609112982}},
	} {
		k := Key(c.seed, c.domain, c.a, c.b)
		if k != c.key {
			t.Errorf("Key(%d, %d, %d, %d) = %#x, want %#x", c.seed, c.domain, c.a, c.b, k, c.key)
		}
		for j, want := range c.draws {
			if got := Draw(k, uint64(j)); got != want {
				t.Errorf("Draw(%#x, %d) = %#x, want %#x", k, j, got, want)
			}
		}
		s := Stream{Key: k}
		for j, want := range c.u {
			if got := s.Uniform(); got != want {
				t.Errorf("U53 of draw %d = %v, want %v", j, got, want)
			}
		}
	}
	// Poisson: seed 12345, source 0, neuron 7, 20 Hz at dt = 0.1 ms.
	T := PoissonThreshold(20 * 1e-4)
	if T != 18014398509482 {
		t.Errorf("threshold %d", T)
	}
	var steps []int64
	k := Key(12345, DomainPoisson, 0, 7)
	for s := int64(0); s < 20000 && len(steps) < 8; s++ {
		if PoissonSpikes(k, T, s) {
			steps = append(steps, s)
		}
	}
	want := []int64{911, 2214, 2272, 2347, 2737, 2796, 3463, 3471}
	for i := range want {
		if i >= len(steps) || steps[i] != want[i] {
			t.Fatalf("spike steps %v, want %v", steps, want)
		}
	}
}

// The integer Poisson test is exactly U53 < p.
func TestPoissonThresholdExact(t *testing.T) {
	for _, p := range []float64{0, 1e-9, 0.002, 0.1, 0.5, 0.999999, 1, 2} {
		T := PoissonThreshold(p)
		s := NewStream(1, DomainPoisson, 0, 0)
		for i := 0; i < 20000; i++ {
			x := s.Next()
			if (x>>11 < T) != (U53(x) < p) {
				t.Fatalf("p = %g: integer and float tests disagree on %#x", p, x)
			}
		}
	}
}

func TestDistributions(t *testing.T) {
	const n = 200000
	s := NewStream(7, DomainInit, 1, 2)
	var sum, sum2, usum float64
	umin, umax := 1.0, 0.0
	for i := 0; i < n; i++ {
		z := s.Normal()
		sum += z
		sum2 += z * z
		u := s.Uniform()
		usum += u
		umin, umax = math.Min(umin, u), math.Max(umax, u)
	}
	mean, sd := sum/n, math.Sqrt(sum2/n-(sum/n)*(sum/n))
	if math.Abs(mean) > 0.01 || math.Abs(sd-1) > 0.01 {
		t.Errorf("normal: mean %g, sd %g", mean, sd)
	}
	if math.Abs(usum/n-0.5) > 0.003 || umin < 0 || umax >= 1 {
		t.Errorf("uniform: mean %g, range [%g, %g]", usum/n, umin, umax)
	}
	// Intn is uniform over [0, n).
	counts := make([]int, 10)
	for i := 0; i < n; i++ {
		counts[s.Intn(10)]++
	}
	for v, c := range counts {
		if math.Abs(float64(c)-n/10) > 5*math.Sqrt(n/10) {
			t.Errorf("Intn(10): %d drawn %d times of %d", v, c, n)
		}
	}
}
