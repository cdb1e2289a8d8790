package rootfs

import (
	"bufio"
	"bytes"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lddDeps runs ldd(1), which asks the real loader, and returns library name -> path
// ("not found" kept as is) and the interpreter path.
func lddDeps(t *testing.T, path string) (map[string]string, string) {
	t.Helper()
	// ldd exits 0 even when a library is not found; anything else means it said nothing
	// to compare with.
	out, err := exec.Command("ldd", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ldd %s: %v\n%s", path, err, out)
	}
	libs := map[string]string{}
	interp := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 3 && fields[1] == "=>":
			if fields[2] == "not" {
				libs[fields[0]] = "not found"
			} else {
				libs[fields[0]] = fields[2]
			}
		case len(fields) == 2 && strings.HasPrefix(fields[0], "/"):
			interp = fields[0]
		}
	}
	return libs, interp
}

// ourDeps runs Deps and returns the same shape as lddDeps.
func ourDeps(t *testing.T, r *Resolver, path string) (map[string]string, string, error) {
	t.Helper()
	deps, err := r.Deps(path)
	libs := map[string]string{}
	interp := ""
	for _, d := range deps {
		if d.Interpreter {
			interp = d.Path
			continue
		}
		libs[d.Name] = d.Path
	}
	return libs, interp, err
}

func requireLdd(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ldd"); err != nil {
		t.Skip("needs ldd(1) to compare with the real loader (package libc-bin)")
	}
}

// The resolver agrees with the real loader on the host's own programs.
func TestDepsMatchLdd(t *testing.T) {
	requireLdd(t)
	r, err := NewResolver()
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, name := range []string{"ls", "bash", "findmnt", "mount", "ps", "grep", "unshare"} {
		path, ok := lookupHost(name)
		if !ok || !isELF(path) {
			continue
		}
		compared++
		t.Run(name, func(t *testing.T) {
			want, wantInterp := lddDeps(t, path)
			got, gotInterp, err := ourDeps(t, r, path)
			if err != nil {
				t.Fatalf("Deps(%s): %v", path, err)
			}
			if !maps.Equal(got, want) || gotInterp != wantInterp {
				t.Errorf("Deps(%s):\n got %v interp %q\nldd %v interp %q", path, got, gotInterp, want, wantInterp)
			}
		})
	}
	if compared == 0 {
		t.Skip("none of the programs compared is on this host")
	}
}

// gccBuild compiles C source with gcc; args go after the source file.
func gccBuild(t *testing.T, dir, src, out string, args ...string) {
	t.Helper()
	srcPath := filepath.Join(dir, out+".c")
	if err := os.WriteFile(srcPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("gcc", append([]string{"-o", filepath.Join(dir, out), srcPath}, args...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", out, err, b)
	}
}

// ld.so's search rules on binaries made for the purpose: DT_RPATH is inherited by the
// libraries a program loads, DT_RUNPATH is not; $ORIGIN is the object's directory; a
// static program needs nothing. Each case is checked against ldd as well.
func TestDepsSearchRules(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("needs gcc to build test ELF files")
	}
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if err := os.Mkdir(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	// libbaz has no dependencies; libbar needs libbaz and carries no search path of its own.
	gccBuild(t, lib, "int baz(void) { return 7; }\n", "libbaz.so", "-shared", "-fPIC")
	gccBuild(t, lib, "int baz(void);\nint bar(void) { return baz(); }\n", "libbar.so",
		"-shared", "-fPIC", "-L"+lib, "-lbaz")
	main := "int bar(void);\nint main(void) { return bar(); }\n"
	gccBuild(t, dir, main, "with-rpath", "-L"+lib, "-lbar", "-Wl,-rpath-link,"+lib, "-Wl,--disable-new-dtags,-rpath,$ORIGIN/lib")
	gccBuild(t, dir, main, "with-runpath", "-L"+lib, "-lbar", "-Wl,-rpath-link,"+lib, "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib")
	gccBuild(t, dir, "int main(void) { return 0; }\n", "static", "-static")

	r, err := NewResolver()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		prog        string
		want        map[string]string // library name -> path, for the test's own libraries
		wantMissing bool
	}{
		{"with-rpath", map[string]string{"libbar.so": lib + "/libbar.so", "libbaz.so": lib + "/libbaz.so"}, false},
		{"with-runpath", map[string]string{"libbar.so": lib + "/libbar.so"}, true},
		{"static", map[string]string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.prog, func(t *testing.T) {
			path := filepath.Join(dir, tt.prog)
			got, interp, err := ourDeps(t, r, path)
			if tt.wantMissing != errors.Is(err, ErrLibraryNotFound) {
				t.Fatalf("Deps(%s) error = %v, want missing library: %v", tt.prog, err, tt.wantMissing)
			}
			if tt.wantMissing && !strings.Contains(err.Error(), "libbaz.so needed by "+lib+"/libbar.so") {
				t.Errorf("error %q does not name the library and who needs it", err)
			}
			for name, p := range tt.want {
				if got[name] != p {
					t.Errorf("Deps(%s)[%s] = %q, want %q", tt.prog, name, got[name], p)
				}
			}
			if tt.prog == "static" && (len(got) != 0 || interp != "") {
				t.Errorf("a static program needs nothing, got %v interp %q", got, interp)
			}
			if _, err := exec.LookPath("ldd"); err != nil || tt.prog == "static" {
				return
			}
			ldd, lddInterp := lddDeps(t, path)
			for name, p := range ldd {
				if p == "not found" {
					p = ""
				}
				if got[name] != p {
					t.Errorf("ldd says %s => %q, Deps says %q", name, p, got[name])
				}
			}
			if interp != lddInterp {
				t.Errorf("interpreter %q, ldd says %q", interp, lddInterp)
			}
		})
	}
}

// A file that is not a usable ELF object in an earlier directory is skipped, as ld.so
// skips it (and files of another class or machine).
func TestDepsSkipsUnusableCandidates(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("needs gcc to build test ELF files")
	}
	dir := t.TempDir()
	wrong, right := filepath.Join(dir, "wrong"), filepath.Join(dir, "right")
	for _, d := range []string{wrong, right} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gccBuild(t, right, "int baz(void) { return 7; }\n", "libbaz.so", "-shared", "-fPIC")
	// Not an ELF object at all in the first directory: the loader goes on.
	if err := os.WriteFile(filepath.Join(wrong, "libbaz.so"), []byte("not ELF"), 0o644); err != nil {
		t.Fatal(err)
	}
	gccBuild(t, dir, "int baz(void);\nint main(void) { return baz(); }\n", "prog",
		"-L"+right, "-lbaz", "-Wl,--enable-new-dtags,-rpath,"+wrong+":"+right)
	r := &Resolver{}
	got, _, err := ourDeps(t, r, filepath.Join(dir, "prog"))
	if err != nil {
		t.Fatal(err)
	}
	if got["libbaz.so"] != filepath.Join(right, "libbaz.so") {
		t.Errorf("libbaz.so resolved to %q, want the one in %s", got["libbaz.so"], right)
	}
}

func TestDepsNotELF(t *testing.T) {
	p := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := (&Resolver{}).Deps(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("Deps(script) = %v, want an error naming %s", err, p)
	}
}

func TestExpandPaths(t *testing.T) {
	o := &object{origin: "/opt/app/bin"}
	got := expandPaths([]string{"$ORIGIN/../lib", "${ORIGIN}/x", "", "/abs"}, o, o)
	want := []string{"/opt/app/lib", "/opt/app/bin/x", "/abs"}
	if strings.Join(got, ":") != strings.Join(want, ":") {
		t.Errorf("expandPaths = %q, want %q", got, want)
	}
}
