package sim

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"snnc/backend/loihi"
	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/corpus"
	"snnc/internal/fixed"
	"snnc/passes"
)

// The speed targets (issue 5): at least 20 million synaptic events and 2
// million compartment updates per second of wall time; COBAHH's 1 s of
// biological time in under 30 s. These are benchmarks, not tests:
//
//	go test ./sim -run '^$' -bench . -benchtime 1x
//
// Each reports the rates as custom metrics.

var cobahhOnce struct {
	sync.Once
	img *loihi.Image
	err error
}

// cobahhImage quantises testdata/cobahh.snn (1 s) and compiles it, once.
func cobahhImage(b *testing.B) *loihi.Image {
	cobahhOnce.Do(func() {
		path := corpus.Dir() + "/cobahh.snn"
		m, _, errs := frontend.CompileFile(path, frontend.Options{})
		if errs != nil {
			cobahhOnce.err = fmt.Errorf("%v", errs)
			return
		}
		inst, err := instance.Build(m, "", instance.Options{})
		if err != nil {
			cobahhOnce.err = err
			return
		}
		net, _, err := passes.Quantize(m, passes.QuantizeOptions{Inst: inst, NoErrorRun: true, ProfileSteps: 2000})
		if err != nil {
			cobahhOnce.err = err
			return
		}
		cobahhOnce.img, cobahhOnce.err = loihi.Compile(net, loihi.DefaultChip(), loihi.MapOptions{})
	})
	if cobahhOnce.err != nil {
		b.Fatal(cobahhOnce.err)
	}
	return cobahhOnce.img
}

func report(b *testing.B, st *Stats, wall time.Duration) {
	s := wall.Seconds()
	b.ReportMetric(float64(st.SynEvents)/s, "synevents/s")
	b.ReportMetric(float64(st.Updates)/s, "updates/s")
	b.ReportMetric(s, "wall-s")
	if os.Getenv("SNNC_BENCH_VERBOSE") != "" {
		b.Logf("steps %d, %d synaptic events, %d unit updates, %d cycles/step mean, %.3g pJ/step, wall %v",
			st.Steps, st.SynEvents, st.Updates, int64(st.MeanStepCycles), st.Energy.PerStep, wall)
	}
}

// BenchmarkCOBAHH runs COBAHH (4,000 Traub units, 1 s at dt = 0.1 ms) on
// the chip: the 30 s target.
func BenchmarkCOBAHH(b *testing.B) {
	img := cobahhImage(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		_, st, err := Run(img, Options{})
		if err != nil {
			b.Fatal(err)
		}
		report(b, st, time.Since(t0))
	}
}

// sparseNet is a packet-heavy network on the CUBA datapath: 2,000 Poisson
// sources at 50 Hz into 4,000 LIF with random connectivity p = 0.2 (1.6 M
// synapses) and recurrent LIF connections (p = 0.02). Random fan-in limits
// a core to a few dozen units (input axons), so every spike goes to ~100
// cores with ~6 synapses per packet: the network on chip dominates.
const sparseNet = `
network syn {
    dt = 1 ms
    duration = 1 s
    seed = 3
    source in = poisson[2000] { rate = 50 Hz }
    pop p = lif[4000]
    connect in -> p.I : random(p = 0.2) { weight = uniform(0 nA, 0.2 nA); delay = uniform(0 ms, 5 ms) }
    connect p -> p.I : random(p = 0.02) { weight = -0.1 nA }
    record p spikes
}
`

// denseNet is a synapse-heavy network: 1,000 Poisson inputs at 200 Hz
// (20% active per 1 ms step, rate-coded input) all-to-all into 1,000 LIF
// (1 M synapses with 8-bit weights), which project all-to-all onto 100
// outputs: ~100 synapses per packet, like the fully connected layers of
// the paper's networks.
const denseNet = `
network dense {
    dt = 1 ms
    duration = 1 s
    seed = 5
    source in = poisson[1000] { rate = 200 Hz }
    pop hidden = lif[1000]
    pop out = lif[100]
    connect in -> hidden.I : all_to_all { weight = uniform(-0.01 nA, 0.03 nA) }
    connect hidden -> out.I : all_to_all { weight = uniform(0 nA, 0.05 nA) }
    record out spikes
}
`

type imgOnce struct {
	sync.Once
	img *loihi.Image
	err error
}

var sparseImg, denseImg imgOnce

func (o *imgOnce) get(b *testing.B, src string) *loihi.Image {
	o.Do(func() {
		m, _, errs := frontend.CompileSource("bench.snn", []byte(src), frontend.Options{})
		if errs != nil {
			o.err = fmt.Errorf("%v", errs)
			return
		}
		inst, err := instance.Build(m, "", instance.Options{})
		if err != nil {
			o.err = err
			return
		}
		var net *fixed.Net
		net, _, err = passes.Quantize(m, passes.QuantizeOptions{Inst: inst, NoErrorRun: true, ProfileSteps: 200})
		if err != nil {
			o.err = err
			return
		}
		net, _ = loihi.FitWeights(net)
		o.img, o.err = loihi.Compile(net, loihi.DefaultChip(), loihi.MapOptions{})
	})
	if o.err != nil {
		b.Fatal(o.err)
	}
	return o.img
}

func benchRun(b *testing.B, img *loihi.Image) {
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0, c0 := time.Now(), cpuTime()
		_, st, err := Run(img, Options{})
		if err != nil {
			b.Fatal(err)
		}
		report(b, st, time.Since(t0))
		b.ReportMetric(float64(st.NoC.Packets)/time.Since(t0).Seconds(), "packets/s")
		b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s")
	}
}

// BenchmarkSynapticEventsDense measures synaptic events per second on a
// synapse-dominated network.
func BenchmarkSynapticEventsDense(b *testing.B) { benchRun(b, denseImg.get(b, denseNet)) }

// BenchmarkSynapticEventsSparse measures synaptic events and packets per
// second on a packet-dominated network.
func BenchmarkSynapticEventsSparse(b *testing.B) { benchRun(b, sparseImg.get(b, sparseNet)) }

// BenchmarkNoCSparse times the network-on-chip model alone, on one
// thread, over 100 steps of the sparse network's recorded traffic: ns per
// packet is the figure to watch when changing noc.go.
func BenchmarkNoCSparse(b *testing.B) {
	img := sparseImg.get(b, sparseNet)
	m, err := newMachine(img, Options{Steps: 100, Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	m.tm.keep = true
	if err := m.run(); err != nil {
		b.Fatal(err)
	}
	kept := m.tm.kept
	var pk int64
	for _, tr := range kept {
		pk += int64(len(tr.pkts))
	}
	n := newNoC(m.cfg, img.Chips, m.cores)
	b.ResetTimer()
	t0, c0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		for _, tr := range kept {
			n.simulate(tr)
			if tr.err != nil {
				b.Fatal(tr.err)
			}
		}
	}
	b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(pk*int64(b.N)), "ns/packet")
	// CPU time as well: this machine is often shared.
	b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(pk*int64(b.N)), "cpu-ns/packet")
}
