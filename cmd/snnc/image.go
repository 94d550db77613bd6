package main

import (
	"sort"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"snnc/internal/driver"
)

// checkImageFlags refuses, as a usage error, every flag set on the command
// line that cannot apply to path, a backend's compiled image: the pass
// pipeline, --seed, --set and the backend's compile-time options were
// fixed when the image was compiled. allowed are the command's flags that
// still apply; the backend's own (driver.Backend.ImageFlags) are added.
func checkImageFlags(cmd *cobra.Command, path string, b *driver.Backend, allowed ...string) error {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	var bad []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if !ok[f.Name] && !b.ImageFlagApplies(f.Name) {
			bad = append(bad, f.Name)
		}
	})
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return usageErrf("--%s does not apply to %s, a compiled %s: what it sets was fixed when the image was compiled (pass it to snnc compile instead)",
		bad[0], path, b.ImageKind)
}
