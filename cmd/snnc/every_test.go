package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// networkLine finds a network declaration (files that only declare models
// have nothing to compile).
var networkLine = regexp.MustCompile(`(?m)^network\s`)

// TestEveryNetworkOnTheChip is issue 5's acceptance in one place: every
// network in testdata compiles for the chip (and the FPGA), and runs on
// the chip with the same bytes as the fixed-point reference, for the first
// 5 ms (quantisation profiles what it runs, so a short run is a complete
// check of the pipeline, not of long-run accuracy — the accuracy tests are
// elsewhere).
func TestEveryNetworkOnTheChip(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "testdata")
	var nets []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "diag" || rel == "golden" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".snn") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if networkLine.Match(src) {
			nets = append(nets, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) < 15 {
		t.Fatalf("only %d networks found under %s", len(nets), root)
	}
	for _, path := range nets {
		rel, _ := filepath.Rel(root, path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			run := func(args ...string) {
				t.Helper()
				var out, errb bytes.Buffer
				if code := Main(args, &out, &errb); code != 0 {
					t.Fatalf("snnc %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
				}
			}
			run("compile", "--target", "loihi", path, "--duration", "5ms", "-o", filepath.Join(dir, "net.snnimg"))
			run("compile", "--target", "fpga", path, "--duration", "5ms", "-o", filepath.Join(dir, "prj"))
			run("run", "--backend", "loihi", path, "--duration", "5ms", "-q", "-o", filepath.Join(dir, "chip.json"))
			run("run", "--backend", "fixed", path, "--duration", "5ms", "-q", "-o", filepath.Join(dir, "fixed.json"))
			run("run", filepath.Join(dir, "net.snnimg"), "-q", "-o", filepath.Join(dir, "image.json"))
			chip, _ := os.ReadFile(filepath.Join(dir, "chip.json"))
			fixed, _ := os.ReadFile(filepath.Join(dir, "fixed.json"))
			image, _ := os.ReadFile(filepath.Join(dir, "image.json"))
			if len(chip) == 0 || !bytes.Equal(chip, fixed) {
				t.Errorf("the chip's results differ from the fixed-point reference's (%d and %d bytes)", len(chip), len(fixed))
			}
			if !bytes.Equal(chip, image) {
				t.Errorf("running the compiled image differs from running the program (%d and %d bytes)", len(image), len(chip))
			}
		})
	}
}
