package instance

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"snnc/internal/units"
)

// table is a numeric CSV file read by readCSV.
type table struct {
	cols  [][]float64 // per wanted column (nil when absent), per row
	scale []float64   // factor to SI from the header's unit (1 when none)
	lines []int       // source line of each row
}

// readCSV reads a numeric CSV file. Blank lines and lines starting with '#'
// are skipped. An optional header names the columns; a name may carry a
// unit as "name[unit]", "name (unit)" or "name_unit" (e.g. "time_ms",
// "weight[nS]"), which scales that column to SI. Without a header the
// columns are taken in the order of want. The first required columns of
// want must be present. defScale (nil: all 1) is the SI factor of each
// wanted column whose header gives no unit (e.g. 1e-3 for times in ms).
func readCSV(path string, want []string, required int, defScale []float64) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &table{cols: make([][]float64, len(want)), scale: make([]float64, len(want))}
	colOf := make([]int, len(want)) // file column of wanted column w, -1 absent
	for i := range colOf {
		colOf[i] = i
		t.scale[i] = 1
		if defScale != nil {
			t.scale[i] = defScale[i]
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	line, ncols, header := 0, -1, false
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fields := strings.Split(s, ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if ncols < 0 {
			ncols = len(fields)
			if _, err := strconv.ParseFloat(fields[0], 64); err != nil {
				header = true
				for i := range colOf {
					colOf[i] = -1
				}
				for c, h := range fields {
					name, scale, hasUnit, err := headerColumn(h)
					if err != nil {
						return nil, fmt.Errorf("%s:%d: column %q: %v", path, line, h, err)
					}
					for w, wn := range want {
						if strings.EqualFold(name, wn) {
							colOf[w] = c
							if hasUnit {
								t.scale[w] = scale
							}
						}
					}
				}
				for w := 0; w < required; w++ {
					if colOf[w] < 0 {
						return nil, fmt.Errorf("%s:%d: no column %q in header", path, line, want[w])
					}
				}
				continue
			}
			if !header {
				for w := range colOf {
					if w >= ncols {
						colOf[w] = -1
					}
				}
				if ncols < required {
					return nil, fmt.Errorf("%s:%d: %d columns, want at least %d (%s)", path, line, ncols, required, strings.Join(want[:required], ", "))
				}
			}
		}
		if len(fields) != ncols {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", path, line, len(fields), ncols)
		}
		for w, c := range colOf {
			if c < 0 {
				continue
			}
			x, err := strconv.ParseFloat(fields[c], 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %q is not a number", path, line, want[w], fields[c])
			}
			t.cols[w] = append(t.cols[w], x)
		}
		t.lines = append(t.lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for w, c := range colOf {
		if c >= 0 && t.cols[w] == nil {
			t.cols[w] = []float64{}
		}
	}
	return t, nil
}

// headerColumn splits a header cell into a name and the SI scale of its
// unit, if it has one.
func headerColumn(h string) (string, float64, bool, error) {
	h = strings.TrimSpace(h)
	for _, br := range [][2]string{{"[", "]"}, {"(", ")"}} {
		if i := strings.Index(h, br[0]); i > 0 && strings.HasSuffix(h, br[1]) {
			u, err := units.Parse(strings.TrimSpace(h[i+1 : len(h)-1]))
			if err != nil {
				return "", 0, false, err
			}
			return strings.TrimSpace(h[:i]), u.Scale, true, nil
		}
	}
	if i := strings.LastIndex(h, "_"); i > 0 {
		if u, err := units.Parse(h[i+1:]); err == nil {
			return h[:i], u.Scale, true, nil
		}
	}
	return h, 1, false, nil
}
