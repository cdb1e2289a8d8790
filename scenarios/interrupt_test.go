package scenarios

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// A command whose typing took the whole timeout fails its step, saying so with the
// step's own timeout, in both languages.
func TestTypingTimeoutIsSaid(t *testing.T) {
	f := newFakeLab()
	f.results["mount -t tmpfs tmpfs /tmp/nslab/x"] = Result{Exit: -1, TimedOut: true, TypingTimedOut: true, Duration: 3100 * time.Millisecond}
	r := mustStart(t, f, parseEngineScenario(t))
	res := r.Run(context.Background(), 1)
	if res.Passed() || res.Err != nil {
		t.Fatalf("got %+v", res)
	}
	if p := res.Problem(EN); p != "typing the command took longer than the step's timeout of 3s; it was not run" {
		t.Errorf("problem = %q", p)
	}
	if p := res.Problem(KO); p != "명령을 입력하는 데 단계의 제한 시간 3s보다 오래 걸려 실행하지 않았습니다" {
		t.Errorf("problem (ko) = %q", p)
	}
}

// A run cut short (a signal, the user quitting) says "interrupted" in its transcript,
// never "context canceled".
func TestInterruptedRunSaysSo(t *testing.T) {
	for _, lang := range []Lang{EN, KO} {
		f := newFakeLab()
		ctx, cancel := context.WithCancel(context.Background())
		f.results["mount -t tmpfs tmpfs /tmp/nslab/x"] = Result{Output: "done"}
		f.onRun["mount -t tmpfs tmpfs /tmp/nslab/x"] = func(*fakeLab) { cancel() }
		var out, md bytes.Buffer
		_, err := RunHeadless(ctx, f, []Scenario{parseEngineScenario(t)}, &out, TranscriptOptions{Lang: lang, Markdown: &md})
		if err == nil {
			t.Fatalf("%s: an interrupted run reported no error", lang)
		}
		want := interruptedText.In(lang)
		for name, got := range map[string]string{"transcript": out.String(), "handout": md.String()} {
			if strings.Contains(got, "context canceled") || !strings.Contains(got, "✗ "+want) {
				t.Errorf("%s %s does not say %q:\n%s", lang, name, want, got)
			}
		}
	}
}
