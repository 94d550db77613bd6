package loihi

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// withChecksum returns data with its trailing CRC-32C recomputed, so that a
// mutation reaches the section decoder and Validate instead of stopping at
// the checksum.
func withChecksum(data []byte) []byte {
	if len(data) < 8 {
		return data
	}
	d := bytes.Clone(data)
	binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.Checksum(d[:len(d)-4], castagnoli))
	return d
}

// FuzzDecodeImage: any bytes give an image or an error, never a panic;
// an image that decodes passes Validate and encodes back to the same bytes.
//
//	go test ./backend/loihi -run '^$' -fuzz FuzzDecodeImage -fuzztime 5m
func FuzzDecodeImage(f *testing.F) {
	_, net := mixedNet(f)
	img := compileImage(f, net, DefaultChip())
	f.Add(img.Encode())
	f.Add([]byte("SNNCIMG\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, withChecksum(data)} {
			got, err := DecodeImage(d)
			if err != nil {
				continue
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("decoded an image that does not validate: %v", err)
			}
			if again := got.Encode(); !bytes.Equal(again, d) {
				t.Fatalf("decode → encode changed the bytes (%d → %d)", len(d), len(again))
			}
		}
	})
}
