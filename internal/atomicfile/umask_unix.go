//go:build unix

package atomicfile

import (
	"io/fs"
	"sync"
	"syscall"
)

var umaskOnce = sync.OnceValue(func() fs.FileMode {
	// syscall.Umask sets and returns the old mask: set it back at once.
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return fs.FileMode(m)
})

func umask() fs.FileMode { return umaskOnce() }
