// Command bench measures nslab as a user meets it — a real terminal (tmux), real shells, a
// real kernel — and prints every figure beside a reference measured in the same run: a
// plain tmux pane for terminal work, findmnt(8) for mount tables. Run it through
// bench/run.sh (as root).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/lab/mntev"
	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "helper" {
		os.Exit(helper(os.Args[2:]))
	}
	nslab := flag.String("nslab", "", "the nslab binary to measure")
	work := flag.String("work", "/var/tmp/nslab-bench", "a directory on the host that the lab's panes can read")
	quick := flag.Bool("quick", false, "fewer samples, and mount rows at 1,000 mounts only (for a smoke test)")
	seq1m := flag.Bool("seq1m", false, "add a `seq 1 1000000` row to the pane-output rows (issue 7's goal)")
	perfDir := flag.String("perf", "", "record perf profiles (perf record -g) of nslab and the tmux server during the pane-output rows and the Ctrl-C into this directory, and print their CPU times")
	sizeList := flag.String("mounts", "1000,10000,100000", "mount table sizes for the mount rows (the kernel's fs.mount-max, 100,000 by default, caps a namespace)")
	mountsOnly := flag.Bool("mountsonly", false, "only the mount rows")
	keysOnly := flag.Bool("keysonly", false, "only start-up and keystroke → screen (a quick look at latency)")
	shareOnly := flag.Bool("shareonly", false, "only the spectator rows: the teacher with 0, 10 and 50 ssh viewers")
	panesOnly := flag.Bool("panesonly", false, "only the rows of the panes (start-up, keystrokes, idle, pane output, Ctrl-C), no mount rows")
	probes := flag.Int("probes", 0, "probe mounts per mount → panel row (0: 20)")
	each := flag.Bool("each", false, "print every probe's mount → panel latency to stderr, in probe order (to see where the outliers are)")
	flag.Parse()
	var sizes []int
	for _, f := range strings.Split(*sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -mounts: %q is not a size\n", f)
			os.Exit(2)
		}
		sizes = append(sizes, n)
	}
	if *quick {
		sizes = []int{1000}
	}
	if *nslab == "" || os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "bench: run as root with -nslab PATH (see bench/run.sh)")
		os.Exit(2)
	}
	// The tmux socket's directory outlives the work directory, which run removes: the
	// server is ended through it after.
	sockDir, err := os.MkdirTemp("", "nslab-bench-tmux-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	b := &bench{nslab: *nslab, work: *work, quick: *quick, seq1m: *seq1m, perfDir: *perfDir, sizes: sizes, mountsOnly: *mountsOnly, keysOnly: *keysOnly, shareOnly: *shareOnly, panesOnly: *panesOnly, probes: *probes, each: *each, srv: server{socket: filepath.Join(sockDir, "tmux.sock")}}
	err = b.run()
	b.srv.kill()
	os.RemoveAll(sockDir)
	b.table.print(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type bench struct {
	nslab, work string
	quick       bool
	seq1m       bool
	perfDir     string
	sizes       []int // mount table sizes
	mountsOnly  bool
	keysOnly    bool
	shareOnly   bool
	panesOnly   bool
	probes      int  // probe mounts per row, when not 0
	each        bool // print each probe's latency
	srv         server
	table       table
	self        string // this binary, copied where the panes can run it
}

const (
	cols, rows = 200, 50
	plainPS1   = "plain$ "
)

func (b *bench) run() error {
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(b.work)
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	b.self = filepath.Join(b.work, "nslab-bench")
	if err := copyFile(exe, b.self); err != nil {
		return err
	}
	text := filepath.Join(b.work, "10mb.txt")
	if err := writeMixedText(text, 10<<20); err != nil {
		return err
	}
	start := []string{"start-server", ";", "set-option", "-g", "window-size", "manual", ";",
		"set-option", "-g", "default-size", fmt.Sprintf("%dx%d", cols, rows), ";", "set-option", "-g", "history-limit", "5000"}
	if b.mountsOnly || b.shareOnly {
		// The server starts with a session that stays, as the plain one does in a full
		// run, or it exits between rounds; nslab's sessions get a manual window size of
		// their own: tmux 3.3 crashes making a second session under a global one.
		start = []string{"new-session", "-d", "-s", "keep", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), "sleep 1000000", ";",
			"set-option", "-g", "history-limit", "5000"}
	}
	if _, err := b.srv.run(start...); err != nil {
		return err
	}

	if b.mountsOnly {
		return b.mountRows()
	}
	if b.shareOnly {
		return b.shareRows()
	}
	// Start-up to the first complete frame, beside a tmux window with bash at its prompt.
	nsStart, err := b.startNslab(mountPaths[0])
	if err != nil {
		return err
	}
	plainStart, err := b.startPlain()
	if err != nil {
		return err
	}
	b.table.add("start-up to first frame", ms(nsStart), "tmux + bash: "+ms(plainStart), "≤ 200 ms", nsStart <= 200*time.Millisecond)

	nsc, err := b.srv.attach("nslab", b.srv.paneInfo("nslab", "#{pane_id}"))
	if err != nil {
		return err
	}
	defer nsc.close()
	plc, err := b.srv.attach("plain", b.srv.paneInfo("plain", "#{pane_id}"))
	if err != nil {
		return err
	}
	defer plc.close()
	time.Sleep(5 * time.Second) // let the start-up highlights fade: the UI must be idle

	// Keystroke to screen.
	n := 40
	if b.quick {
		n = 10
	}
	// In turns, one key here and one there: a machine that is slower for a
	// few seconds (other work on the host) slows both sides alike, where
	// forty keys on one side and then forty on the other put it all on one.
	var nsKeys, plKeys []time.Duration
	for range n {
		k, err := keystrokes(nsc, 1)
		if err != nil {
			return fmt.Errorf("keystrokes in nslab: %w", err)
		}
		nsKeys = append(nsKeys, k...)
		if k, err = keystrokes(plc, 1); err != nil {
			return fmt.Errorf("keystrokes in tmux: %w", err)
		}
		plKeys = append(plKeys, k...)
	}
	b.table.add("keystroke → screen, median", ms(pct(nsKeys, 50)), "tmux: "+ms(pct(plKeys, 50)), "≤ 2× tmux", pct(nsKeys, 50) <= 2*pct(plKeys, 50))
	b.table.add("keystroke → screen, p90", ms(pct(nsKeys, 90)), "tmux: "+ms(pct(plKeys, 90)), "", true)
	if b.keysOnly {
		return nil
	}
	// The rest runs without control clients: one attached receives every byte a pane
	// prints, which would load tmux (and the reference) more than a terminal does.
	nsc.close()
	plc.close()
	nsp, plp := session{b.srv, "nslab"}, session{b.srv, "plain"}

	// Idle CPU: nothing typed, nothing mounted, for 10 s.
	nsPID := b.srv.panePID("nslab")
	serverPID := tmuxServerPID(b.srv)
	idle := 10 * time.Second
	if b.quick {
		idle = 3 * time.Second
	}
	nsIdle, tmIdle := cpuOver(idle, nsPID, serverPID)
	b.table.add(fmt.Sprintf("idle CPU over %s", idle), pctStr(nsIdle), "tmux server: "+pctStr(tmIdle), "≤ 1 % of a core", nsIdle <= 0.01)
	b.table.add("RSS idle", kb(rssKB(nsPID)), "tmux server: "+kb(rssKB(serverPID)), "≤ 80 MB", rssKB(nsPID) <= 80<<10)

	// Pane output: how long the command takes to run when the pane is what drains it.
	outputs := []struct{ name, cmd string }{
		{"seq 1 200000", "seq 1 200000"},
		{"cat of 10 MB", "cat " + text},
	}
	if b.seq1m {
		outputs = append(outputs, struct{ name, cmd string }{"seq 1 1000000", "seq 1 1000000"})
	}
	for _, o := range outputs {
		stop := b.profile(o.name, nsPID, serverPID)
		nsT, err := timeInPane(nsp, o.cmd, 10*time.Minute)
		stop()
		if err != nil {
			return fmt.Errorf("%s in nslab: %w", o.name, err)
		}
		plT, err := timeInPane(plp, o.cmd, 10*time.Minute)
		if err != nil {
			return fmt.Errorf("%s in tmux: %w", o.name, err)
		}
		b.table.add(o.name+" at 200×50", ms(nsT), "tmux: "+ms(plT), fmt.Sprintf("ratio %.1f×", float64(nsT)/float64(max(plT, 1))), true)
	}
	b.table.add("RSS after the flood", kb(rssKB(nsPID)), "tmux server: "+kb(rssKB(serverPID)), "≤ 80 MB", rssKB(nsPID) <= 80<<10)

	// Ctrl-C during a flood of `yes` until the prompt is back.
	stop := b.profile("Ctrl-C during yes", nsPID, serverPID)
	nsInt, err := interrupt(nsp, hostPrompt)
	stop()
	if err != nil {
		return fmt.Errorf("Ctrl-C in nslab: %w", err)
	}
	plInt, err := interrupt(plp, plainPrompt)
	if err != nil {
		return fmt.Errorf("Ctrl-C in tmux: %w", err)
	}
	b.table.add("Ctrl-C during yes → prompt", ms(nsInt), "tmux: "+ms(plInt), "≤ 250 ms", nsInt <= 250*time.Millisecond)
	if b.panesOnly {
		return nil
	}

	if err := b.shareRows(); err != nil {
		return err
	}
	return b.mountRows()
}

// mountRows measures mount tables of growing size, each followed in the three ways:
// read+parse+diff, mount → panel, the CPU one change costs, and at 10,000 mounts a storm
// of mounts.
func (b *bench) mountRows() error {
	for _, size := range b.sizes {
		for i, path := range mountPaths {
			if err := b.labRound(path, size); err != nil {
				return fmt.Errorf("lab alone, %d mounts, %s: %w", size, path.name, err)
			}
			if err := b.mountRound(path, size, i == 0); err != nil {
				return fmt.Errorf("%d mounts, %s: %w", size, path.name, err)
			}
		}
	}
	return nil
}

// labRound measures the lab alone, without the UI: a lab started in this process (its
// init is the nslab binary), its host pane's table grown to about size mounts, then how
// soon each probe mount reaches the lab's state and events, the CPU one mount costs this
// process (the lab's monitors: watching, reading, diffing), and at 10,000 mounts the CPU
// of a storm. The mount → panel rows add the UI's drawing to these.
func (b *bench) labRound(path mountPath, size int) error {
	if path.env != "" {
		k, v, _ := strings.Cut(path.env, "=")
		os.Setenv(k, v)
		defer os.Unsetenv(k)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	l, err := lab.Start(ctx, lab.Options{Exe: b.nslab, Cols: 120, Rows: 40})
	if err != nil {
		return err
	}
	defer l.Close()
	host := l.Pane(lab.Host)
	run := func(cmd string, limit time.Duration) error {
		res, err := host.Run(ctx, cmd, limit)
		if err == nil && (res.TimedOut || res.Exit != 0) {
			err = fmt.Errorf("%q: exit %d, timed out %v: %s", cmd, res.Exit, res.TimedOut, res.Output)
		}
		return err
	}
	if err := run("true", time.Minute); err != nil {
		return err
	}
	for l.MountPath() == "" {
		time.Sleep(10 * time.Millisecond)
	}
	settle := func() {
		want := l.EndMarks()
		for st := l.State(); st.Host.Ends < want || st.NS.Ends < want; st = l.State() {
			time.Sleep(10 * time.Millisecond)
		}
		for len(l.Events()) > 0 {
			<-l.Events()
		}
	}
	settle()
	if extra := min(size, mountMax()-60) - len(l.State().Host.Mounts); extra > 0 {
		if err := run(fmt.Sprintf("%s helper mounts %d /tmp/bm >/dev/null", b.self, extra), 20*time.Minute); err != nil {
			return err
		}
	}
	settle()
	size = len(l.State().Host.Mounts)
	label := fmt.Sprintf("%d mounts, %s", size, path.name)
	fmt.Fprintf(os.Stderr, "bench: lab alone, %s: %s\n", label, l.MountPath())

	probes, spacing := 20, 300*time.Millisecond
	if b.quick {
		probes = 5
	}
	times := filepath.Join(b.work, fmt.Sprintf("lab-probe-%d-%s.times", size, path.name))
	done := make(chan error, 1)
	go func() {
		done <- run(fmt.Sprintf("%s helper probe %d /tmp/pr %s %s", b.self, probes, spacing, times), 10*time.Minute)
	}()
	seen := map[int]int64{}
	var cpu0, cpu1 time.Duration
	deadline := time.After(time.Duration(probes)*spacing + 5*time.Minute)
	for len(seen) < probes {
		select {
		case e := <-l.Events():
			if e.Kind != lab.MountAdded || e.Mount == nil {
				continue
			}
			if m := probeRef.FindStringSubmatch(e.Mount.Mountpoint); m != nil {
				i, _ := strconv.Atoi(m[1])
				seen[i] = monoNow()
				if len(seen) == 1 {
					cpu0 = selfCPU()
				}
				cpu1 = selfCPU()
			}
		case <-deadline:
			return fmt.Errorf("saw %d of %d probe mounts", len(seen), probes)
		}
	}
	if err := <-done; err != nil {
		return err
	}
	mounted, err := readProbeTimes(times)
	if err != nil {
		return err
	}
	lat, miss := latencies(mounted, seen)
	b.table.add("mount → lab state p50/p95, "+label, ms(pct(lat, 50))+" / "+ms(pct(lat, 95))+missed(miss), "", "", true)
	b.table.add("lab CPU per mount, "+label, ms((cpu1-cpu0)/time.Duration(len(seen)-1)), "", "", true)

	if size >= 10000 && size < 20000 {
		settle()
		storm := 10 * time.Second
		if b.quick {
			storm = 4 * time.Second
		}
		go func() {
			done <- run(fmt.Sprintf("%s helper storm 50 %s /tmp/st", b.self, storm), 10*time.Minute)
		}()
		stop := make(chan struct{})
		go func() { // read the events as the UI would
			for {
				select {
				case <-l.Events():
				case <-stop:
					return
				}
			}
		}()
		time.Sleep(1500 * time.Millisecond) // the helper starts after a second
		c0, t0 := selfCPU(), time.Now()
		time.Sleep(storm - time.Second)
		share := float64(selfCPU()-c0) / float64(time.Since(t0))
		close(stop)
		if err := <-done; err != nil {
			return err
		}
		b.table.add("lab CPU in a 50 Hz mount/umount storm, "+label, pctStr(share), "", "≤ 10 % of a core", share <= 0.10)
	}
	return nil
}

// selfCPU is the CPU time this process has used (all threads, user and system).
func selfCPU() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// mountPath is one way nslab follows mount tables; env selects it.
type mountPath struct{ name, env string }

// mountPaths: the kernel's mount events where it has them (what nslab picks by itself);
// mountinfo's POLLPRI with listmount and statmount, as on Linux 6.11–6.14; and mountinfo
// with POLLPRI alone, as before that.
var mountPaths = []mountPath{
	{"events", ""},
	{"listmount", "NSLAB_MOUNT_EVENTS=nofanotify"},
	{"mountinfo", "NSLAB_MOUNT_EVENTS=off"},
}

// profile starts perf record on the given processes (nslab and the tmux server that shows
// its frames) when -perf is set, and returns what stops it and prints the CPU time each
// process used meanwhile, so the table's times can be split between nslab and tmux.
func (b *bench) profile(what string, nslab, server int) (stop func()) {
	if b.perfDir == "" {
		return func() {}
	}
	if err := os.MkdirAll(b.perfDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "bench: perf:", err)
		return func() {}
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, what)
	out := filepath.Join(b.perfDir, name+".perf.data")
	cmd := exec.Command("perf", "record", "-q", "-F", "999", "-g", "-o", out, "-p", fmt.Sprintf("%d,%d", nslab, server))
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: perf:", err)
		cmd = nil
	}
	t0, nsCPU, srvCPU := time.Now(), cpuNanos(nslab), cpuNanos(server)
	return func() {
		wall := time.Since(t0)
		ns, srv := time.Duration(cpuNanos(nslab)-nsCPU), time.Duration(cpuNanos(server)-srvCPU)
		if cmd != nil {
			_ = cmd.Process.Signal(os.Interrupt)
			_ = cmd.Wait()
		}
		fmt.Fprintf(os.Stderr, "profile %s: wall %s, CPU nslab %s, tmux server %s; perf report -i %s\n", what, ms(wall), ms(ns), ms(srv), out)
	}
}

// startNslab starts nslab in session "nslab", following mount tables the given way, and
// waits for its first complete frame: both prompts and both panes' namespaces in the
// titles.
func (b *bench) startNslab(path mountPath) (time.Duration, error) {
	b.srv.run("kill-session", "-t", "nslab")
	command := b.nslab
	if path.env != "" {
		command = "env " + path.env + " " + b.nslab // env execs nslab: the pane's process is nslab
	}
	t0 := time.Now()
	args := []string{"new-session", "-d", "-s", "nslab", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), command}
	if b.mountsOnly {
		args = append(args, ";", "set-option", "-t", "nslab", "window-size", "manual")
	}
	if _, err := b.srv.run(args...); err != nil {
		return 0, err
	}
	return pollScreen(b.srv, "nslab", t0, func(s string) bool {
		first, _, _ := strings.Cut(s, "\n")
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #") && strings.Count(first, "mnt:[") == 2
	})
}

func (b *bench) startPlain() (time.Duration, error) {
	t0 := time.Now()
	if _, err := b.srv.run("new-session", "-d", "-s", "plain", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows),
		"env PS1='"+plainPS1+"' bash --norc --noprofile"); err != nil {
		return 0, err
	}
	return pollScreen(b.srv, "plain", t0, func(s string) bool { return strings.Contains(s, strings.TrimSpace(plainPS1)) })
}

// pollScreen captures the session's screen every 2 ms until ok holds.
func pollScreen(s server, session string, t0 time.Time, ok func(string) bool) (time.Duration, error) {
	for time.Since(t0) < 20*time.Second {
		out, _ := s.run("capture-pane", "-p", "-t", session)
		if ok(out) {
			return time.Since(t0), nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	out, _ := s.run("capture-pane", "-p", "-t", session)
	return 0, fmt.Errorf("%s never drew its first frame:\n%s", session, out)
}

// keystrokes types a character n times (and erases it) and times each until the pane's
// screen output arrives. The erase's output is awaited too: an erase still on its way
// when the next character comes would arrive with it, and a terminal that draws
// screens, not bytes, would then have nothing to draw.
func keystrokes(c *control, n int) ([]time.Duration, error) {
	var ds []time.Duration
	for i := 0; i < n; i++ {
		time.Sleep(40 * time.Millisecond) // the previous frame is out
		c.drain()
		t0 := time.Now()
		if _, err := c.do("send-keys -t " + c.pane + " -l x"); err != nil {
			return nil, err
		}
		t1, ok := c.waitOutput(2 * time.Second)
		if !ok {
			return nil, fmt.Errorf("no screen output after a keystroke")
		}
		ds = append(ds, t1.Sub(t0))
		time.Sleep(40 * time.Millisecond)
		c.drain()
		if _, err := c.do("send-keys -t " + c.pane + " BSpace"); err != nil {
			return nil, err
		}
		if _, ok := c.waitOutput(2 * time.Second); !ok {
			return nil, fmt.Errorf("no screen output after erasing a character")
		}
	}
	return ds, nil
}

var benchResult = regexp.MustCompile(`BENCH=(\d+)`)

// session drives a tmux session with one command per action (no control client: one
// attached to a pane receives every byte it prints, which would slow tmux down for the
// reference pane in the flood rows).
type session struct {
	srv  server
	name string
}

func (p session) keys(keys ...string) error {
	_, err := p.srv.run(append([]string{"send-keys", "-t", p.name}, keys...)...)
	return err
}

func (p session) text(s string) error { return p.keys("-l", s) }

func (p session) screen() string {
	out, _ := p.srv.run("capture-pane", "-p", "-t", p.name)
	return out
}

// waitScreen polls the screen every 2 ms until ok holds and says when it first did.
func (p session) waitScreen(timeout time.Duration, ok func(string) bool) (time.Time, string, error) {
	deadline := time.Now().Add(timeout)
	for {
		s := p.screen()
		if ok(s) {
			return time.Now(), s, nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, s, fmt.Errorf("%s never showed what was awaited after %s", p.name, timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// timeInPane runs cmd in the pane with the shell timing it, and returns that time.
func timeInPane(p session, cmd string, timeout time.Duration) (time.Duration, error) {
	p.text("clear")
	p.keys("Enter")
	time.Sleep(300 * time.Millisecond)
	line := fmt.Sprintf("s=$(date +%%s%%N); %s; e=$(date +%%s%%N); echo BENCH=$(( (e-s)/1000000 ))", cmd)
	if err := p.text(line); err != nil {
		return 0, err
	}
	p.keys("Enter")
	_, s, err := p.waitScreen(timeout, func(s string) bool { return benchResult.MatchString(s) })
	if err != nil {
		return 0, err
	}
	n, _ := strconv.Atoi(benchResult.FindStringSubmatch(s)[1])
	return time.Duration(n) * time.Millisecond, nil
}

// hostPrompt: the host pane (the first box on the screen) ends with its prompt.
func hostPrompt(s string) bool {
	lines := strings.Split(s, "\n")
	top := []rune(lines[0])
	width := len(top)
	for i, r := range top {
		if r == '┓' || r == '╮' {
			width = i + 1
			break
		}
	}
	last := ""
	for _, line := range lines[1:] {
		rs := []rune(line)
		box := string(rs[:min(len(rs), width)])
		if strings.ContainsAny(box, "┗╰") {
			break
		}
		if t := strings.Trim(box, " ┃│"); t != "" {
			last = t
		}
	}
	return strings.HasSuffix(last, "[host] ~ #")
}

func plainPrompt(s string) bool {
	lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
	return strings.TrimSpace(lines[len(lines)-1]) == strings.TrimSpace(plainPS1)
}

// interrupt floods the pane with `yes`, then times Ctrl-C until the prompt is back (the
// screen polled every 2 ms, so figures are a few ms coarse).
func interrupt(p session, prompt func(string) bool) (time.Duration, error) {
	p.text("yes")
	p.keys("Enter")
	time.Sleep(time.Second)
	t0 := time.Now()
	if err := p.keys("C-c"); err != nil {
		return 0, err
	}
	at, _, err := p.waitScreen(10*time.Second, prompt)
	if err != nil {
		return 0, err
	}
	return at.Sub(t0), nil
}

// mountMax is the kernel's cap on the mounts of one namespace (fs.mount-max).
func mountMax() int {
	b, err := os.ReadFile("/proc/sys/fs/mount-max")
	if err != nil {
		return 100000
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 100000
	}
	return n
}

// mountRound starts a fresh lab following mount tables the given way, grows its host
// pane's table to about size mounts with bind mounts, then measures, beside findmnt:
// reading the tables whole (once per size, the first path), how soon a new mount reaches
// the panel, the CPU one change costs nslab, and at 10,000 mounts the CPU of a storm of
// mounts and unmounts.
func (b *bench) mountRound(path mountPath, size int, first bool) error {
	if _, err := b.startNslab(path); err != nil {
		return err
	}
	c, err := b.srv.attach("nslab", b.srv.paneInfo("nslab", "#{pane_id}"))
	if err != nil {
		return err
	}
	defer c.close()
	time.Sleep(2 * time.Second) // the panes have their first tables
	hostPID, nsPID := shellPIDs(c.screen())
	if hostPID == 0 || nsPID == 0 {
		return fmt.Errorf("no shell pids in the pane titles:\n%s", c.screen())
	}
	base, err := mnt.Read(hostPID)
	if err != nil {
		return err
	}
	// Room under fs.mount-max for the probes and the storm.
	extra := min(size, mountMax()-60) - len(base)
	if extra > 0 {
		cmd := fmt.Sprintf("%s helper mounts %d /tmp/bm && clear", b.self, extra)
		c.do("send-keys -t " + c.pane + " -l " + shellQuote(cmd))
		c.do("send-keys -t " + c.pane + " Enter")
		if _, _, err := c.waitScreen(time.Now(), 20*time.Minute, func(s string) bool { return hostPrompt(s) && !strings.Contains(s, "helper mounts") }); err != nil {
			return err
		}
	}
	// The panel has taken the table in and the highlights have faded: nslab is idle.
	nslabPID := b.srv.panePID("nslab")
	if err := awaitIdle(nslabPID, 5*time.Minute); err != nil {
		return err
	}
	hostMounts, err := mnt.Read(hostPID)
	if err != nil {
		return err
	}
	size = len(hostMounts)
	label := fmt.Sprintf("%d mounts, %s", size, path.name)

	if first {
		if err := b.readRows(hostPID, nsPID, size); err != nil {
			return err
		}
	}

	// mount → panel: a probe mounts tmpfs one at a time; the panel shows each in its
	// event log. findmnt --poll watches the same namespace.
	// Twenty probes at every size: with ten, p95 is the worst probe alone.
	probes, spacing := 20, 400*time.Millisecond
	if size >= 10000 {
		spacing = time.Second
	}
	if b.quick {
		probes = 5
	}
	if b.probes > 0 {
		probes = b.probes
	}
	fm := exec.Command("findmnt", "--poll", "-N", strconv.Itoa(hostPID), "-o", "ACTION,TARGET", "-n")
	fmOut, err := fm.StdoutPipe()
	if err != nil {
		return err
	}
	if err := fm.Start(); err != nil {
		return err
	}
	defer func() { fm.Process.Kill(); fm.Wait() }()
	fmSeen := make(chan probeSeen, 1024)
	go func() {
		sc := bufio.NewScanner(fmOut)
		for sc.Scan() {
			if i := probeIndex(sc.Text()); i > 0 {
				fmSeen <- probeSeen{i, monoNow()}
			}
		}
	}()
	time.Sleep(time.Second) // findmnt has read the table and polls
	times := filepath.Join(b.work, fmt.Sprintf("probe-%d-%s.times", size, path.name))
	cmd := fmt.Sprintf("%s helper probe %d /tmp/pr %s %s", b.self, probes, spacing, times)
	c.do("send-keys -t " + c.pane + " -l " + shellQuote(cmd))
	c.do("send-keys -t " + c.pane + " Enter")
	panelSeen := map[int]int64{}
	// CPU from the first probe seen to the last: the work of probes-1 changes.
	var cpu0, fmCPU0 int64
	deadline := time.Now().Add(time.Duration(probes)*spacing + 2*time.Minute)
	for len(panelSeen) < probes && time.Now().Before(deadline) {
		at, ok := c.waitOutput(50 * time.Millisecond)
		if !ok {
			at = time.Now()
		}
		mono := monoNow() - int64(time.Since(at))
		for _, m := range probeRef.FindAllStringSubmatch(c.screen(), -1) {
			i, _ := strconv.Atoi(m[1])
			if _, seen := panelSeen[i]; !seen {
				panelSeen[i] = mono
				if len(panelSeen) == 1 {
					cpu0, fmCPU0 = cpuNanos(nslabPID), cpuNanos(fm.Process.Pid)
				}
			}
		}
	}
	cpu1, fmCPU1 := cpuNanos(nslabPID), cpuNanos(fm.Process.Pid)
	time.Sleep(2 * time.Second) // findmnt may still be catching up
	mounted, err := readProbeTimes(times)
	if err != nil {
		return err
	}
	fmAt := map[int]int64{}
	for len(fmSeen) > 0 {
		p := <-fmSeen
		if _, ok := fmAt[p.i]; !ok {
			fmAt[p.i] = p.mono
		}
	}
	ourLat, ourMissed := latencies(mounted, panelSeen)
	if b.each {
		printEach(label, mounted, panelSeen, fmAt)
	}
	fmLat, fmMissed := latencies(mounted, fmAt)
	goal := 10 * time.Millisecond
	if size > 20000 {
		goal = 20 * time.Millisecond
	}
	b.table.add("mount → panel p50/p95, "+label,
		ms(pct(ourLat, 50))+" / "+ms(pct(ourLat, 95))+missed(ourMissed),
		"findmnt --poll: "+ms(pct(fmLat, 50))+" / "+ms(pct(fmLat, 95))+missed(fmMissed),
		"p95 ≤ "+ms(goal), ourMissed == 0 && pct(ourLat, 95) <= goal)
	if n := len(panelSeen) - 1; n > 0 {
		b.table.add("CPU per mount, "+label, ms(time.Duration((cpu1-cpu0)/int64(n))),
			"findmnt --poll: "+ms(time.Duration((fmCPU1-fmCPU0)/int64(n))), "", true)
	}
	if err := awaitPrompt(c); err != nil {
		return err
	}

	// A storm at 10,000 mounts: 50 mounts and 50 unmounts a second.
	if size >= 10000 && size < 20000 {
		storm, settle := 10*time.Second, 1500*time.Millisecond
		if b.quick {
			storm = 4 * time.Second
		}
		cmd := fmt.Sprintf("%s helper storm 50 %s /tmp/st", b.self, storm)
		c.do("send-keys -t " + c.pane + " -l " + shellQuote(cmd))
		c.do("send-keys -t " + c.pane + " Enter")
		// The helper waits a second before it starts: measure inside the storm only.
		time.Sleep(settle)
		window := storm - time.Second
		ours, theirs := cpuOver(window, nslabPID, fm.Process.Pid)
		b.table.add("CPU in a 50 Hz mount/umount storm, "+label, pctStr(ours), "findmnt --poll: "+pctStr(theirs), "≤ 10 % of a core", ours <= 0.10)
		if err := awaitPrompt(c); err != nil {
			return err
		}
	}
	return nil
}

// readRows measures reading the tables whole, as the mountinfo path does at each change
// (read+parse+diff of both panes' tables) and as findmnt does, and reading one mount with
// statmount(2), as the events path does.
func (b *bench) readRows(hostPID, nsPID, size int) error {
	samples := 15
	var ours, theirs, one []time.Duration
	ns, nsErr := mntev.NamespaceOf(hostPID)
	var ids []uint64
	if nsErr == nil {
		ids, nsErr = mntev.ReadIDs(ns)
	}
	for i := 0; i < samples; i++ {
		t0 := time.Now()
		h, err1 := mnt.Read(hostPID)
		n, err2 := mnt.Read(nsPID)
		_ = mnt.Diff(h, n)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("read tables: %v %v", err1, err2)
		}
		ours = append(ours, time.Since(t0))
		t0 = time.Now()
		cmd := exec.Command("findmnt", "-A", "-r", "-N", strconv.Itoa(hostPID))
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("findmnt: %w", err)
		}
		theirs = append(theirs, time.Since(t0))
		if nsErr == nil && len(ids) > 0 {
			t0 = time.Now()
			if _, _, err := mntev.ReadMounts(ns, ids[len(ids)/2:len(ids)/2+1]); err == nil {
				one = append(one, time.Since(t0))
			}
		}
	}
	b.table.add(fmt.Sprintf("read+parse+diff, %d mounts", size), ms(pct(ours, 50)),
		"findmnt -A -r (one table): "+ms(pct(theirs, 50)), "", true)
	if len(one) > 0 {
		b.table.add(fmt.Sprintf("statmount of one mount, %d mounts", size), fmt.Sprintf("%.3f ms", float64(pct(one, 50))/1e6), "", "", true)
	}
	return nil
}

// awaitIdle waits until pid has used under 1 % of a core over a second.
func awaitIdle(pid int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if share, _ := cpuOver(time.Second, pid, pid); share < 0.01 {
			return nil
		}
	}
	return fmt.Errorf("nslab did not become idle within %s", limit)
}

// awaitPrompt waits for the host pane's prompt after a helper command.
func awaitPrompt(c *control) error {
	_, _, err := c.waitScreen(time.Now(), 5*time.Minute, func(s string) bool {
		return hostPrompt(s)
	})
	return err
}

type probeSeen struct {
	i    int
	mono int64
}

var probeRef = regexp.MustCompile(`/tmp/pr/(\d+)\b`)

func probeIndex(s string) int {
	if m := probeRef.FindStringSubmatch(s); m != nil && strings.HasPrefix(strings.TrimSpace(s), "mount") {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// shellTitle finds each pane's shell in the titles ("host mnt:[…] bash(PID)" or
// "host · follows bash(PID) mnt:[…]").
var shellTitle = regexp.MustCompile(`(host|ns)[^()]*?\bbash\((\d+)\)`)

func shellPIDs(screen string) (host, ns int) {
	first, _, _ := strings.Cut(screen, "\n")
	for _, m := range shellTitle.FindAllStringSubmatch(first, -1) {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "host" {
			host = n
		} else {
			ns = n
		}
	}
	return host, ns
}

func readProbeTimes(path string) (map[int]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[int]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var i int
		var t int64
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &i, &t); err == nil {
			out[i] = t
		}
	}
	return out, sc.Err()
}

func latencies(mounted, seen map[int]int64) ([]time.Duration, int) {
	var ds []time.Duration
	missed := 0
	for i, t := range mounted {
		s, ok := seen[i]
		if !ok {
			missed++
			continue
		}
		ds = append(ds, time.Duration(max(s-t, 0)))
	}
	return ds, missed
}

// printEach writes one line per probe: its number, and the panel's and findmnt's latency.
func printEach(label string, mounted, panel, fm map[int]int64) {
	after := func(seen map[int]int64, i int) string {
		s, ok := seen[i]
		if !ok {
			return "never"
		}
		return ms(time.Duration(s - mounted[i]))
	}
	for i := 1; i <= len(mounted); i++ {
		fmt.Fprintf(os.Stderr, "bench: %s: probe %d: panel %s, findmnt %s\n", label, i, after(panel, i), after(fm, i))
	}
}

func missed(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d never seen)", n)
}

// monoNow is CLOCK_MONOTONIC, shared by every process, so the helper's mount times and
// our sightings compare.
func monoNow() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// helper runs inside a lab pane: `mounts N DIR` makes N bind mounts under DIR;
// `probe K DIR SPACING FILE` mounts K tmpfs one by one and writes when each returned.
func helper(args []string) int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "helper:", err); return 1 }
	switch {
	case len(args) == 3 && args[0] == "mounts":
		// Up to 1,000 bind mounts of DIR/src under DIR/base, then copies of that tree
		// (mount --rbind, 1,001 mounts in one call) until there are N: one bind at a time,
		// the kernel takes minutes per 10,000 mounts past the first tens of thousands.
		n, _ := strconv.Atoi(args[1])
		src, base := filepath.Join(args[2], "src"), filepath.Join(args[2], "base")
		if err := os.MkdirAll(src, 0o755); err != nil {
			return fail(err)
		}
		bind := func(from, to string, flags uintptr) error {
			if err := os.MkdirAll(to, 0o755); err != nil {
				return err
			}
			// mount(2) MS_BIND: the cheapest mount there is.
			return unix.Mount(from, to, "", unix.MS_BIND|flags, "")
		}
		made := 0
		for ; made < min(n, 1000); made++ {
			if err := bind(src, filepath.Join(base, strconv.Itoa(made)), 0); err != nil {
				return fail(err)
			}
		}
		// A copy of base is a bind of the directory itself and of its 1,000 binds.
		for copies := 0; made >= 1000 && n-made >= 1001; copies++ {
			if err := bind(base, filepath.Join(args[2], "copy"+strconv.Itoa(copies)), unix.MS_REC); err != nil {
				return fail(err)
			}
			made += 1001
		}
		for i := 0; made < n; i, made = i+1, made+1 {
			if err := bind(src, filepath.Join(args[2], "rest", strconv.Itoa(i)), 0); err != nil {
				return fail(err)
			}
		}
		fmt.Printf("MOUNTED %d\n", made)
		return 0
	case len(args) == 5 && args[0] == "probe":
		k, _ := strconv.Atoi(args[1])
		spacing, err := time.ParseDuration(args[3])
		if err != nil {
			return fail(err)
		}
		f, err := os.Create(args[4])
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		for i := 1; i <= k; i++ {
			d := filepath.Join(args[2], strconv.Itoa(i))
			if err := os.MkdirAll(d, 0o755); err != nil {
				return fail(err)
			}
			if err := unix.Mount("probe", d, "tmpfs", 0, "size=64k"); err != nil {
				return fail(err)
			}
			fmt.Fprintf(f, "%d %d\n", i, monoNow())
			time.Sleep(spacing)
		}
		return 0
	case len(args) == 4 && args[0] == "storm":
		// storm HZ DURATION DIR: after a second, HZ times a second a tmpfs mounted on DIR
		// and unmounted half a period later, for DURATION.
		hz, _ := strconv.Atoi(args[1])
		d, err := time.ParseDuration(args[2])
		if err != nil || hz <= 0 {
			return fail(fmt.Errorf("storm: bad rate or duration"))
		}
		if err := os.MkdirAll(args[3], 0o755); err != nil {
			return fail(err)
		}
		time.Sleep(time.Second)
		period := time.Second / time.Duration(hz)
		start := time.Now()
		for i := 0; time.Since(start) < d; i++ {
			if err := unix.Mount("storm", args[3], "tmpfs", 0, "size=16k"); err != nil {
				return fail(err)
			}
			time.Sleep(time.Until(start.Add(time.Duration(i)*period + period/2)))
			if err := unix.Unmount(args[3], 0); err != nil {
				return fail(err)
			}
			time.Sleep(time.Until(start.Add(time.Duration(i+1) * period)))
		}
		return 0
	}
	return fail(fmt.Errorf("usage: helper mounts N DIR | helper probe K DIR SPACING FILE | helper storm HZ DURATION DIR"))
}

// cpuOver measures the CPU share of each pid (all its threads) over d.
func cpuOver(d time.Duration, pids ...int) (float64, float64) {
	before := make([]int64, len(pids))
	for i, p := range pids {
		before[i] = cpuNanos(p)
	}
	time.Sleep(d)
	share := func(i int) float64 { return float64(cpuNanos(pids[i])-before[i]) / float64(d) }
	return share(0), share(1)
}

// cpuNanos is the time pid's threads have run, from /proc/PID/task/*/schedstat (its first
// field, in nanoseconds; finer than the 10 ms ticks of /proc/PID/stat).
func cpuNanos(pid int) int64 {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var total int64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if fs := strings.Fields(string(b)); len(fs) > 0 {
			n, _ := strconv.ParseInt(fs[0], 10, 64)
			total += n
		}
	}
	return total
}

func rssKB(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

func tmuxServerPID(s server) int {
	n, _ := strconv.Atoi(s.paneInfo("plain", "#{pid}"))
	return n
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func pctStr(f float64) string { return fmt.Sprintf("%.2f %%", f*100) }
func kb(n int) string         { return fmt.Sprintf("%.1f MB", float64(n)/1024) }

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}

// writeMixedText writes size bytes of varied lines: words, numbers, long and short lines,
// some colour and some Korean, as logs and listings have.
func writeMixedText(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	words := []string{"mount", "namespace", "/proc/self/mountinfo", "shared:1", "master:2", "tmpfs", "overlay",
		"\x1b[32mok\x1b[0m", "\x1b[1;31mfail\x1b[0m", "마운트", "네임스페이스", "pivot_root", "chroot"}
	written, line := 0, 0
	for written < size {
		n := 3 + line%17
		if line%50 == 0 {
			n = 60 // a line longer than the pane
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "%08d ", line)
		for i := 0; i < n; i++ {
			sb.WriteString(words[(line*7+i*3)%len(words)])
			sb.WriteByte(' ')
		}
		sb.WriteByte('\n')
		k, _ := w.WriteString(sb.String())
		written += k
		line++
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// table is the report: every figure beside its reference.
type table struct{ rows [][5]string }

func (t *table) add(what, ours, ref, target string, met bool) {
	mark := "✓"
	if !met {
		mark = "✗"
	}
	if target == "" || strings.HasPrefix(target, "ratio") {
		mark = ""
	}
	t.rows = append(t.rows, [5]string{what, ours, ref, target, mark})
}

func (t *table) print(w *os.File) {
	head := [5]string{"measure", "nslab", "reference (same run)", "target", ""}
	widths := [5]int{}
	for _, r := range append([][5]string{head}, t.rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	line := func(r [5]string) {
		for i, c := range r {
			fmt.Fprintf(w, "%-*s  ", widths[i], c)
		}
		fmt.Fprintln(w)
	}
	line(head)
	for _, r := range t.rows {
		line(r)
	}
	var uts unix.Utsname
	unix.Uname(&uts)
	fmt.Fprintf(w, "\nmachine: %d CPUs, kernel %s, load %s", numCPU(), unix.ByteSliceToString(uts.Release[:]), loadavg())
}

func numCPU() int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return 0
	}
	return set.Count()
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ") + "\n"
}
