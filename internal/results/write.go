package results

import (
	"fmt"
	"path/filepath"
	"strings"

	"snnc/internal/atomicfile"
)

// Format is an output file format, chosen by the file's extension.
type Format string

const (
	JSON Format = "json"
	CSV  Format = "csv"
	NPZ  Format = "npz"
)

// Formats lists the supported formats.
var Formats = []Format{JSON, CSV, NPZ}

// FormatError reports an output path whose extension names no format.
type FormatError struct{ Path string }

func (e *FormatError) Error() string {
	ext := filepath.Ext(e.Path)
	if ext == "" {
		return fmt.Sprintf("%s: output file has no extension (want .json, .csv or .npz)", e.Path)
	}
	return fmt.Sprintf("%s: unknown output extension %q (want .json, .csv or .npz)", e.Path, ext)
}

// FormatOf returns the format of path by its extension (case-insensitive),
// or a *FormatError.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return JSON, nil
	case ".csv":
		return CSV, nil
	case ".npz":
		return NPZ, nil
	}
	return "", &FormatError{path}
}

// WriteFile writes r to path in the format of its extension. Every file is
// written atomically: on error no output file is left partial or created.
// CSV writes the spikes to path and each trace beside it (see TracePath).
func WriteFile(path string, r *Result) error {
	f, err := FormatOf(path)
	if err != nil {
		return err
	}
	switch f {
	case JSON:
		return atomicfile.Write(path, r.WriteJSON)
	case NPZ:
		return atomicfile.Write(path, r.WriteNPZ)
	}
	return r.writeCSVFiles(path)
}

// OutputPaths returns every file WriteFile(path, r) writes.
func (r *Result) OutputPaths(path string) []string {
	out := []string{path}
	if f, _ := FormatOf(path); f == CSV {
		for i := range r.Traces {
			out = append(out, TracePath(path, r.Traces[i].Name))
		}
	}
	return out
}
