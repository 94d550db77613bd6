package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

var termIsTerminal = term.IsTerminal

// progress draws a one-line progress bar on a terminal, but only once a
// run has lasted longer than showAfter, and at most every redraw.
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	start time.Time
	last  time.Time
	shown bool
}

const (
	showAfter = time.Second
	redraw    = 100 * time.Millisecond
	barWidth  = 30
)

func newProgress(w io.Writer) *progress { return &progress{w: w, start: time.Now()} }

// update is the run's progress callback; it may be called from any
// goroutine.
func (p *progress) update(done, total int64) {
	if p == nil || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.start) < showAfter || now.Sub(p.last) < redraw {
		return
	}
	p.last = now
	p.shown = true
	frac := float64(done) / float64(total)
	frac = min(max(frac, 0), 1)
	n := int(frac * barWidth)
	eta := ""
	if frac > 0 {
		rest := time.Duration(float64(now.Sub(p.start)) * (1 - frac) / frac)
		eta = " eta " + rest.Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d steps%s\x1b[K", strings.Repeat("=", n), strings.Repeat(" ", barWidth-n), 100*frac, done, total, eta)
}

// done erases the bar if it was drawn.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
