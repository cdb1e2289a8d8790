package lab

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/nslab/nslab/lab/labtest"
)

// promptTyping starts shell -i on a pty cols wide with the lab's ENV file, types typed
// after the first prompt and returns what the shell echoed for it, up to the echo of its
// last character.
func promptTyping(t *testing.T, shell []string, cols uint16, typed string) string {
	t.Helper()
	rc := filepath.Join(t.TempDir(), "shrc")
	if err := os.WriteFile(rc, []byte(shRC), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(shell[0], shell[1:]...)
	cmd.Env = []string{"ENV=" + rc, "NSLAB_PANE=ns", "PATH=/usr/bin:/bin", "TERM=xterm"}
	cmd.Dir = "/" // the prompt is "[ns] / # ", 9 columns
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: cols})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	}()
	out := make(chan []byte)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				out <- append([]byte(nil), buf[:n]...)
			}
			if err != nil {
				close(out)
				return
			}
		}
	}()
	var seen []byte
	await := func(what string, done func([]byte) bool) {
		deadline := time.After(labtest.Patience)
		for !done(seen) {
			select {
			case b, ok := <-out:
				if !ok {
					t.Fatalf("%s: the shell ended before %s; it wrote %q", shell[0], what, seen)
				}
				seen = append(seen, b...)
			case <-deadline:
				t.Fatalf("%s: no %s within %s; last output %q", shell[0], what, labtest.Patience, seen)
			}
		}
	}
	await("prompt-end mark (OSC 133;B)", func(b []byte) bool { return bytes.Contains(b, []byte("\033]133;B\a")) })
	from := len(seen)
	if _, err := f.Write([]byte(typed)); err != nil {
		t.Fatal(err)
	}
	last := typed[len(typed)-1:]
	await("echo of the typed text", func(b []byte) bool {
		return bytes.Count(b[from:], []byte(last)) >= strings.Count(typed, last)
	})
	return string(seen[from:])
}

// busybox ash's line editor counts prompt bytes as columns unless \[ \] enclose them: with
// the marks counted, a command that fits the line was wrapped 26 columns early.
func TestBusyboxPromptMarksTakeNoColumns(t *testing.T) {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("no busybox on this host: install busybox-static to test its prompt")
	}
	// 30 typed characters after the 9-column prompt end at column 39 of 50; counted, the
	// 26 bytes of marks would push them past 50.
	typed := "echo " + strings.Repeat("a", 25)
	echo := promptTyping(t, []string{bb, "sh", "-i"}, 50, typed)
	if strings.ContainsAny(echo, "\r\n") || strings.Contains(echo, "\033[") {
		t.Errorf("busybox sh moved the cursor while echoing %d characters after a 9-column prompt on a 50-column line: %q", len(typed), echo)
	}
}

// bash started as sh reads $ENV, not the lab's bashrc, and its readline counts columns too.
func TestBashAsShPromptMarksTakeNoColumns(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash on this host")
	}
	typed := "echo " + strings.Repeat("a", 25)
	echo := promptTyping(t, []string{bash, "--posix", "--norc", "-i"}, 50, typed)
	if strings.ContainsAny(echo, "\r\n") || strings.Contains(echo, "\033[") {
		t.Errorf("bash --posix moved the cursor while echoing %d characters after a 9-column prompt on a 50-column line: %q", len(typed), echo)
	}
}

// dash has no line editor: \[ \] would be printed as they are.
func TestDashPromptHasNoBrackets(t *testing.T) {
	dash, err := exec.LookPath("dash")
	if err != nil {
		t.Skip("no dash on this host")
	}
	cmd := exec.Command(dash, "-c", `. "$ENV"; printf %s "$PS1"`)
	rc := filepath.Join(t.TempDir(), "shrc")
	if err := os.WriteFile(rc, []byte(shRC), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Env = []string{"ENV=" + rc, "NSLAB_PANE=ns", "PATH=/usr/bin:/bin"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(`\[`)) || !bytes.Contains(out, []byte("\033]133;B\a")) {
		t.Errorf("dash's PS1 = %q, want the marks without \\[ \\]", out)
	}
}
