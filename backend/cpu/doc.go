// Package cpu is snnc's CPU backend: it turns an instantiated network
// (package instance) into an LLVM module built with github.com/llir/llvm —
// the whole time-step loop specialised to the network — and drives opt,
// llc and cc to make a standalone native program whose results read back
// into a results.Result. docs/cpu.md describes the generated code.
//
//	p, _ := cpu.Build(inst, cpu.Options{})            // float mode: the interpreter's semantics
//	a, _ := cpu.Compile(ctx, p, "out/net", cpu.CompileOptions{})
//	r, stats, err := a.Exec(ctx, 2, "out/net.result")
//
// or cpu.Run(ctx, p, cpu.RunOptions{}) for all three in a temporary
// directory.
package cpu
