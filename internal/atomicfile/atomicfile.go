// Package atomicfile writes files so that a reader (or a crash) never sees a
// partial file: the data goes to a temporary file in the destination's
// directory, which is synced and then renamed over the destination. A failed
// write leaves the destination as it was and removes the temporary file.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// DefaultPerm is the permission of a newly created file (before umask).
const DefaultPerm fs.FileMode = 0o644

// WriteFile atomically replaces path with data. An existing file keeps its
// permission bits; a new one gets DefaultPerm.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write atomically replaces path with what fill writes. If fill returns an
// error, nothing is written and the error is returned.
func Write(path string, fill func(w io.Writer) error) error {
	t, err := Create(path)
	if err != nil {
		return err
	}
	if err := fill(t); err != nil {
		t.Abort()
		return err
	}
	return t.Commit()
}

// Temp is a pending atomic write: write to it, then Commit or Abort.
// Several Temps can be committed together with CommitAll.
type Temp struct {
	f    *os.File
	path string
	perm fs.FileMode
	done bool
}

// Create starts an atomic write of path. If path is a symbolic link, the
// file it points to is replaced and the link kept.
func Create(path string) (*Temp, error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	perm := DefaultPerm
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, &fs.PathError{Op: "write", Path: path, Err: errors.New("not a regular file")}
		}
		perm = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	} else {
		// A new file: honour the umask like os.Create would.
		perm = DefaultPerm &^ umask()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, err
	}
	return &Temp{f: f, path: path, perm: perm}, nil
}

// Write writes to the temporary file.
func (t *Temp) Write(p []byte) (int, error) { return t.f.Write(p) }

// Abort discards the write. It is safe to call after Commit (it does nothing).
func (t *Temp) Abort() {
	if t.done {
		return
	}
	t.done = true
	t.f.Close()
	os.Remove(t.f.Name())
}

// sync flushes and closes the temporary file and sets its permissions.
func (t *Temp) sync() error {
	if err := t.f.Chmod(t.perm); err != nil {
		return err
	}
	if err := t.f.Sync(); err != nil {
		return err
	}
	return t.f.Close()
}

// Commit renames the temporary file over the destination.
func (t *Temp) Commit() error {
	if t.done {
		return errors.New("atomicfile: commit after commit or abort")
	}
	if err := t.sync(); err != nil {
		t.Abort()
		return err
	}
	t.done = true
	if err := os.Rename(t.f.Name(), t.path); err != nil {
		os.Remove(t.f.Name())
		return err
	}
	return nil
}

// CommitAll syncs every temp and, only if all succeeded, renames each into
// place. On error every temp not yet renamed is removed. (Renames of several
// files are not one atomic step, but no destination is ever partial.)
func CommitAll(ts []*Temp) error {
	for _, t := range ts {
		if err := t.sync(); err != nil {
			for _, u := range ts {
				u.Abort()
			}
			return err
		}
	}
	var first error
	for _, t := range ts {
		t.done = true
		if err := os.Rename(t.f.Name(), t.path); err != nil {
			os.Remove(t.f.Name())
			if first == nil {
				first = err
			}
		}
	}
	return first
}
