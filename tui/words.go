package tui

import (
	"fmt"
	"strings"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
)

// words is every word the screen shows, in one language (Options.Lang): the
// free-form lab's as much as the walkthrough's, so a Korean screen has no
// English left on it. Pane names (host, ns), key names (f2, alt+←), commands
// and kernel identifiers (mnt, tmpfs, cwd, shared:1) are the same in every
// language. One value is made by the Model and handed down with the styles.
//
// Korean: a shell's pane is 창 (host 창, ns 창), a panel is 패널; particles
// attach to the word before them and follow its Korean reading ("f10을",
// "/tmp에", "host가": 호스트가, "ns가": 엔에스가).
type words struct {
	// Panels.
	nsPanel, mountsPanel, eventsPanel string
	// nsHeader are the namespace panel's columns: type, host, ns.
	nsType       string
	noShell      string
	pid          func(pid int, comm string) string
	cwd          string
	chrootedAt   func(path string) string
	chrootedPane func(pane string) string
	// follows introduces, in a pane's title, the process its panels show.
	follows string
	// reachable counts what a chrooted process reaches of its table's rows;
	// holdsRoot and outOfReach explain the marks of the rows.
	reachable             func(n, of int) string
	holdsRoot, outOfReach string
	// chrootRoot and chrootOut explain the same marks in F1, away from the
	// chroot's line.
	chrootRoot, chrootOut string
	// forChildren explains the ↓ of pid↓ and time↓.
	forChildren string
	// rootlessUser says, rootless, that the user row is nslab's own namespace.
	rootlessUser        string
	pointCol, fstypeCol string
	sourceCol, relCol   string
	// opts names the per-mount options (their column, and what differs).
	opts, super, prop string
	// The relation of a mount's two copies (relation.go). Short: the
	// column is narrow, and the groups are in the columns beside it.
	peers        func(group int) string
	slaveOf      func(pane string, group int) string
	bothSlaves   func(group int) string
	notConnected string
	// Without the group, for a narrow column.
	slaveShort      func(pane string) string
	bothSlavesShort string
	noMatch         string
	rows            func(n int) string
	pseudoHidden    func(n int) string
	paneNoShell     func(pane string) string
	// Diff classes and the just-changed signs, for legends and the filter.
	both, hostOnly, nsOnly, changed string
	added, gone, modified           string
	// hiddenRows marks rows left out because they do not fit: how many, and
	// of which kinds ("= 2, ◀ 1").
	hiddenRows func(n int, kinds string) string
	// hiddenAround marks the rows above and below a scrolled view.
	hiddenAround func(above, below int, kinds string) string
	// earlier and later mark the event log's entries above and below.
	earlier, later func(n int) string
	nothingYet     string

	// Event log entries.
	shellExited  func(status int) string
	shellStarted string
	withPID      func(pid int) string
	nsChanged    func(typ, from, to string) string
	superChange  func(from, to string) string

	// Panes.
	zoom, startingShell, retry, newShell string
	noShellBecause                       func(why string) string
	exited                               func(status int) string
	// The lab's own end under the screen (labended.go).
	labEnded, newLab, startingLab string
	noLabBecause                  func(why string) string
	// labEndedBy says why, when the lab knows ("" otherwise: labEnded).
	labEndedBy func(c lab.EndCause) string

	// Help.
	keysTitle, otherKeys, justChanged, spotlight, sameDifferentNS string
	quitAnyway                                                    string
	tooSmall                                                      func(w, h, minW, minH int) string
	tooSmallShort                                                 func(minW, minH int) string
	recording                                                     string
	// Key descriptions, in KeyMap order.
	keyHostPane, keyNSPane, keyFocusPane, keyNextPart, keyHelp, keyZoom, keyUnzoom, keyQuit string
	keyScroll, keyScrollForward, keyNewShell                                                string
	keyNewLab                                                                               string
	keyUp, keyDown, keyPageUp, keyPageDown, keyTop, keyBottom                               string
	keyFilter, keyBack, keyPseudo, keyNextTab, keyPrevTab                                   string
	keyTree, keyList                                                                        string
	keyStep, keyPrevious, keyYes, keyNo, keyFilterDone, keyFilterCancel                     string
	// While a program owns the focused pane's screen: Ctrl-g, then a lab key.
	keyPrefix, keyPrefixAgain, keyPrefixSend, keyPrefixCancel string
	// prefixThen follows "ctrl+g" on the help bar before the lab's keys;
	// prefixNow once Ctrl-g was pressed. prefixHelp explains both in F1.
	prefixThen, prefixNow, prefixHelp string
	// prefixFirst follows the walkthrough's keys on its bar then.
	prefixFirst string
	// quitBusy asks before quitting while panes run programs, each named by
	// busyItem (comm is empty when not known yet).
	quitBusy func(items []string) string
	busyItem func(comm, pane string) string

	// The spotlight line after a step, one change at a time: a pane's
	// namespace or root, a mount point's mount. sides is a pane or
	// bothPanes.
	spotNSNew       func(pane string, t lab.NSType, tag string) string
	spotNSSame      func(pane string, t lab.NSType, other string) string
	spotChroot      func(pane, path string) string
	spotRootBack    func(pane string) string
	spotMounted     func(point, sides string) string
	spotUnmounted   func(point, sides string) string
	spotRemounted   func(point, sides, from, to string) string
	spotPropagation func(point, sides, from, to string) string
	// Many mounts changed alike, said once with their count.
	spotMountedMany     func(n int, sides string) string
	spotUnmountedMany   func(n int, sides string) string
	spotPropagationMany func(n int, sides, from, to string) string
	bothPanes           string
	spotMore            func(n int) string

	// The walkthrough's bar.
	step, hint, noCommand, starting, running, rechecking           string
	run, next, recheck, passed, failed, finished, broken, tryAgain string
	look, after, rewindFailed, stepQueued, backQueued, checkAndGo  string
	replaying                                                      string
	// rewinding takes the step number it goes back to.
	rewinding func(step int) string
	// totals is the end screen's count of what was done.
	totals func(lessons, steps, checks int) string
	// lessonRule and rewindRule head a pane's fresh screen when a lesson
	// starts and when a rewind starts the lab afresh.
	lessonRule func(n, of int, id, title string) string
	rewindRule func(n, of int, id string, step int) string
	// checksHidden marks checks the bar has no room for, failed of them
	// failed; checksMore checks not yet run.
	checksHidden func(n, failed int) string
	checksMore   func(n int) string
}

// wordsFor gives the screen's words in a language; anything but Korean is
// English.
func wordsFor(l scenarios.Lang) words {
	if l == scenarios.KO {
		return korean()
	}
	return english()
}

func english() words {
	return words{
		nsPanel: "namespaces", mountsPanel: "mounts", eventsPanel: "events",
		nsType: "type", noShell: "no shell",
		pid:          func(pid int, comm string) string { return fmt.Sprintf("pid %d %s", pid, comm) },
		cwd:          "cwd",
		chrootedAt:   func(p string) string { return "chrooted at " + p },
		chrootedPane: func(pane string) string { return pane + " chrooted" },
		forChildren:  "for children",
		rootlessUser: "user: nslab's own, rootless",
		reachable: func(n, of int) string {
			return fmt.Sprintf("%d of %s reachable", n, plural(of, "mount", "mounts"))
		},
		holdsRoot: "its root", outOfReach: "out of reach",
		chrootRoot: "holds a chrooted process's root", chrootOut: "out of its reach",
		follows:  "follows",
		pointCol: "mount point", fstypeCol: "fstype", sourceCol: "source", relCol: "relation",
		opts: "opts", super: "super", prop: "prop",
		peers:        func(g int) string { return "peers" },
		slaveOf:      func(pane string, g int) string { return fmt.Sprintf("%s slave of %d", pane, g) },
		bothSlaves:   func(g int) string { return fmt.Sprintf("both slaves of %d", g) },
		notConnected: "not connected",
		slaveShort:   func(pane string) string { return pane + " slave" }, bothSlavesShort: "both slaves",
		noMatch:      "(no mounts match)",
		rows:         func(n int) string { return plural(n, "row", "rows") },
		pseudoHidden: func(n int) string { return fmt.Sprintf("%d pseudo fs hidden", n) },
		paneNoShell:  func(pane string) string { return pane + " has no shell" },
		both:         "both", hostOnly: "host only", nsOnly: "ns only", changed: "changed",
		added: "mounted", gone: "unmounted", modified: "remounted",
		hiddenRows: func(n int, kinds string) string { return fmt.Sprintf("… %d more (%s)", n, kinds) },
		hiddenAround: func(above, below int, kinds string) string {
			switch {
			case above == 0:
				return fmt.Sprintf("… %d below (%s)", below, kinds)
			case below == 0:
				return fmt.Sprintf("… %d above (%s)", above, kinds)
			}
			return fmt.Sprintf("… %d above, %d below (%s)", above, below, kinds)
		},
		earlier:    func(n int) string { return fmt.Sprintf("… %d earlier", n) },
		later:      func(n int) string { return fmt.Sprintf("… %d later", n) },
		nothingYet: "(nothing yet: mount something)",

		shellExited: func(s int) string {
			if s == 0 {
				return "shell exited"
			}
			return fmt.Sprintf("shell exited, status"+nbsp+"%d", s)
		},
		shellStarted: "shell started",
		withPID:      func(pid int) string { return fmt.Sprintf(" (pid"+nbsp+"%d)", pid) },
		nsChanged:    func(typ, from, to string) string { return fmt.Sprintf("%s ns %s → %s", typ, from, to) },
		superChange:  func(from, to string) string { return fmt.Sprintf("super %s → %s", from, to) },

		zoom: "zoom", startingShell: "starting a new shell", retry: "enter: retry", newShell: "enter: new shell",
		labEnded: "lab ended (init killed or rebooted)", newLab: "enter: fresh lab",
		startingLab:  "starting a fresh lab",
		noLabBecause: func(why string) string { return "no fresh lab: " + why },
		labEndedBy: func(c lab.EndCause) string {
			switch c {
			case lab.EndRebooted:
				return "lab ended: reboot in a pane"
			case lab.EndHalted:
				return "lab ended: halt or poweroff in a pane"
			case lab.EndKilled:
				return "lab ended: its init was killed"
			case lab.EndExited:
				return "lab ended: its init exited"
			}
			return ""
		},
		noShellBecause: func(why string) string { return "no shell: " + why },
		exited: func(s int) string {
			if s == 0 {
				return "shell exited"
			}
			return fmt.Sprintf("exited (%d)", s)
		},

		keysTitle:       "nslab keys",
		otherKeys:       "Every other key goes to the focused shell. Any key closes this.",
		justChanged:     "just changed",
		spotlight:       "the last step's changes",
		sameDifferentNS: "same/different namespace",
		quitAnyway:      "A step is still running. Quit anyway?",
		tooSmall: func(w, h, minW, minH int) string {
			return fmt.Sprintf("Terminal too small (%d×%d): nslab needs at least %d×%d.", w, h, minW, minH)
		},
		tooSmallShort: func(minW, minH int) string { return fmt.Sprintf("Too small: need %d×%d", minW, minH) },
		recording:     "recording",

		keyHostPane: "host pane", keyNSPane: "ns pane", keyFocusPane: "focus pane", keyNextPart: "next part",
		keyHelp: "help", keyZoom: "zoom", keyUnzoom: "unzoom", keyQuit: "quit",
		keyScroll: "scroll", keyScrollForward: "scroll forward", keyNewShell: "new shell", keyNewLab: "fresh lab",
		keyUp: "up", keyDown: "down", keyPageUp: "page up", keyPageDown: "page down", keyTop: "top", keyBottom: "bottom",
		keyFilter: "filter", keyBack: "back to pane", keyPseudo: "pseudo fs", keyNextTab: "next tab", keyPrevTab: "prev tab",
		keyTree: "tree", keyList: "list",
		keyStep: "run·next", keyPrevious: "step back", keyYes: "quit", keyNo: "stay",
		keyFilterDone: "keep filter", keyFilterCancel: "clear filter",
		keyPrefix: "lab key prefix in full-screen programs", keyPrefixAgain: "one ctrl+g to the program",
		keyPrefixSend: "to the program", keyPrefixCancel: "cancel",
		prefixThen: " then:", prefixNow: ", now:", prefixFirst: "(ctrl+g first)",
		prefixHelp: "While a program in the focused pane uses the whole screen or the mouse (htop, mc, vim, less), " +
			"every key goes to it, F-keys and Alt too: for the lab's keys press ctrl+g first. " +
			"The wheel scrolls such a program's screen (as arrow keys) and a shell's scrollback.",
		quitBusy: func(items []string) string {
			return "Still running: " + strings.Join(items, ", ") + ". Quit and end the lab?"
		},
		busyItem: func(comm, pane string) string {
			if comm == "" {
				comm = "a command"
			}
			return comm + " (" + pane + " pane)"
		},

		spotNSNew: func(pane string, t lab.NSType, tag string) string {
			if strings.HasSuffix(string(t), forChildrenSuffix) {
				return fmt.Sprintf("%s has a new %s, %s", pane, nsNameEN(t), tag) // it is not in it: its children will be
			}
			return fmt.Sprintf("%s in a new %s, %s", pane, nsNameEN(t), tag)
		},
		spotNSSame: func(pane string, t lab.NSType, other string) string {
			if strings.HasSuffix(string(t), forChildrenSuffix) {
				return fmt.Sprintf("%s has the same %s as %s", pane, nsNameEN(t), other)
			}
			return fmt.Sprintf("%s in the same %s as %s", pane, nsNameEN(t), other)
		},
		spotChroot:    func(pane, path string) string { return pane + " chrooted at " + path },
		spotRootBack:  func(pane string) string { return pane + "'s root is / again" },
		spotMounted:   func(point, sides string) string { return point + " mounted in " + sides },
		spotUnmounted: func(point, sides string) string { return point + " unmounted in " + sides },
		spotRemounted: func(point, sides, from, to string) string {
			return fmt.Sprintf("%s remounted in %s, %s → %s", point, sides, from, to)
		},
		spotPropagation: func(point, sides, from, to string) string {
			return fmt.Sprintf("%s propagation in %s, %s → %s", point, sides, from, to)
		},
		spotMountedMany:   func(n int, sides string) string { return fmt.Sprintf("%d new mounts in %s", n, sides) },
		spotUnmountedMany: func(n int, sides string) string { return fmt.Sprintf("%d mounts unmounted in %s", n, sides) },
		spotPropagationMany: func(n int, sides, from, to string) string {
			return fmt.Sprintf("propagation of %d mounts in %s, %s → %s", n, sides, from, to)
		},
		bothPanes: "host and ns",
		spotMore:  func(n int) string { return fmt.Sprintf("+%d more", n) },

		step: "step", hint: "hint", noCommand: "(nothing to type)",
		starting: "resetting the lab", running: "running", rechecking: "re-checking",
		run: "f5 run", next: "f5 next", recheck: "fix it by hand, f5 re-check",
		passed: "passed", failed: "failed", finished: "every lesson is done",
		broken: "could not start the lesson", tryAgain: "f5 try again", look: "changed",
		after:        "The panes are still yours to explore; f10 quits.",
		rewindFailed: "could not rewind", stepQueued: "f5 taken: runs when ready",
		backQueued: "alt+p taken: goes back a step when ready", checkAndGo: "f5 check and go on",
		rewinding: func(n int) string { return fmt.Sprintf("rewinding to step %d", n) },
		totals: func(lessons, steps, checks int) string {
			return fmt.Sprintf("%s and their %s done; %s passed.",
				plural(lessons, "lesson", "lessons"), plural(steps, "step", "steps"), plural(checks, "check", "checks"))
		},
		lessonRule: func(n, of int, id, title string) string {
			return fmt.Sprintf("lesson %d/%d · %s · %s", n, of, id, title)
		},
		rewindRule: func(n, of int, id string, step int) string {
			return fmt.Sprintf("lesson %d/%d · %s · back to step %d: a fresh lab, the steps before it typed again", n, of, id, step)
		},
		replaying: "A fresh lab; the commands of the steps before this one are typed again, quickly.",
		checksHidden: func(n, failed int) string {
			if failed > 0 {
				return fmt.Sprintf("… %s not shown, %d failed", plural(n, "check", "checks"), failed)
			}
			return fmt.Sprintf("… %s passed, not shown", plural(n, "check", "checks"))
		},
		checksMore: func(n int) string { return fmt.Sprintf("… %s more", plural(n, "check", "checks")) },
	}
}

func korean() words {
	return words{
		nsPanel: "네임스페이스", mountsPanel: "마운트", eventsPanel: "이벤트",
		nsType: "종류", noShell: "셸 없음",
		pid:          func(pid int, comm string) string { return fmt.Sprintf("PID %d %s", pid, comm) },
		cwd:          "cwd",
		chrootedAt:   func(p string) string { return p + "에 chroot됨" },
		chrootedPane: func(pane string) string { return pane + " chroot됨" },
		forChildren:  "자식 프로세스용",
		rootlessUser: "user: sudo 없이 nslab이 만든 네임스페이스",
		reachable:    func(n, of int) string { return fmt.Sprintf("마운트 %d개 중 %d개에 닿음", of, n) },
		holdsRoot:    "루트가 있는 마운트", outOfReach: "닿지 않음",
		chrootRoot: "chroot된 프로세스의 루트가 있는 마운트", chrootOut: "그 프로세스가 닿지 않는 마운트",
		follows:  "추적 중",
		pointCol: "마운트 지점", fstypeCol: "형식", sourceCol: "소스", relCol: "관계",
		opts: "옵션", super: "슈퍼블록", prop: "전파",
		peers:        func(g int) string { return "피어" },
		slaveOf:      func(pane string, g int) string { return fmt.Sprintf("%s가 %d의 슬레이브", pane, g) },
		bothSlaves:   func(g int) string { return fmt.Sprintf("둘 다 %d의 슬레이브", g) },
		notConnected: "연결 없음",
		slaveShort:   func(pane string) string { return pane + "가 슬레이브" }, bothSlavesShort: "둘 다 슬레이브",
		noMatch:      "(맞는 마운트 없음)",
		rows:         func(n int) string { return fmt.Sprintf("%d행", n) },
		pseudoHidden: func(n int) string { return fmt.Sprintf("의사 파일 시스템 %d개 숨김", n) },
		paneNoShell:  func(pane string) string { return pane + " 창에 셸 없음" },
		both:         "양쪽", hostOnly: "host만", nsOnly: "ns만", changed: "다름",
		added: "마운트됨", gone: "언마운트됨", modified: "다시 마운트됨",
		hiddenRows: func(n int, kinds string) string { return fmt.Sprintf("… %d행 더 있음 (%s)", n, kinds) },
		hiddenAround: func(above, below int, kinds string) string {
			switch {
			case above == 0:
				return fmt.Sprintf("… 아래에 %d행 더 있음 (%s)", below, kinds)
			case below == 0:
				return fmt.Sprintf("… 위에 %d행 더 있음 (%s)", above, kinds)
			}
			return fmt.Sprintf("… 위에 %d행, 아래에 %d행 더 있음 (%s)", above, below, kinds)
		},
		earlier:    func(n int) string { return fmt.Sprintf("… 이전 항목 %d개", n) },
		later:      func(n int) string { return fmt.Sprintf("… 이후 항목 %d개", n) },
		nothingYet: "(아직 없음: 무언가를 마운트해 보세요)",

		shellExited: func(s int) string {
			if s == 0 {
				return "셸 종료"
			}
			return fmt.Sprintf("셸 종료 (상태"+nbsp+"%d)", s)
		},
		shellStarted: "셸 시작",
		withPID:      func(pid int) string { return fmt.Sprintf(" (PID"+nbsp+"%d)", pid) },
		nsChanged: func(typ, from, to string) string {
			return fmt.Sprintf("%s 네임스페이스 %s → %s", typ, from, to)
		},
		superChange: func(from, to string) string { return fmt.Sprintf("슈퍼블록 %s → %s", from, to) },

		zoom: "확대", startingShell: "새 셸을 시작하는 중", retry: "enter: 다시 시도", newShell: "enter: 새 셸",
		labEnded: "실습 환경 종료 (init 종료 또는 재부팅)", newLab: "enter: 새 실습 환경",
		startingLab:  "새 실습 환경을 시작하는 중",
		noLabBecause: func(why string) string { return "새 실습 환경을 시작하지 못했습니다: " + why },
		labEndedBy: func(c lab.EndCause) string {
			switch c {
			case lab.EndRebooted:
				return "실습 환경 종료: 창에서 reboot 실행"
			case lab.EndHalted:
				return "실습 환경 종료: 창에서 halt/poweroff 실행"
			case lab.EndKilled:
				return "실습 환경 종료: init이 강제 종료됨"
			case lab.EndExited:
				return "실습 환경 종료: init이 스스로 끝남"
			}
			return ""
		},
		noShellBecause: func(why string) string { return "셸 없음: " + why },
		exited: func(s int) string {
			if s == 0 {
				return "셸 종료"
			}
			return fmt.Sprintf("셸 종료 (상태 %d)", s)
		},

		keysTitle:       "nslab 키",
		otherKeys:       "그 밖의 키는 모두 초점이 있는 창의 셸로 갑니다. 아무 키나 누르면 닫힙니다.",
		justChanged:     "방금 바뀜",
		spotlight:       "지난 단계가 바꾼 곳",
		sameDifferentNS: "같은/다른 네임스페이스",
		quitAnyway:      "단계가 아직 실행 중입니다. 그래도 끝낼까요?",
		tooSmall: func(w, h, minW, minH int) string {
			return fmt.Sprintf("터미널이 너무 작습니다(%d×%d). nslab에는 %d×%d 이상이 필요합니다.", w, h, minW, minH)
		},
		tooSmallShort: func(minW, minH int) string { return fmt.Sprintf("너무 작음: %d×%d 필요", minW, minH) },
		recording:     "녹화",

		keyHostPane: "host 창", keyNSPane: "ns 창", keyFocusPane: "창 이동", keyNextPart: "다음 영역",
		keyHelp: "도움말", keyZoom: "확대", keyUnzoom: "확대 해제", keyQuit: "종료",
		keyScroll: "위로 스크롤", keyScrollForward: "아래로 스크롤", keyNewShell: "새 셸", keyNewLab: "새 실습 환경",
		keyUp: "위", keyDown: "아래", keyPageUp: "이전 쪽", keyPageDown: "다음 쪽", keyTop: "맨 위", keyBottom: "맨 아래",
		keyFilter: "필터", keyBack: "창으로 돌아가기", keyPseudo: "의사 파일 시스템", keyNextTab: "다음 탭", keyPrevTab: "이전 탭",
		keyTree: "트리로 보기", keyList: "목록으로 보기",
		keyStep: "실행·다음", keyPrevious: "단계 되돌리기", keyYes: "종료", keyNo: "계속",
		keyFilterDone: "필터 유지", keyFilterCancel: "필터 지우기",
		keyPrefix: "전체 화면 프로그램에서 nslab 키 앞에", keyPrefixAgain: "프로그램에 ctrl+g 보내기",
		keyPrefixSend: "프로그램에 보내기", keyPrefixCancel: "취소",
		prefixThen: "를 누른 뒤:", prefixNow: "를 눌렀습니다:", prefixFirst: "(ctrl+g 먼저)",
		prefixHelp: "htop, mc, vim, less처럼 화면 전체나 마우스를 쓰는 프로그램이 초점이 있는 창에서 실행되는 동안에는 " +
			"F 키와 Alt 조합까지 모든 키가 그 프로그램으로 갑니다. 이때 nslab의 키는 ctrl+g를 먼저 누른 뒤 누르세요. " +
			"마우스 휠은 그런 프로그램에서는 화살표 키가 되어 화면을 넘기고, 셸에서는 스크롤백을 넘깁니다.",
		quitBusy: func(items []string) string {
			return "아직 실행 중: " + strings.Join(items, ", ") + ". 실습 환경을 끝낼까요?"
		},
		busyItem: func(comm, pane string) string {
			if comm == "" {
				comm = "명령"
			}
			return comm + "(" + pane + " 창)"
		},

		spotNSNew: func(pane string, t lab.NSType, tag string) string {
			if strings.HasSuffix(string(t), forChildrenSuffix) {
				return fmt.Sprintf("%s의 %s가 새로 생김 (%s)", pane, nsNameKO(t), tag)
			}
			return fmt.Sprintf("%s가 새 %s에 들어감 (%s)", pane, nsNameKO(t), tag)
		},
		spotNSSame: func(pane string, t lab.NSType, other string) string {
			if strings.HasSuffix(string(t), forChildrenSuffix) {
				return fmt.Sprintf("%s의 %s가 %s와 같아짐", pane, nsNameKO(t), other)
			}
			return fmt.Sprintf("%s가 %s와 같은 %s에 들어감", pane, other, nsNameKO(t))
		},
		spotChroot:    func(pane, path string) string { return fmt.Sprintf("%s가 %s에 chroot됨", pane, path) },
		spotRootBack:  func(pane string) string { return pane + "의 루트가 /로 돌아옴" },
		spotMounted:   func(point, sides string) string { return fmt.Sprintf("%s에서 %s 마운트됨", sides, point) },
		spotUnmounted: func(point, sides string) string { return fmt.Sprintf("%s에서 %s 언마운트됨", sides, point) },
		spotRemounted: func(point, sides, from, to string) string {
			return fmt.Sprintf("%s에서 %s 다시 마운트됨, %s → %s", sides, point, from, to)
		},
		spotPropagation: func(point, sides, from, to string) string {
			return fmt.Sprintf("%s에서 %s 전파 바뀜, %s → %s", sides, point, from, to)
		},
		spotMountedMany: func(n int, sides string) string { return fmt.Sprintf("%s에 새 마운트 %d개", sides, n) },
		spotUnmountedMany: func(n int, sides string) string {
			return fmt.Sprintf("%s에서 마운트 %d개 언마운트됨", sides, n)
		},
		spotPropagationMany: func(n int, sides, from, to string) string {
			return fmt.Sprintf("%s에서 마운트 %d개의 전파 바뀜, %s → %s", sides, n, from, to)
		},
		bothPanes: "host와 ns",
		spotMore:  func(n int) string { return fmt.Sprintf("외 %d개", n) },

		step: "단계", hint: "힌트", noCommand: "(입력할 명령 없음)",
		starting: "실습 환경을 새로 만드는 중", running: "실행 중", rechecking: "다시 확인하는 중",
		run: "f5 실행", next: "f5 다음", recheck: "직접 고친 뒤 f5 다시 확인",
		passed: "통과", failed: "실패", finished: "모든 수업을 마쳤습니다",
		broken: "수업을 시작하지 못했습니다", tryAgain: "f5 다시 시도", look: "바뀐 것",
		after:        "두 창은 계속 자유롭게 쓸 수 있습니다. 끝내려면 f10을 누르세요.",
		rewindFailed: "되돌리지 못했습니다", stepQueued: "f5 받음: 준비되면 실행합니다",
		backQueued: "alt+p 받음: 준비되면 한 단계 되돌아갑니다", checkAndGo: "f5 확인하고 다음",
		rewinding: func(n int) string { return fmt.Sprintf("%d단계로 되돌리는 중", n) },
		totals: func(lessons, steps, checks int) string {
			return fmt.Sprintf("수업 %d개의 %d단계를 모두 마쳤고, 확인 %d개를 통과했습니다.", lessons, steps, checks)
		},
		lessonRule: func(n, of int, id, title string) string {
			return fmt.Sprintf("수업 %d/%d · %s · %s", n, of, id, title)
		},
		rewindRule: func(n, of int, id string, step int) string {
			return fmt.Sprintf("수업 %d/%d · %s · %d단계로 되돌림: 실습 환경을 새로 만들고 앞 단계의 명령을 다시 입력합니다", n, of, id, step)
		},
		replaying: "실습 환경을 새로 만들고, 이 단계 앞의 명령을 빠르게 다시 입력합니다.",
		checksHidden: func(n, failed int) string {
			if failed > 0 {
				return fmt.Sprintf("… 확인 %d개 생략, 그중 %d개 실패", n, failed)
			}
			return fmt.Sprintf("… 통과한 확인 %d개는 생략", n)
		},
		checksMore: func(n int) string { return fmt.Sprintf("… 확인 %d개 더 있음", n) },
	}
}

// nbsp joins a word to its number where a line may wrap ("status 130"): it
// looks like a space and never breaks.
const nbsp = "\u00a0"

// plural is "1 row" or "3 rows".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// nsNameEN names a namespace type as a learner reads it: "mount namespace",
// "PID namespace for children".
func nsNameEN(t lab.NSType) string {
	switch t {
	case lab.NSMnt:
		return "mount namespace"
	case lab.NSPIDForChildren:
		return "PID namespace for children"
	case lab.NSTimeForChildren:
		return "time namespace for children"
	case lab.NSNet:
		return "network namespace"
	case lab.NSUser:
		return "user namespace"
	case lab.NSTime:
		return "time namespace"
	case lab.NSPID, lab.NSUTS, lab.NSIPC:
		return strings.ToUpper(string(t)) + " namespace"
	}
	return string(t) + " namespace"
}

// nsNameKO is nsNameEN in Korean: "마운트 네임스페이스".
func nsNameKO(t lab.NSType) string {
	switch t {
	case lab.NSMnt:
		return "마운트 네임스페이스"
	case lab.NSPIDForChildren:
		return "자식용 PID 네임스페이스"
	case lab.NSTimeForChildren:
		return "자식용 시간 네임스페이스"
	case lab.NSNet:
		return "네트워크 네임스페이스"
	case lab.NSUser:
		return "사용자 네임스페이스"
	case lab.NSTime:
		return "시간 네임스페이스"
	case lab.NSPID, lab.NSUTS, lab.NSIPC:
		return strings.ToUpper(string(t)) + " 네임스페이스"
	}
	return string(t) + " 네임스페이스"
}
