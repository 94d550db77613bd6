package instance

import (
	"fmt"
	"math"
	"slices"

	"snnc/ir"
)

// Projection is a set of synapses in CSR form by source: the synapses of
// presynaptic neuron i are positions Row[i] ≤ k < Row[i+1], with
// postsynaptic neuron Post[k], weight WeightAt(k) and delay DelayAt(k)
// steps. Within a row, synapses keep the order the rule generated them in
// (ascending post for every rule but from_file, which keeps file order).
//
// Memory: 4 bytes per synapse (int32 Post) plus 8 for a per-synapse weight
// (float64, only when weights differ) and 1 or 2 for a per-synapse delay
// (uint8 when every delay is < 256 steps, else uint16; only when delays
// differ), plus 8 bytes per presynaptic neuron for Row.
type Projection struct {
	Index  int
	Name   string // "src -> dst.target"
	Src    string
	SrcPop int // index into Instance.Pops, or -1
	SrcSrc int // index into Instance.Sources, or -1
	Dst    int // index into Instance.Pops
	Target string
	// TargetState is true when Target is a state (each spike adds the weight
	// to it), false when it is an input (summed for the step).
	TargetState bool
	TargetIndex int // index in the unit's States or Inputs
	NPre, NPost int

	Row  []int   // len NPre+1
	Post []int32 // len NumSynapses()

	Weight  float64   // the weight of every synapse when Weights is nil
	Weights []float64 // per synapse, or nil

	Delay    int      // delay in steps of every synapse when both slices are nil
	Delays8  []uint8  // per synapse, or nil
	Delays16 []uint16 // per synapse, or nil
}

// NumSynapses returns the number of synapses.
func (p *Projection) NumSynapses() int { return len(p.Post) }

// WeightAt returns the weight of synapse k.
func (p *Projection) WeightAt(k int) float64 {
	if p.Weights != nil {
		return p.Weights[k]
	}
	return p.Weight
}

// DelayAt returns the delay of synapse k in steps: a spike emitted at step
// t arrives at step t + 1 + DelayAt(k).
func (p *Projection) DelayAt(k int) int {
	switch {
	case p.Delays8 != nil:
		return int(p.Delays8[k])
	case p.Delays16 != nil:
		return int(p.Delays16[k])
	}
	return p.Delay
}

// MaxDelay returns the largest delay in steps.
func (p *Projection) MaxDelay() int {
	m := p.Delay
	for _, d := range p.Delays8 {
		m = max(m, int(d))
	}
	for _, d := range p.Delays16 {
		m = max(m, int(d))
	}
	return m
}

// Bytes returns the memory the synapse arrays take.
func (p *Projection) Bytes() int {
	return 8*len(p.Row) + 4*len(p.Post) + 8*len(p.Weights) + len(p.Delays8) + 2*len(p.Delays16)
}

// BytesPerSynapse returns Bytes()/NumSynapses() (0 without synapses).
func (p *Projection) BytesPerSynapse() float64 {
	if len(p.Post) == 0 {
		return 0
	}
	return float64(p.Bytes()) / float64(len(p.Post))
}

func (b *builder) buildProjection(idx int, ip *ir.Projection) (*Projection, error) {
	p := &Projection{Index: idx, Src: ip.Src, SrcPop: -1, SrcSrc: -1, Dst: -1, Target: ip.Target,
		Name: fmt.Sprintf("%s -> %s.%s", ip.Src, ip.Dst, ip.Target)}
	if i := b.inst.PopIndex(ip.Src); i >= 0 {
		p.SrcPop, p.NPre = i, b.inst.Pops[i].N
	} else if i := b.inst.SourceIndex(ip.Src); i >= 0 {
		p.SrcSrc, p.NPre = i, b.inst.Sources[i].N
	} else {
		return nil, fmt.Errorf("no population or source %q", ip.Src)
	}
	p.Dst = b.inst.PopIndex(ip.Dst)
	if p.Dst < 0 {
		return nil, fmt.Errorf("no population %q", ip.Dst)
	}
	dst := b.inst.Pops[p.Dst]
	p.NPost = dst.N
	if i := dst.StateIndex(ip.Target); i >= 0 {
		p.TargetState, p.TargetIndex = true, i
	} else if i := dst.InputIndex(ip.Target); i >= 0 {
		p.TargetIndex = i
	} else {
		return nil, fmt.Errorf("%s has no state or input %q", dst.Unit.Name, ip.Target)
	}

	var fileW, fileD []float64
	switch ip.Rule.Kind {
	case ir.AllToAll:
		p.Row = make([]int, p.NPre+1)
		p.Post = make([]int32, p.NPre*p.NPost)
		for i := 0; i < p.NPre; i++ {
			p.Row[i+1] = (i + 1) * p.NPost
			row := p.Post[i*p.NPost : (i+1)*p.NPost]
			for j := range row {
				row[j] = int32(j)
			}
		}
	case ir.OneToOne:
		if p.NPre != p.NPost {
			return nil, fmt.Errorf("one_to_one needs equal sizes, got %d and %d", p.NPre, p.NPost)
		}
		p.Row = make([]int, p.NPre+1)
		p.Post = make([]int32, p.NPre)
		for i := 0; i < p.NPre; i++ {
			p.Row[i+1] = i + 1
			p.Post[i] = int32(i)
		}
	case ir.Random:
		if err := b.connectRandom(p, ip.Rule.P); err != nil {
			return nil, err
		}
	case ir.FixedIndegree:
		if err := b.connectFixedIndegree(p, ip.Rule.K); err != nil {
			return nil, err
		}
	case ir.FromFile:
		var err error
		fileW, fileD, err = b.connectFromFile(p, ip.Rule.File)
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown rule %v", ip.Rule.Kind)
	}

	// Weights and delays: file columns take precedence, then expressions.
	nsyn := len(p.Post)
	weights, err := b.synapseValues(p, ip.Weight, fileW, nsyn, "weight", 0)
	if err != nil {
		return nil, err
	}
	p.Weight, p.Weights = weights.Scalar, weights.Vec
	delays, err := b.synapseValues(p, ip.Delay, fileD, nsyn, "delay", 1)
	if err != nil {
		return nil, err
	}
	if err := b.setDelays(p, delays); err != nil {
		return nil, err
	}
	return p, nil
}

// synapseValues evaluates a weight or delay for every synapse. Synapse k
// (CSR position) draws from stream Key(seed, DomainSynapse, proj, k); the
// weight's draws come first, then the delay's (draw numbers continue), so
// the streams are not shared: the delay uses draws after the weight's.
// index evaluates to the presynaptic neuron's index.
func (b *builder) synapseValues(p *Projection, root ir.NodeID, file []float64, n int, what string, phase int) (Value, error) {
	if file != nil {
		return compact(file), nil
	}
	if root == ir.NoNode {
		return Value{}, nil
	}
	e := compileExpr(b.net.G, root)
	if !e.random && !e.index {
		x, err := e.eval(&env{}, &b.buf)
		if err != nil {
			return Value{}, fmt.Errorf("%s: %w", what, err)
		}
		return Value{Scalar: x}, nil
	}
	out := make([]float64, n)
	pre := 0
	for k := range out {
		for pre < p.NPre && p.Row[pre+1] <= k {
			pre++
		}
		en := env{index: float64(pre)}
		var s Stream
		if e.random {
			s = NewStream(b.inst.Seed, DomainSynapse, uint64(p.Index), uint64(k))
			// Delays draw from the same synapse stream after a fixed offset,
			// so weights and delays are independent.
			s.J = uint64(phase) << 32
			en.stream = &s
		}
		x, err := e.eval(&en, &b.buf)
		if err != nil {
			return Value{}, fmt.Errorf("%s: %w", what, err)
		}
		out[k] = x
	}
	return compact(out), nil
}

// setDelays converts delays in seconds to steps (round(d/dt)) and stores them.
func (b *builder) setDelays(p *Projection, v Value) error {
	toSteps := func(d float64) (int, error) {
		if !(d >= 0) || math.IsInf(d, 0) {
			return 0, fmt.Errorf("delay %g s is not a non-negative time", d)
		}
		s := math.Round(d / b.inst.Dt)
		if s > math.MaxUint16 {
			return 0, fmt.Errorf("delay %g s is %g steps, more than %d", d, s, math.MaxUint16)
		}
		return int(s), nil
	}
	if v.Vec == nil {
		s, err := toSteps(v.Scalar)
		p.Delay = s
		return err
	}
	steps := make([]int, len(v.Vec))
	maxd := 0
	for k, d := range v.Vec {
		s, err := toSteps(d)
		if err != nil {
			return err
		}
		steps[k] = s
		maxd = max(maxd, s)
	}
	if allEqual(steps) {
		p.Delay = steps[0]
		return nil
	}
	if maxd < 256 {
		p.Delays8 = make([]uint8, len(steps))
		for k, s := range steps {
			p.Delays8[k] = uint8(s)
		}
	} else {
		p.Delays16 = make([]uint16, len(steps))
		for k, s := range steps {
			p.Delays16[k] = uint16(s)
		}
	}
	return nil
}

func allEqual(s []int) bool {
	for _, x := range s {
		if x != s[0] {
			return false
		}
	}
	return true
}

// connectRandom: each (pre, post) pair independently with probability p,
// autapses included. Row i is generated by geometric skipping on stream
// Key(seed, DomainConnect, proj, i): starting from position j = −1, each
// draw u = 1 − U53(draw) ∈ (0, 1] advances j by 1 + floor(log(u)/log1p(−p));
// every j < NPost reached is a synapse.
func (b *builder) connectRandom(p *Projection, prob float64) error {
	if !(prob >= 0 && prob <= 1) {
		return fmt.Errorf("random: p = %g is not a probability", prob)
	}
	p.Row = make([]int, p.NPre+1)
	if prob == 0 || p.NPost == 0 {
		return nil
	}
	expected := float64(p.NPre) * float64(p.NPost) * prob
	p.Post = make([]int32, 0, int(expected+4*math.Sqrt(expected)+16))
	if prob == 1 {
		for i := 0; i < p.NPre; i++ {
			for j := 0; j < p.NPost; j++ {
				p.Post = append(p.Post, int32(j))
			}
			p.Row[i+1] = len(p.Post)
		}
		return nil
	}
	inv := 1 / math.Log1p(-prob)
	for i := 0; i < p.NPre; i++ {
		s := NewStream(b.inst.Seed, DomainConnect, uint64(p.Index), uint64(i))
		j := -1
		for {
			skip := math.Floor(math.Log(s.Uniform01Open()) * inv)
			if skip >= float64(p.NPost) {
				break
			}
			j += 1 + int(skip)
			if j >= p.NPost {
				break
			}
			p.Post = append(p.Post, int32(j))
		}
		p.Row[i+1] = len(p.Post)
	}
	return nil
}

// connectFixedIndegree: every postsynaptic neuron j gets k distinct
// presynaptic neurons, chosen by Floyd's algorithm on stream
// Key(seed, DomainConnect, proj, j): for m = NPre−k … NPre−1, t = Intn(m+1);
// take t unless already taken, else take m.
func (b *builder) connectFixedIndegree(p *Projection, k int) error {
	if k < 0 || k > p.NPre {
		return fmt.Errorf("fixed_indegree: k = %d, but the source has %d neurons", k, p.NPre)
	}
	pres := make([]int32, 0, k*p.NPost) // pres[j*k : (j+1)*k] are the sources of target j
	mark := make([]int32, p.NPre)       // mark[i] == j+1: i already chosen for target j
	for j := 0; j < p.NPost; j++ {
		s := NewStream(b.inst.Seed, DomainConnect, uint64(p.Index), uint64(j))
		for m := p.NPre - k; m < p.NPre; m++ {
			t := int(s.Intn(uint64(m + 1)))
			if mark[t] == int32(j+1) {
				t = m
			}
			mark[t] = int32(j + 1)
			pres = append(pres, int32(t))
		}
	}
	// Transpose to CSR by source with a counting sort; iterating targets in
	// ascending order keeps every row's posts ascending.
	p.Row = make([]int, p.NPre+1)
	for _, i := range pres {
		p.Row[i+1]++
	}
	for i := 0; i < p.NPre; i++ {
		p.Row[i+1] += p.Row[i]
	}
	p.Post = make([]int32, len(pres))
	next := slices.Clone(p.Row[:p.NPre])
	for idx, i := range pres {
		p.Post[next[i]] = int32(idx / max(k, 1))
		next[i]++
	}
	return nil
}

// connectFromFile reads CSV rows pre,post[,weight[,delay]] (weights in the
// target's SI unit, delays in ms, unless the header gives units) and
// returns the weight and delay columns in CSR order (nil when absent).
func (b *builder) connectFromFile(p *Projection, file string) (weights, delays []float64, err error) {
	t, err := readCSV(b.path(file), []string{"pre", "post", "weight", "delay"}, 2, []float64{1, 1, 1, 1e-3})
	if err != nil {
		return nil, nil, err
	}
	pre, post := t.cols[0], t.cols[1]
	n := len(pre)
	p.Row = make([]int, p.NPre+1)
	for r := 0; r < n; r++ {
		i, j := pre[r], post[r]
		if i != math.Trunc(i) || i < 0 || int(i) >= p.NPre {
			return nil, nil, fmt.Errorf("%s:%d: pre %g is not a neuron of %s (size %d)", file, t.lines[r], i, p.Src, p.NPre)
		}
		if j != math.Trunc(j) || j < 0 || int(j) >= p.NPost {
			return nil, nil, fmt.Errorf("%s:%d: post %g is not a neuron of the target (size %d)", file, t.lines[r], j, p.NPost)
		}
		p.Row[int(i)+1]++
	}
	for i := 0; i < p.NPre; i++ {
		p.Row[i+1] += p.Row[i]
	}
	next := slices.Clone(p.Row[:p.NPre])
	p.Post = make([]int32, n)
	order := make([]int, n) // CSR position of file row r
	for r := 0; r < n; r++ {
		i := int(pre[r])
		order[r] = next[i]
		p.Post[next[i]] = int32(post[r])
		next[i]++
	}
	perm := func(col []float64, scale float64) []float64 {
		if col == nil {
			return nil
		}
		out := make([]float64, n)
		for r, k := range order {
			out[k] = col[r] * scale
		}
		return out
	}
	return perm(t.cols[2], t.scale[2]), perm(t.cols[3], t.scale[3]), nil
}
