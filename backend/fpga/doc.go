// Package fpga is snnc's FPGA backend: it turns a quantised network
// (*fixed.Net, docs/fixed-point.md) into an HLS C++ project in hls4ml's
// layout — firmware/<net>.cpp, <net>.h, parameters.h, weights/*.h, a
// testbench <net>_test.cpp with tb_data/, build_prj.tcl for Vitis HLS and a
// README — and estimates what the design costs on a part.
//
// The design is a clocked time-step engine: per step, synaptic input is read
// from delay rings into the accumulators, every population runs its integer
// update program in a pipelined datapath (II = the reuse factor, several
// lanes), spikes go to per-population queues and out on a stream, and the
// queues are propagated through CSR synapse tables in BRAM into the rings.
// Poisson sources are generated on chip (docs/rng.md); spike-list sources and
// stimuli come in on the input stream. Parameters are loaded over AXI-lite at
// reset.
//
// The emitted C++ is plain C++17 (g++ -std=c++17 -O2 -Wall -Wextra -Werror,
// no vendor headers); its C-simulation (CSim, Run) is bit-exact with
// fixed.Simulate, the interpreter's fixed mode and the chip simulator.
// docs/fpga.md describes the design, the knobs and the estimate's formulae.
package fpga
