package driver

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"strconv"
)

// DumpAST writes a readable indented tree of a syntax tree, found by
// reflection (like go/ast.Fprint, but shorter): each node is its type name,
// its position as @line:col and its scalar fields inline; fields holding
// nodes or lists follow, indented. Zero positions, nil fields, empty lists
// and comments are left out.
//
//	File "lif.snn"
//	  Decls: [1]
//	    NeuronDecl @2:1
//	      Name: Ident @2:8 Name="lif"
//	      Items: [9]
//	        ParamDecl @3:5
//	          Name: Ident @3:11 Name="tau"
//	          Value: QuantityLit @3:18 …
func DumpAST(w io.Writer, root any) error {
	d := &dumper{w: bufio.NewWriter(w), seen: map[uintptr]bool{}}
	d.value(reflect.ValueOf(root), 0, "")
	return d.w.Flush()
}

type dumper struct {
	w    *bufio.Writer
	seen map[uintptr]bool
}

var stringerType = reflect.TypeFor[fmt.Stringer]()

func (d *dumper) line(depth int, s string) {
	for range depth {
		d.w.WriteString("  ")
	}
	d.w.WriteString(s)
	d.w.WriteByte('\n')
}

// value writes v at depth with the given label prefix ("Name: ").
func (d *dumper) value(v reflect.Value, depth int, label string) {
	for v.IsValid() && v.Kind() == reflect.Interface {
		if v.IsNil() {
			d.line(depth, label+"nil")
			return
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		d.line(depth, label+"nil")
		return
	}
	if s, ok := scalar(v); ok {
		d.line(depth, label+s)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			d.line(depth, label+"nil")
			return
		}
		if d.seen[v.Pointer()] {
			d.line(depth, label+typeName(v.Type())+" (cycle)")
			return
		}
		d.seen[v.Pointer()] = true
		defer delete(d.seen, v.Pointer())
		d.value(v.Elem(), depth, label)
	case reflect.Slice, reflect.Array:
		d.line(depth, label+"["+strconv.Itoa(v.Len())+"]")
		for i := range v.Len() {
			d.value(v.Index(i), depth+1, "")
		}
	case reflect.Map:
		d.line(depth, label+typeName(v.Type())+" (map, not shown)")
	case reflect.Struct:
		d.structValue(v, depth, label)
	default:
		d.line(depth, label+v.Kind().String())
	}
}

func (d *dumper) structValue(v reflect.Value, depth int, label string) {
	t := v.Type()
	head := label + typeName(t)
	if p := posOf(v); p != "" {
		head += " @" + p
	}
	type child struct {
		name string
		v    reflect.Value
	}
	var children []child
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || isPosType(f.Type) || isComment(f.Type) {
			continue
		}
		fv := v.Field(i)
		if isEmpty(fv) {
			continue
		}
		if s, ok := scalar(fv); ok {
			if fv.IsZero() && fv.Type().Implements(stringerType) {
				continue // an enum's zero value (a missing operator, …)
			}
			head += " " + f.Name + "=" + s
			continue
		}
		children = append(children, child{f.Name, fv})
	}
	d.line(depth, head)
	for _, c := range children {
		d.value(c.v, depth+1, c.name+": ")
	}
}

// scalar formats strings, numbers, bools and named values with a String
// method that are not structs or pointers.
func scalar(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String()), true
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if v.Type().Implements(stringerType) && v.CanInterface() {
			return safeString(v), true
		}
		return fmt.Sprint(v.Interface()), true
	}
	return "", false
}

func safeString(v reflect.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("%v", v.Convert(reflect.TypeFor[int64]()).Int())
		}
	}()
	return v.Interface().(fmt.Stringer).String()
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// isPosType reports whether t is a position: a struct type named Pos with
// Line and Col fields.
func isPosType(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.Name() != "Pos" {
		return false
	}
	_, l := t.FieldByName("Line")
	_, c := t.FieldByName("Col")
	return l && c
}

// isComment reports whether t is a comment group (or a list of them):
// comments are left out of the dump.
func isComment(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t.Name() == "CommentGroup" || t.Name() == "Comment"
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map:
		return v.IsNil()
	case reflect.Slice:
		return v.Len() == 0
	}
	return false
}

// posOf returns "line:col" of a struct node: the result of its Pos method
// if it has one (through a pointer), else its first valid Pos field.
func posOf(v reflect.Value) string {
	if v.CanAddr() {
		if s := nodePos(v.Addr()); s != "" {
			return s
		}
	}
	for i := range v.NumField() {
		if isPosType(v.Field(i).Type()) {
			if s := fmtPos(v.Field(i)); s != "" {
				return s
			}
		}
	}
	return ""
}

// nodePos calls a Pos() method of v, recovering from panics on partial
// trees.
func nodePos(v reflect.Value) (s string) {
	m := v.MethodByName("Pos")
	if !m.IsValid() || m.Type().NumIn() != 0 || m.Type().NumOut() != 1 || !isPosType(m.Type().Out(0)) {
		return ""
	}
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return fmtPos(m.Call(nil)[0])
}

func fmtPos(p reflect.Value) string {
	line, col := p.FieldByName("Line"), p.FieldByName("Col")
	if !line.CanInt() || !col.CanInt() || line.Int() <= 0 {
		return ""
	}
	return strconv.FormatInt(line.Int(), 10) + ":" + strconv.FormatInt(col.Int(), 10)
}
