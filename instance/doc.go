// Package instance turns one network of an ir.Module into concrete arrays,
// deterministically from the seed: the job of the compiler's `instantiate`
// step, shared by the reference interpreter and every backend so that all
// of them simulate the same neurons, synapses and input spikes.
//
// Build produces an Instance:
//
//   - per population, every parameter per neuron (one scalar when it is the
//     same for every neuron, else a []float64) and every state's initial
//     value per neuron, evaluated in declaration order with the
//     population's overrides and the caller's --set overrides applied;
//   - per projection, the synapses in CSR form by source (row offsets,
//     int32 postsynaptic indices, per-synapse float64 weights and uint8 or
//     uint16 delays in steps, each stored as one scalar when homogeneous);
//   - per source, what is needed to emit its spikes at run time (Poisson
//     stream keys and thresholds, or spike lists as (step, neuron) events);
//   - per stimulus, its waveform as a function of time;
//   - per record, the population, variable, neuron range and sampling
//     interval in steps.
//
// Every random draw comes from the counter-based generator in rng.go,
// keyed by (seed, domain, object, element, draw number); docs/rng.md
// specifies it bit for bit.
package instance
