package term

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWidthIsTheCLibrarys holds the table to the C library it was made from:
// wcwidth(3) of every code point, printed by testdata/wcwidth.c. On another C
// library (a newer glibc) it fails: regenerate the table there with go generate.
func TestWidthIsTheCLibrarys(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("no gcc to build testdata/wcwidth.c with (test.sh installs it)")
	}
	bin := filepath.Join(t.TempDir(), "wcwidth")
	if out, err := exec.Command(gcc, "-O2", "-o", bin, "testdata/wcwidth.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v: %s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("testdata/wcwidth.c: %v", err)
	}
	checked := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		lo, _ := strconv.ParseInt(f[0], 16, 32)
		hi, _ := strconv.ParseInt(f[1], 16, 32)
		want, _ := strconv.Atoi(f[2])
		for r := rune(lo); r <= rune(hi); r++ {
			if got := wcwidth(r); got != want {
				t.Fatalf("wcwidth(U+%04X) = %d, the C library says %d", r, got, want)
			}
			checked++
		}
	}
	if checked != 0x110000 {
		t.Fatalf("checked %d code points, want all 0x110000", checked)
	}
	for _, r := range []rune{-1, 0x110000, 0x7fffffff} {
		if w := wcwidth(r); w != -1 {
			t.Errorf("wcwidth(%#x) = %d, want -1 outside Unicode", r, w)
		}
	}
}
