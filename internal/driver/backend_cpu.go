package driver

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"snnc/backend/cpu"
	"snnc/internal/results"
)

// The cpu backend: the network as an LLVM module (backend/cpu), compiled
// by opt, llc and cc into a native program (owner: the CPU backend
// engineer; this file only wires backend/cpu into the commands). "llvm" is
// the same module under the name `snnc dump --emit=llvm` asks for.
func init() {
	register(&Backend{
		Name:        "cpu",
		Description: "a native program through LLVM (opt -O3, llc, cc): float64 with the interpreter's semantics, or the quantised module (docs/cpu.md)",
		Flags: []Flag{
			{Name: "mode", Default: "float", Usage: "arithmetic: float (the interpreter's float64, bit for bit) or fixed (the quantised module, bit-exact with the hardware backends)"},
			{Name: "exp", Default: "fast", Usage: "exp/expm1 in float mode: fast (the interpreter's, inlined and vectorised), mvec (glibc's libmvec) or libm (glibc, scalar)"},
			{Name: "mcpu", Default: "native", Usage: "the CPU to generate code for (opt/llc -mcpu); native runs only on CPUs like this one"},
			{Name: "emit-llvm", Default: "false", Usage: "compile: write OUT.ll (and OUT.data) only, without running opt, llc and cc"},
		},
		Run:     cpuRun,
		Compile: cpuCompile,
		Emit:    cpuEmit,
	})
	register(&Backend{
		Name:        "llvm",
		Description: "the cpu backend's LLVM module, as `snnc dump --emit=llvm` prints it (options as for cpu)",
		Flags:       []Flag{{Name: "mode"}, {Name: "exp"}},
		Emit:        cpuEmit,
	})
}

// cpuProgram builds the job's program.
func cpuProgram(j *Job) (*cpu.Program, error) {
	exp, err := cpu.ParseExpImpl(j.Options["exp"])
	if err != nil {
		return nil, &UsageError{fmt.Errorf("--exp: %v", err)}
	}
	opt := cpu.Options{Exp: exp, Threads: j.Run.Threads}
	switch mode := j.Options["mode"]; mode {
	case "", "float":
		inst, err := j.Instance()
		if err != nil {
			return nil, err
		}
		return cpu.Build(inst, opt)
	case "fixed":
		net, _, err := Quantize(j)
		if err != nil {
			return nil, err
		}
		return cpu.BuildFixed(net, opt)
	default:
		return nil, &UsageError{fmt.Errorf("--mode %q: want float or fixed", mode)}
	}
}

func cpuMCPU(j *Job) string {
	if m := j.Options["mcpu"]; m != "" {
		return m
	}
	return "native"
}

func cpuRun(j *Job) (*results.Result, error) {
	p, err := cpuProgram(j)
	if err != nil {
		return nil, err
	}
	steps := p.Meta.Steps
	if j.Run.Progress != nil {
		j.Run.Progress(0, steps)
	}
	r, _, err := cpu.Run(context.Background(), p, cpu.RunOptions{Threads: j.Run.Threads, CPU: cpuMCPU(j)})
	if j.Run.Progress != nil && r != nil {
		j.Run.Progress(r.Steps, steps)
	}
	return r, err
}

func cpuCompile(j *Job) error {
	p, err := cpuProgram(j)
	if err != nil {
		return err
	}
	emit, err := strconv.ParseBool(j.Options["emit-llvm"])
	if err != nil {
		return &UsageError{fmt.Errorf("--emit-llvm %q: want true or false", j.Options["emit-llvm"])}
	}
	_, err = cpu.Compile(context.Background(), p, j.Out, cpu.CompileOptions{EmitLLVM: emit, CPU: cpuMCPU(j)})
	return err
}

func cpuEmit(j *Job, w io.Writer) error {
	p, err := cpuProgram(j)
	if err != nil {
		return err
	}
	text, err := p.LLVM()
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, text)
	return err
}
