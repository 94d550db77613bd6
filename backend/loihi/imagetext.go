package loihi

import (
	"fmt"
	"strings"

	"snnc/internal/fixed"
)

// Text returns the image's text form (`snnc dump --emit=loihi`): every
// memory of every core, line by line, in a stable order. It is meant for
// reading; the binary form is the one tools load.
func (img *Image) Text() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	c := &img.Chip
	p("; snnc loihi core image v%d\n", img.Version)
	p("chip tiles %dx%d cores-per-tile %d chips %d clock %g Hz\n", c.TilesX, c.TilesY, c.CoresPerTile, img.Chips, c.ClockHz)
	p("network @%s dt %g steps %d seed %d\n", img.Network, img.Dt, img.Steps, img.Seed)
	for i, pr := range img.Programs {
		p("\nprogram %d @%s spike %d  ; %d microcode words\n", i, pr.Name, pr.Spike, len(pr.Code))
		for r, reg := range pr.Regs {
			p("  reg %d %s %s : %s\n", r, reg.Kind, reg.Name, reg.Type)
		}
		for t, l := range pr.LUTs {
			p("  lut %d @%s : %s x0=%d shift=%d interp=%v n=%d [", t, l.Name, l.Type, l.X0, l.Shift, l.Interp, len(l.Vals))
			for j, v := range l.Vals {
				if j > 0 {
					b.WriteString(" ")
				}
				p("%d", v)
			}
			b.WriteString("]\n")
		}
		code, err := DecodeMicrocode(pr.Code)
		fp := &fixed.Program{Name: pr.Name, LUTs: pr.LUTs}
		for _, r := range pr.Regs {
			fp.Regs = append(fp.Regs, fixed.Reg{Name: r.Name, Kind: r.Kind, Type: r.Type})
		}
		if err != nil {
			p("  ; undecodable microcode: %v\n", err)
		}
		x := 0
		for _, in := range code {
			p("  %04d %016x  %s\n", x, pr.Code[x], fp.FormatInstr(&in))
			x++
			for j := 0; j < in.Op.Info().NArgs; j++ {
				if in.Args[j].Imm {
					p("  %04d %016x\n", x, pr.Code[x])
					x++
				}
			}
		}
	}
	for i, e := range img.Entities {
		kind := "pop"
		if e.Source {
			kind = "source"
		}
		p("\nentity %d %s @%s n %d datapath %s program %d comps %d targets %v regwords %v\n",
			i, kind, e.Name, e.N, e.Datapath, e.Program, e.Comps, e.Targets, e.RegWord)
		for _, pc := range e.Pieces {
			p("  piece core %d neurons %d..%d comp %d\n", img.Cores[pc.Core].ID, pc.Lo, pc.Hi-1, pc.Comp0)
		}
	}
	for _, co := range img.Cores {
		l := c.CoreLoc(co.ID, img.Chips)
		p("\ncore %d chip %d tile (%d,%d) core %d ring %d  ; %d compartments, %d/%d axons in/out, %d synapse words\n",
			co.ID, l.Chip, l.X, l.Y, l.Core, co.RingSlots, len(co.Comps), len(co.InAxons), len(co.OutAxons), len(co.SynMem))
		for i, pf := range co.Profiles {
			switch pf.Datapath {
			case DatapathCUBA:
				p("  profile %d cuba program %d du %d dv %d refr %d\n", i, pf.Program, pf.Du, pf.Dv, pf.RefR)
			case DatapathMicrocode:
				p("  profile %d microcode program %d consts %v\n", i, pf.Program, pf.Consts)
			case DatapathPoisson:
				p("  profile %d poisson threshold %d\n", i, pf.Poisson)
			default:
				p("  profile %d %s\n", i, pf.Datapath)
			}
		}
		for i, v := range co.Thresholds {
			p("  threshold %d vth %d\n", i, v)
		}
		for i, f := range co.Formats {
			p("  format %d proj %d weight %d bits %s exp %d const %d delay %d bits index %d bits base %d units %d stride %d target %d\n",
				i, f.Proj, f.WeightBits, f.Weight.Mode, f.Weight.Exp, f.Weight.Const, f.DelayBits, f.IndexBits, f.Base, f.Units, f.Stride, f.Target)
		}
		for i, cm := range co.Comps {
			p("  comp %d prof %d thr %d words %08x %08x bias %d<<%d ref %d out %d+%d\n",
				i, cm.Profile, cm.Thresh, cm.Words[0], cm.Words[1], cm.BiasMant, cm.BiasExp, cm.Ref, cm.OutStart, cm.OutCount)
		}
		for i, a := range co.InAxons {
			p("  inaxon %d words %d+%d\n", i, a.Ptr, a.Words)
		}
		for i, w := range co.SynMem {
			p("  syn %d %016x\n", i, w)
		}
		for i, a := range co.OutAxons {
			p("  outaxon %d -> core %d axon %d\n", i, a.Core, a.Axon)
		}
		for _, ev := range co.Events {
			p("  event step %d comp %d\n", ev.Step, ev.Comp)
		}
	}
	for _, s := range img.Stims {
		p("\nstim @%s entity %d acc %d runs %v\n", s.Name, s.Entity, s.Acc, s.Runs)
	}
	for _, s := range img.Spikes {
		p("probe spikes @%s entity %d neurons %d..%d\n", s.Name, s.Entity, s.Lo, s.Hi-1)
	}
	for _, t := range img.Traces {
		p("probe trace @%s entity %d reg %d neurons %d..%d every %d scale %g offset %g unit %s\n",
			t.Name, t.Entity, t.Reg, t.Lo, t.Hi-1, t.Every, t.Conv.Scale, t.Conv.Offset, t.Unit)
	}
	return b.String()
}
