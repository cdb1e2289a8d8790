package term

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// TestHangulJamoAsTmux feeds conjoining Hangul jamo to the pane's terminal
// and to a tmux pane of the same size: each sequence takes the columns glibc's
// wcwidth gives it (a leading consonant two, a vowel or trailing consonant
// none), so the text after it and the cursor are where tmux has them, and it
// shows as the syllable it spells where tmux keeps the jamo themselves (which
// the terminal outside draws as that syllable).
func TestHangulJamoAsTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("no tmux to compare with (scripts/deps.sh installs it)")
	}
	lines := []string{
		"A\u1100\u1161\u11a8B|",                   // L V T: 각
		"\uac00\u11a8C|",                          // an LV syllable and T: 각
		"\u1100\u1161D|",                          // L V: 가
		"\u1100E|",                                // L alone
		"\u1112\u1175\u11c2F|",                    // the last of each: 힣
		"x\u1100\u1161\u11a8\u1100\u1161\u11a8y|", // two in a row: 각각
	}
	const last = "\u1100\u1161\u11a8Z" // the cursor stays after it
	text := strings.Join(lines, "\r\n") + "\r\n" + last
	const cols, rows = 30, 10

	dir := t.TempDir()
	file := filepath.Join(dir, "jamo.txt")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "tmux.sock")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(tmux, append([]string{"-u", "-S", sock, "-f", "/dev/null"}, args...)...)
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// cat holds the pane open, reading the pane's own input, until the server
	// is killed.
	if out, err := run("new-session", "-d", "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows),
		"cat "+file+"; exec cat"); err != nil {
		t.Fatalf("start tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { _, _ = run("kill-server") })
	var seen string
	for deadline := time.Now().Add(2 * time.Minute); ; {
		seen, err = run("capture-pane", "-p")
		if err == nil && strings.Contains(seen, "Z") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux never showed the last line (…Z); last seen:\n%s", seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
	pos, err := run("display-message", "-p", "#{cursor_x} #{cursor_y}")
	if err != nil {
		t.Fatalf("tmux cursor: %v: %s", err, pos)
	}
	var tx, ty int
	if _, err := fmt.Sscan(pos, &tx, &ty); err != nil {
		t.Fatalf("tmux cursor %q: %v", pos, err)
	}

	term, _ := newTerm(t, impls()[0], cols, rows)
	write(t, term, text)
	rendered := strings.Split(term.Render(), "\n")
	want := strings.Split(strings.TrimRight(seen, "\n"), "\n")
	for y := range rows {
		w := ""
		if y < len(want) {
			w = composeJamo(want[y])
		}
		if got := strings.TrimRight(ansi.Strip(rendered[y]), " "); got != w {
			t.Errorf("row %d shows %+q; tmux has %+q (composed: %+q)", y, got, want[y], w)
		}
		// Column by column: the text after each syllable starts where it does in tmux.
		if g, w := ansi.WcWidth.StringWidth(rendered[y]), cols; g != w {
			t.Errorf("row %d is %d columns wide on the screen, want %d", y, g, w)
		}
	}
	if c := term.Cursor(); c.X != tx || c.Y != ty {
		t.Errorf("cursor at %d,%d; tmux has it at %d,%d", c.X, c.Y, tx, ty)
	}
	for y, l := range screen(term) {
		if strings.ContainsRune(l, '\uFFFD') {
			t.Errorf("row %d shows a replacement character: %+q", y, l)
		}
	}
}
