package scenarios

import (
	"fmt"
	"strings"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// Lang is a language the scenarios are written in.
type Lang string

// The languages every text is written in.
const (
	EN Lang = "en"
	KO Lang = "ko"
)

// ParseLang reads a --lang value or a LANG-style locale ("ko_KR.UTF-8" is Korean).
func ParseLang(s string) (Lang, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	// Ifs, not a switch: a mutation tester counts a case expression as never run.
	if l == "en" || strings.HasPrefix(l, "en_") || strings.HasPrefix(l, "en-") {
		return EN, nil
	}
	if l == "ko" || strings.HasPrefix(l, "ko_") || strings.HasPrefix(l, "ko-") {
		return KO, nil
	}
	return "", fmt.Errorf("parse language %q: expected en or ko", s)
}

// Text is one sentence or paragraph in every language.
type Text struct {
	EN string
	KO string
}

// In gives the text in l, falling back to English.
func (t Text) In(l Lang) string {
	if l == KO && t.KO != "" {
		return t.KO
	}
	return t.EN
}

// IsZero reports whether the text is absent (an optional hint, for instance).
func (t Text) IsZero() bool { return t.EN == "" && t.KO == "" }

// Scenario is one scripted lesson.
type Scenario struct {
	// ID names the scenario on the command line (`nslab run tmpfs`).
	ID      string
	Title   Text
	Summary Text
	// NSStart is where the ns pane starts (StartUnshared unless the file says host).
	NSStart NSStart
	// NeedsRoot, when set, says why the lesson cannot run in a rootless lab (the file's
	// needs_root): `nslab scenarios` shows it, and a rootless run skips the lesson with it.
	NeedsRoot Text
	Steps     []Step
	// File names the file the scenario came from (for messages); Override is set when a
	// teacher's file replaces a built-in scenario of the same id.
	File     string
	Override bool
}

// DefaultTimeout is how long a step's command may run when its file does not say.
const DefaultTimeout = 10 * time.Second

// Step is one thing a learner does and what the kernel must then say.
type Step struct {
	// Line is the step's line in its file.
	Line      int
	Narration Text
	// Pane is where the command is typed and the default pane of its checks.
	Pane lab.Role
	// Command is typed into the pane as one line; empty for a narration-only step.
	// It may hold placeholders; see Runner.Command for the expanded text.
	Command string
	Checks  []Check
	// Hint is shown when a check fails (optional).
	Hint    Text
	Timeout time.Duration
	// DisplayOnly marks a step that shows state and changes none (`findmnt`, `ps`): its
	// kernel checks prove that the state shown is there, and the mutation test does not
	// require a command that prints the same to fail them.
	DisplayOnly bool
	// Refused marks a step whose command the kernel must refuse, changing nothing: its
	// output checks name the exact error, its kernel checks prove nothing changed.
	Refused bool
}

// CheckKind names what a check asks of the kernel.
type CheckKind string

// The check kinds, as written in scenario files.
const (
	// About the command's own result.
	CheckExit              CheckKind = "exit"                // exit: 0 | exit: nonzero
	CheckOutputContains    CheckKind = "output_contains"     // output_contains: TEXT
	CheckOutputNotContains CheckKind = "output_not_contains" // output_not_contains: TEXT
	CheckOutputMatches     CheckKind = "output_matches"      // output_matches: REGEXP
	CheckOutputNotMatches  CheckKind = "output_not_matches"  // output_not_matches: REGEXP
	CheckOutputShowsNS     CheckKind = "output_shows_ns"     // output_shows_ns: mnt (the pane's inode, read from the kernel)
	// About the live kernel.
	CheckMounted          CheckKind = "mounted"            // mounted: TARGET [fstype, source, root, bind_of, options, super_options]
	CheckNotMounted       CheckKind = "not_mounted"        // not_mounted: TARGET [fstype, source]
	CheckSameNS           CheckKind = "same_ns"            // same_ns: mnt
	CheckDifferentNS      CheckKind = "different_ns"       // different_ns: mnt
	CheckPropagation      CheckKind = "propagation"        // propagation: shared, target: PATH [peer_with: host | recursive: true]
	CheckVisible          CheckKind = "visible"            // visible: PATH
	CheckNotVisible       CheckKind = "not_visible"        // not_visible: PATH
	CheckChrooted         CheckKind = "chrooted"           // chrooted: true|false
	CheckRootIsMountpoint CheckKind = "root_is_mountpoint" // root_is_mountpoint: true|false
	CheckMountCopy        CheckKind = "mount_copy"         // mount_copy: true|false
	CheckPIDInNS          CheckKind = "pid_in_ns"          // pid_in_ns: 1 (the process's PID in its own PID namespace)
	CheckProcIsOwn        CheckKind = "proc_is_own"        // proc_is_own: true|false (the /proc ps reads lists the process's PID namespace)
)

// CheckKinds lists every check kind in the order the documentation gives them.
func CheckKinds() []CheckKind {
	return []CheckKind{CheckExit, CheckOutputContains, CheckOutputNotContains, CheckOutputMatches,
		CheckOutputNotMatches, CheckOutputShowsNS, CheckMounted, CheckNotMounted, CheckSameNS, CheckDifferentNS,
		CheckPropagation, CheckVisible, CheckNotVisible, CheckChrooted, CheckRootIsMountpoint,
		CheckMountCopy, CheckPIDInNS, CheckProcIsOwn}
}

// needsCommand reports whether the kind reads the command's result rather than the kernel.
func (k CheckKind) needsCommand() bool {
	switch k {
	case CheckExit, CheckOutputContains, CheckOutputNotContains, CheckOutputMatches, CheckOutputNotMatches, CheckOutputShowsNS:
		return true
	}
	return false
}

// readsKernel reports whether the kind asks the live kernel (output_shows_ns reads both).
func (k CheckKind) readsKernel() bool {
	return !k.needsCommand() || k == CheckOutputShowsNS
}

// Check is one claim to test against the kernel after a step's command. Which fields
// are used depends on Kind; paths and texts may hold placeholders.
type Check struct {
	Kind CheckKind
	// Line is the check's line in its file.
	Line int
	// Pane is the pane the check looks at (the step's pane unless the file says).
	Pane lab.Role
	// Exit is the wanted status for CheckExit unless ExitNonZero is set.
	Exit        int
	ExitNonZero bool
	// Text is the text or regexp of the output checks.
	Text string
	// Label, for a regexp check, is what the check claims in words (shown instead of the
	// regexp, which means nothing to a learner).
	Label Text
	// Path is the mount target (mounted, not_mounted, propagation) or the path to
	// resolve (visible, not_visible), as seen from the pane's mount namespace root.
	Path string
	// Mount filters: fstype, source, the root field, a directory the mount must be a
	// bind of, and options that must be among the per-mount and super options.
	FSType       string
	Source       string
	Root         string
	BindOf       string
	Options      []string
	SuperOptions []string
	// NSType is the namespace type of same_ns, different_ns and output_shows_ns.
	NSType lab.NSType
	// Propagation is the wanted type; PeerWith, if set, also requires the mount to be
	// in the same peer group as (shared) or a slave of (slave) that pane's mount.
	Propagation mnt.PropagationType
	PeerWith    lab.Role
	// Recursive makes a propagation check hold for every mount at or below the target.
	Recursive bool
	// Want is the wanted answer of chrooted, root_is_mountpoint and mount_copy.
	Want bool
	// PID is the wanted PID of pid_in_ns.
	PID int
}
