// Command nslab is an interactive terminal lab that teaches Linux mount namespaces, chroot and
// pivot_root on the real kernel: two real shells side by side, live panels of what the kernel
// says about each, and scripted lessons that check what they claim.
//
//	sudo nslab                      free-form lab
//	sudo nslab walkthrough [ID…]    the guided tour
//	nslab scenarios                 list the lessons
//	sudo nslab run ID… | --all      run lessons without the UI, print a transcript
//	nslab doctor                    check this machine
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/rootfs"
	"github.com/nslab/nslab/lab/signals"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui"
	"github.com/nslab/nslab/tui/cast"
	"golang.org/x/sys/unix"
)

func main() {
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

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT)
	defer stop()
	if path := os.Getenv(statsEnv); path != "" {
		if err := startStats(ctx, path, 5*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "nslab:", err)
			os.Exit(exitUsage)
		}
	}
	stopProfile := func() {}
	if path := os.Getenv(cpuProfileEnv); path != "" {
		var err error
		if stopProfile, err = startCPUProfile(path); err != nil {
			fmt.Fprintln(os.Stderr, "nslab:", err)
			os.Exit(exitUsage)
		}
	}
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // a check failed, or the lab could not start
	exitUsage   = 2 // bad command line or scenario files
	exitNotRoot = 3
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
	all       bool
}

const usage = `nslab — a lab for Linux mount namespaces, chroot and pivot_root, on the real kernel

Usage:
  sudo nslab [flags]                      free-form lab: two shells, live namespace and mount panels
  sudo nslab walkthrough [SCENARIO…]      the guided tour (all lessons in teaching order, or those named)
  nslab scenarios                         list the lessons: id, steps, title
  sudo nslab run SCENARIO… | --all        run lessons without the UI; exit non-zero if a check fails
  nslab doctor                            check this machine: privileges, kernel, terminal, rootfs

Flags (every command):
  --lang en|ko        language of the lessons (default from LANG)
  --theme NAME        dark, light or classroom (high contrast, colour-blind safe)
  --rootfs DIR        use your own rootfs for chroot and pivot_root lessons
  --shell PATH        the panes' shell (default $SHELL, else bash, else sh)
  --scenarios DIR     add (or override) lessons from a directory of YAML files
  --record FILE.cast  record the screen as an asciicast v2 file (lab and walkthrough)
  --markdown FILE.md  with run: also write the transcript as a Markdown handout
  --all               with run: every lesson
  -h, --help          this help
`

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
	fs.BoolVar(&c.all, "all", false, "")
	help := fs.Bool("help", false, "")
	fs.BoolVar(help, "h", false, "")
	// Flags may come before or after the command and its arguments.
	rest := args
	var positional []string
	for {
		if err := fs.Parse(rest); err != nil {
			return c, usageError{strings.TrimPrefix(err.Error(), "flag provided but not defined: ") + flagHint(err)}
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
	if *help {
		c.command = "help"
		return c, nil
	}
	if len(positional) > 0 {
		c.command, c.args = positional[0], positional[1:]
	}
	switch c.command {
	case "", "walkthrough", "scenarios", "run", "doctor", "help":
	default:
		return c, usageError{fmt.Sprintf("unknown command %q: try nslab --help", c.command)}
	}
	if c.command == "help" {
		return c, nil
	}
	l := *lang
	if l == "" {
		l = langFromEnv(getenv)
	}
	var err error
	if c.lang, err = scenarios.ParseLang(l); err != nil {
		return c, usageError{fmt.Sprintf("--lang %q: use en or ko", l)}
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
	if c.command == "run" && !c.all && len(c.args) == 0 {
		return c, usageError{"run needs scenario ids or --all (see nslab scenarios)"}
	}
	if c.command == "run" && c.all && len(c.args) > 0 {
		return c, usageError{"run takes scenario ids or --all, not both"}
	}
	if (c.command == "" || c.command == "scenarios" || c.command == "doctor") && len(c.args) > 0 {
		return c, usageError{fmt.Sprintf("unexpected argument %q: try nslab --help", c.args[0])}
	}
	return c, nil
}

func flagHint(err error) string {
	if strings.Contains(err.Error(), "not defined") {
		return ": unknown flag, try nslab --help"
	}
	return ""
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
	switch c.command {
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "scenarios":
		return cmdScenarios(c, stdout, stderr)
	case "doctor":
		return cmdDoctor(ctx, c, stdout)
	case "run":
		return cmdRun(ctx, c, stdout, stderr)
	default:
		return cmdLab(ctx, c, stderr)
	}
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
		fmt.Fprintf(stdout, "%-*s  %2d steps  %s\n", w, e.ID, e.Steps, e.Title)
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
		fmt.Fprintln(stderr, "nslab: cannot start the lab:", err)
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
	opts := scenarios.TranscriptOptions{Lang: c.lang, Narration: true}
	if c.markdown != "" {
		// Written as the run goes (no buffering), so an interrupted run keeps what it showed.
		f, err := os.Create(c.markdown)
		if err != nil {
			fmt.Fprintln(stderr, "nslab: --markdown:", err)
			return exitUsage
		}
		defer f.Close()
		opts.Markdown = f
	}
	l, code := startLab(ctx, c, 120, 40, stderr)
	if l == nil {
		return code
	}
	defer l.Close()
	ok, err := scenarios.RunHeadless(ctx, scenarios.Live(l), scs, stdout, opts)
	if err != nil {
		fmt.Fprintln(stderr, "nslab:", err)
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
	opts := tui.Options{Lang: c.lang, Theme: theme, NoColor: os.Getenv("NO_COLOR") != "", Walkthrough: walk}
	if c.record != "" {
		// Written as it goes (no buffering): a crash loses nothing already shown.
		f, err := os.Create(c.record)
		if err != nil {
			fmt.Fprintln(stderr, "nslab: --record:", err)
			return exitUsage
		}
		defer f.Close()
		title := "nslab"
		if c.command != "" {
			title += " " + c.command
		}
		rec, err := cast.New(f, cast.Options{Cols: cols, Rows: rows, Title: title,
			Env: map[string]string{"TERM": os.Getenv("TERM"), "SHELL": os.Getenv("SHELL")}})
		if err != nil {
			fmt.Fprintln(stderr, "nslab: --record:", err)
			return exitUsage
		}
		defer rec.Close()
		opts.Record = rec
	}
	// The panes start at half the screen; the UI sizes them exactly on its first frame.
	l, code := startLab(ctx, c, max(cols/2-2, 20), max(rows-12, 5), stderr)
	if l == nil {
		return code
	}
	defer l.Close()
	if len(walk) > 0 {
		opts.ScenarioLab = scenarios.Live(l)
	}
	if err := tui.Run(ctx, tui.FromLab(l), opts); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "nslab:", err)
		return exitFailed
	}
	return exitOK
}
