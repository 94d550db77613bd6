// Package driver is the library behind the snnc command: it loads a
// program from a path — .snn source through the frontend, or IR text through
// ir.Parse (a file ending in .ir or whose first line starts with "; snnc
// IR") — and runs the steps the commands share: checking, formatting,
// dumping the syntax tree, applying run-time overrides and simulating.
//
// User errors come back as *Diagnostics (positioned messages) or as plain
// errors; the command decides exit codes. Nothing here writes to
// os.Stdout or os.Stderr.
//
// adapter.go is the one file that calls into packages whose APIs are still
// landing (frontend, ir.Verify, instance/interp); everything else depends
// only on stable types.
package driver
