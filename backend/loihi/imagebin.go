package loihi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"snnc/internal/fixed"
)

// Binary layout of the core image (version 3). All integers little-endian;
// "uv" is an unsigned LEB128 varint, "sv" a zig-zag signed varint, "f64"
// IEEE-754 bits as 8 bytes, a string is uv length + UTF-8 bytes, a list is
// uv count + elements.
//
//	file    = magic[8] "SNNCIMG\0", version u16, section*, "END\0", crc u32
//	section = tag[4], length u64, payload
//
// crc is the CRC-32C (Castagnoli) of every byte before it, from the magic
// through "END\0": a trailer right after the END tag, so that the file
// always ends in the 8 bytes "END\0" crc. DecodeImage checks the version
// first (an image of another version gets its own message), then the
// checksum, then the sections. The checksum catches what the structure
// cannot (a flipped byte in a weight or in the step count decodes fine);
// CRC-32C detects every error burst of up to 32 bits, so every damaged
// single byte is caught. Version 3 added the checksum (version 2 added
// weightExpMin and weightExpMax to CHIP).
//
// Sections, in this order (each exactly once unless marked *):
//
//	"CHIP"  tilesX tilesY coresPerTile maxChips chips (uv), clockHz f64,
//	        limits (13 uv), weightExpMin sv, weightExpMax sv, cycles (29 uv), energy (16 f64)
//	"NETW"  name str, dt f64, steps sv, seed u64
//	"PROG"* name str, spike sv, regs list(name str, kind uv, type), luts
//	        list(name str, type, x0 sv, shift uv, interp uv, vals list(sv)),
//	        code list(u64)                       type = signed uv, width uv, frac sv
//	"ENTY"* name str, source uv, n uv, datapath uv, program sv, comps uv,
//	        targets list(uv), regWord list(sv), pieces list(core uv, lo uv, hi uv, comp0 uv)
//	"CORE"* id uv, ringSlots uv,
//	        profiles list(datapath uv, program sv, du sv, dv sv, refr sv, consts list(sv), poisson u64),
//	        thresholds list(sv),
//	        comps list(profile uv, thresh uv, word0 u32, word1 u32, biasMant sv, biasExp uv, ref uv, outStart uv, outCount uv),
//	        formats list(proj uv, wbits uv, dbits uv, ibits uv, wexp sv, sign uv, wconst sv, base uv, units uv, stride uv, target uv),
//	        inAxons list(ptr uv, words uv), synMem list(u64),
//	        outAxons list(core uv, axon uv), events list(step sv, comp uv)
//	"STIM"* name str, entity uv, acc uv, runs list(step sv, value sv)
//	"SPKP"* name str, entity uv, n uv, lo uv, hi uv
//	"TRCP"* name str, unit str, entity uv, reg uv, lo uv, hi uv, every sv, scale f64, offset f64

type wbuf struct{ b []byte }

func (w *wbuf) uv(x uint64) { w.b = binary.AppendUvarint(w.b, x) }
func (w *wbuf) i(x int)     { w.uv(uint64(x)) }
func (w *wbuf) sv(x int64)  { w.b = binary.AppendVarint(w.b, x) }
func (w *wbuf) u64(x uint64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, x)
}
func (w *wbuf) u32(x uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, x) }
func (w *wbuf) f64(x float64) {
	w.u64(math.Float64bits(x))
}
func (w *wbuf) str(s string) { w.i(len(s)); w.b = append(w.b, s...) }
func (w *wbuf) b2(x bool) {
	if x {
		w.uv(1)
	} else {
		w.uv(0)
	}
}
func (w *wbuf) typ(t fixed.Type) { w.b2(t.Signed); w.uv(uint64(t.Width)); w.sv(int64(t.Frac)) }

func (w *wbuf) section(tag string, body func(s *wbuf)) {
	var s wbuf
	body(&s)
	w.b = append(w.b, tag...)
	w.u64(uint64(len(s.b)))
	w.b = append(w.b, s.b...)
}

// Encode returns the binary image.
func (img *Image) Encode() []byte {
	var w wbuf
	w.b = append(w.b, ImageMagic...)
	w.b = binary.LittleEndian.AppendUint16(w.b, uint16(img.Version))
	c := &img.Chip
	w.section("CHIP", func(s *wbuf) {
		s.i(c.TilesX)
		s.i(c.TilesY)
		s.i(c.CoresPerTile)
		s.i(c.MaxChips)
		s.i(img.Chips)
		s.f64(c.ClockHz)
		for _, x := range limitsFields(&c.Limits) {
			s.i(*x)
		}
		s.sv(int64(c.Limits.WeightExpMin))
		s.sv(int64(c.Limits.WeightExpMax))
		for _, x := range cyclesFields(&c.Cycles) {
			s.i(*x)
		}
		for _, x := range energyFields(&c.Energy) {
			s.f64(*x)
		}
	})
	w.section("NETW", func(s *wbuf) {
		s.str(img.Network)
		s.f64(img.Dt)
		s.sv(img.Steps)
		s.u64(img.Seed)
	})
	for _, p := range img.Programs {
		w.section("PROG", func(s *wbuf) {
			s.str(p.Name)
			s.sv(int64(p.Spike))
			s.i(len(p.Regs))
			for _, r := range p.Regs {
				s.str(r.Name)
				s.uv(uint64(r.Kind))
				s.typ(r.Type)
			}
			s.i(len(p.LUTs))
			for _, t := range p.LUTs {
				s.str(t.Name)
				s.typ(t.Type)
				s.sv(t.X0)
				s.uv(uint64(t.Shift))
				s.b2(t.Interp)
				s.i(len(t.Vals))
				for _, v := range t.Vals {
					s.sv(v)
				}
			}
			s.i(len(p.Code))
			for _, x := range p.Code {
				s.u64(x)
			}
		})
	}
	for _, e := range img.Entities {
		w.section("ENTY", func(s *wbuf) {
			s.str(e.Name)
			s.b2(e.Source)
			s.i(e.N)
			s.uv(uint64(e.Datapath))
			s.sv(int64(e.Program))
			s.i(e.Comps)
			s.i(len(e.Targets))
			for _, t := range e.Targets {
				s.i(t)
			}
			s.i(len(e.RegWord))
			for _, x := range e.RegWord {
				s.sv(int64(x))
			}
			s.i(len(e.Pieces))
			for _, p := range e.Pieces {
				s.i(p.Core)
				s.i(p.Lo)
				s.i(p.Hi)
				s.i(p.Comp0)
			}
		})
	}
	for _, co := range img.Cores {
		w.section("CORE", func(s *wbuf) {
			s.i(co.ID)
			s.i(co.RingSlots)
			s.i(len(co.Profiles))
			for _, p := range co.Profiles {
				s.uv(uint64(p.Datapath))
				s.sv(int64(p.Program))
				s.sv(p.Du)
				s.sv(p.Dv)
				s.sv(p.RefR)
				s.i(len(p.Consts))
				for _, x := range p.Consts {
					s.sv(x)
				}
				s.u64(p.Poisson)
			}
			s.i(len(co.Thresholds))
			for _, x := range co.Thresholds {
				s.sv(x)
			}
			s.i(len(co.Comps))
			for _, c := range co.Comps {
				s.uv(uint64(c.Profile))
				s.uv(uint64(c.Thresh))
				s.u32(c.Words[0])
				s.u32(c.Words[1])
				s.sv(int64(c.BiasMant))
				s.uv(uint64(c.BiasExp))
				s.uv(uint64(c.Ref))
				s.uv(uint64(c.OutStart))
				s.uv(uint64(c.OutCount))
			}
			s.i(len(co.Formats))
			for _, f := range co.Formats {
				s.i(f.Proj)
				s.uv(uint64(f.WeightBits))
				s.uv(uint64(f.DelayBits))
				s.uv(uint64(f.IndexBits))
				s.sv(int64(f.Weight.Exp))
				s.uv(uint64(f.Weight.Mode))
				s.sv(f.Weight.Const)
				s.uv(uint64(f.Base))
				s.uv(uint64(f.Units))
				s.uv(uint64(f.Stride))
				s.uv(uint64(f.Target))
			}
			s.i(len(co.InAxons))
			for _, a := range co.InAxons {
				s.uv(uint64(a.Ptr))
				s.uv(uint64(a.Words))
			}
			s.i(len(co.SynMem))
			for _, x := range co.SynMem {
				s.u64(x)
			}
			s.i(len(co.OutAxons))
			for _, a := range co.OutAxons {
				s.uv(uint64(a.Core))
				s.uv(uint64(a.Axon))
			}
			s.i(len(co.Events))
			for _, e := range co.Events {
				s.sv(e.Step)
				s.uv(uint64(e.Comp))
			}
		})
	}
	for _, st := range img.Stims {
		w.section("STIM", func(s *wbuf) {
			s.str(st.Name)
			s.i(st.Entity)
			s.i(st.Acc)
			s.i(len(st.Runs))
			for _, r := range st.Runs {
				s.sv(r.Step)
				s.sv(r.Value)
			}
		})
	}
	for _, p := range img.Spikes {
		w.section("SPKP", func(s *wbuf) {
			s.str(p.Name)
			s.i(p.Entity)
			s.i(p.N)
			s.i(p.Lo)
			s.i(p.Hi)
		})
	}
	for _, p := range img.Traces {
		w.section("TRCP", func(s *wbuf) {
			s.str(p.Name)
			s.str(p.Unit)
			s.i(p.Entity)
			s.i(p.Reg)
			s.i(p.Lo)
			s.i(p.Hi)
			s.sv(p.Every)
			s.f64(p.Conv.Scale)
			s.f64(p.Conv.Offset)
		})
	}
	w.b = append(w.b, imageEnd...)
	w.b = binary.LittleEndian.AppendUint32(w.b, crc32.Checksum(w.b, castagnoli))
	return w.b
}

// imageEnd ends the sections; the checksum follows it.
const imageEnd = "END\x00"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ChecksumError is DecodeImage's error for an image whose bytes do not
// match the CRC-32C stored at its end: the file was damaged after it was
// written.
type ChecksumError struct {
	Stored, Computed uint32
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("core image: checksum mismatch: the file is damaged (stored %08x, computed %08x); recompile it", e.Stored, e.Computed)
}

func limitsFields(l *Limits) []*int {
	return []*int{&l.Compartments, &l.InputAxons, &l.OutputAxons, &l.SynapseBits, &l.Profiles, &l.ThresholdProfile,
		&l.MaxDelay, &l.MaxRefractory, &l.MicrocodeWords, &l.LUTWords, &l.SynapseFormats, &l.GeneratorEvents, &l.WeightBits}
}

func cyclesFields(c *Cycles) []*int {
	return []*int{&c.StepStart, &c.CubaActive, &c.CubaInactive, &c.UnitDispatch, &c.UnitPerComp, &c.Poisson,
		&c.ListBase, &c.ListEvent, &c.Probe, &c.PacketForm, &c.SEPacket, &c.SEBlock, &c.SESynapse,
		&c.HopX, &c.HopY, &c.SameTile, &c.ChipLink, &c.LinkOccupancy, &c.ChipLinkOccupy,
		&c.BarrierBase, &c.BarrierPerTile, &c.BarrierPerChip, &c.RouterFIFO, &c.CoreInQueue,
		&c.InstrALU, &c.InstrMul, &c.InstrDiv, &c.InstrLUT, &c.InstrLUTInterp}
}

func energyFields(e *Energy) []*float64 {
	return []*float64{&e.SynOp, &e.SynUpdate, &e.CubaActive, &e.CubaInactive, &e.WithinTile, &e.HopEW, &e.HopNS,
		&e.ChipLink, &e.UnitPerComp, &e.InstrALU, &e.InstrMul, &e.InstrLUT, &e.InstrLUTInterp, &e.InstrDiv,
		&e.Poisson, &e.ListEvent}
}

// rbuf reads with a sticky error.
type rbuf struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated")

func (r *rbuf) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *rbuf) uv() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *rbuf) i() int {
	x := r.uv()
	if x > math.MaxInt32 {
		r.fail(fmt.Errorf("count %d out of range", x))
		return 0
	}
	return int(x)
}

// n reads a list length, checked against the bytes left (every element
// takes at least min bytes).
func (r *rbuf) n(minBytes int) int {
	x := r.i()
	if x*minBytes > len(r.b) {
		r.fail(errShort)
		return 0
	}
	return x
}

func (r *rbuf) sv() int64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *rbuf) u64() uint64 {
	if r.err != nil || len(r.b) < 8 {
		r.fail(errShort)
		return 0
	}
	x := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return x
}

func (r *rbuf) u32() uint32 {
	if r.err != nil || len(r.b) < 4 {
		r.fail(errShort)
		return 0
	}
	x := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return x
}

func (r *rbuf) f64() float64 { return math.Float64frombits(r.u64()) }

func (r *rbuf) str() string {
	n := r.n(1)
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *rbuf) b2() bool { return r.uv() != 0 }

func (r *rbuf) typ() fixed.Type {
	s := r.b2()
	w := r.uv()
	f := r.sv()
	if w < 1 || w > 64 || f < math.MinInt16 || f > math.MaxInt16 {
		r.fail(fmt.Errorf("bad type width %d frac %d", w, f))
	}
	return fixed.Type{Signed: s, Width: uint8(w), Frac: int16(f)}
}

func (r *rbuf) u8() uint8 {
	x := r.uv()
	if x > 255 {
		r.fail(fmt.Errorf("value %d does not fit 8 bits", x))
	}
	return uint8(x)
}

func (r *rbuf) u16() uint16 {
	x := r.uv()
	if x > 65535 {
		r.fail(fmt.Errorf("value %d does not fit 16 bits", x))
	}
	return uint16(x)
}

// DecodeImage parses a binary image. It checks, in this order, the magic,
// the version, the checksum (a *ChecksumError) when the file ends in the
// END trailer — otherwise the file is truncated or its end damaged, and
// the section walk says where —, the sections, and Validate.
func DecodeImage(data []byte) (*Image, error) {
	head := len(ImageMagic) + 2
	if len(data) < head || string(data[:len(ImageMagic)]) != ImageMagic {
		return nil, fmt.Errorf("not an snnc core image (bad magic)")
	}
	img := &Image{Version: int(binary.LittleEndian.Uint16(data[len(ImageMagic):]))}
	if img.Version != ImageVersion {
		return nil, fmt.Errorf("core image version %d; this snnc reads version %d (recompile it)", img.Version, ImageVersion)
	}
	if n := len(data); n >= head+len(imageEnd)+4 && string(data[n-8:n-4]) == imageEnd {
		stored := binary.LittleEndian.Uint32(data[n-4:])
		if computed := crc32.Checksum(data[:n-4], castagnoli); stored != computed {
			return nil, &ChecksumError{Stored: stored, Computed: computed}
		}
	}
	rest := data[head:]
	seen := map[string]bool{}
sections:
	for {
		if len(rest) >= 4 && string(rest[:4]) == imageEnd {
			// The END found where the checksum was verified is the only
			// one that can be followed by exactly 4 bytes.
			switch {
			case len(rest) < 8:
				return nil, fmt.Errorf("core image: truncated checksum after the end")
			case len(rest) > 8:
				return nil, fmt.Errorf("core image: %d bytes after the end", len(rest)-8)
			}
			break sections
		}
		if len(rest) < 12 {
			return nil, fmt.Errorf("core image: truncated section header")
		}
		tag := string(rest[:4])
		n := binary.LittleEndian.Uint64(rest[4:12])
		if n > uint64(len(rest)-12) {
			return nil, fmt.Errorf("core image: section %q truncated", tag)
		}
		r := &rbuf{b: rest[12 : 12+n]}
		rest = rest[12+n:]
		if err := img.section(tag, r, seen); err != nil {
			return nil, fmt.Errorf("core image: section %q: %w", tag, err)
		}
		if r.err == nil && len(r.b) != 0 {
			r.err = fmt.Errorf("%d bytes left over", len(r.b))
		}
		if r.err != nil {
			return nil, fmt.Errorf("core image: section %q: %w", tag, r.err)
		}
	}
	if !seen["CHIP"] || !seen["NETW"] {
		return nil, fmt.Errorf("core image: missing CHIP or NETW section")
	}
	return img, img.Validate()
}

func (img *Image) section(tag string, r *rbuf, seen map[string]bool) error {
	switch tag {
	case "CHIP", "NETW":
		if seen[tag] {
			return fmt.Errorf("repeated")
		}
	}
	seen[tag] = true
	switch tag {
	case "CHIP":
		c := &img.Chip
		c.TilesX, c.TilesY, c.CoresPerTile, c.MaxChips = r.i(), r.i(), r.i(), r.i()
		img.Chips = r.i()
		c.ClockHz = r.f64()
		for _, x := range limitsFields(&c.Limits) {
			*x = r.i()
		}
		c.Limits.WeightExpMin, c.Limits.WeightExpMax = int(r.sv()), int(r.sv())
		for _, x := range cyclesFields(&c.Cycles) {
			*x = r.i()
		}
		for _, x := range energyFields(&c.Energy) {
			*x = r.f64()
		}
	case "NETW":
		img.Network = r.str()
		img.Dt = r.f64()
		img.Steps = r.sv()
		img.Seed = r.u64()
	case "PROG":
		p := &ImgProgram{Name: r.str(), Spike: int(r.sv())}
		for n := r.n(3); n > 0 && r.err == nil; n-- {
			p.Regs = append(p.Regs, ImgReg{Name: r.str(), Kind: fixed.RegKind(r.u8()), Type: r.typ()})
		}
		for n := r.n(6); n > 0 && r.err == nil; n-- {
			t := &fixed.LUT{Name: r.str(), Type: r.typ(), X0: r.sv(), Shift: r.u8(), Interp: r.b2()}
			for m := r.n(1); m > 0 && r.err == nil; m-- {
				t.Vals = append(t.Vals, r.sv())
			}
			p.LUTs = append(p.LUTs, t)
		}
		for n := r.n(8); n > 0 && r.err == nil; n-- {
			p.Code = append(p.Code, r.u64())
		}
		img.Programs = append(img.Programs, p)
	case "ENTY":
		e := &ImgEntity{Name: r.str(), Source: r.b2(), N: r.i(), Datapath: Datapath(r.u8()), Program: int(r.sv()), Comps: r.i()}
		for n := r.n(1); n > 0 && r.err == nil; n-- {
			e.Targets = append(e.Targets, r.i())
		}
		for n := r.n(1); n > 0 && r.err == nil; n-- {
			e.RegWord = append(e.RegWord, int(r.sv()))
		}
		for n := r.n(4); n > 0 && r.err == nil; n-- {
			e.Pieces = append(e.Pieces, ImgPiece{Core: r.i(), Lo: r.i(), Hi: r.i(), Comp0: r.i()})
		}
		img.Entities = append(img.Entities, e)
	case "CORE":
		co := &ImgCore{ID: r.i(), RingSlots: r.i()}
		for n := r.n(13); n > 0 && r.err == nil; n-- {
			p := ImgProfile{Datapath: Datapath(r.u8()), Program: int(r.sv()), Du: r.sv(), Dv: r.sv(), RefR: r.sv()}
			for m := r.n(1); m > 0 && r.err == nil; m-- {
				p.Consts = append(p.Consts, r.sv())
			}
			p.Poisson = r.u64()
			co.Profiles = append(co.Profiles, p)
		}
		for n := r.n(1); n > 0 && r.err == nil; n-- {
			co.Thresholds = append(co.Thresholds, r.sv())
		}
		nc := r.n(15)
		co.Comps = make([]ImgComp, 0, nc)
		for ; nc > 0 && r.err == nil; nc-- {
			c := ImgComp{Profile: r.u8(), Thresh: r.u8(), Words: [2]uint32{r.u32(), r.u32()}}
			bm := r.sv()
			if bm < math.MinInt16 || bm > math.MaxInt16 {
				r.fail(fmt.Errorf("bias mantissa %d", bm))
			}
			c.BiasMant = int16(bm)
			c.BiasExp, c.Ref, c.OutStart, c.OutCount = r.u8(), r.u8(), r.u16(), r.u16()
			co.Comps = append(co.Comps, c)
		}
		for n := r.n(11); n > 0 && r.err == nil; n-- {
			f := ImgFormat{Proj: r.i(), WeightBits: r.u8(), DelayBits: r.u8(), IndexBits: r.u8()}
			f.Weight = WeightFormat{Bits: int(f.WeightBits), Exp: int(r.sv()), Mode: SignMode(r.u8()), Const: r.sv()}
			f.Base, f.Units, f.Stride, f.Target = r.u16(), r.u16(), r.u8(), r.u8()
			co.Formats = append(co.Formats, f)
		}
		for n := r.n(2); n > 0 && r.err == nil; n-- {
			co.InAxons = append(co.InAxons, ImgInAxon{Ptr: r.u16(), Words: r.u16()})
		}
		nw := r.n(8)
		co.SynMem = make([]uint64, 0, nw)
		for ; nw > 0 && r.err == nil; nw-- {
			co.SynMem = append(co.SynMem, r.u64())
		}
		for n := r.n(2); n > 0 && r.err == nil; n-- {
			a := r.uv()
			if a > math.MaxUint32 {
				r.fail(fmt.Errorf("core id %d", a))
			}
			co.OutAxons = append(co.OutAxons, ImgOutAxon{Core: uint32(a), Axon: r.u16()})
		}
		for n := r.n(2); n > 0 && r.err == nil; n-- {
			co.Events = append(co.Events, ImgEvent{Step: r.sv(), Comp: r.u16()})
		}
		img.Cores = append(img.Cores, co)
	case "STIM":
		s := &ImgStim{Name: r.str(), Entity: r.i(), Acc: r.i()}
		for n := r.n(2); n > 0 && r.err == nil; n-- {
			s.Runs = append(s.Runs, fixed.Run{Step: r.sv(), Value: r.sv()})
		}
		img.Stims = append(img.Stims, s)
	case "SPKP":
		img.Spikes = append(img.Spikes, &ImgSpikeProbe{Name: r.str(), Entity: r.i(), N: r.i(), Lo: r.i(), Hi: r.i()})
	case "TRCP":
		img.Traces = append(img.Traces, &ImgTraceProbe{Name: r.str(), Unit: r.str(), Entity: r.i(), Reg: r.i(),
			Lo: r.i(), Hi: r.i(), Every: r.sv(), Conv: fixed.Conv{Scale: r.f64(), Offset: r.f64()}})
	default:
		return fmt.Errorf("unknown section")
	}
	return nil
}

// Validate checks the image's internal references, so that a decoded
// image can be executed without bounds failures.
func (img *Image) Validate() error {
	if err := img.Chip.Validate(); err != nil {
		return err
	}
	if !(img.Dt > 0) || img.Steps < 0 {
		return fmt.Errorf("core image: bad dt %g or steps %d", img.Dt, img.Steps)
	}
	lim := &img.Chip.Limits
	for pi, p := range img.Programs {
		code, err := DecodeMicrocode(p.Code)
		if err != nil {
			return fmt.Errorf("core image: program %s: %w", p.Name, err)
		}
		fp := &fixed.Program{Name: p.Name, LUTs: p.LUTs, Code: code, Spike: int32(p.Spike)}
		for _, r := range p.Regs {
			fp.Regs = append(fp.Regs, fixed.Reg{Name: r.Name, Kind: r.Kind, Type: r.Type})
		}
		if err := fp.Verify(); err != nil {
			return fmt.Errorf("core image: program %d: %w", pi, err)
		}
	}
	for _, e := range img.Entities {
		if e.Program < -1 || e.Program >= len(img.Programs) || (!e.Source && e.Program < 0) {
			return fmt.Errorf("core image: entity %s: bad program %d", e.Name, e.Program)
		}
		if e.Comps < 1 || e.N < 0 {
			return fmt.Errorf("core image: entity %s: bad size", e.Name)
		}
		nregs := 0
		if e.Program >= 0 {
			nregs = len(img.Programs[e.Program].Regs)
			if len(e.RegWord) != nregs {
				return fmt.Errorf("core image: entity %s: %d register words for %d registers", e.Name, len(e.RegWord), nregs)
			}
		}
		for _, t := range e.Targets {
			if t < 0 || t >= nregs || img.Programs[e.Program].Regs[t].Kind != fixed.RegAcc {
				return fmt.Errorf("core image: entity %s: target %d is not an accumulator", e.Name, t)
			}
		}
		if len(e.Targets) > e.Comps {
			return fmt.Errorf("core image: entity %s: %d targets in %d compartments", e.Name, len(e.Targets), e.Comps)
		}
		for r, w := range e.RegWord {
			if w < -1 || w+1 > 2*e.Comps || (w >= 0 && RegWords(img.Programs[e.Program].Regs[r].Type) == 2 && w+2 > 2*e.Comps) {
				return fmt.Errorf("core image: entity %s: register word %d out of range", e.Name, w)
			}
		}
		next := 0
		for _, p := range e.Pieces {
			if p.Core < 0 || p.Core >= len(img.Cores) || p.Lo != next || p.Hi <= p.Lo || p.Comp0 < 0 ||
				p.Comp0+(p.Hi-p.Lo)*e.Comps > len(img.Cores[p.Core].Comps) {
				return fmt.Errorf("core image: entity %s: bad piece %+v", e.Name, p)
			}
			next = p.Hi
		}
		if next != e.N {
			return fmt.Errorf("core image: entity %s: pieces cover %d of %d neurons", e.Name, next, e.N)
		}
	}
	ids := map[int]int{}
	for ci, co := range img.Cores {
		if _, dup := ids[co.ID]; dup {
			return fmt.Errorf("core image: core %d twice", co.ID)
		}
		ids[co.ID] = ci
		if co.RingSlots < 2 || co.RingSlots&(co.RingSlots-1) != 0 || co.RingSlots > 64 {
			return fmt.Errorf("core image: core %d: ring of %d slots", co.ID, co.RingSlots)
		}
		if len(co.Comps) > lim.Compartments || len(co.InAxons) > lim.InputAxons || len(co.OutAxons) > lim.OutputAxons ||
			len(co.SynMem)*WordBits > lim.SynapseBits || len(co.Profiles) > lim.Profiles ||
			len(co.Thresholds) > lim.ThresholdProfile || len(co.Formats) > lim.SynapseFormats ||
			len(co.Events) > lim.GeneratorEvents {
			return fmt.Errorf("core image: core %d exceeds a per-core limit", co.ID)
		}
		for _, p := range co.Profiles {
			if p.Program < -1 || p.Program >= len(img.Programs) {
				return fmt.Errorf("core image: core %d: bad profile program", co.ID)
			}
			if p.Datapath == DatapathMicrocode && (p.Program < 0 || len(p.Consts) != len(img.Programs[p.Program].Regs)) {
				return fmt.Errorf("core image: core %d: profile constants do not match the program", co.ID)
			}
		}
		for _, c := range co.Comps {
			if int(c.Profile) >= max(len(co.Profiles), 1) || (len(co.Thresholds) > 0 && int(c.Thresh) >= len(co.Thresholds)) ||
				int(c.OutStart)+int(c.OutCount) > len(co.OutAxons) || c.BiasExp > 7 {
				return fmt.Errorf("core image: core %d: bad compartment", co.ID)
			}
		}
		for _, f := range co.Formats {
			if f.WeightBits > 8 || f.DelayBits > 6 || f.IndexBits > 12 || int(f.Base)+int(f.Units)*int(f.Stride) > len(co.Comps) ||
				f.Stride == 0 || f.Target >= f.Stride || f.Weight.Exp < 0 || f.Weight.Exp > 62 || f.Weight.Mode > SignMixed ||
				(f.WeightBits > 0 && (f.Weight.Exp-6 > lim.WeightExpMax || f.Weight.Exp-6 < lim.WeightExpMin)) {
				return fmt.Errorf("core image: core %d: bad synapse format", co.ID)
			}
		}
		for _, a := range co.InAxons {
			if int(a.Ptr)+int(a.Words) > len(co.SynMem) {
				return fmt.Errorf("core image: core %d: input axon beyond synapse memory", co.ID)
			}
		}
		for _, e := range co.Events {
			if int(e.Comp) >= len(co.Comps) {
				return fmt.Errorf("core image: core %d: event compartment out of range", co.ID)
			}
		}
	}
	for _, co := range img.Cores {
		for _, a := range co.OutAxons {
			ci, ok := ids[int(a.Core)]
			if !ok || int(a.Axon) >= len(img.Cores[ci].InAxons) {
				return fmt.Errorf("core image: core %d: output axon to core %d axon %d does not exist", co.ID, a.Core, a.Axon)
			}
		}
	}
	for _, s := range img.Stims {
		if s.Entity < 0 || s.Entity >= len(img.Entities) || img.Entities[s.Entity].Program < 0 ||
			s.Acc < 0 || s.Acc >= len(img.Programs[img.Entities[s.Entity].Program].Regs) {
			return fmt.Errorf("core image: stim %s: bad target", s.Name)
		}
	}
	for _, p := range img.Spikes {
		if p.Entity < 0 || p.Entity >= len(img.Entities) || p.Lo < 0 || p.Hi > img.Entities[p.Entity].N || p.Lo > p.Hi {
			return fmt.Errorf("core image: spike probe %s: bad range", p.Name)
		}
	}
	for _, p := range img.Traces {
		if p.Entity < 0 || p.Entity >= len(img.Entities) || img.Entities[p.Entity].Program < 0 || p.Lo < 0 ||
			p.Hi > img.Entities[p.Entity].N || p.Lo > p.Hi || p.Every < 1 || p.Reg < 0 ||
			p.Reg >= len(img.Programs[img.Entities[p.Entity].Program].Regs) {
			return fmt.Errorf("core image: trace probe %s: bad target", p.Name)
		}
	}
	return nil
}
