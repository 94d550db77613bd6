// Package plot draws a simulation result as a figure with gonum/plot: a
// spike raster per population, then one panel per recorded trace, stacked
// on a shared time axis. PNG and SVG output, chosen by file extension.
package plot

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"snnc/internal/atomicfile"
	"snnc/internal/results"
)

// Options control the figure.
type Options struct {
	Width       vg.Length // figure width (default 8 in)
	PanelHeight vg.Length // height of each panel (default 2.4 in)
	MaxLines    int       // most neurons drawn per trace panel (default 10)
	DPI         int       // PNG resolution (default 120)
}

func (o *Options) defaults() {
	if o.Width <= 0 {
		o.Width = 8 * vg.Inch
	}
	if o.PanelHeight <= 0 {
		o.PanelHeight = 2.4 * vg.Inch
	}
	if o.MaxLines <= 0 {
		o.MaxLines = 10
	}
	if o.DPI <= 0 {
		o.DPI = 120
	}
}

// FormatError reports an unsupported figure extension.
type FormatError struct{ Path string }

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: unknown figure extension %q (want .png or .svg)", e.Path, filepath.Ext(e.Path))
}

// CheckPath returns a *FormatError unless path ends in .png or .svg.
func CheckPath(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg":
		return nil
	}
	return &FormatError{path}
}

// WriteFile draws r into path (.png or .svg), atomically.
func WriteFile(path string, r *results.Result, opt Options) error {
	if err := CheckPath(path); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := Render(&buf, strings.ToLower(filepath.Ext(path))[1:], r, opt); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

// Render draws r in format "png" or "svg" to w.
func Render(w io.Writer, format string, r *results.Result, opt Options) error {
	opt.defaults()
	plots := Panels(r, opt)
	if len(plots) == 0 {
		return fmt.Errorf("nothing to plot: the result of network %s has no spikes or traces recorded", r.Network)
	}
	h := opt.PanelHeight * vg.Length(len(plots))
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case "png":
		img := vgimg.NewWith(vgimg.UseWH(opt.Width, h), vgimg.UseDPI(opt.DPI), vgimg.UseBackgroundColor(color.White))
		c = imgCanvas{img, vgimg.PngCanvas{Canvas: img}}
	case "svg":
		c = vgsvg.New(opt.Width, h)
	default:
		return fmt.Errorf("unknown figure format %q", format)
	}
	grid := make([][]*gplot.Plot, len(plots))
	for i, p := range plots {
		grid[i] = []*gplot.Plot{p}
	}
	tiles := draw.Tiles{
		Rows: len(plots), Cols: 1,
		PadX: vg.Millimeter, PadY: 3 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter,
		PadLeft: 2 * vg.Millimeter, PadRight: 4 * vg.Millimeter,
	}
	canvases := gplot.Align(grid, tiles, draw.New(c))
	for i, p := range plots {
		p.Draw(canvases[i][0])
	}
	_, err := c.WriteTo(w)
	return err
}

type imgCanvas struct {
	*vgimg.Canvas
	png vgimg.PngCanvas
}

func (c imgCanvas) WriteTo(w io.Writer) (int64, error) { return c.png.WriteTo(w) }

// Panels returns the figure's panels: one raster per population with
// recorded spikes, then one plot per trace.
func Panels(r *results.Result, opt Options) []*gplot.Plot {
	opt.defaults()
	var out []*gplot.Plot
	for i := range r.Spikes {
		out = append(out, raster(r, &r.Spikes[i]))
	}
	for i := range r.Traces {
		out = append(out, tracePlot(r, &r.Traces[i], opt.MaxLines))
	}
	return out
}

func newPlot(r *results.Result, title string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.Text = "time (ms)"
	p.X.Min, p.X.Max = 0, math.Max(r.DurationMs, r.DtMs)
	p.X.Tick.Marker = shortTicks{}
	p.Y.Tick.Marker = shortTicks{}
	p.Add(plotter.NewGrid())
	return p
}

func raster(r *results.Result, s *results.PopSpikes) *gplot.Plot {
	n := s.N
	for _, k := range s.Neuron {
		n = max(n, int(k)+1)
	}
	title := fmt.Sprintf("%s: %d spikes", s.Pop, len(s.Neuron))
	if n > 0 && r.DurationMs > 0 {
		title += fmt.Sprintf(", mean rate %.3g Hz", float64(len(s.Neuron))/float64(n)/(r.DurationMs/1000))
	}
	p := newPlot(r, title)
	p.Y.Label.Text = "neuron"
	p.Y.Min, p.Y.Max = -0.5, math.Max(float64(n)-0.5, 0.5)
	if n <= 10 {
		p.Y.Tick.Marker = integerTicks{}
	}
	if len(s.Neuron) == 0 {
		return p
	}
	xy := make(plotter.XYs, len(s.Neuron))
	for i := range s.Neuron {
		xy[i] = plotter.XY{X: s.TimeMs[i], Y: float64(s.Neuron[i])}
	}
	sc, err := plotter.NewScatter(xy)
	if err != nil { // only for non-finite times: leave the panel empty
		p.Title.Text += " (times not finite)"
		return p
	}
	sc.GlyphStyle.Color = color.Black
	if len(s.Neuron) > 2000 || n > 200 {
		sc.GlyphStyle.Shape = draw.BoxGlyph{}
		sc.GlyphStyle.Radius = vg.Points(0.6)
	} else {
		sc.GlyphStyle.Shape = draw.BoxGlyph{}
		sc.GlyphStyle.Radius = vg.Points(1.5)
		if n <= 10 {
			// Few neurons: draw each spike as a tick mark.
			sc.GlyphStyle.Shape = tickGlyph{}
			sc.GlyphStyle.Radius = vg.Points(5)
		}
	}
	p.Add(sc)
	return p
}

func tracePlot(r *results.Result, t *results.Trace, maxLines int) *gplot.Plot {
	scale, unit := displayUnit(t)
	title := t.Name
	shown := len(t.Neurons)
	if shown > maxLines {
		title += fmt.Sprintf(" (neurons %d of %d shown)", maxLines, shown)
		shown = maxLines
	}
	p := newPlot(r, title)
	p.Y.Label.Text = t.Name
	if unit != "" && unit != "1" {
		p.Y.Label.Text += " (" + unit + ")"
	}
	for j := range shown {
		xy := make(plotter.XYs, 0, len(t.TimeMs))
		for s, tm := range t.TimeMs {
			v := t.Values[s][j] / scale
			if math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(tm) {
				continue
			}
			xy = append(xy, plotter.XY{X: tm, Y: v})
		}
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			continue
		}
		l.LineStyle.Width = vg.Points(1)
		l.LineStyle.Color = lineColor(j)
		p.Add(l)
		if shown > 1 && shown <= 6 {
			p.Legend.Add("neuron "+strconv.Itoa(t.Neurons[j]), l)
		}
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	return p
}

// lineColor is a fixed, distinguishable palette (Tableau 10).
func lineColor(i int) color.Color {
	pal := []color.RGBA{
		{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
		{140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255},
	}
	return pal[i%len(pal)]
}

// displayUnit picks a readable unit for a trace stored in SI: a prefixed
// form of a simple unit (V → mV) so that ticks read as ordinary numbers.
// It returns the scale to divide values by and the unit's name.
func displayUnit(t *results.Trace) (float64, string) {
	simple := map[string]bool{"V": true, "A": true, "S": true, "F": true, "s": true, "Hz": true, "ohm": true, "m": true}
	if !simple[t.Unit] {
		return 1, t.Unit
	}
	peak := 0.0
	for _, row := range t.Values {
		for _, v := range row {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				peak = math.Max(peak, math.Abs(v))
			}
		}
	}
	if peak == 0 {
		return 1, t.Unit
	}
	for _, p := range []struct {
		name  string
		scale float64
	}{{"G", 1e9}, {"M", 1e6}, {"k", 1e3}, {"", 1}, {"m", 1e-3}, {"u", 1e-6}, {"n", 1e-9}, {"p", 1e-12}} {
		if peak >= p.scale {
			return p.scale, p.name + t.Unit
		}
	}
	return 1e-15, "f" + t.Unit
}

// shortTicks are gonum's default ticks labelled in the shortest form
// ("25", not "25.00").
type shortTicks struct{}

func (shortTicks) Ticks(min, max float64) []gplot.Tick {
	ts := gplot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			v := ts[i].Value
			if math.Abs(v) < 1e-9*math.Max(math.Abs(max-min), 1e-300) {
				v = 0
			}
			ts[i].Label = strconv.FormatFloat(v, 'g', 6, 64)
		}
	}
	return ts
}

// integerTicks puts a tick at every integer in range (for small rasters).
type integerTicks struct{}

func (integerTicks) Ticks(min, max float64) []gplot.Tick {
	var ts []gplot.Tick
	for i := math.Ceil(min); i <= max; i++ {
		ts = append(ts, gplot.Tick{Value: i, Label: strconv.Itoa(int(i))})
	}
	return ts
}

// tickGlyph draws a short vertical line: the classic raster mark.
type tickGlyph struct{}

func (tickGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1)})
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y - sty.Radius})
	p.Line(vg.Point{X: pt.X, Y: pt.Y + sty.Radius})
	c.Stroke(p)
}
