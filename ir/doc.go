// Package ir is snnc's intermediate representation of spiking neural
// networks: the one data structure between the frontend, which lowers .snn
// source into it, and everything after it — the passes, the float64
// reference interpreter and the backends.
//
// A Module holds neuron Units and Networks.
//
//   - A Unit is one neuron model in continuous time: parameters, inputs
//     (summed each step, then cleared), named derived quantities (lets) and
//     state variables. Each state is a compartment with explicit dynamics:
//     a tv-LIF compartment tau(t)·x' = drive(t) − x (Kind TVLIF), a pure
//     integrator x' = rate (Kind Integrator, the B = 0 case), or a general
//     ODE x' = f (Kind General, for method euler/rk4 or before canonicalize
//     has put it in tv-LIF form). A unit also has a spike condition, reset
//     assignments, a refractory period and an integration method.
//   - A Network instantiates units as populations, adds spike sources,
//     projections (connectivity rules with weight and delay expressions),
//     stimuli and recordings, with dt, duration and a seed.
//
// Every expression is a node of an expression DAG (Graph): one graph per
// unit and one per network. Graphs are hash-consed: structurally equal
// subexpressions are the same node, so pattern matching by NodeID is
// reliable. Lets are inlined wherever they are used (sharing keeps them
// one node); Unit.Lets only names them for readability and recording.
// Random ops (uniform, normal) are the exception to hash-consing: every
// Apply of a random op is a distinct draw.
//
// All numbers are float64 in SI base units (volts, seconds, siemens per
// square metre, …), as in Brian2; physical dimensions are recorded on
// declarations (units.Dim), not on expression nodes.
//
// The IR has a textual form (Print, Parse) that round-trips exactly:
// Print(Parse(Print(m))) == Print(m), byte for byte. Verify checks a module
// and reports every problem it finds. docs/ir.md documents the semantics
// and the grammar of the text form.
//
// Invariants kept by the API:
//   - Node arguments always refer to earlier nodes of the same graph
//     (graphs are topologically ordered by construction).
//   - Apply never folds or rewrites: it only hash-conses. Folding and
//     algebraic simplification belong to passes (canonicalize); Fold is a
//     separate helper.
//   - Output order never depends on map iteration or on graph insertion
//     order: the printer numbers only reachable nodes, in a fixed DFS
//     post-order over the roots taken in a fixed order.
package ir
