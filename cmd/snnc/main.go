// Command snnc compiles and simulates spiking neural networks written in
// the snnc language (.snn) or in snnc's IR text form.
//
// The command is thin: it parses flags and calls snnc/internal/driver and
// the library packages. Run `snnc help` or see docs/cli.md.
//
// Exit codes: 0 success; 1 a user error (a bad program, diagnostics, a
// run-time error); 2 a usage error (bad flags, wrong number of arguments,
// an unknown output extension); 3 an internal error (a bug: please report).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK       = 0
	exitUser     = 1
	exitUsage    = 2
	exitInternal = 3
)

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }

// Main runs snnc with args and returns the exit code. It never panics: an
// internal panic is reported as an internal error.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "snnc: internal error: %v (please report)\n", r)
			if os.Getenv("SNNC_TRACEBACK") != "" {
				stderr.Write(debug.Stack())
			}
			code = exitInternal
		}
	}()
	if os.Getenv("SNNC_TEST_PANIC") != "" {
		panic("SNNC_TEST_PANIC is set") // lets the CLI tests see exit code 3
	}
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	return report(stderr, cmd, err)
}

// report prints err and returns its exit code.
func report(stderr io.Writer, cmd *cobra.Command, err error) int {
	var ex *exitError
	if errors.As(err, &ex) {
		if ex.err != nil {
			fmt.Fprintf(stderr, "snnc: %v\n", ex.err)
		}
		if ex.code == exitUsage && cmd != nil && ex.err != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return ex.code
	}
	// Errors that did not come from a command's RunE (cobra's own: unknown
	// commands, flags and arguments) are usage errors.
	msg := err.Error()
	msg = strings.TrimSuffix(msg, "\n")
	fmt.Fprintf(stderr, "snnc: %s\n", msg)
	if cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitUsage
}

// exitError carries an exit code. A nil err means the message was already
// printed (diagnostics).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as a usage error (exit 2).
func usageErr(err error) error { return &exitError{exitUsage, err} }

// usageErrf formats a usage error.
func usageErrf(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// userErr marks err as a user error (exit 1).
func userErr(err error) error { return &exitError{exitUser, err} }

// exitCode returns the exit code err carries (exitUser if none).
func exitCode(err error) int {
	var ex *exitError
	if errors.As(err, &ex) {
		return ex.code
	}
	return exitUser
}

// silentErr is an exit code whose message is already printed.
func silentErr(code int) error { return &exitError{code: code} }
