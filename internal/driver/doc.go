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
// adapter.go and simulate.go are the files that call into the frontend,
// ir.Verify, the pass table and instance/interp.
package driver
