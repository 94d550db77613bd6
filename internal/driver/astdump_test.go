package driver

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type Pos struct {
	File      string
	Line, Col int
}

type tTok int

func (t tTok) String() string { return [...]string{"+", "*"}[t] }

type tIdent struct {
	NamePos Pos
	Name    string
}

func (x *tIdent) Pos() Pos { return x.NamePos }

type tBinary struct {
	X, Y tExpr
	Op   tTok
}

func (x *tBinary) Pos() Pos { return x.X.Pos() } // panics when X is nil

type tExpr interface{ Pos() Pos }

type CommentGroup struct{ Text string }

type tFile struct {
	Name  string
	Doc   *CommentGroup
	Exprs []tExpr
	Empty []tExpr
	EOF   Pos
}

func TestDumpAST(t *testing.T) {
	f := &tFile{
		Name: "x.snn",
		Doc:  &CommentGroup{"hidden"},
		Exprs: []tExpr{
			&tBinary{X: &tIdent{Pos{"x.snn", 1, 1}, "a"}, Y: &tIdent{Pos{"x.snn", 1, 5}, "b"}, Op: 1},
			&tBinary{Y: &tIdent{Pos{"x.snn", 2, 3}, "c"}},
			nil,
		},
		EOF: Pos{"x.snn", 3, 1},
	}
	var buf bytes.Buffer
	if err := DumpAST(&buf, f); err != nil {
		t.Fatal(err)
	}
	want := `tFile @3:1 Name="x.snn"
  Exprs: [3]
    tBinary @1:1 Op=*
      X: tIdent @1:1 Name="a"
      Y: tIdent @1:5 Name="b"
    tBinary
      Y: tIdent @2:3 Name="c"
    nil
`
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Errorf("dump (-want +got):\n%s", d)
	}
}
