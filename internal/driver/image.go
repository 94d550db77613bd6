package driver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ImageJob is a request to a backend about an already compiled image (what
// `snnc compile --target NAME` wrote) rather than a program: the image is
// run or printed as it is, so nothing of the program's pipeline applies.
type ImageJob struct {
	Path string // the image file, for messages
	Data []byte // its bytes
	// Run carries what still applies to an image: Network (checked against
	// the image's), Duration (at most the image's: it can only be cut
	// short), Threads and Progress. Seed and Sets must be empty: the
	// commands refuse them before a job is made.
	Run     RunOptions
	JSON    bool
	Options map[string]string // the backend's Flags, by name (defaults filled in)
}

// DetectImage tells whether the file at path is a backend's compiled image
// rather than a program: it is when its first bytes are a backend's
// ImageMagic. A file that is too short to hold the magic is an image when
// its name ends in the backend's ImageExt or its bytes are a prefix of the
// magic and at least 4 long (a truncated image), so that it is reported as a damaged image and
// not parsed as .snn source. A file that cannot be read is not an image
// (nil, nil): the program loader then reports the read error as usual.
func DetectImage(path string) (*Backend, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, nil
	}
	return imageBackend(path, head[:n]), nil
}

// imageBackend returns the backend whose image starts with head (the first
// bytes of the file at path), or nil.
func imageBackend(path string, head []byte) *Backend {
	for _, b := range Backends() {
		if b.ImageMagic == "" {
			continue
		}
		magic := []byte(b.ImageMagic)
		if bytes.HasPrefix(head, magic) {
			return b
		}
		if len(head) < len(magic) {
			if len(head) >= 4 && bytes.HasPrefix(magic, head) {
				return b
			}
			if b.ImageExt != "" && strings.EqualFold(filepath.Ext(path), b.ImageExt) {
				return b
			}
		}
	}
	return nil
}

// notAProgram is the error of a command that reads programs when it is
// given a compiled image.
func notAProgram(path string, b *Backend) error {
	return fmt.Errorf("%s is a compiled %s, not a program: only `snnc run --backend %s` and `snnc dump --emit=%s` read it", path, b.ImageKind, b.Name, b.Name)
}

// NewImageJob reads the image at path for backend b. A read error names the
// path.
func NewImageJob(b *Backend, path string, opt RunOptions) (*ImageJob, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, cleanPathError(err)
	}
	j := &ImageJob{Path: path, Data: data, Run: opt, Options: map[string]string{}}
	for _, f := range b.Flags {
		j.Options[f.Name] = f.Default
	}
	return j, nil
}

// ImageFlagApplies reports whether the backend flag name applies to b's
// compiled images.
func (b *Backend) ImageFlagApplies(name string) bool {
	for _, f := range b.ImageFlags {
		if f == name {
			return true
		}
	}
	return false
}
