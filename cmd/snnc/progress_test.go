package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	p.update(10, 100) // within the first second: nothing
	if buf.Len() != 0 {
		t.Fatalf("drawn too early: %q", buf.String())
	}
	p.start = time.Now().Add(-2 * time.Second)
	p.update(50, 100)
	out := buf.String()
	if !strings.HasPrefix(out, "\r[===============               ]  50% 50/100 steps eta ") {
		t.Fatalf("bar = %q", out)
	}
	p.update(60, 100) // within the redraw interval: nothing new
	if buf.String() != out {
		t.Fatalf("redrawn too soon: %q", buf.String())
	}
	p.done()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Fatalf("bar not erased: %q", buf.String())
	}
	var nilBar *progress
	nilBar.update(1, 2) // a nil bar (quiet, or not a terminal) is a no-op
	nilBar.done()
	if isTerminal(&buf) {
		t.Error("a buffer is not a terminal")
	}
}
