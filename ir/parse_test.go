package ir

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors checks that malformed input is rejected with the
// expected position and message.
func TestParseErrors(t *testing.T) {
	const u = "unit @u {\n"
	const n = "network @n {\n"
	cases := []struct {
		src, want string
	}{
		{"; snnc IR v2\n", "f.ir:1:1: unsupported IR version \"2\""},
		{"foo\n", "f.ir:1:1: expected unit or network, found \"foo\""},
		{"unit u {\n}\n", "f.ir:1:6: expected @unit name, found \"u\""},
		{"unit @u\n}\n", "f.ir:1:8: expected \"{\", found end of line"},
		{"unit @u {\n", "f.ir:2:1: unexpected end of file: unit @u not closed"},
		{u + "  %0 = const 1\n  %0 = const 2\n}\n", "f.ir:3:3: node %0 redefined"},
		{u + "  %0 = frob 1\n}\n", "f.ir:2:8: unknown op \"frob\""},
		{u + "  %0 = const x1\n}\n", "f.ir:2:14: malformed number \"x1\""},
		{u + "  %0 = add %1, %2\n}\n", "f.ir:2:12: use of undefined node %1"},
		{u + "  %0 = const 1\n  %1 = add %0\n}\n", "f.ir:3:14: expected \",\", found end of line"},
		{u + "  %0 = const 1\n  %1 = neg %0, %0\n}\n", "f.ir:3:14: unexpected \",\" at end of line"},
		{u + "  %0 = const 1 2\n}\n", "f.ir:2:16: unexpected \"2\" at end of line"},
		{u + "  % = const 1\n}\n", "f.ir:2:3: expected node number after %"},
		{u + "  param C : F/cm^2\n}\n", "f.ir:2:13: dimension \"F/cm^2\" is not in SI base units"},
		{u + "  param C : frob\n}\n", "f.ir:2:13: bad dimension \"frob\""},
		{u + "  param C :\n}\n", "f.ir:2:12: expected dimension"},
		{u + "  V' = tvlif\n}\n", "f.ir:2:3: dynamics for undeclared state V"},
		{u + "  state V : V\n  V' = tvlif\n  V' = general\n}\n", "f.ir:4:3: second dynamics line for state V"},
		{u + "  state V : V\n  V' = leaky\n}\n", "f.ir:3:8: unknown state kind \"leaky\""},
		{u + "  %0 = const 1\n  spike %0\n  spike %0\n}\n", "f.ir:4:3: second spike line"},
		{u + "  method exp_euler\n  method rk4\n}\n", "f.ir:3:3: second method line"},
		{u + "  method heun\n}\n", "f.ir:2:10: unknown method \"heun\""},
		{u + "  frob x\n}\n", "f.ir:2:3: unknown unit item \"frob\""},
		{u + "  param \"C : V\n}\n", "f.ir:2:9: unterminated string"},
		{u + "  param \"\\q\" : V\n}\n", "f.ir:2:9: malformed string"},
		{u + "  param C : V = 3\n}\n", "f.ir:2:17: expected %N, found \"3\""},
		{u + "  param C : V # x\n}\n", "f.ir:2:15: unexpected character '#'"},
		{u + "  \x00\n}\n", "f.ir:2:3: unexpected character '\\x00'"},
		{n + "  dt 1\n  dt 2\n}\n", "f.ir:3:3: second dt line"},
		{n + "  seed -1\n}\n", "f.ir:2:8: expected unsigned integer seed"},
		{n + "  pop @p = @u[x]\n}\n", "f.ir:2:15: expected integer, found \"x\""},
		{n + "  pop @p = @u[2] {\n    V = %0\n  }\n}\n", "f.ir:3:9: use of undefined node %0"},
		{n + "  pop @p = @u[2] {\n    V = [1, 2\n  }\n}\n", "f.ir:3:14: expected \",\", found end of line"},
		{n + "  pop @p = @u[2] {\n", "f.ir:3:1: unexpected end of file: pop @p not closed"},
		{n + "  source @s = geiger[2]\n}\n", "f.ir:2:15: unknown source kind \"geiger\""},
		{n + "  source @s = spikes[2] times [[1], 2]\n}\n", "f.ir:2:37: expected \"[\", found \"2\""},
		{n + "  source @s = spike_file[2] file x\n}\n", "f.ir:2:34: expected file name string"},
		{n + "  connect @a -> @b ge all_to_all\n}\n", "f.ir:2:20: expected \".\", found \"ge\""},
		{n + "  connect @a -> @b.ge random(q=1)\n}\n", "f.ir:2:30: unknown rule argument \"q\""},
		{n + "  connect @a -> @b.ge random(p=1, p=2)\n}\n", "f.ir:2:35: rule argument p given twice"},
		{n + "  connect @a -> @b.ge fixed_indegree(k=1.5)\n}\n", "f.ir:2:40: malformed integer \"1.5\""},
		{n + "  connect @a -> @b.ge sometimes\n}\n", "f.ir:2:23: unknown rule \"sometimes\""},
		{n + "  stim @s -> @p.I : A = step(a=1, \"f\")\n}\n", "f.ir:2:38: expected \"=\", found \")\""},
		{n + "  stim @s -> @p.I : A = ramp(a=1)\n}\n", "f.ir:2:25: unknown waveform \"ramp\""},
		{n + "  stim @s -> @p.I : mA = step(a=1)\n}\n", "f.ir:2:21: dimension \"mA\" is not in SI base units"},
		{n + "  record @p.V[0:x]\n}\n", "f.ir:2:17: expected integer"},
		{n + "  record @p\n}\n", "f.ir:2:12: expected \".\", found end of line"},
		{n + "  record @p.V every\n}\n", "f.ir:2:20: expected number, found end of line"},
		{n + "  %0 = param\n}\n", "f.ir:2:13: expected param name, found end of line"},
		{n + "  frob\n}\n", "f.ir:2:3: unknown network item \"frob\""},
		{n + "  @x\n}\n", "f.ir:2:3: expected a network item, found \"@x\""},
		{"network @1 {\n}\n", "f.ir:1:9: expected name after @"},
	}
	for _, c := range cases {
		m, err := Parse("f.ir", []byte(c.src))
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want error %q", c.src, c.want)
			continue
		}
		if m != nil {
			t.Errorf("Parse(%q) returned a module with an error", c.src)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %T is not a *ParseError", c.src, err)
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Parse(%q):\n got  %v\n want %s…", c.src, err, c.want)
		}
	}
}

// TestParseLenient checks inputs that are accepted although the printer
// never writes them that way, and what they become.
func TestParseLenient(t *testing.T) {
	src := `; a comment without header
unit @u {   ; trailing comment
	%7 = const 1e3 ; tab indented, any node numbers
	%3 = param a
	%2 = mul %3, %7
	%9 = mul %3, %7    ; a duplicate of %2: hash-consed to the same node
	param a : 1 = %7
	param b : 1/s=%9
	state x : 1 = %7
	x' = integrator rate %2
	%11 = uniform %7, %7
}
network @n {
	%0 = const 0
	%1 = uniform %0, %0
	%2 = uniform %0, %0
	%3 = add %1, %2
	pop @p = @u[2] {
	}
	pop @q = @u[2] {
		x = %3
	}
}
`
	m, err := Parse("lenient.ir", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	u := m.Unit("u")
	if u.Params[1].Default != u.State("x").Rate {
		t.Errorf("duplicate nodes were not hash-consed")
	}
	want := `; snnc IR v1

unit @u {
  %0 = const 1000
  param a : 1 = %0
  %1 = param a
  %2 = mul %1, %0
  param b : 1/s = %2
  state x : 1 = %0
  x' = integrator rate %2
  method exp_euler
}

network @n {
  dt 0
  duration 0
  seed 0
  pop @p = @u[2]
  %0 = const 0
  %1 = uniform %0, %0
  %2 = uniform %0, %0
  %3 = add %1, %2
  pop @q = @u[2] {
    x = %3
  }
}
`
	if got := string(Print(m)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s\n%s", got, want, diffLines(want, got))
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n", Header + "\n", "; x\n\n\n"} {
		m, err := Parse("e", []byte(src))
		if err != nil || len(m.Units) != 0 || len(m.Networks) != 0 {
			t.Errorf("Parse(%q) = %v, %v", src, m, err)
		}
		if got := string(Print(m)); got != Header+"\n" {
			t.Errorf("Print(empty) = %q", got)
		}
	}
}
