package loihi

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestReportCobahh(t *testing.T) {
	inst := buildFile(t, "../../testdata/cobahh.snn")
	md, err := EstimateModel(inst)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Map(md, DefaultChip(), MapOptions{RateHz: 37})
	if err != nil {
		t.Fatal(err)
	}
	r := NewReport(m, 0)
	if r.Cores != 12 || r.Totals.Units != 4000 || r.Totals.Compartments != 12000 || r.Exact {
		t.Errorf("report: %d cores, %d units, %d compartments, exact %v", r.Cores, r.Totals.Units, r.Totals.Compartments, r.Exact)
	}
	// 4,000 neurons at 37 Hz, 0.1 ms steps, ~80 targets each: ~1,184 synaptic events per step.
	if r.PerStep.SynEvents < 1000 || r.PerStep.SynEvents > 1400 {
		t.Errorf("synaptic events per step %g", r.PerStep.SynEvents)
	}
	if r.PerStep.Cycles <= float64(r.PerStep.Barrier) || r.PerStep.EnergyPJ.Total <= 0 || r.PerStep.EnergyPJ.Microcode <= 0 {
		t.Errorf("per step %+v", r.PerStep)
	}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	txt := b.String()
	for _, want := range []string{"network cobahh on the loihi target: 1 chip(s), 12 cores", "estimated from the float IR", "exc", "microcode", "an estimate"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text report lacks %q:\n%s", want, txt)
		}
	}
	// Column alignment: every row of the core table has the same number of fields' positions.
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil || back.Cores != 12 || len(back.CoreList) != 12 {
		t.Errorf("JSON round trip: %v, %d cores", err, back.Cores)
	}
	t.Log("\n" + txt)
}
