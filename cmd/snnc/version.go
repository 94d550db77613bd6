package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version can be set at link time: -ldflags "-X main.version=v1.2.3".
var version = ""

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print snnc's version",
		Long: `Version prints the module version, the VCS revision snnc was built from
(when the build recorded it) and the Go version.`,
		Example: `  snnc version`,
		Args:    exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), versionText())
			return err
		}),
	}
}

// versionText is e.g.
//
//	snnc (devel)
//	revision: 1a2b3c4d5e6f (2026-01-02T03:04:05Z, modified)
//	go: go1.26.8 linux/amd64
func versionText() string {
	v, rev := version, "unknown (not recorded in this build)"
	var when, modified string
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = "modified"
				}
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if when != "" && modified != "" {
		rev += " (" + when + ", " + modified + ")"
	} else if when != "" || modified != "" {
		rev += " (" + when + modified + ")"
	}
	return fmt.Sprintf("snnc %s\nrevision: %s\ngo: %s %s/%s\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
