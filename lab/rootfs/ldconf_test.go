package rootfs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseLdSoConf(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ConfEntry
	}{
		{"empty", "", nil},
		{"debian top level", "include /etc/ld.so.conf.d/*.conf\n\n",
			[]ConfEntry{{Include: "/etc/ld.so.conf.d/*.conf"}}},
		{"dirs and comments", "# libc default configuration\n/usr/local/lib\n/lib/x86_64-linux-gnu # multiarch\n",
			[]ConfEntry{{Dir: "/usr/local/lib"}, {Dir: "/lib/x86_64-linux-gnu"}}},
		{"separators", "/a:/b,/c\t/d  /e\r\n",
			[]ConfEntry{{Dir: "/a"}, {Dir: "/b"}, {Dir: "/c"}, {Dir: "/d"}, {Dir: "/e"}}},
		{"old type suffix", "/usr/X11R6/lib=libc5\n", []ConfEntry{{Dir: "/usr/X11R6/lib"}}},
		{"cleaned", "/usr//lib/./x/\n", []ConfEntry{{Dir: "/usr/lib/x"}}},
		{"relative skipped", "lib\n./x\n/ok\n", []ConfEntry{{Dir: "/ok"}}},
		{"hwcap skipped", "hwcap 0 nosegneg\n", nil},
		{"several includes", "include a.conf  b/*.conf\n",
			[]ConfEntry{{Include: "a.conf"}, {Include: "b/*.conf"}}},
		{"include needs a word boundary", "includes\n", nil},
		{"comment only", "   # /not/a/dir\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLdSoConf(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseLdSoConf(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseLdSoConf(f *testing.F) {
	for _, s := range []string{"include /etc/ld.so.conf.d/*.conf\n", "/a:/b,c # x\n", "hwcap 1 x\n/x=y\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := ParseLdSoConf(strings.NewReader(in))
		if err != nil {
			return // only an over-long line
		}
		for _, e := range entries {
			if (e.Dir == "") == (e.Include == "") {
				t.Fatalf("entry %+v: want exactly one of Dir and Include", e)
			}
			if e.Dir != "" && (!filepath.IsAbs(e.Dir) || filepath.Clean(e.Dir) != e.Dir) {
				t.Fatalf("dir %q is not absolute and clean", e.Dir)
			}
		}
	})
}

func TestLoadLdSoConf(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Includes are relative to the including file, expanded sorted, and a cycle ends.
	write("ld.so.conf", "/first\ninclude conf.d/*.conf\n/last\n/first\n")
	write("conf.d/b.conf", "/b\ninclude ../ld.so.conf\n")
	write("conf.d/a.conf", "/a\n")
	write("conf.d/ignored.txt", "/nope\n")
	got, err := LoadLdSoConf(filepath.Join(dir, "ld.so.conf"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/first", "/a", "/b", "/last"}
	if !slices.Equal(got, want) {
		t.Errorf("LoadLdSoConf = %q, want %q", got, want)
	}

	if got, err := LoadLdSoConf(filepath.Join(dir, "absent.conf")); err != nil || got != nil {
		t.Errorf("LoadLdSoConf(absent) = %q, %v; want nothing and no error", got, err)
	}
}

// This host's configuration names its multiarch directory (Debian and derivatives).
func TestLoadHostLdSoConf(t *testing.T) {
	if _, err := os.Stat(LdSoConfPath); err != nil {
		t.Skipf("this host has no %s (musl?): %v", LdSoConfPath, err)
	}
	dirs, err := LoadLdSoConf(LdSoConfPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatalf("%s lists no directories", LdSoConfPath)
	}
	t.Logf("ld.so.conf directories: %q", dirs)
}
