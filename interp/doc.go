// Package interp is snnc's reference simulator: it runs an instantiated
// network (package instance) in float64 and is the numerical ground truth
// every backend is compared with. docs/simulator.md specifies its
// semantics.
//
// One step k (time t = k·dt) runs, in this order:
//
//  1. deliver: inputs are cleared, then receive the spikes arriving at
//     step k (ring buffers per target, one slot per step of delay) and the
//     stimuli's values at t; spikes to a state jump it;
//  2. integrate every state from the values at the start of the step
//     (exponential Euler by default, or euler / rk4 as the unit asks);
//     refractory neurons of models with a reset hold their reset states;
//  3. detect spikes: the spike condition is true now and was false after
//     the previous step (an upward crossing), and the neuron is not
//     refractory; the spike's time is t = k·dt;
//  4. reset spiking neurons (assignments in order) and start their
//     refractory period;
//  5. propagate the spikes of step k (neurons and sources) into the ring
//     buffers: a spike at step k with delay d arrives at step k + 1 + d;
//  6. record: a trace sample at time (k+1)·dt is the state after step k.
//
// Each unit's expressions are compiled once per population into flat
// programs (program.go) that evaluate array-at-a-time over chunks of
// neurons; chunks run on all cores, and their spikes are merged in neuron
// order, so results are identical for any number of threads.
package interp
