package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nslab/nslab/lab/rootfs"
	"golang.org/x/sys/unix"
)

// Workspace paths inside the lab host's mount namespace (rootfs holds the one definition).
// The lab's /tmp is a fresh tmpfs, so nothing here touches the real host's disk.
const (
	WorkspaceDir = rootfs.WorkspaceDir
	CanaryPath   = rootfs.CanaryPath
	RootfsDir    = rootfs.RootfsDir
	ShRCPath     = rootfs.ShellRCPath
	BashRCPath   = rootfs.BashRCPath
)

// ShellKind is the shell-integration flavour a shell gets.
type ShellKind int

// Shell kinds.
const (
	ShellPOSIX ShellKind = iota // dash, busybox ash, sh: ENV file with a PS1 carrying the marks
	ShellBash                   // bash: --rcfile, PROMPT_COMMAND, PS0
)

// promptCommand emits the command-end mark with the status, then the prompt-start mark.
// It is exported to nested shells too: a bash started by `unshare -m bash` reads the user's
// bashrc (its own PS1) but still inherits PROMPT_COMMAND, so its commands keep ending visibly.
// bash restores $? after running it.
const promptCommand = `printf '\033]133;D;%s\007\033]133;A\007' "$?"`

// shRC is the ENV file of POSIX shells (sh(1): an interactive shell reads $ENV). Prompt
// expansion of $? gives the status; the escape bytes are made with printf so the file
// itself stays plain text. busybox ash edits the line itself and counts every prompt byte
// as a column unless \[ \] enclose it (without them typed commands wrap 26 columns early);
// so does bash started as sh. dash has no line editor and would print them, so only a
// shell with ${x:0:1} that is not zsh, ksh or yash (prompt rules of their own) gets them.
const shRC = `# nslab shell integration: OSC 133 marks around the prompt
__e=$(printf '\033'); __a=$(printf '\007'); __o= __c=
if [ -z "$ZSH_VERSION$KSH_VERSION$YASH_VERSION" ] && (eval ': ${PPID:0:1}') 2>/dev/null; then __o='\['; __c='\]'; fi
PS1="${__o}${__e}]133;D;\$?${__a}${__e}]133;A${__a}${__c}[${NSLAB_PANE:-lab}] \$PWD # ${__o}${__e}]133;B${__a}${__c}"
unset __e __a __o __c
`

// bashRC is the rc file of bash panes. PS0 marks the command's start (bash ≥ 4.4).
const bashRC = `# nslab shell integration: OSC 133 marks around the prompt
case "$NSLAB_PANE" in host) __c=32;; ns) __c=35;; *) __c=36;; esac
PS1='\[\e[1;'$__c'm\][${NSLAB_PANE:-lab}]\[\e[0m\] \w # \[\e]133;B\a\]'
PS0='\e]133;C\a'
unset __c
alias ls='ls --color=auto'
`

// ShellSpec is a resolved shell: its path, flavour and the argv that starts it interactive.
type ShellSpec struct {
	Path string
	Kind ShellKind
	Argv []string
}

// ResolveShell picks the pane shell: flag, else $SHELL if it exists, else bash, else sh.
func ResolveShell(flag, envShell string) (ShellSpec, error) {
	var path string
	switch {
	case flag != "":
		p, err := exec.LookPath(flag)
		if err != nil {
			return ShellSpec{}, fmt.Errorf("shell %s: %w", flag, err)
		}
		path = p
	case envShell != "" && isExecutable(envShell):
		path = envShell
	default:
		for _, name := range []string{"bash", "sh"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		return ShellSpec{}, errors.New("no shell found: neither bash nor sh is in PATH")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ShellSpec{}, err
	}
	return shellSpec(abs), nil
}

func shellSpec(path string) ShellSpec {
	name := filepath.Base(path)
	if real, err := filepath.EvalSymlinks(path); err == nil && filepath.Base(real) != "busybox" {
		name = filepath.Base(real) // /bin/sh -> dash
	}
	if strings.HasPrefix(name, "bash") {
		return ShellSpec{Path: path, Kind: ShellBash, Argv: []string{path, "--rcfile", BashRCPath, "-i"}}
	}
	return ShellSpec{Path: path, Kind: ShellPOSIX, Argv: []string{path, "-i"}}
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// keptEnv is all the lab keeps of the caller's environment (the one filter, for the init
// and the shells): where programs are and how text is shown. Anything else — agent sockets,
// cloud credentials — stays out of the lab, where any pane could read /proc/1/environ.
func keptEnv(base []string) []string {
	keep := map[string]bool{"PATH": true, "LANG": true, "LANGUAGE": true, "TZ": true, "COLORTERM": true}
	var env []string
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "PATH":
			env = append(env, "PATH="+withSbin(v))
		case keep[k] || strings.HasPrefix(k, "LC_"):
			env = append(env, kv)
		}
	}
	if !hasKey(env, "PATH") {
		env = append(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	return env
}

// withSbin adds the sbin directories a PATH lacks: in the lab the shells are root, and
// root's tools (chroot, pivot_root, mkfs) live there; a user's PATH on Debian has none, so
// rootless the lessons' commands were not found.
func withSbin(path string) string {
	have := map[string]bool{}
	for _, d := range filepath.SplitList(path) {
		have[d] = true
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin"} {
		if !have[d] {
			if path != "" {
				path += ":"
			}
			path += d
		}
	}
	return path
}

// paneTerm is the terminal type of the panes (what the emulator answers as).
const paneTerm = "TERM=xterm-256color"

// initEnv is the lab init's environment: PATH, for the tools it copies into the rootfs, and
// the panes' TERM, whose description it copies too.
func initEnv(base []string) []string {
	return append(keptEnv(base), paneTerm)
}

// maxKeptEnv bounds the kept environment as it travels in a spawn request: with the shell's
// argv it must fit one control message (maxCtlMsg).
const maxKeptEnv = 32 << 10

// checkEnv refuses a kept environment too large to hand to the lab, naming its longest
// variable, before anything starts.
func checkEnv(base []string) error {
	kept := keptEnv(base)
	b, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	if len(b) <= maxKeptEnv {
		return nil
	}
	longest := ""
	for _, kv := range kept {
		if len(kv) > len(longest) {
			longest = kv
		}
	}
	k, _, _ := strings.Cut(longest, "=")
	return fmt.Errorf("the environment variable %s is too long for the lab (%d bytes): nslab passes its shells at most %d KiB of PATH, LANG, LANGUAGE, TZ, COLORTERM and LC_*",
		k, len(longest)-len(k)-1, maxKeptEnv>>10)
}

// RootlessHome is the panes' home when the machine's /root is out of reach: rootless, root
// of the lab's user namespace has no power over the machine's root's files (0700). The lab's
// init makes it in the workspace.
const RootlessHome = WorkspaceDir + "/root"

// paneHome is the panes' home directory, where their shells start: /root, or RootlessHome.
func paneHome() string {
	// access(2) X_OK, with the same powers as the lab's init and shells.
	if unix.Access("/root", unix.X_OK) != nil {
		return RootlessHome
	}
	return "/root"
}

// shellEnv is the environment of a pane shell: a small, predictable one.
func shellEnv(role Role, base []string) []string {
	env := append(keptEnv(base),
		paneTerm,
		"HOME="+paneHome(),
		"USER=root",
		"LOGNAME=root",
		"NSLAB_PANE="+string(role),
		"ENV="+ShRCPath,
		"PROMPT_COMMAND="+promptCommand,
		// History stays in the lab's workspace and vanishes with it.
		"HISTFILE="+WorkspaceDir+"/history."+string(role),
	)
	return env
}

func hasKey(env []string, key string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			return true
		}
	}
	return false
}
