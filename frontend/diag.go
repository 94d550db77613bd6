package frontend

import (
	"bytes"
	"fmt"
	"io"
	"sort"
)

// Error is one diagnostic about user input: a position and a lowercase
// message that says what was found and what was expected.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "file:line:col: message".
func (e *Error) Error() string {
	if e.Pos.IsValid() || e.Pos.File != "" {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList is a list of diagnostics. The zero value is ready to use.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Pos, msg string) { *l = append(*l, &Error{pos, msg}) }

// Addf appends an error at pos with a formatted message.
func (l *ErrorList) Addf(pos Pos, format string, args ...any) {
	l.Add(pos, fmt.Sprintf(format, args...))
}

// Len, Less and Swap implement sort.Interface: by file, then offset.
func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Offset != b.Offset {
		return a.Offset < b.Offset
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list by file and offset (stable, so equal positions keep
// their order of discovery unless their messages differ).
func (l ErrorList) Sort() { sort.Stable(l) }

// Error returns the first error and a count of the others, like
// go/scanner.ErrorList.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns l as an error, or nil if l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// FormatErrors writes each error as
//
//	file:line:col: message
//	<the source line>
//	<a caret under the column>
//
// src returns a file's contents (nil if unavailable; the source lines are
// then left out). Tabs before the column are repeated in the caret line so
// the caret lines up. At most max errors are written (max <= 0: all), then
// "too many errors (N more; use --all-errors)".
func FormatErrors(w io.Writer, errs ErrorList, src func(file string) []byte, max int) {
	for i, e := range errs {
		if max > 0 && i == max {
			fmt.Fprintf(w, "too many errors (%d more; use --all-errors)\n", len(errs)-max)
			return
		}
		fmt.Fprintln(w, e.Error())
		if src == nil || !e.Pos.IsValid() {
			continue
		}
		line, ok := sourceLine(src(e.Pos.File), e.Pos)
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%s\n%s^\n", line, caretIndent(line, e.Pos.Col))
	}
}

// sourceLine returns the line of src holding pos, without its newline. It
// finds the line from pos.Offset when that agrees with pos.Col, else by
// counting lines.
func sourceLine(src []byte, pos Pos) ([]byte, bool) {
	if src == nil {
		return nil, false
	}
	if off := pos.Offset; off >= 0 && off <= len(src) {
		start := bytes.LastIndexByte(src[:off], '\n') + 1
		if off-start+1 == pos.Col {
			src = src[start:]
			if i := bytes.IndexByte(src, '\n'); i >= 0 {
				src = src[:i]
			}
			return bytes.TrimSuffix(src, []byte("\r")), true
		}
	}
	for n := pos.Line; n > 1; n-- {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return nil, false
		}
		src = src[i+1:]
	}
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		src = src[:i]
	}
	return bytes.TrimSuffix(src, []byte("\r")), true
}

// caretIndent returns the blanks that put a caret under byte column col of
// line: a tab for each tab, a space for each other character.
func caretIndent(line []byte, col int) string {
	if col-1 < len(line) {
		line = line[:max(col-1, 0)]
	}
	var b []byte
	for _, r := range string(line) {
		if r == '\t' {
			b = append(b, '\t')
		} else {
			b = append(b, ' ')
		}
	}
	// A column past the end of the line (an error at the newline or EOF)
	if extra := col - 1 - len(line); extra > 0 {
		b = append(b, bytes.Repeat([]byte(" "), extra)...)
	}
	return string(b)
}
