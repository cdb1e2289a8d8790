package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Equip gives a user's rootfs the marker the lessons look for in `ls /`, and leaves one the
// user made alone.
func TestEquipWritesTheMarker(t *testing.T) {
	for _, tt := range []struct {
		name, own, want string
	}{
		{"none of the user's", "", "This is your own rootfs (--rootfs)"},
		{"the user's own", "mine\n", "mine\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "bin/sh"), []byte("#!/bin/true\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.own != "" {
				if err := os.WriteFile(filepath.Join(dir, MarkerPath), []byte(tt.own), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rc := filepath.Join(t.TempDir(), "rc")
			if err := os.WriteFile(rc, []byte("# rc\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Equip(dir, Options{ShellRC: rc, BashRC: rc}); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, MarkerPath))
			if err != nil {
				t.Fatalf("no marker after Equip: %v", err)
			}
			if !strings.Contains(string(got), tt.want) {
				t.Errorf("marker:\n%s\nwant it to hold %q", got, tt.want)
			}
		})
	}
}
