// Package textdist measures how far apart two words are, for the "did you
// mean …?" suggestions of the checker and the pass manager.
package textdist

// Levenshtein returns the edit distance between a and b (insertions,
// deletions and substitutions of bytes, each costing 1).
func Levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
