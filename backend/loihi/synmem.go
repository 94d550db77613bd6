package loihi

// Synapse memory cost (docs/chip.md §3, nengo-loihi's bits_per_axon).

const (
	// BlockSynapses is the largest number of synapses in one block
	// (a 6-bit count field holds count−1).
	BlockSynapses = 64
	// BlockHeaderBits is a block's header: 4 bits synapse-format index + 6
	// bits synapse count.
	BlockHeaderBits = 10
	// WordBits is the width of a synapse-memory word.
	WordBits = 64
)

var (
	indexBitsMap  = [...]int{0, 6, 7, 8, 9, 10, 11, 12}
	weightBitsMap = [...]int{0, 1, 2, 3, 4, 5, 6, 8}
)

// IndexBitsFor returns the index field width that addresses unit offsets
// 0..span-1: ceil(log2(span)) rounded up to one of 6..12.
func IndexBitsFor(span int) int {
	need := bitsFor(span - 1)
	for _, b := range indexBitsMap[1:] {
		if need <= b {
			return b
		}
	}
	return -1 // more than 12 bits: cannot be addressed
}

// WeightBitsFor rounds a weight width up to one of 0, 1, …, 6, 8.
func WeightBitsFor(b int) int {
	for _, w := range weightBitsMap {
		if b <= w {
			return w
		}
	}
	return -1
}

// DelayBitsFor returns the delay field width for delays 0..maxDelay (0
// when every delay is 0).
func DelayBitsFor(maxDelay int) int { return bitsFor(maxDelay) }

// bitsFor returns the number of bits of the unsigned value x (0 for 0).
func bitsFor(x int) int {
	n := 0
	for x > 0 {
		n++
		x >>= 1
	}
	return n
}

// GroupWords returns the 64-bit words a group of n synapses of
// perSynapse bits each takes: blocks of up to 64 synapses, each with a
// 10-bit header, each rounded up to whole words.
func GroupWords(n, perSynapse int) int {
	words := 0
	for n > 0 {
		b := min(n, BlockSynapses)
		bits := BlockHeaderBits + b*perSynapse
		words += (bits + WordBits - 1) / WordBits
		n -= b
	}
	return words
}

// GroupBlocks returns the number of blocks of a group of n synapses.
func GroupBlocks(n int) int { return (n + BlockSynapses - 1) / BlockSynapses }
