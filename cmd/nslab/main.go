// Command nslab is an interactive terminal lab that teaches Linux mount namespaces, chroot and
// pivot_root on the real kernel: two real shells side by side, live panels of what the kernel
// says about each, and scripted lessons that check what they claim.
//
//	nslab                      free-form lab
//	nslab walkthrough [ID…]    the guided tour
//	nslab scenarios            list the lessons
//	nslab run ID… | --all      run lessons without the UI, print a transcript
//	nslab doctor               check this machine
//
// As root it runs as it is; without root it runs again in a user namespace of its own
// (rootless.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/rootfs"
	"github.com/nslab/nslab/lab/signals"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/share"
	"github.com/nslab/nslab/tui"
	"github.com/nslab/nslab/tui/cast"
	"golang.org/x/sys/unix"
)

func main() {
	// Rootless, mapped by newuidmap: wait for the maps, then start again as root of the
	// user namespace (lab.StartRootless).
	if lab.IsAwaitingUserNSMaps() {
		os.Exit(lab.AwaitUserNSMaps())
	}
	// Hidden roles of the same binary: the lab's init, the doctor's probe, and the escape
	// applets that run inside the lab's rootfs.
	switch {
	case lab.IsInit(os.Args):
		os.Exit(lab.InitMain())
	case lab.IsProbe(os.Args):
		os.Exit(lab.ProbeMain())
	case len(os.Args) > 1 && os.Args[1] == "escape":
		err := rootfs.RunEscape(os.Args[2:]) // returns only on failure: it execs
		fmt.Fprintln(os.Stderr, "nslab escape:", err)
		os.Exit(1)
	case len(os.Args) > 1 && os.Args[1] == "bind-ro": // the ro-bind lesson's one-call bind
		if err := rootfs.RunBindRO(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "nslab bind-ro:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case len(os.Args) > 1 && os.Args[1] == "clone-tree": // the mount-api lesson's open_tree
		if err := rootfs.RunCloneTree(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "nslab clone-tree:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case len(os.Args) > 1 && os.Args[1] == "fsmount": // the mount-api lesson's fsopen and fsmount
		if err := rootfs.RunFSMount(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "nslab fsmount:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Whatever nslab inherited (nohup's ignored SIGHUP, a script's ignored SIGINT, a
	// blocked mask), the lab's init and shells start with default signals: Ctrl-C must work.
	// (The hidden roles above are started by nslab itself, already reset; the applets run
	// in a chroot that may have no /proc.)
	if err := signals.Reset(); err != nil {
		fmt.Fprintln(os.Stderr, "nslab: reset signals:", err)
		os.Exit(1)
	}
	// close_range(2) with CLOSE_RANGE_CLOEXEC: nothing nslab inherited reaches the lab.
	_ = unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	setGCPace(os.Getenv)

	// The first SIGTERM, SIGHUP or SIGINT ends ctx with the signal as its cause: the lab
	// closes, output files are finished, and nslab exits with 128+signal (run() says so).
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT)
	go func() {
		if s, ok := (<-sigs).(syscall.Signal); ok {
			cancel(interrupted{s})
		}
	}()
	if path := os.Getenv(statsEnv); path != "" {
		if err := startStats(ctx, path, 5*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "nslab:", err)
			os.Exit(exitUsage)
		}
	}
	stopProfile := func() error { return nil }
	if path := os.Getenv(cpuProfileEnv); path != "" {
		var err error
		if stopProfile, err = startCPUProfile(path); err != nil {
			fmt.Fprintln(os.Stderr, "nslab:", err)
			os.Exit(exitUsage)
		}
	}
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err := stopProfile(); err != nil {
		fmt.Fprintln(os.Stderr, "nslab:", err)
	}
	signal.Stop(sigs)
	os.Exit(code)
}

// setGCPace lets the heap grow to three times what is live before a collection, not two,
// unless GOGC or GOMEMLIMIT says otherwise. The lab holds whole mount tables (at 100,000
// mounts a few hundred MB, mostly pointers), and at Go's default a collection came every
// few dozen mounts and slowed the frame of the mount that met it: mount → panel p95 at
// 100,000 mounts 18–27 ms in three runs, 7.3 ms at 200 (bench -mountsonly -each).
func setGCPace(getenv func(string) string) {
	if getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(200)
	}
}

// interrupted is the cause of ctx's end when a signal ended it.
type interrupted struct{ sig syscall.Signal }

func (e interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

// signalName is SIGTERM rather than "terminated".
func signalName(s syscall.Signal) string {
	if n := unix.SignalName(s); n != "" {
		return n
	}
	return fmt.Sprintf("signal %d", int(s))
}

// interruptedBy returns the signal that ended ctx, or 0.
func interruptedBy(ctx context.Context) syscall.Signal {
	var in interrupted
	if errors.As(context.Cause(ctx), &in) {
		return in.sig
	}
	return 0
}

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // a check failed, or the lab could not start
	exitUsage   = 2 // bad command line or scenario files
	exitNotRoot = 3 // no root, and no user namespace allowed either
	// exitSignal+N: ended by signal N, as a shell reports it (130 for Ctrl-C, 143 for SIGTERM).
	exitSignal = 128
)

// config is what the command line says.
type config struct {
	command   string
	args      []string
	lang      scenarios.Lang
	theme     string
	rootfs    string
	shell     string
	scenarios string
	record    string
	markdown  string
	share     string
	shareWeb  string
	shareMax  int
	all       bool
	// helpFor is the command whose help was asked for ("" for the global help).
	helpFor string
}

// usageError is a bad command line: one sentence, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func parseArgs(args []string, getenv func(string) string) (config, error) {
	var c config
	fs := flag.NewFlagSet("nslab", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lang := fs.String("lang", "", "")
	fs.StringVar(&c.theme, "theme", "dark", "")
	fs.StringVar(&c.rootfs, "rootfs", "", "")
	fs.StringVar(&c.shell, "shell", "", "")
	fs.StringVar(&c.scenarios, "scenarios", "", "")
	fs.StringVar(&c.record, "record", "", "")
	fs.StringVar(&c.markdown, "markdown", "", "")
	fs.StringVar(&c.share, "share", "", "")
	fs.StringVar(&c.shareWeb, "share-web", "", "")
	fs.IntVar(&c.shareMax, "share-max", share.DefaultMaxViewers, "")
	fs.BoolVar(&c.all, "all", false, "")
	help := fs.Bool("help", false, "")
	fs.BoolVar(help, "h", false, "")
	version := fs.Bool("version", false, "")
	// Flags may come before or after the command and its arguments.
	rest := args
	var positional []string
	for {
		if err := fs.Parse(rest); err != nil {
			return c, flagError(err, rest, positional)
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			positional = append(positional, rest[1:]...)
			break
		}
		positional = append(positional, rest[0])
		rest = rest[1:]
	}
	if len(positional) > 0 {
		c.command, c.args = positional[0], positional[1:]
	}
	if !knownCommand(c.command) {
		return c, usageError{fmt.Sprintf("unknown command %q: try nslab --help", c.command)}
	}
	// The help and the version come before any other check: they are how to find the
	// right command line.
	l := *lang
	if l == "" {
		l = langFromEnv(getenv)
	}
	var err error
	if c.lang, err = scenarios.ParseLang(l); err != nil {
		return c, usageError{fmt.Sprintf("--lang %q: use en or ko", l)}
	}
	switch {
	case c.command == "help" && len(c.args) > 0:
		// nslab help run, nslab help run --help
		if !knownCommand(c.args[0]) {
			return c, usageError{fmt.Sprintf("unknown command %q: try nslab --help", c.args[0])}
		}
		c.helpFor, c.command = c.args[0], "help"
		return c, nil
	case *help:
		c.helpFor, c.command = c.command, "help"
		return c, nil
	case *version || c.command == "version":
		c.command = "version"
		return c, nil
	case c.command == "help":
		return c, nil
	}
	if _, err := tui.ParseTheme(c.theme); err != nil {
		return c, usageError{fmt.Sprintf("--theme %q: use dark, light or classroom", c.theme)}
	}
	if c.all && c.command != "run" {
		return c, usageError{"--all goes with run: nslab run --all"}
	}
	if c.markdown != "" && c.command != "run" {
		return c, usageError{"--markdown goes with run: nslab run --all --markdown FILE.md"}
	}
	if c.record != "" && c.command != "" && c.command != "walkthrough" {
		return c, usageError{"--record goes with the lab or walkthrough: nslab walkthrough --record FILE.cast"}
	}
	if err := checkShare(c); err != nil {
		return c, err
	}
	if c.command == "run" && !c.all && len(c.args) == 0 {
		return c, usageError{"run needs scenario ids or --all (see nslab scenarios)"}
	}
	if c.command == "run" && c.all && len(c.args) > 0 {
		return c, usageError{"run takes scenario ids or --all, not both"}
	}
	if (c.command == "" || c.command == "scenarios" || c.command == "doctor") && len(c.args) > 0 {
		return c, usageError{fmt.Sprintf("unexpected argument %q: try %s --help", c.args[0], commandLine(c.command))}
	}
	// Output paths are checked before anything starts: a link or a missing directory is
	// a bad command line, not a lab that ran for nothing.
	if c.markdown != "" {
		if err := checkOutputPath("--markdown", c.markdown); err != nil {
			return c, err
		}
	}
	if c.record != "" {
		if err := checkOutputPath("--record", c.record); err != nil {
			return c, err
		}
	}
	return c, nil
}

func knownCommand(s string) bool {
	for _, c := range commands {
		if c == s {
			return true
		}
	}
	return false
}

// commandLine is how a command is typed, for "try … --help".
func commandLine(command string) string {
	if command == "" {
		return "nslab"
	}
	return "nslab " + command
}

// badValue reads the flag package's "invalid boolean value "x" for -all: …" and
// "invalid value "x" for flag -lang: …".
var badValue = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-([^:]+):`)

// flagError turns the flag package's error into one sentence that shows the flag as it
// was typed (--bogus, not -bogus) and points at the help of the command being typed.
func flagError(err error, rest, positional []string) error {
	command := ""
	if len(positional) > 0 && knownCommand(positional[0]) {
		command = positional[0]
	}
	msg := err.Error()
	name, value := "", ""
	for _, prefix := range []string{"flag provided but not defined: -", "flag needs an argument: -"} {
		if strings.HasPrefix(msg, prefix) {
			name = strings.TrimPrefix(msg, prefix)
		}
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		value, name = m[1], m[2]
	}
	if name == "" {
		// Bad syntax (---x, -=x): the flag package already shows what was typed.
		return usageError{fmt.Sprintf("%s: try %s --help", msg, commandLine(command))}
	}
	typed := "--" + name
	for _, a := range rest {
		if n := strings.TrimLeft(a, "-"); strings.HasPrefix(a, "-") && (n == name || strings.HasPrefix(n, name+"=")) {
			typed = a
			if i := strings.IndexByte(a, '='); i >= 0 {
				typed = a[:i]
			}
			break
		}
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		return usageError{fmt.Sprintf("invalid value %s for %s: try %s --help", value, typed, commandLine(command))}
	}
	if strings.HasPrefix(msg, "flag needs an argument") {
		return usageError{fmt.Sprintf("flag %s needs an argument: try %s --help", typed, commandLine(command))}
	}
	return usageError{fmt.Sprintf("unknown flag %s: try %s --help", typed, commandLine(command))}
}

// langFromEnv reads LANGUAGE, LC_ALL, LC_MESSAGES and LANG the way gettext does.
func langFromEnv(getenv func(string) string) string {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ko") {
				return "ko"
			}
			return "en"
		}
	}
	return "en"
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return exitUsage
	}
	if needsLab(c.command) && lab.CheckPrivileges() != nil && !lab.IsRootless() {
		// Without root: the same command in a user namespace of its own. A doctor that
		// cannot have one says why from here.
		if code, ran := runRootless(args, stderr, c.command == "doctor"); ran {
			return code
		}
	}
	var code int
	switch c.command {
	case "help":
		fmt.Fprint(stdout, helpText(c.helpFor, c.lang))
		return exitOK
	case "version":
		fmt.Fprintln(stdout, versionText(debug.ReadBuildInfo()))
		return exitOK
	case "scenarios":
		code = cmdScenarios(c, stdout, stderr)
	case "doctor":
		code = cmdDoctor(ctx, c, stdout)
	case "run":
		code = cmdRun(ctx, c, stdout, stderr)
	default:
		code = cmdLab(ctx, c, stderr)
	}
	// Ended by a signal: said once, in words, with the shell's convention for the status
	// (the commands leave the ended context's own error unsaid).
	if sig := interruptedBy(ctx); sig != 0 {
		fmt.Fprintln(stderr, "nslab: interrupted by", signalName(sig))
		return exitSignal + int(sig)
	}
	return code
}

// failed says why a command failed, unless a signal ended it: then run says that instead
// of "context canceled".
func failed(ctx context.Context, stderr io.Writer, what string, err error) {
	if interruptedBy(ctx) != 0 {
		return
	}
	fmt.Fprintln(stderr, what, err)
}

func loadScenarios(c config) ([]scenarios.Scenario, error) {
	if c.scenarios != "" {
		return scenarios.LoadDir(c.scenarios)
	}
	return scenarios.Load()
}

func cmdScenarios(c config, stdout, stderr io.Writer) int {
	scs, err := loadScenarios(c)
	if err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return exitUsage
	}
	w := 0
	for _, e := range scenarios.List(scs, c.lang) {
		w = max(w, len(e.ID))
	}
	for _, e := range scenarios.List(scs, c.lang) {
		fmt.Fprintf(stdout, "%-*s  %s  %s\n", w, e.ID, stepsWord(e.Steps, c.lang), e.Title)
		if e.NeedsRoot != "" {
			// Under its title: what a rootless lab (nslab without sudo) skips, and why.
			fmt.Fprintf(stdout, "%-*s  %s%s\n", w, "", needsRootWord.In(c.lang), e.NeedsRoot)
		}
	}
	return exitOK
}

func cmdDoctor(ctx context.Context, c config, stdout io.Writer) int {
	var tty *os.File
	if f, ok := stdout.(*os.File); ok {
		if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			tty = f
		}
	}
	code := exitOK
	for _, f := range lab.Doctor(ctx, lab.DoctorOptions{Shell: c.shell, Rootfs: c.rootfs, TTY: tty}) {
		mark := "✓"
		if !f.OK {
			mark = "✗"
			if f.Required {
				code = exitFailed
			}
		}
		fmt.Fprintf(stdout, "%s %-44s %s\n", mark, f.Name, f.Detail)
		if !f.OK && f.Fix != "" {
			fmt.Fprintf(stdout, "  %-44s fix: %s\n", "", f.Fix)
		}
	}
	return code
}

// startLab starts the lab or says in one sentence why it cannot.
func startLab(ctx context.Context, c config, cols, rows int, stderr io.Writer) (*lab.Lab, int) {
	if err := lab.CheckPrivileges(); err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return nil, exitNotRoot
	}
	sh, err := lab.ResolveShell(c.shell, os.Getenv("SHELL"))
	if err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return nil, exitUsage
	}
	if c.rootfs != "" {
		if _, err := rootfs.Build("", rootfs.Options{From: c.rootfs}); err != nil {
			fmt.Fprintln(stderr, "nslab: --rootfs:", err)
			return nil, exitUsage
		}
	}
	l, err := lab.Start(ctx, lab.Options{Shell: sh, Cols: cols, Rows: rows, Rootfs: c.rootfs})
	if err != nil {
		if errors.Is(err, lab.ErrNotRoot) {
			fmt.Fprintln(stderr, "nslab:", err)
			return nil, exitNotRoot
		}
		if lab.IsRootless() {
			// Rootless the likely cause is a setting doctor names, with its fix.
			err = fmt.Errorf("%w (rootless, in a user namespace: nslab doctor says what this machine allows)", err)
		}
		failed(ctx, stderr, "nslab: cannot start the lab:", err)
		return nil, exitFailed
	}
	return l, exitOK
}

func cmdRun(ctx context.Context, c config, stdout, stderr io.Writer) int {
	scs, err := loadScenarios(c)
	if err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return exitUsage
	}
	if !c.all {
		if scs, err = scenarios.Select(scs, c.args...); err != nil {
			fmt.Fprintln(stderr, "nslab:", err)
			return exitUsage
		}
	}
	opts := scenarios.TranscriptOptions{Lang: c.lang, Narration: true, Rootless: lab.InUserNS()}
	var md *outputFile
	if c.markdown != "" {
		// Written as the run goes, beside the target; put in place once the run ends
		// (an interrupted run keeps what it showed), never if the lab did not start.
		if md, err = createOutput("--markdown", c.markdown); err != nil {
			fmt.Fprintln(stderr, "nslab:", err)
			return exitUsage
		}
		defer md.abort()
		opts.Markdown = md
	}
	l, code := startLab(ctx, c, 120, 40, stderr)
	if l == nil {
		return code
	}
	ok, err := scenarios.RunHeadless(ctx, scenarios.Live(l), scs, stdout, opts)
	l.Close()
	if cerr := md.commit(); cerr != nil {
		fmt.Fprintln(stderr, "nslab:", cerr)
		return exitFailed
	}
	if err != nil {
		failed(ctx, stderr, "nslab:", err)
		return exitFailed
	}
	if !ok {
		return exitFailed
	}
	return exitOK
}

func cmdLab(ctx context.Context, c config, stderr io.Writer) int {
	if err := lab.CheckPrivileges(); err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return exitNotRoot
	}
	var walk []scenarios.Scenario
	if c.command == "walkthrough" {
		scs, err := loadScenarios(c)
		if err == nil && len(c.args) > 0 {
			scs, err = scenarios.Select(scs, c.args...)
		}
		if err != nil {
			fmt.Fprintln(stderr, "nslab:", err)
			return exitUsage
		}
		walk = scs
		if lab.InUserNS() { // rootless, or root of some other user namespace
			var skipped []string
			if walk, skipped = scenarios.Rootless(scs); len(walk) == 0 {
				fmt.Fprintln(stderr, "nslab:", rootlessNoneText(skipped).In(c.lang))
				return exitNotRoot
			}
			if len(skipped) > 0 {
				// Said once the screen is back: the walkthrough leaves these out.
				defer fmt.Fprintln(stderr, "nslab:", rootlessSkippedText(skipped).In(c.lang))
			}
		}
	}
	theme, err := tui.ParseTheme(c.theme)
	if err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return exitUsage
	}
	// ioctl_tty(2) TIOCGWINSZ: the lab's screen needs a terminal on both ends.
	ws, err := unix.IoctlGetWinsize(int(os.Stdout.Fd()), unix.TIOCGWINSZ)
	if _, ierr := unix.IoctlGetTermios(int(os.Stdin.Fd()), unix.TCGETS); err != nil || ierr != nil {
		fmt.Fprintln(stderr, "nslab: the lab's screen needs a terminal; for a transcript without one use nslab run")
		return exitUsage
	}
	cols, rows := max(int(ws.Col), 1), max(int(ws.Row), 1)
	opts := tui.Options{Lang: c.lang, Theme: theme, NoColor: os.Getenv("NO_COLOR") != "", Walkthrough: walk, Rootless: lab.InUserNS()}
	var recFile *outputFile
	var rec *cast.Writer
	if c.record != "" {
		// Written as it goes, beside the target; put in place when the lab ends (also by
		// a signal), never if it did not start.
		if recFile, err = createOutput("--record", c.record); err != nil {
			fmt.Fprintln(stderr, "nslab:", err)
			return exitUsage
		}
		defer recFile.abort()
		title := "nslab"
		if c.command != "" {
			title += " " + c.command
		}
		rec, err = cast.New(recFile, cast.Options{Cols: cols, Rows: rows, Title: title,
			Env: map[string]string{"TERM": os.Getenv("TERM"), "SHELL": os.Getenv("SHELL")}})
		if err != nil {
			fmt.Fprintln(stderr, "nslab: --record:", err)
			return exitUsage
		}
		opts.Record = rec
	}
	// Listening before the lab starts: an address in use is a bad command line, not a
	// lab that started for nothing.
	sh, err := startSharing(c)
	if err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
		return exitUsage
	}
	defer sh.close()
	// The panes start at half the screen; the UI sizes them exactly on its first frame.
	l, code := startLab(ctx, c, max(cols/2-2, 20), max(rows-12, 5), stderr)
	if l == nil {
		return code
	}
	defer l.Close() // also on a panic: the lab never outlives nslab
	if len(walk) > 0 {
		opts.ScenarioLab = scenarios.Live(l)
	}
	if sh != nil {
		opts.Share = sh.share
	}
	err = tui.Run(ctx, tui.FromLab(l), opts)
	sh.close() // every viewer and listener, before the lab goes
	l.Close()
	if rec != nil {
		if rerr := rec.Close(); rerr != nil {
			fmt.Fprintln(stderr, "nslab: --record:", rerr)
		}
		if cerr := recFile.commit(); cerr != nil {
			fmt.Fprintln(stderr, "nslab:", cerr)
			return exitFailed
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		failed(ctx, stderr, "nslab:", err)
		return exitFailed
	}
	return exitOK
}
