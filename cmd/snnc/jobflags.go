package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"snnc/internal/driver"
)

// jobFlags are the flags shared by the commands that instantiate a network
// (run, compile, report, dump --emit=BACKEND): which network, how long, the
// seed, overrides, threads, the pass pipeline, and every backend's own
// options.
type jobFlags struct {
	network  string
	duration string
	seed     string
	sets     []string
	threads  int
	pf       *passFlags
	backend  map[string]*string // backend flags by name
}

func addJobFlags(cmd *cobra.Command, op string) *jobFlags {
	jf := &jobFlags{backend: map[string]*string{}}
	jf.pf = addPassFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&jf.network, "network", "", "the network `NAME` (default: the program's only network)")
	f.StringVar(&jf.duration, "duration", "", "simulated time `T` with a unit, e.g. 50ms (default: the network's)")
	f.StringVar(&jf.seed, "seed", "", "random seed `S` (default: the network's)")
	f.StringArrayVar(&jf.sets, "set", nil, "override a parameter or initial state: `POP.NAME=VALUE` (repeatable)")
	f.IntVar(&jf.threads, "threads", 0, "worker threads `N` (0: all cores; results are the same for any N)")
	for _, b := range driver.Backends() {
		for _, bf := range b.Flags {
			if f.Lookup(bf.Name) != nil {
				continue // shared by several backends (or a common flag)
			}
			v := new(string)
			f.StringVar(v, bf.Name, bf.Default, bf.Usage+" ("+b.Name+")")
			if bf.Default == "false" {
				f.Lookup(bf.Name).NoOptDefVal = "true" // a switch: --NAME alone means true
			}
			jf.backend[bf.Name] = v
		}
	}
	return jf
}

// options checks the flags and returns the run options.
func (jf *jobFlags) options(cmd *cobra.Command) (driver.RunOptions, error) {
	opt := driver.RunOptions{Network: jf.network, Threads: jf.threads}
	if jf.duration != "" {
		d, err := driver.ParseDuration(jf.duration)
		if err != nil {
			return opt, usageErrf("--duration %v", err)
		}
		opt.Duration = d
	}
	if jf.seed != "" {
		s, err := strconv.ParseUint(jf.seed, 0, 64)
		if err != nil {
			return opt, usageErrf("--seed %q: want a non-negative integer", jf.seed)
		}
		opt.Seed = &s
	}
	for _, s := range jf.sets {
		o, err := driver.ParseOverride(s)
		if err != nil {
			return opt, usageErr(err)
		}
		opt.Sets = append(opt.Sets, o)
	}
	if jf.threads < 0 {
		return opt, usageErrf("--threads %d: want a positive number (0: all cores)", jf.threads)
	}
	if err := jf.pf.validate(cmd); err != nil {
		return opt, err
	}
	return opt, nil
}

// job loads the program, runs the pass pipeline and prepares a job for
// backend b.
func (jf *jobFlags) job(cmd *cobra.Command, path string, opt driver.RunOptions, b *driver.Backend) (*driver.Job, error) {
	m, err := driver.Load(path)
	if err != nil {
		printDiagnostics(cmd.ErrOrStderr(), err, diagCap)
		return nil, silentErr(exitUser)
	}
	if err := jf.pf.run(cmd, m); err != nil {
		return nil, err
	}
	j, err := driver.NewJob(m, path, opt)
	if err != nil {
		return nil, err
	}
	for _, bf := range b.Flags {
		j.Options[bf.Name] = *jf.backend[bf.Name]
	}
	return j, nil
}

// imageOptions fills in the job's backend options that apply to an image.
func (jf *jobFlags) imageOptions(j *driver.ImageJob, b *driver.Backend) {
	for _, bf := range b.Flags {
		if b.ImageFlagApplies(bf.Name) {
			j.Options[bf.Name] = *jf.backend[bf.Name]
		}
	}
}
