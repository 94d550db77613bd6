package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"snnc": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI scripts in testdata/script. $TESTDATA is the
// repository's testdata directory. Set UPDATE_SCRIPTS=1 to rewrite the
// expected output in the scripts (testscript's UpdateScripts).
func TestScript(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", filepath.Join(repo, "testdata"))
			return nil
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// replace OLD NEW FILE: replace every OLD in FILE by NEW.
			"replace": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: replace OLD NEW FILE")
				}
				file := ts.MkAbs(args[2])
				old := ts.ReadFile(args[2])
				if !strings.Contains(old, args[0]) {
					ts.Fatalf("replace: %q not in %s", args[0], args[2])
				}
				ts.Check(os.WriteFile(file, []byte(strings.ReplaceAll(old, args[0], args[1])), 0o644))
			},
			// truncate N FILE: keep the first N bytes of FILE.
			"truncate": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: truncate N FILE")
				}
				n, err := strconv.Atoi(args[0])
				ts.Check(err)
				ts.Check(os.Truncate(ts.MkAbs(args[1]), int64(n)))
			},
			// poke OFFSET BYTE FILE: set the byte at OFFSET (negative: from
			// the end) of FILE.
			"poke": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: poke OFFSET BYTE FILE")
				}
				off, err := strconv.Atoi(args[0])
				ts.Check(err)
				v, err := strconv.ParseUint(args[1], 0, 8)
				ts.Check(err)
				file := ts.MkAbs(args[2])
				data, err := os.ReadFile(file)
				ts.Check(err)
				if off < 0 {
					off += len(data)
				}
				if off < 0 || off >= len(data) {
					ts.Fatalf("poke: offset %s outside %s (%d bytes)", args[0], args[2], len(data))
				}
				data[off] = byte(v)
				ts.Check(os.WriteFile(file, data, 0o644))
			},
		},
	})
}
