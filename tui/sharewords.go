package tui

import (
	"fmt"

	"github.com/nslab/nslab/scenarios"
)

// shareWords are the words of spectating (--share), on the teacher's help
// bar and on a spectator's screen, in one language.
type shareWords struct {
	// code introduces the class code on the teacher's help bar.
	code string
	// viewers counts the spectators against the limit.
	viewers func(n, max int) string
	// watching marks a spectator's screen; waiting shows until the first
	// frame; leave is F10's help there.
	watching, waiting, leave string
	// viewerKeys is F1's note on a spectator's screen.
	viewerKeys string
	// teacherRuns is the lesson bar's status on a spectator's screen while
	// the step waits for the teacher.
	teacherRuns string
}

var shareWordsEN = shareWords{
	code:        "code",
	viewers:     func(n, max int) string { return fmt.Sprintf("%d/%d watching", n, max) },
	watching:    "watching, read-only",
	waiting:     "Waiting for the lab's first frame…",
	leave:       "leave",
	teacherRuns: "the teacher runs it",
	viewerKeys: "You are watching the teacher's lab: nothing you type reaches it. " +
		"Move between the panes and panels, zoom, scroll back and filter as you like; " +
		"it changes only your own screen. Any key closes this.",
}

var shareWordsKO = shareWords{
	code:        "수업 코드",
	viewers:     func(n, max int) string { return fmt.Sprintf("%d/%d명 참관 중", n, max) },
	watching:    "참관 중(읽기 전용)",
	waiting:     "실습 환경의 첫 화면을 기다리는 중…",
	leave:       "나가기",
	teacherRuns: "선생님이 실행합니다",
	viewerKeys: "선생님의 실습 환경을 참관하는 중입니다. 여기서 입력한 내용은 실습 환경에 전달되지 않습니다. " +
		"창과 패널 사이를 옮겨 다니고, 확대하고, 지난 출력을 올려 보고, 걸러 보는 것은 모두 내 화면에만 적용됩니다. " +
		"아무 키나 누르면 닫힙니다.",
}

// shareWordsFor returns the share's words in lang (English by default).
func shareWordsFor(lang scenarios.Lang) shareWords {
	if lang == scenarios.KO {
		return shareWordsKO
	}
	return shareWordsEN
}
