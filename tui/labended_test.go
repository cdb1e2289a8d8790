package tui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
)

// endingLab is a fake lab that can end under the screen, as a real one does when its init
// is killed from outside, and be restarted.
type endingLab struct {
	*fakeLab
	mu       sync.Mutex
	ended    bool
	restarts int
	// fail makes the next Restart fail with it.
	fail error
}

func (e *endingLab) Ended() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ended
}

func (e *endingLab) Restart(context.Context) error {
	e.mu.Lock()
	e.restarts++
	if err := e.fail; err != nil {
		e.fail = nil
		e.mu.Unlock()
		return err
	}
	e.ended = false
	e.mu.Unlock()
	for _, r := range lab.Roles {
		p := e.panes[r]
		p.mu.Lock()
		p.alive = true
		p.mu.Unlock()
		e.events <- lab.Event{Time: fixedNow, Pane: r, Kind: lab.ShellStarted}
	}
	return nil
}

// end is the init killed: the lab says it ended, then both shells' ends arrive.
func (e *endingLab) end() {
	e.mu.Lock()
	e.ended = true
	e.mu.Unlock()
	for _, r := range lab.Roles {
		p := e.panes[r]
		p.mu.Lock()
		p.alive, p.status = false, 137
		p.mu.Unlock()
		e.events <- lab.Event{Time: fixedNow, Pane: r, Kind: lab.ShellExited, Status: 137}
	}
}

func (e *endingLab) restartCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.restarts
}

// startOn runs a model over l (whose panes are fl's) as startHarnessWith does.
func startOn(t *testing.T, l Lab, fl *fakeLab, w, h int, opts Options) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	opts.Now = func() time.Time { return fixedNow }
	m := New(ctx, l, opts)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(
		tea.WithFilter(probeFilter), tea.WithColorProfile(colorprofile.TrueColor), tea.WithContext(ctx)))
	hs := &harness{t: t, tm: tm, lab: fl, cancel: cancel}
	t.Cleanup(func() {
		if err := tm.Quit(); err != nil {
			t.Errorf("quit the program: %v", err)
		}
		tm.WaitFinished(t, teatest.WithFinalTimeout(hangLimit), teatest.WithTimeoutFn(func(tb testing.TB) {
			tb.Fatalf("waited %v for the program to end after Quit; it still runs", hangLimit)
		}))
		cancel()
		m.Close()
	})
	hs.until("the first state and the window size", func(m *Model) bool { return m.state.Seq != 0 && m.sized })
	return hs
}

// A lab that ends under the screen is said so in words, in the screen's language, and
// Enter starts a fresh lab — not a shell in the dead one (which answered "broken pipe").
func TestLabEndedIsSaidAndEnterStartsAFreshOne(t *testing.T) {
	for _, lang := range []scenarios.Lang{scenarios.EN, scenarios.KO} {
		t.Run(string(lang), func(t *testing.T) {
			wd := wordsFor(lang)
			el := &endingLab{fakeLab: newFakeLab()}
			h := startOn(t, el, el.fakeLab, 140, 40, Options{Lang: lang})
			el.end()
			h.untilSeen("the panes to say the lab ended", func(m *Model) (bool, string) {
				f := ansi.Strip(m.View().Content)
				return strings.Count(f, wd.labEnded) == 2 && strings.Contains(f, wd.newLab), ""
			})
			if f := ansi.Strip(h.frame()); strings.Contains(f, wd.exited(137)) || !strings.Contains(bottomLine(f), "enter "+wd.keyNewLab) {
				t.Errorf("an ended lab's panes show a shell's exit, or the help bar does not say Enter starts a fresh lab:\n%s", f)
			}
			h.send(press(tea.KeyEnter, 0))
			h.until("a fresh lab with both shells", func(m *Model) bool {
				return !m.ended.on && !m.ended.restarting && m.panes[0].alive && m.panes[1].alive
			})
			if n := el.restartCount(); n != 1 {
				t.Errorf("Enter restarted the lab %d times, want once", n)
			}
			for _, r := range lab.Roles {
				if n := el.panes[r].restarts; n != 0 {
					t.Errorf("Enter asked the ended lab for a new %s shell %d times", r, n)
				}
			}
			if f := ansi.Strip(h.frame()); strings.Contains(f, wd.labEnded) {
				t.Errorf("the fresh lab's screen still says the lab ended:\n%s", f)
			}
		})
	}
}

// A fresh start that fails says why, and Enter tries again.
func TestLabRestartFailureIsSaidAndRetried(t *testing.T) {
	wd := wordsFor(scenarios.EN)
	el := &endingLab{fakeLab: newFakeLab(), fail: errors.New("lab init: not ready after a minute")}
	h := startOn(t, el, el.fakeLab, 140, 40, Options{})
	el.end()
	h.until("the lab to be seen ended", func(m *Model) bool { return m.ended.on && !m.panes[0].alive })
	h.send(press(tea.KeyEnter, 0))
	want := wd.noLabBecause("lab init: not ready after a minute")
	h.untilSeen("the failure to be said", func(m *Model) (bool, string) {
		return strings.Contains(ansi.Strip(m.View().Content), want), m.ended.problem
	})
	h.send(press(tea.KeyEnter, 0))
	h.until("a fresh lab on the second Enter", func(m *Model) bool { return !m.ended.on && m.panes[0].alive })
	if n := el.restartCount(); n != 2 {
		t.Errorf("restarts = %d, want 2", n)
	}
}

// A shell that exits in a running lab still gets a new shell on Enter, not a new lab.
func TestShellExitInARunningLabRestartsTheShell(t *testing.T) {
	el := &endingLab{fakeLab: newFakeLab()}
	h := startOn(t, el, el.fakeLab, 140, 40, Options{})
	el.panes[lab.Host].mu.Lock()
	el.panes[lab.Host].alive = false
	el.panes[lab.Host].mu.Unlock()
	el.events <- lab.Event{Time: fixedNow, Pane: lab.Host, Kind: lab.ShellExited, Status: 1}
	h.until("the host shell to be seen exited", func(m *Model) bool { return !m.panes[0].alive })
	h.send(press(tea.KeyEnter, 0))
	h.until("the host pane's new shell", func(m *Model) bool { return m.panes[0].alive })
	if el.restartCount() != 0 || el.panes[lab.Host].restarts != 1 {
		t.Errorf("lab restarts %d, host shell restarts %d; want 0 and 1", el.restartCount(), el.panes[lab.Host].restarts)
	}
}

// restartingScenarioLab resets an ended lab as the real one does: Reset starts a fresh
// lab (a new init, new shells).
type restartingScenarioLab struct {
	*fakeScenarioLab
	el *endingLab
}

func (r restartingScenarioLab) Reset(ctx context.Context, s scenarios.NSStart) error {
	if r.el.Ended() {
		if err := r.el.Restart(ctx); err != nil {
			return err
		}
	}
	return r.fakeScenarioLab.Reset(ctx, s)
}

// In the walkthrough, Enter on an ended lab goes back to the step it was at, for real: a
// fresh lab with the earlier steps typed again.
func TestLabEndedInTheWalkthroughRewindsToTheStep(t *testing.T) {
	el := &endingLab{fakeLab: newFakeLab()}
	sl := &fakeScenarioLab{lab: el.fakeLab}
	h := startOn(t, el, el.fakeLab, 140, 40, Options{Walkthrough: []scenarios.Scenario{threeSteps(t, "    command: echo three\n")},
		ScenarioLab: restartingScenarioLab{sl, el}})
	stepTo(h, 2)
	el.end()
	h.until("the lab to be seen ended", func(m *Model) bool { return m.ended.on && !m.panes[0].alive })
	h.send(press(tea.KeyEnter, 0))
	h.untilSeen("the walkthrough back at step 3 on a fresh lab", func(m *Model) (bool, string) {
		return m.walk.phase == walkReady && m.walk.step == 2 && !m.ended.on && !m.ended.restarting && m.panes[0].alive,
			phaseNames[m.walk.phase]
	})
	resets, ran := sl.counts()
	if resets != 2 || strings.Join(ran, ",") != "echo one,echo two,echo one,echo two" {
		t.Errorf("%d resets, typed %q; want a second reset and steps 1 and 2 typed again", resets, ran)
	}
	if n := el.restartCount(); n != 1 {
		t.Errorf("the lab was restarted %d times, want once", n)
	}
}

// causedLab is an ending lab that knows why it ended.
type causedLab struct {
	*endingLab
	cause lab.EndCause
}

func (c causedLab) EndCause() lab.EndCause { return c.cause }

// The lab says why it ended when it knows: reboot in a pane is not an attack from outside.
func TestLabEndedSaysWhy(t *testing.T) {
	for _, cause := range []lab.EndCause{lab.EndRebooted, lab.EndHalted, lab.EndKilled, lab.EndExited} {
		for _, lang := range []scenarios.Lang{scenarios.EN, scenarios.KO} {
			wd := wordsFor(lang)
			why := wd.labEndedBy(cause)
			if why == "" || why == wd.labEnded {
				t.Errorf("%s has no words for end cause %d", lang, cause)
				continue
			}
			el := &endingLab{fakeLab: newFakeLab()}
			h := startOn(t, causedLab{el, cause}, el.fakeLab, 140, 40, Options{Lang: lang})
			el.end()
			h.untilSeen("the panes to say why the lab ended: "+why, func(m *Model) (bool, string) {
				return strings.Count(ansi.Strip(m.View().Content), why) == 2, ""
			})
		}
	}
}

// bottomLine is a frame's last line that is not blank: the help bar.
func bottomLine(frame string) string {
	lines := strings.Split(strings.TrimRight(frame, " \n"), "\n")
	return lines[len(lines)-1]
}
