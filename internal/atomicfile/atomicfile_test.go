package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteKeepsPermAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "new" {
		t.Fatalf("content %q", b)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("perm %v, want 0600", fi.Mode().Perm())
	}
	assertOnly(t, dir, "a.txt")
}

func TestFailedWriteKeepsOld(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	os.WriteFile(p, []byte("old"), 0o644)
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "old" {
		t.Fatalf("content %q", b)
	}
	assertOnly(t, dir, "a.txt")
}

func TestNewFileAndCommitAll(t *testing.T) {
	dir := t.TempDir()
	var ts []*Temp
	for _, n := range []string{"x", "y"} {
		tmp, err := Create(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		tmp.Write([]byte(n))
		ts = append(ts, tmp)
	}
	if err := CommitAll(ts); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "x", "y")
	fi, _ := os.Stat(filepath.Join(dir, "x"))
	if fi.Mode().Perm()&0o600 != 0o600 {
		t.Fatalf("perm %v", fi.Mode().Perm())
	}
}

func TestNotRegular(t *testing.T) {
	if err := WriteFile(t.TempDir(), nil); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("dir has %v, want %v", got, names)
	}
	for i := range names {
		if got[i] != names[i] {
			t.Fatalf("dir has %v, want %v", got, names)
		}
	}
}

func TestSymlinkKept(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.txt")
	link := filepath.Join(dir, "link.txt")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink("real.txt", link); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
}
