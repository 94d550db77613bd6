package loihi

// Refinement by traffic (docs/chip.md §11, step 3): swap the whole contents
// of two used cores when that lowers Σ flows × route energy. Every core is
// identical, so a swap never breaks a limit. Deterministic: pairs are
// visited in a fixed order and a swap is kept only on a strict decrease.

type edge struct {
	to int
	w  float64 // packets per step, both directions summed
}

// refine improves the placement; it keeps the set of used core ids (dense
// packing) and permutes contents among them.
func (m *Mapping) refine(passes int) {
	n := len(m.Cores)
	if n < 3 || len(m.Flows) == 0 {
		return
	}
	// Undirected adjacency, self-loops dropped (unaffected by swaps).
	wmap := make([]map[int]float64, n)
	for i := range wmap {
		wmap[i] = map[int]float64{}
	}
	for _, f := range m.Flows {
		if f.From == f.To {
			continue
		}
		wmap[f.From][f.To] += f.Packets
		wmap[f.To][f.From] += f.Packets
	}
	adj := make([][]edge, n)
	for i := range adj {
		for _, j := range sortedKeys(wmap[i]) {
			adj[i] = append(adj[i], edge{j, wmap[i][j]})
		}
	}
	// pos[i]: the location content i currently occupies.
	locs := make([]Loc, n)
	for i, c := range m.Cores {
		locs[i] = c.Loc
	}
	pos := make([]int, n) // content → location index
	for i := range pos {
		pos[i] = i
	}
	dist := func(a, b int) float64 { return m.Chip.RouteBetween(locs[a], locs[b]).EnergyPJ }
	// cost of content i at location l, excluding the edge to content skip.
	costAt := func(i, l, skip int) float64 {
		s := 0.0
		for _, e := range adj[i] {
			if e.to != skip {
				s += e.w * dist(l, pos[e.to])
			}
		}
		return s
	}
	window := n
	if n > 256 {
		window = 32
	}
	for pass := 0; pass < passes; pass++ {
		improved := false
		for a := 0; a < n; a++ {
			if len(adj[a]) == 0 {
				continue
			}
			for b := a + 1; b < n && b <= a+window; b++ {
				la, lb := pos[a], pos[b]
				before := costAt(a, la, b) + costAt(b, lb, a)
				after := costAt(a, lb, b) + costAt(b, la, a)
				if after < before-1e-9*before {
					pos[a], pos[b] = lb, la
					improved = true
				}
			}
		}
		if !improved {
			break
		}
	}
	// Apply: content i moves to location pos[i].
	ids := make([]int, n)
	for i, c := range m.Cores {
		ids[i] = c.ID
	}
	for i, c := range m.Cores {
		c.ID = ids[pos[i]]
	}
	m.sortCores()
}
