package instance

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"snnc/internal/units"
	"snnc/ir"
)

// netWith returns a module with a trivial unit "cell" (param a, b = 2a,
// input I, state x with init b, state y with init x + a) and an empty
// network "net" with dt = 0.1 ms, 1 s, seed 1.
func netWith() (*ir.Module, *ir.Network) {
	m := ir.NewModule()
	u := m.AddUnit(ir.NewUnit("cell"))
	g := u.G
	u.AddParam("a", units.Dim{}, g.Const(1))
	u.AddParam("b", units.Dim{}, g.Mul(g.Const(2), u.P("a")))
	u.AddInput("I", units.Dim{})
	u.AddState("x", units.Dim{}, u.P("b")).SetIntegrator(u.I("I"))
	u.AddState("y", units.Dim{}, g.Add(u.S("x"), u.P("a"))).SetIntegrator(g.Const(0))
	n := m.AddNetwork(ir.NewNetwork("net"))
	n.Dt, n.Duration, n.Seed = 1e-4, 1, 1
	return m, n
}

func mustBuild(t *testing.T, m *ir.Module, opt Options) *Instance {
	t.Helper()
	inst, err := Build(m, "", opt)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestPopValues(t *testing.T) {
	m, n := netWith()
	n.AddPop("plain", "cell", 3)
	n.AddPop("set", "cell", 4).SetExpr("a", n.G.Add(n.G.Index(), n.G.Const(10)))
	n.AddPop("list", "cell", 2).SetValues("x", []float64{5, 6})
	n.AddPop("over", "cell", 2)
	inst := mustBuild(t, m, Options{Sets: []Override{{Pop: "over", Name: "a", Value: 7}}})

	p := inst.Pops[0]
	if a, _ := p.Param("a"); !a.Homogeneous() || a.Scalar != 1 {
		t.Errorf("plain.a = %+v", a)
	}
	if b, _ := p.Param("b"); b.Scalar != 2 {
		t.Errorf("plain.b = %+v (2a)", b)
	}
	if !slices.Equal(p.Init[0], []float64{2, 2, 2}) || !slices.Equal(p.Init[1], []float64{3, 3, 3}) {
		t.Errorf("plain init %v", p.Init)
	}
	p = inst.Pops[1]
	if a, _ := p.Param("a"); !slices.Equal(a.Vec, []float64{10, 11, 12, 13}) {
		t.Errorf("set.a = %+v", a)
	}
	if b, _ := p.Param("b"); !slices.Equal(b.Vec, []float64{20, 22, 24, 26}) {
		t.Errorf("set.b = %+v (derived from the per-neuron a)", b)
	}
	if !slices.Equal(p.Init[1], []float64{30, 33, 36, 39}) {
		t.Errorf("set.y = %v (x + a)", p.Init[1])
	}
	p = inst.Pops[2]
	if !slices.Equal(p.Init[0], []float64{5, 6}) || !slices.Equal(p.Init[1], []float64{6, 7}) {
		t.Errorf("list init %v", p.Init)
	}
	p = inst.Pops[3]
	if b, _ := p.Param("b"); b.Scalar != 14 {
		t.Errorf("--set over.a=7: b = %+v, want 14", b)
	}

	// Unknown names are errors.
	for _, o := range []Override{{Pop: "over", Name: "zz"}, {Pop: "nope", Name: "a"}} {
		if _, err := Build(m, "", Options{Sets: []Override{o}}); err == nil {
			t.Errorf("--set %s.%s: no error", o.Pop, o.Name)
		}
	}
	d := units.Time
	if _, err := Build(m, "", Options{Sets: []Override{{Pop: "over", Name: "a", Value: 1, Unit: &d}}}); err == nil {
		t.Errorf("--set with the wrong dimension: no error")
	}
}

func TestRandomInitReproducible(t *testing.T) {
	m, n := netWith()
	g := n.G
	n.AddPop("p", "cell", 1000).SetExpr("x", g.Add(g.Normal(g.Const(5), g.Const(2)), g.Uniform(g.Const(0), g.Const(1))))
	a := mustBuild(t, m, Options{})
	b := mustBuild(t, m, Options{})
	if !slices.Equal(a.Pops[0].Init[0], b.Pops[0].Init[0]) {
		t.Fatal("same seed, different initial values")
	}
	seed := uint64(99)
	c := mustBuild(t, m, Options{Seed: &seed})
	if slices.Equal(a.Pops[0].Init[0], c.Pops[0].Init[0]) || c.Seed != 99 {
		t.Fatal("seed override has no effect")
	}
	var sum, sum2 float64
	for _, x := range a.Pops[0].Init[0] {
		sum += x
		sum2 += x * x
	}
	mean := sum / 1000
	sd := math.Sqrt(sum2/1000 - mean*mean)
	// normal(5, 2) + uniform(0, 1): mean 5.5, sd sqrt(4 + 1/12)
	if math.Abs(mean-5.5) > 0.25 || math.Abs(sd-math.Sqrt(4+1.0/12)) > 0.2 {
		t.Errorf("mean %g sd %g", mean, sd)
	}
	// Draw order: neuron i's first draw is the normal's two uniforms.
	s := NewStream(1, DomainInit, 0, 3)
	want := 5 + 2*s.Normal() + s.Uniform()
	if got := a.Pops[0].Init[0][3]; got != want {
		t.Errorf("neuron 3: %v, want %v (documented draw order)", got, want)
	}
}

func connect(t *testing.T, rule ir.Rule, npre, npost int, weight, delay ir.NodeID, mod func(*ir.Network)) *Projection {
	t.Helper()
	m, n := netWith()
	n.AddPop("a", "cell", npre)
	n.AddPop("b", "cell", npost)
	if weight == ir.NoNode {
		weight = n.G.Const(1)
	}
	p := n.Connect("a", "b", "x", rule, weight)
	p.Delay = delay
	if mod != nil {
		mod(n)
	}
	inst := mustBuild(t, m, Options{})
	return inst.Projections[0]
}

func rows(p *Projection) [][]int32 {
	var out [][]int32
	for i := 0; i < p.NPre; i++ {
		out = append(out, p.Post[p.Row[i]:p.Row[i+1]])
	}
	return out
}

func TestAllToAllAndOneToOne(t *testing.T) {
	p := connect(t, ir.Rule{Kind: ir.AllToAll}, 3, 4, ir.NoNode, ir.NoNode, nil)
	if p.NumSynapses() != 12 {
		t.Errorf("all_to_all 3×4: %d synapses", p.NumSynapses())
	}
	for _, r := range rows(p) {
		if !slices.Equal(r, []int32{0, 1, 2, 3}) {
			t.Errorf("row %v", r)
		}
	}
	if p.Weights != nil || p.Weight != 1 || p.Delay != 0 || p.BytesPerSynapse() > 4+8*4.0/12+1e-9 {
		t.Errorf("homogeneous weight/delay stored per synapse: %+v, %g B/syn", p, p.BytesPerSynapse())
	}
	p = connect(t, ir.Rule{Kind: ir.OneToOne}, 5, 5, ir.NoNode, ir.NoNode, nil)
	for i, r := range rows(p) {
		if !slices.Equal(r, []int32{int32(i)}) {
			t.Errorf("one_to_one row %d = %v", i, r)
		}
	}
	m, n := netWith()
	n.AddPop("a", "cell", 3)
	n.AddPop("b", "cell", 4)
	n.Connect("a", "b", "x", ir.Rule{Kind: ir.OneToOne}, n.G.Const(1))
	if _, err := Build(m, "", Options{}); err == nil {
		t.Error("one_to_one of unequal sizes: no error")
	}
}

func TestRandomRule(t *testing.T) {
	const npre, npost, prob = 1000, 800, 0.05
	p := connect(t, ir.RandomRule(prob), npre, npost, ir.NoNode, ir.NoNode, nil)
	want := npre * npost * prob
	if got := float64(p.NumSynapses()); math.Abs(got-want) > 5*math.Sqrt(want*(1-prob)) {
		t.Errorf("%g synapses, expected %g", got, want)
	}
	colCount := make([]int, npost)
	for _, r := range rows(p) {
		for k := 1; k < len(r); k++ {
			if r[k] <= r[k-1] {
				t.Fatalf("row not strictly ascending: %v", r)
			}
		}
		for _, j := range r {
			colCount[j]++
		}
	}
	// Every target's in-degree is Binomial(npre, p): mean 50.
	mean := 0.0
	for _, c := range colCount {
		mean += float64(c)
	}
	mean /= npost
	if math.Abs(mean-npre*prob) > 1 {
		t.Errorf("mean in-degree %g", mean)
	}
	if p := connect(t, ir.RandomRule(0), 10, 10, ir.NoNode, ir.NoNode, nil); p.NumSynapses() != 0 {
		t.Errorf("p = 0: %d synapses", p.NumSynapses())
	}
	if p := connect(t, ir.RandomRule(1), 10, 10, ir.NoNode, ir.NoNode, nil); p.NumSynapses() != 100 {
		t.Errorf("p = 1: %d synapses", p.NumSynapses())
	}
}

func TestFixedIndegree(t *testing.T) {
	const npre, npost, k = 50, 200, 7
	p := connect(t, ir.FixedIndegreeRule(k), npre, npost, ir.NoNode, ir.NoNode, nil)
	if p.NumSynapses() != npost*k {
		t.Fatalf("%d synapses, want %d", p.NumSynapses(), npost*k)
	}
	in := make([][]int, npost)
	for i, r := range rows(p) {
		for x := 1; x < len(r); x++ {
			if r[x] < r[x-1] {
				t.Fatalf("row %d not ascending: %v", i, r)
			}
		}
		for _, j := range r {
			in[j] = append(in[j], i)
		}
	}
	for j, pres := range in {
		if len(pres) != k {
			t.Errorf("target %d has %d sources", j, len(pres))
		}
		for x := 1; x < len(pres); x++ {
			if pres[x] == pres[x-1] {
				t.Errorf("target %d: source %d twice", j, pres[x])
			}
		}
	}
	// Every source is chosen about equally often (npost·k/npre = 28).
	for i, r := range rows(p) {
		if len(r) < 5 || len(r) > 60 {
			t.Errorf("source %d has out-degree %d", i, len(r))
		}
	}
	// k = npre: everything.
	if p := connect(t, ir.FixedIndegreeRule(5), 5, 3, ir.NoNode, ir.NoNode, nil); p.NumSynapses() != 15 {
		t.Errorf("k = N: %d synapses", p.NumSynapses())
	}
	m, n := netWith()
	n.AddPop("a", "cell", 3)
	n.AddPop("b", "cell", 4)
	n.Connect("a", "b", "x", ir.FixedIndegreeRule(4), n.G.Const(1))
	if _, err := Build(m, "", Options{}); err == nil {
		t.Error("k > source size: no error")
	}
}

func TestFromFile(t *testing.T) {
	dir := t.TempDir()
	csv := "# edges\npre,post,weight[nS],delay\n2,1,1.5,0.3\n0,3,2,0\n2,0,3,1.0\n"
	if err := os.WriteFile(filepath.Join(dir, "edges.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	m, n := netWith()
	n.AddPop("a", "cell", 3)
	n.AddPop("b", "cell", 4)
	n.Connect("a", "b", "x", ir.FromFileRule("edges.csv"), ir.NoNode)
	inst := mustBuild(t, m, Options{BaseDir: dir})
	p := inst.Projections[0]
	if !slices.Equal(p.Row, []int{0, 1, 1, 3}) || !slices.Equal(p.Post, []int32{3, 1, 0}) {
		t.Errorf("CSR rows %v posts %v", p.Row, p.Post)
	}
	if !slices.EqualFunc(p.Weights, []float64{2e-9, 1.5e-9, 3e-9}, func(a, b float64) bool { return math.Abs(a-b) < 1e-20 }) {
		t.Errorf("weights %v (nS → S, CSR order)", p.Weights)
	}
	// delays in ms by default: 0, 0.3 ms = 3 steps, 1 ms = 10 steps
	if !slices.Equal(p.Delays8, []uint8{0, 3, 10}) {
		t.Errorf("delays %v", p.Delays8)
	}
	// Without a header, columns are pre, post, weight, delay.
	if err := os.WriteFile(filepath.Join(dir, "edges.csv"), []byte("0,0\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	n.Projections[0].Weight = n.G.Const(4)
	inst = mustBuild(t, m, Options{BaseDir: dir})
	if p := inst.Projections[0]; p.NumSynapses() != 2 || p.Weight != 4 || p.Weights != nil {
		t.Errorf("headerless file: %+v", p)
	}
	for _, bad := range []string{"0,9\n", "x,y\n1,2\n", "0,1,2\n0\n"} {
		os.WriteFile(filepath.Join(dir, "edges.csv"), []byte(bad), 0o644)
		if _, err := Build(m, "", Options{BaseDir: dir}); err == nil {
			t.Errorf("file %q: no error", bad)
		} else if !strings.Contains(err.Error(), "edges.csv") && !strings.Contains(err.Error(), "column") {
			t.Errorf("file %q: error %v does not name the file", bad, err)
		}
	}
}

func TestSynapseValues(t *testing.T) {
	var g *ir.Graph
	p := connect(t, ir.RandomRule(0.5), 100, 100, ir.NoNode, ir.NoNode, func(n *ir.Network) {
		g = n.G
		n.Projections[0].Weight = g.Normal(g.Const(1), g.Const(0.1))
		n.Projections[0].Delay = g.Uniform(g.Const(0), g.Const(2e-3))
	})
	if p.Weights == nil || len(p.Weights) != p.NumSynapses() || p.Delays8 == nil {
		t.Fatalf("per-synapse values missing: weights %d, delays8 %d", len(p.Weights), len(p.Delays8))
	}
	sum := 0.0
	for _, w := range p.Weights {
		sum += w
	}
	if mean := sum / float64(len(p.Weights)); math.Abs(mean-1) > 0.01 {
		t.Errorf("mean weight %g", mean)
	}
	if p.MaxDelay() != 20 {
		t.Errorf("max delay %d steps, want 20", p.MaxDelay())
	}
	// Synapse k's weight is drawn from stream (seed, synapse, proj, k).
	s := NewStream(1, DomainSynapse, 0, 5)
	if want := 1 + 0.1*s.Normal(); p.Weights[5] != want {
		t.Errorf("weight 5 = %v, want %v", p.Weights[5], want)
	}
	if p.BytesPerSynapse() < 13 || p.BytesPerSynapse() > 13.5 {
		t.Errorf("%g bytes per synapse, want 4 + 8 + 1 (+ rows)", p.BytesPerSynapse())
	}
	// Long delays use uint16.
	p = connect(t, ir.Rule{Kind: ir.AllToAll}, 2, 2, ir.NoNode, ir.NoNode, func(n *ir.Network) {
		g := n.G
		n.Projections[0].Delay = g.Uniform(g.Const(0), g.Const(0.1))
	})
	if p.Delays16 == nil || p.MaxDelay() < 256 {
		t.Errorf("delays up to 1000 steps: %v %v", p.Delays8, p.Delays16)
	}
}

func TestSources(t *testing.T) {
	m, n := netWith()
	n.AddPoisson("noise", 1000, n.G.Const(20))
	n.AddSpikeList("list", [][]float64{{1e-3, 0.5e-3}, {}, {0.55e-3}})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "spk.csv"), []byte("neuron,time\n1,0.2\n0,0.1\n"), 0o644)
	n.AddSpikeFile("file", 2, "spk.csv")
	inst := mustBuild(t, m, Options{BaseDir: dir})
	noise := inst.Sources[0]
	total := 0
	for k := int64(0); k < 10000; k++ {
		total += len(noise.SpikesAt(k, nil))
	}
	if math.Abs(float64(total)-20000) > 5*math.Sqrt(20000) {
		t.Errorf("poisson 20 Hz × 1000 × 1 s: %d spikes", total)
	}
	// The documented rule, neuron by neuron.
	got := noise.SpikesAt(911, nil)
	k := Key(1, DomainPoisson, 0, 3)
	if slices.Contains(got, 3) != PoissonSpikes(k, PoissonThreshold(20*1e-4), 911) {
		t.Error("SpikesAt disagrees with PoissonSpikes")
	}
	list := inst.Sources[1]
	if !slices.Equal(list.EvStep, []int64{5, 6, 10}) || !slices.Equal(list.EvNeuron, []int32{0, 2, 0}) {
		t.Errorf("spike list events %v %v", list.EvStep, list.EvNeuron)
	}
	if got := list.SpikesAt(6, nil); !slices.Equal(got, []int32{2}) {
		t.Errorf("SpikesAt(6) = %v", got)
	}
	file := inst.Sources[2]
	if !slices.Equal(file.EvStep, []int64{1, 2}) || !slices.Equal(file.EvNeuron, []int32{0, 1}) {
		t.Errorf("spike file events %v %v (times in ms)", file.EvStep, file.EvNeuron)
	}
	// --set on a poisson rate.
	inst = mustBuild(t, m, Options{BaseDir: dir, Sets: []Override{{Pop: "noise", Name: "rate", Value: 0}}})
	if inst.Sources[0].Threshold != 0 {
		t.Error("--set noise.rate=0 ignored")
	}
}

func TestWaveforms(t *testing.T) {
	mk := func(kind ir.WaveKind, args map[string]float64) *Stimulus {
		w := ir.Wave{Kind: kind}
		for _, name := range []string{"a", "from", "to", "amp", "freq", "offset", "phase", "low", "high", "period", "duty"} {
			if v, ok := args[name]; ok {
				w.Args = append(w.Args, ir.WaveArg{Name: name, Value: v})
			}
		}
		return &Stimulus{Wave: w, Dt: 1e-4}
	}
	const ms = 1e-3
	for _, c := range []struct {
		s    *Stimulus
		t    []float64
		want []float64
	}{
		{mk(ir.WaveConstant, map[string]float64{"a": 3}), []float64{0, 1}, []float64{3, 3}},
		{mk(ir.WaveStep, map[string]float64{"a": 2, "from": 1 * ms, "to": 3 * ms}),
			[]float64{0, 10 * 1e-4, 2 * ms, 30 * 1e-4, 4 * ms}, []float64{0, 2, 2, 0, 0}},
		{mk(ir.WaveStep, map[string]float64{"a": 2}), []float64{0, 100}, []float64{2, 2}},
		{mk(ir.WaveSine, map[string]float64{"amp": 2, "freq": 10, "offset": 1}),
			[]float64{0, 0.025, 0.05, 0.075}, []float64{1, 3, 1, -1}},
		{mk(ir.WaveSine, map[string]float64{"amp": 1, "freq": 10, "phase": 0.25}), []float64{0}, []float64{1}},
		{mk(ir.WaveSquare, map[string]float64{"low": -1, "high": 1, "period": 4 * ms}),
			[]float64{0, 1.9 * ms, 20 * 1e-4, 3.9 * ms, 4 * ms}, []float64{1, 1, -1, -1, 1}},
		{mk(ir.WaveSquare, map[string]float64{"low": 0, "high": 1, "period": 4 * ms, "duty": 0.25, "phase": 0.5}),
			[]float64{0, 2 * ms, 2.9 * ms, 3 * ms}, []float64{0, 1, 1, 0}},
		{mk(ir.WaveSawtooth, map[string]float64{"low": 0, "high": 4, "period": 4 * ms}),
			[]float64{0, 1 * ms, 3 * ms, 4 * ms}, []float64{0, 1, 3, 0}},
		{mk(ir.WaveTriangle, map[string]float64{"low": -2, "high": 2, "period": 4 * ms}),
			[]float64{0, 1 * ms, 2 * ms, 3 * ms, 4 * ms}, []float64{-2, 0, 2, 0, -2}},
		{&Stimulus{Wave: ir.Wave{Kind: ir.WaveFile}, Times: []float64{1 * ms, 2 * ms}, Values: []float64{5, 7}},
			[]float64{0, 1 * ms, 1.5 * ms, 2 * ms, 9 * ms}, []float64{0, 5, 5, 7, 7}},
	} {
		for i, tt := range c.t {
			if got := c.s.At(tt); math.Abs(got-c.want[i]) > 1e-9 {
				t.Errorf("%v %v at t = %g: %g, want %g", c.s.Wave.Kind, c.s.Wave.Args, tt, got, c.want[i])
			}
		}
	}
}

func TestStimFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "cur.csv"), []byte("time,value\n2,0.5\n0,0.25\n"), 0o644)
	m, n := netWith()
	n.AddPop("p", "cell", 1)
	n.AddStim("s", "p", "I", units.Dim{}, ir.Wave{Kind: ir.WaveFile, File: "cur.csv"})
	inst := mustBuild(t, m, Options{BaseDir: dir})
	s := inst.Stimuli[0]
	if !slices.Equal(s.Times, []float64{0, 2e-3}) || s.At(1e-3) != 0.25 || s.At(3e-3) != 0.5 {
		t.Errorf("file stimulus: times %v values %v", s.Times, s.Values)
	}
}

func TestParseOverride(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Override
		dim  *units.Dim
	}{
		{"exc.tau=20 ms", Override{Pop: "exc", Name: "tau", Value: 0.02}, &units.Time},
		{"cell.gNa = 0.12 S/cm2", Override{Pop: "cell", Name: "gNa", Value: 1200}, nil},
		{"noise.rate=5Hz", Override{Pop: "noise", Name: "rate", Value: 5}, &units.Frequency},
		{"p.x=-1.5e-3", Override{Pop: "p", Name: "x", Value: -1.5e-3}, nil},
	} {
		got, err := ParseOverride(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got.Pop != c.want.Pop || got.Name != c.want.Name || math.Abs(got.Value-c.want.Value) > 1e-12*math.Abs(c.want.Value) {
			t.Errorf("%q: %+v, want %+v", c.in, got, c.want)
		}
		if c.dim != nil && (got.Unit == nil || *got.Unit != *c.dim) {
			t.Errorf("%q: unit %v", c.in, got.Unit)
		}
	}
	for _, bad := range []string{"x=1", "a.b", "a.b=ms", "a.b=1 furlong"} {
		if _, err := ParseOverride(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestRefractoryStepsAndRecords(t *testing.T) {
	m, n := netWith()
	u := m.Units[0]
	u.Refractory = u.G.Const(3e-3)
	n.AddPop("p", "cell", 10)
	r := n.AddRecord("p", "x")
	r.Lo, r.Hi, r.Every = 2, 5, 1e-3
	n.AddRecord("p", "")
	inst := mustBuild(t, m, Options{})
	if inst.Pops[0].RefractorySteps.Scalar != 30 {
		t.Errorf("3 ms at 0.1 ms: %v steps", inst.Pops[0].RefractorySteps)
	}
	rec := inst.Records[0]
	if rec.Kind != RecordState || rec.Lo != 2 || rec.Hi != 5 || rec.Every != 10 {
		t.Errorf("record %+v", rec)
	}
	if inst.Records[1].Kind != RecordSpikes || inst.Records[1].Hi != 10 {
		t.Errorf("spike record %+v", inst.Records[1])
	}
	if inst.Steps != 10000 {
		t.Errorf("steps %d", inst.Steps)
	}
}
