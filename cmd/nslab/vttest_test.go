package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/tui/term"
	"golang.org/x/sys/unix"
)

// The vttest peer test: vttest runs in a zoomed nslab pane of 80×24 and in a plain tmux
// pane of 80×24 side by side, gets the same keys, and every page of menus 1, 2, 3, 6, 8 and
// 11 is compared, text and attributes, as tmux shows each. A page that differs must be
// listed in testdata/vttest-differences.txt with the reason tmux (or xterm, whose
// behaviour nslab follows) differs; a listed page that no longer differs is reported, so
// the list stays true.

// vtPrompt is a vttest page waiting for input: a menu, or a page to read.
var vtPrompt = regexp.MustCompile(`Enter choice number \(0 - (\d+)\)|Push <RETURN>`)

// vtMenus are the main menu's entries the test walks through.
var vtMenus = []int{1, 2, 3, 6, 8, 11}

// vtSkip are entries not walked: they wait for what no key typed here gives (the
// keyboard, the mouse, a window that changes size), or need a terminal to draw what
// neither tmux nor nslab has (soft fonts, sixels).
var vtSkip = map[string]string{
	"3.4":        "designates a set for the tests after it (its menu returns to menu 3, not to itself); they run with the defaults",
	"3.5":        "as 3.4",
	"3.6":        "as 3.4",
	"3.7":        "as 3.4",
	"3.12":       "soft character sets (DECDLD): neither tmux nor nslab loads fonts",
	"3.13":       "the keyboard layout: keys typed by hand",
	"6.1":        "the answerback message waits for a key typed by hand",
	"11.1.4":     "VT220 keyboard tests: keys typed by hand",
	"11.1.7":     "user-defined keys (DECUDK): function keys typed by hand",
	"11.2.1.7":   "echoes keys typed by hand until one it waits for",
	"11.2.5.2.6": "DECXCPR: tmux does not answer, and vttest takes the next key typed as the answer",
	"11.2.5.3":   "VT320 state reports (DECRQM, DECRQSS, DECRQPSR): tmux answers none, and vttest takes keys typed as answers; nslab's answers are held to xterm in tui/term (TestModeReports)",
	"11.3":       "the VT420 menu repeats the VT220 and VT320 tests run above, at a level neither terminal claims",
	"11.4":       "as 11.3, for the VT520",
	"11.8.1":     "the VT520 menu again (as 11.4)",
	"11.8.2":     "xterm's reports: tmux answers few of them, and vttest takes keys typed as answers",
	"11.8.3":     "sets the window title to text typed by hand",
	"11.8.4":     "fonts: neither terminal changes its font",
	"11.8.5":     "mouse tests: a mouse",
	"11.8.6":     "Tektronix 4014 mode: neither terminal has it",
	"11.8.8":     "window operations resize and move the window",
	"11.8.9":     "window reports: neither answers, and vttest takes keys typed as answers",
}

// vtSide is one terminal vttest runs in: the zoomed nslab pane (inner box at 1,1) or
// the plain tmux pane (at 0,0).
type vtSide struct {
	name string
	// drawsLater says the side draws what vttest printed after the pty has it (nslab),
	// not by the time the pty is read (tmux).
	drawsLater bool
	r          *tmuxRun
	cols, rows int // the tmux window
	x, y       int // where vttest's 80×24 starts in it
	pid        int // vttest's
}

// page reads what the side shows of vttest's screen: each row's text, and its cells'
// attributes as a second string per row, both with trailing blanks trimmed.
func (s *vtSide) page() (text, attrs []string) {
	// -N keeps blanks at the ends of rows: with a background colour they show.
	out := s.r.tmux("capture-pane", "-t", "e2e", "-p", "-e", "-N")
	emu := term.New(nopWriter{}, term.Options{Cols: s.cols, Rows: s.rows})
	defer emu.Close()
	// tmux writes line drawing as SO … SI, with G1 as the DEC set (TERM=screen's enacs).
	emu.Write([]byte("\x1b)0" + strings.ReplaceAll(strings.TrimRight(out, "\n"), "\n", "\r\n")))
	for y := s.y; y < s.y+24; y++ {
		var tb, ab strings.Builder
		for x := s.x; x < s.x+80; x++ {
			c := emu.Cell(x, y)
			if c.Width == 0 {
				continue
			}
			tb.WriteString(c.Content)
			st := c.Style
			if c.Content == " " && st.Attrs&term.Reverse == 0 && st.Underline == term.NoUnderline {
				// A blank shows its background only: tmux keeps the pen's
				// foreground on an erased cell, xterm and nslab do not.
				st = term.Style{Bg: st.Bg}
			}
			if st == (term.Style{}) && c.Content == " " {
				ab.WriteByte('.')
			} else {
				ab.WriteString(styleCode(st))
			}
		}
		text = append(text, strings.TrimRight(tb.String(), " "))
		attrs = append(attrs, strings.TrimRight(ab.String(), "."))
	}
	return text, attrs
}

// styleCode names a cell's style: '-' plain, else its colours, attributes and underline.
func styleCode(st term.Style) string {
	if st == (term.Style{}) {
		return "-"
	}
	return fmt.Sprintf("[%x/%x/%x/%d]", uint32(st.Fg), uint32(st.Bg), uint16(st.Attrs), st.Underline)
}

// waitPage waits until vttest took the keys sent (read is the bytes it had read before
// them, n their number) and waits for the next, with all it printed read by the terminal,
// and returns the page the side then shows. The reference (tmux) shows it at once. nslab
// draws it a moment later: its page counts when it is the reference's, or else once nslab
// has drawn all vttest printed (drawnPage).
func (s *vtSide) waitPage(what string, read, n int, ref []string) (text, attrs []string) {
	deadline := time.Now().Add(labtest.Patience)
	for {
		if time.Now().After(deadline) {
			sc, _ := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", s.pid))
			s.r.t.Fatalf("%s: waited %v for vttest's next page (%s): vttest (%d) read %d bytes of %d, is in syscall %q; the last screen:\n%s",
				s.name, labtest.Patience, what, s.pid, readBytes(s.pid), read+n, strings.TrimSpace(string(sc)), strings.Join(text, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
		if readBytes(s.pid) < read+n || !waitsForKey(s.pid) {
			continue
		}
		text, attrs = s.page()
		if !s.drawsLater {
			return text, attrs
		}
		if ref != nil && strings.Join(text, "\n")+"\n"+strings.Join(attrs, "\n") == strings.Join(ref, "\n") {
			return text, attrs
		}
		return s.drawnPage(what)
	}
}

// drawnPage returns the page nslab shows once it has drawn all vttest printed: the pty
// is a stream, so a change written into it after vttest's output (now that vttest waits
// for a key, all of it is in the pty) reaches the pane after that output, and the first
// frame that shows the change shows all of it. The change is the cursor's visibility
// (DECTCEM), which the outer tmux reports and the compared page does not hold: flipped,
// awaited, and flipped back, so vttest's own setting is kept.
func (s *vtSide) drawnPage(what string) (text, attrs []string) {
	shown := s.cursorShown()
	flip, back := "\x1b[?25l", "\x1b[?25h"
	if !shown {
		flip, back = back, flip
	}
	s.writeTTY(flip)
	s.awaitCursor(what, !shown)
	text, attrs = s.page()
	s.writeTTY(back)
	s.awaitCursor(what, shown)
	return text, attrs
}

// cursorShown is whether the side's tmux pane shows the cursor (nslab shows the focused
// pane's cursor where that pane's program has it visible).
func (s *vtSide) cursorShown() bool {
	return strings.TrimSpace(s.r.tmux("display-message", "-t", "e2e", "-p", "#{cursor_flag}")) == "1"
}

// awaitCursor waits until the cursor's visibility is shown.
func (s *vtSide) awaitCursor(what string, shown bool) {
	deadline := time.Now().Add(labtest.Patience)
	for s.cursorShown() != shown {
		if time.Now().After(deadline) {
			text, _ := s.page()
			s.r.t.Fatalf("%s: waited %v for nslab to show the cursor %s after vttest's page (%s); the last screen:\n%s",
				s.name, labtest.Patience, map[bool]string{true: "shown", false: "hidden"}[shown], what, strings.Join(text, "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// writeTTY writes b to vttest's terminal, as output of its own: only while vttest waits
// for a key, so nothing it prints comes in between.
func (s *vtSide) writeTTY(b string) {
	f, err := os.OpenFile(fmt.Sprintf("/proc/%d/fd/1", s.pid), os.O_WRONLY|unix.O_NOCTTY, 0)
	if err != nil {
		s.r.t.Fatalf("%s: open vttest's terminal: %v", s.name, err)
	}
	defer f.Close()
	if _, err := f.WriteString(b); err != nil {
		s.r.t.Fatalf("%s: write to vttest's terminal: %v", s.name, err)
	}
}

// readBytes is what process pid has read so far (rchar in /proc/PID/io, proc(5)).
func readBytes(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar: "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return -1
}

// waitsForKey reports whether vttest (pid) is blocked reading its terminal with nothing
// left to read: it took every key sent and printed what they led to.
func waitsForKey(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", pid))
	if f := strings.Fields(string(b)); err != nil || len(f) < 2 || f[0] != "0" || f[1] != "0x0" {
		return false // not in read(0, …) (syscall(2) numbers: 0 is read on x86-64)
	}
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/fd/0", pid), unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	in, err := unix.IoctlGetInt(fd, unix.TIOCINQ) // tty_ioctl(4): input not read yet
	if err != nil || in != 0 {
		return false
	}
	out, err := unix.IoctlGetInt(fd, unix.TIOCOUTQ) // output the terminal has not read
	return err == nil && out == 0
}

// vttestPID finds the vttest running under process ancestor (nslab, whose lab's shell
// started it).
func vttestPID(t *testing.T, ancestor int) int {
	deadline := time.Now().Add(labtest.Patience)
	for {
		dirs, _ := filepath.Glob("/proc/[0-9]*/comm")
		for _, d := range dirs {
			b, _ := os.ReadFile(d)
			pid, _ := strconv.Atoi(strings.Split(d, "/")[2])
			if strings.TrimSpace(string(b)) == "vttest" && descends(pid, ancestor) {
				return pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no vttest under process %d after %v", ancestor, labtest.Patience)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// descends reports whether process pid is ancestor or one of its descendants.
func descends(pid, ancestor int) bool {
	for pid > 1 {
		if pid == ancestor {
			return true
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// The fields after the command name, which is in parentheses: state, ppid (proc(5)).
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 2 {
			return false
		}
		pid, _ = strconv.Atoi(f[1])
	}
	return false
}

// vtRun drives vttest on both sides and collects the pages that differ.
type vtRun struct {
	t       *testing.T
	ns, ref *vtSide
	pages   int
	differ  map[string]string // "path#page" → the rows that differ
}

func (v *vtRun) send(keys string) {
	for _, s := range []*vtSide{v.ns, v.ref} {
		s.r.text(keys)
	}
}

// next sends keys, waits for the next page on both sides, compares them and returns
// the reference's text.
func (v *vtRun) next(keys, where string) []string {
	nr, rr := readBytes(v.ns.pid), readBytes(v.ref.pid)
	v.send(keys)
	rt, ra := v.ref.waitPage(where, rr, len(keys), nil)
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "vttest %s\n", where)
	}
	nt, na := v.ns.waitPage(where, nr, len(keys), append(append([]string(nil), rt...), ra...))
	v.pages++
	var d []string
	for y := range rt {
		if nt[y] != rt[y] {
			d = append(d, fmt.Sprintf("row %2d text:\n    nslab %q\n    tmux  %q", y+1, nt[y], rt[y]))
		} else if na[y] != ra[y] {
			d = append(d, fmt.Sprintf("row %2d attributes of %q:\n    nslab %s\n    tmux  %s", y+1, rt[y], na[y], ra[y]))
		}
	}
	if len(d) > 0 {
		v.differ[where] = strings.Join(d, "\n")
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "vttest %s differs:\n%s\n", where, v.differ[where])
		}
	}
	return rt
}

// menu returns the number of entries of the menu a page shows, or 0 for a page.
func menuSize(text []string) int {
	m := vtPrompt.FindStringSubmatch(strings.Join(text, "\n"))
	if m == nil || m[1] == "" {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// title is a menu's first line of text, which names it.
func title(text []string) string {
	for _, l := range text {
		if t := strings.TrimSpace(l); t != "" {
			return t
		}
	}
	return ""
}

// walk runs entry path of the menu shown (whose title is menu): its pages, and every
// entry of a submenu it opens; it returns at the menu again.
func (v *vtRun) walk(path, menu string) {
	if why, ok := vtSkip[path]; ok {
		v.t.Logf("vttest %s not run: %s", path, why)
		return
	}
	entry := path[strings.LastIndex(path, ".")+1:]
	text := v.next(entry+"\r", path+"#1")
	for page := 2; ; page++ {
		if page > 200 {
			v.t.Fatalf("vttest %s: 200 pages and not back at its menu; the last:\n%s", path, strings.Join(text, "\n"))
		}
		n := menuSize(text)
		switch {
		case n > 0 && title(text) == menu:
			return
		case n > 0:
			sub := title(text)
			for i := 1; i <= n; i++ {
				v.walk(fmt.Sprintf("%s.%d", path, i), sub)
			}
			text = v.next("0\r", fmt.Sprintf("%s#%d", path, page))
		default:
			text = v.next("\r", fmt.Sprintf("%s#%d", path, page))
		}
	}
}

// readDifferences reads the listed differences: "PATH#PAGE reason" (PATH#* for all its
// pages), one a line, # comments and blank lines ignored.
func readDifferences(t *testing.T) map[string]string {
	f, err := os.Open("testdata/vttest-differences.txt")
	if err != nil {
		t.Fatalf("the list of known differences: %v", err)
	}
	defer f.Close()
	listed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "# ") || line == "#" {
			continue
		}
		where, why, ok := strings.Cut(line, " ")
		if !ok || strings.TrimSpace(why) == "" {
			t.Fatalf("testdata/vttest-differences.txt: %q gives no reason", line)
		}
		listed[where] = strings.TrimSpace(why)
	}
	return listed
}

func TestE2EVttestAsTmux(t *testing.T) {
	requireTmux(t)
	if _, err := exec.LookPath("vttest"); err != nil {
		t.Skip("vttest is not installed (scripts/deps.sh installs it)")
	}
	listed := readDifferences(t)
	// In the C locale vttest draws line drawing with the DEC set, as on a VT100, in both.
	vttest := "env LC_ALL=C LANG=C vttest"

	ns := startTmux(t, 82, 27, nslabBin)
	ns.waitFor("[host] ~ #")
	ns.keys("M-z")
	ns.waitScreen("the host pane zoomed to 80×24", func(s string) bool {
		lines := strings.Split(s, "\n")
		return len(lines) > 26 && strings.Contains(lines[0], "host") && strings.HasPrefix(lines[25], "┗")
	})
	ns.text(vttest + "\r")
	ref := startTmux(t, 80, 24, vttest)

	v := &vtRun{
		t:      t,
		ns:     &vtSide{name: "nslab", drawsLater: true, r: ns, cols: 82, rows: 27, x: 1, y: 1},
		ref:    &vtSide{name: "tmux", r: ref, cols: 80, rows: 24},
		differ: map[string]string{},
	}
	v.ref.pid = ref.panePID() // env execs vttest
	v.ns.pid = vttestPID(t, ns.panePID())
	// Keys only once each vttest waits for them: it drops what came before.
	v.ref.waitPage("the main menu", 0, 0, nil)
	v.ns.waitPage("the main menu", 0, 0, nil)
	// vttest picks its tests by the terminal's answer to DA: tmux says VT100 (and vttest
	// then keeps to level 1), nslab VT220. nslab's is set to level 1 by hand (menu 12,
	// entry 4 steps through the levels), so both run the same tests.
	for _, s := range []*vtSide{v.ref, v.ns} {
		keys := "12\r"
		for i := 0; ; i++ {
			read := readBytes(s.pid)
			s.r.text(keys)
			text, _ := s.waitPage("menu 12", read, len(keys), nil)
			page := strings.Join(text, "\n")
			if strings.Contains(page, "Operating level 1 (VT100)") {
				break
			}
			if i == 12 {
				t.Fatalf("%s: vttest's menu 12 never came to level 1:\n%s", s.name, page)
			}
			// Each key goes by the page on screen: on a busy machine vttest can take
			// another way (its wait for the terminal's answer to DA runs out), and a
			// key meant for menu 12 then starts a test from the main menu.
			switch {
			case strings.Contains(page, "Menu 12: Modify test-parameters"):
				keys = "4\r"
			case strings.Contains(page, "Choose test type:"):
				keys = "12\r"
			default:
				keys = "\r" // a test's page waits for Return
			}
		}
		read := readBytes(s.pid)
		s.r.text("0\r")
		s.waitPage("the main menu", read, 2, nil)
	}
	rt, _ := v.ref.page()
	main := title(rt)
	for _, m := range vtMenus {
		v.walk(strconv.Itoa(m), main)
	}
	v.send("0\r")
	t.Logf("%d pages compared, %d differ", v.pages, len(v.differ))

	for where, rows := range v.differ {
		why, ok := listed[where]
		if !ok {
			// PATH#* stands for every page of PATH.
			why, ok = listed[where[:strings.Index(where, "#")]+"#*"]
		}
		if ok {
			t.Logf("vttest %s differs, as listed (%s)", where, why)
			continue
		}
		t.Errorf("vttest %s: nslab's pane differs from tmux's, and testdata/vttest-differences.txt does not say why:\n%s", where, rows)
	}
	for where := range listed {
		gone := true
		for d := range v.differ {
			if d == where || strings.HasSuffix(where, "#*") && strings.HasPrefix(d, strings.TrimSuffix(where, "*")) {
				gone = false
			}
		}
		if gone {
			t.Errorf("vttest %s is listed in testdata/vttest-differences.txt but no longer differs: take it out", where)
		}
	}
}
