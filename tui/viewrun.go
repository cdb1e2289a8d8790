package tui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// ViewerTerminal is a spectator's terminal, as a server has it.
type ViewerTerminal struct {
	// In and Out are the terminal (an SSH session's pty); Env is its
	// environment (TERM says what it can show).
	In  io.Reader
	Out io.Writer
	Env []string
	// Cols and Rows are its size; Resize delivers each new one.
	Cols, Rows int
	Resize     <-chan [2]int
}

// RunViewer shows v on a spectator's terminal until the spectator leaves
// (F10, q, Ctrl-C), the share closes, or ctx ends. It draws as Run draws the
// teacher's screen: a frame only when it changed, only the lines that changed
// parsed again, and frames that come while one is written coalesced into the
// newest, so a slow connection costs the machine no more than a fast one. It
// gives the terminal's modes back on return.
func RunViewer(ctx context.Context, v *Viewer, t ViewerTerminal) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	term, err := openTerminal(t.In, t.Out)
	if err != nil {
		return err
	}
	cols, rows := t.Cols, t.Rows
	if cols <= 0 || rows <= 0 {
		cols, rows = term.cols, term.rows
	}
	defer func() { _ = term.restore() }()
	profile := colorprofile.Env(t.Env)
	if v.m.opts.NoColor {
		profile = colorprofile.Ascii
	}
	scr := newScreen(t.Out, screenOptions{Profile: profile, Env: t.Env, MapNewline: !term.raw, Query: true,
		Title: "nslab · " + shareWordsFor(v.m.opts.Lang).watching, Cols: cols, Rows: rows})
	term.screen = scr
	scr.fail = cancel
	p := tea.NewProgram(viewerOnScreen{v: v, scr: scr},
		tea.WithContext(ctx), tea.WithInput(t.In), tea.WithOutput(io.Discard), tea.WithoutRenderer(),
		tea.WithWindowSize(cols, rows), tea.WithColorProfile(profile), tea.WithEnvironment(t.Env),
		tea.WithoutSignalHandler(), tea.WithFPS(1))
	if err := scr.start(); err != nil {
		return fmt.Errorf("tui: viewer: set up the terminal: %w", err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sz, ok := <-t.Resize:
				if !ok {
					return
				}
				p.Send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			}
		}
	}()
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// viewerOnScreen is a Viewer as its Program runs it: each view goes to the
// screen, which draws it if it changed.
type viewerOnScreen struct {
	v   *Viewer
	scr *screen
}

func (o viewerOnScreen) Init() tea.Cmd { return o.v.Init() }

func (o viewerOnScreen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	o.scr.observe(msg)
	_, cmd := o.v.Update(msg)
	return o, cmd
}

func (o viewerOnScreen) View() tea.View {
	tv := o.v.View()
	if m := o.v.m; m.sized {
		o.scr.show(frameOf(tv.Content, m.width, m.height, nil))
	}
	return tv
}
