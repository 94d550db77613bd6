package sim

import (
	"testing"

	"snnc/backend/loihi"
	"snnc/internal/corpus"
	"snnc/internal/fixed"
	"snnc/internal/results"
)

// chipBackend compiles a quantised network for the default chip (through
// the binary image) and runs it on the simulator.
func chipBackend(cfg loihi.ChipConfig, threads int) corpus.Backend {
	return corpus.Backend{Name: "sim", Run: func(n *fixed.Net) (*results.Result, error) {
		img, err := loihi.Compile(n, cfg, loihi.MapOptions{})
		if err != nil {
			return nil, err
		}
		img, err = loihi.DecodeImage(img.Encode())
		if err != nil {
			return nil, err
		}
		res, _, err := Run(img, Options{Threads: threads})
		return res, err
	}}
}

// TestCorpus: the chip simulator equals the reference on the shared
// corpus, bit for bit.
func TestCorpus(t *testing.T) {
	corpus.Compare(t, corpus.Reference, chipBackend(loihi.DefaultChip(), 0))
}

// TestCorpusSmallCores spreads every corpus network over many small cores
// (and so many packets, hops and delays across the mesh), on one thread.
func TestCorpusSmallCores(t *testing.T) {
	cfg := loihi.DefaultChip()
	cfg.Limits.Compartments = 48
	corpus.Compare(t, corpus.Reference, chipBackend(cfg, 1))
}
