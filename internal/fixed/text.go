package fixed

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Format returns the program's text form (docs/fixed-point.md §3.2).
func (p *Program) Format() string {
	var b strings.Builder
	p.WriteTo(&b)
	return b.String()
}

// WriteTo writes the text form to b.
func (p *Program) WriteTo(b *strings.Builder) {
	fmt.Fprintf(b, "program @%s {\n", fmtName(p.Name))
	comment := func(c string) {
		if c != "" {
			fmt.Fprintf(b, "  ; %s", strings.ReplaceAll(c, "\n", " "))
		}
		b.WriteByte('\n')
	}
	for _, r := range p.Regs {
		if r.Kind == RegTemp {
			fmt.Fprintf(b, "  temp %s", fmtName(r.Name))
			if r.Type != (Type{}) && r.Type != I64 {
				fmt.Fprintf(b, " : %s", r.Type)
			}
		} else {
			fmt.Fprintf(b, "  %s %s : %s", r.Kind, fmtName(r.Name), r.Type)
		}
		comment(r.Comment)
	}
	for _, t := range p.LUTs {
		fmt.Fprintf(b, "  lut @%s : %s x0=%d shift=%d", fmtName(t.Name), t.Type, t.X0, t.Shift)
		if t.Interp {
			b.WriteString(" interp")
		}
		b.WriteString(" [")
		for i, v := range t.Vals {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.FormatInt(v, 10))
		}
		b.WriteByte(']')
		comment(t.Comment)
	}
	for _, in := range p.Code {
		b.WriteString("  ")
		b.WriteString(p.FormatInstr(&in))
		b.WriteByte('\n')
	}
	if p.Spike >= 0 {
		fmt.Fprintf(b, "  spike %s\n", fmtName(p.Regs[p.Spike].Name))
	}
	b.WriteString("}\n")
}

// FormatInstr returns one instruction's text.
func (p *Program) FormatInstr(in *Instr) string {
	opnd := func(o Operand) string {
		if o.Imm {
			return "#" + strconv.FormatInt(o.Val, 10)
		}
		if o.Reg >= 0 && int(o.Reg) < len(p.Regs) {
			return fmtName(p.Regs[o.Reg].Name)
		}
		return fmt.Sprintf("r%d?", o.Reg)
	}
	dst := fmt.Sprintf("r%d?", in.Dst)
	if in.Dst >= 0 && int(in.Dst) < len(p.Regs) {
		dst = fmtName(p.Regs[in.Dst].Name)
	}
	info := in.Op.Info()
	if in.Op == OpLut {
		name := "?"
		if in.LUT >= 0 && int(in.LUT) < len(p.LUTs) {
			name = fmtName(p.LUTs[in.LUT].Name)
		}
		return fmt.Sprintf("%s = lut @%s, %s", dst, name, opnd(in.Args[0]))
	}
	op := info.Name
	if info.Round {
		op += "." + in.Rnd.String()
	}
	var args []string
	for j := 0; j < info.NArgs; j++ {
		args = append(args, opnd(in.Args[j]))
	}
	return fmt.Sprintf("%s = %s %s", dst, op, strings.Join(args, ", "))
}

func isNameChar(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && (c >= '0' && c <= '9' || c == '.')
}

func fmtName(s string) string {
	ok := s != ""
	for i := 0; i < len(s) && ok; i++ {
		ok = isNameChar(s[i], i == 0)
	}
	if ok {
		return s
	}
	return strconv.Quote(s)
}

// ParseError is a syntax error in program text.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ParseProgram reads one program in the text form of Format.
func ParseProgram(src []byte) (*Program, error) {
	ps := &progParser{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	var p *Program
	done := false
	for sc.Scan() {
		ps.line++
		toks, comment, err := tokenize(sc.Text())
		if err != nil {
			return nil, &ParseError{ps.line, err.Error()}
		}
		if len(toks) == 0 {
			continue
		}
		if done {
			return nil, &ParseError{ps.line, "text after the end of the program"}
		}
		if p == nil {
			name, ok := "", false
			if len(toks) == 3 {
				name, ok = tokName(toks[1], "@")
			}
			if !ok || toks[0] != "program" || toks[2] != "{" {
				return nil, &ParseError{ps.line, "expected: program @NAME {"}
			}
			p = &Program{Name: name, Spike: -1}
			ps.p = p
			continue
		}
		if toks[0] == "}" && len(toks) == 1 {
			done = true
			continue
		}
		if err := ps.item(toks); err != nil {
			return nil, &ParseError{ps.line, err.Error()}
		}
		switch toks[0] {
		case "state", "param", "acc", "temp":
			p.Regs[len(p.Regs)-1].Comment = comment
		case "lut":
			p.LUTs[len(p.LUTs)-1].Comment = comment
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if p == nil || !done {
		return nil, &ParseError{ps.line, "missing program or closing }"}
	}
	return p, nil
}

type progParser struct {
	p    *Program
	line int
}

// tokenize splits a line: names, @names, #ints, quoted strings and the
// punctuation , : = [ ] { }; a ';' starts a comment.
func tokenize(s string) ([]string, string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == ';':
			return toks, strings.TrimSpace(s[i+1:]), nil
		case strings.IndexByte(",:=[]{}", c) >= 0:
			toks = append(toks, string(c))
			i++
		case c == '"' || (c == '@' || c == '#') && i+1 < len(s) && s[i+1] == '"':
			j := i
			if c != '"' {
				j++
			}
			q, err := strconv.QuotedPrefix(s[j:])
			if err != nil {
				return nil, "", fmt.Errorf("bad quoted name")
			}
			u, _ := strconv.Unquote(q)
			toks = append(toks, s[i:j]+"\x00"+u)
			i = j + len(q)
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\r;,:=[]{}", s[j]) < 0 {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, "", nil
}

// name returns the name in a token ("x", "@x" with prefix, or quoted).
func tokName(t, prefix string) (string, bool) {
	if !strings.HasPrefix(t, prefix) {
		return "", false
	}
	t = t[len(prefix):]
	if strings.HasPrefix(t, "\x00") {
		return t[1:], true
	}
	for i := 0; i < len(t); i++ {
		if !isNameChar(t[i], i == 0) {
			return "", false
		}
	}
	return t, t != ""
}

func parseType(toks []string) (Type, []string, error) {
	if len(toks) == 0 || len(toks[0]) < 2 || (toks[0][0] != 's' && toks[0][0] != 'u') {
		return Type{}, toks, fmt.Errorf("expected a type (s32, u6, s32 f28)")
	}
	w, err := strconv.Atoi(toks[0][1:])
	if err != nil || w < 1 || w > 64 {
		return Type{}, toks, fmt.Errorf("bad type %q", toks[0])
	}
	t := Type{Signed: toks[0][0] == 's', Width: uint8(w)}
	toks = toks[1:]
	if len(toks) > 0 && len(toks[0]) > 1 && toks[0][0] == 'f' {
		if f, err := strconv.Atoi(toks[0][1:]); err == nil {
			t.Frac = int16(f)
			toks = toks[1:]
		}
	}
	return t, toks, nil
}

func (ps *progParser) item(toks []string) error {
	p := ps.p
	switch toks[0] {
	case "state", "param", "acc", "temp":
		kind := map[string]RegKind{"state": RegState, "param": RegParam, "acc": RegAcc, "temp": RegTemp}[toks[0]]
		if len(toks) < 2 {
			return fmt.Errorf("missing register name")
		}
		name, ok := tokName(toks[1], "")
		if !ok {
			return fmt.Errorf("bad register name %q", toks[1])
		}
		if p.Reg(name) >= 0 {
			return fmt.Errorf("register %s declared twice", name)
		}
		t := I64
		rest := toks[2:]
		if len(rest) > 0 && rest[0] == ":" {
			var err error
			if t, rest, err = parseType(rest[1:]); err != nil {
				return err
			}
		} else if kind != RegTemp {
			return fmt.Errorf("%s %s needs a type", toks[0], name)
		}
		if len(rest) > 0 {
			return fmt.Errorf("unexpected %q", rest[0])
		}
		p.Regs = append(p.Regs, Reg{Name: name, Kind: kind, Type: t})
		return nil
	case "lut":
		return ps.lut(toks[1:])
	case "spike":
		if len(toks) != 2 {
			return fmt.Errorf("expected: spike REG")
		}
		name, _ := tokName(toks[1], "")
		r := p.Reg(name)
		if r < 0 {
			return fmt.Errorf("unknown register %q", toks[1])
		}
		if p.Spike >= 0 {
			return fmt.Errorf("second spike line")
		}
		p.Spike = int32(r)
		return nil
	}
	// REG = op[.rnd] args
	if len(toks) < 3 || toks[1] != "=" {
		return fmt.Errorf("expected a declaration or REG = OP ARGS")
	}
	dn, _ := tokName(toks[0], "")
	dst := p.Reg(dn)
	if dst < 0 {
		return fmt.Errorf("unknown register %q", toks[0])
	}
	opname, rnd := toks[2], Floor
	if i := strings.IndexByte(opname, '.'); i >= 0 {
		rs := opname[i+1:]
		opname = opname[:i]
		found := false
		for r := Round(0); r < numRounds; r++ {
			if r.String() == rs {
				rnd, found = r, true
			}
		}
		if !found {
			return fmt.Errorf("unknown rounding %q", rs)
		}
	}
	op, ok := LookupOp(opname)
	if !ok {
		return fmt.Errorf("unknown op %q", opname)
	}
	in := Instr{Op: op, Rnd: rnd, Dst: int32(dst), LUT: -1}
	args := toks[3:]
	if op == OpLut {
		if len(args) < 1 {
			return fmt.Errorf("lut needs a table")
		}
		tn, ok := tokName(args[0], "@")
		if !ok {
			return fmt.Errorf("expected @TABLE, got %q", args[0])
		}
		in.LUT = -1
		for i, t := range p.LUTs {
			if t.Name == tn {
				in.LUT = int32(i)
			}
		}
		if in.LUT < 0 {
			return fmt.Errorf("unknown table @%s", tn)
		}
		if len(args) < 2 || args[1] != "," {
			return fmt.Errorf("expected , after the table")
		}
		args = args[2:]
	}
	n := op.Info().NArgs
	for j := 0; j < n; j++ {
		if j > 0 {
			if len(args) == 0 || args[0] != "," {
				return fmt.Errorf("%s takes %d operands", op, n)
			}
			args = args[1:]
		}
		if len(args) == 0 {
			return fmt.Errorf("%s takes %d operands", op, n)
		}
		a := args[0]
		args = args[1:]
		if strings.HasPrefix(a, "#") {
			v, err := strconv.ParseInt(a[1:], 10, 64)
			if err != nil {
				return fmt.Errorf("bad immediate %q", a)
			}
			in.Args[j] = Imm(v)
			continue
		}
		name, _ := tokName(a, "")
		r := p.Reg(name)
		if r < 0 {
			return fmt.Errorf("unknown register %q", a)
		}
		in.Args[j] = R(r)
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected %q", args[0])
	}
	p.Code = append(p.Code, in)
	return nil
}

func (ps *progParser) lut(toks []string) error {
	if len(toks) < 2 {
		return fmt.Errorf("expected: lut @NAME : TYPE x0=INT shift=INT [interp] [VALUES]")
	}
	name, ok := tokName(toks[0], "@")
	if !ok || toks[1] != ":" {
		return fmt.Errorf("expected: lut @NAME : TYPE …")
	}
	t, rest, err := parseType(toks[2:])
	if err != nil {
		return err
	}
	l := &LUT{Name: name, Type: t}
	kv := func(key string) (int64, error) {
		if len(rest) < 3 || rest[0] != key || rest[1] != "=" {
			return 0, fmt.Errorf("expected %s=INT", key)
		}
		v, err := strconv.ParseInt(rest[2], 10, 64)
		rest = rest[3:]
		return v, err
	}
	if l.X0, err = kv("x0"); err != nil {
		return err
	}
	sh, err := kv("shift")
	if err != nil || sh < 0 || sh > 62 {
		return fmt.Errorf("bad shift")
	}
	l.Shift = uint8(sh)
	if len(rest) > 0 && rest[0] == "interp" {
		l.Interp = true
		rest = rest[1:]
	}
	if len(rest) < 2 || rest[0] != "[" || rest[len(rest)-1] != "]" {
		return fmt.Errorf("expected [VALUES]")
	}
	for i, v := range rest[1 : len(rest)-1] {
		if i%2 == 1 {
			if v != "," {
				return fmt.Errorf("expected , between values")
			}
			continue
		}
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("bad value %q", v)
		}
		l.Vals = append(l.Vals, x)
	}
	for _, o := range ps.p.LUTs {
		if o.Name == name {
			return fmt.Errorf("table @%s declared twice", name)
		}
	}
	ps.p.LUTs = append(ps.p.LUTs, l)
	return nil
}
