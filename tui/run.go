package tui

import (
	"context"
	"errors"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run shows the lab on the terminal until the user quits (F10), ctx ends, or
// the terminal fails. It takes the alternate screen and the mouse (cell
// motion) and gives both back on return. It does not close the lab.
//
// With opts.Walkthrough set it runs the guided walkthrough on
// opts.ScenarioLab; otherwise it is the free-form lab.
func Run(ctx context.Context, l Lab, opts Options) error {
	if l == nil || l.Pane("host") == nil || l.Pane("ns") == nil {
		return errors.New("tui: run: the lab has no panes")
	}
	if len(opts.Walkthrough) > 0 && opts.ScenarioLab == nil {
		return errors.New("tui: run: a walkthrough needs Options.ScenarioLab")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, l, opts)
	defer m.Close()
	_, err := tea.NewProgram(m, programOptions(ctx, opts)...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	return nil
}

// programOptions wires the terminal: input, output (teed to the recorder),
// and no colour when asked.
func programOptions(ctx context.Context, opts Options) []tea.ProgramOption {
	po := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(120)}
	if opts.Input != nil {
		po = append(po, tea.WithInput(opts.Input))
	}
	out := opts.Output
	if out == nil {
		out = os.Stdout
	}
	if opts.Record != nil {
		out = teeOutput(out, opts.Record)
	}
	po = append(po, tea.WithOutput(out))
	if opts.NoColor {
		po = append(po, tea.WithColorProfile(colorprofile.Ascii))
	}
	return po
}

// terminalFile is what Bubble Tea needs to treat an output as a terminal
// (its size, raw mode).
type terminalFile interface {
	io.ReadWriteCloser
	Fd() uintptr
}

// teeFile is a terminal whose output is also copied to a recorder; it keeps
// the file's descriptor so the program still sees a terminal.
type teeFile struct {
	terminalFile
	rec io.Writer
}

func (t teeFile) Write(p []byte) (int, error) {
	n, err := t.terminalFile.Write(p)
	if n > 0 {
		_, _ = t.rec.Write(p[:n]) // a recorder's failure must not stop the lab
	}
	return n, err
}

// teeOutput copies everything written to out to rec as well.
func teeOutput(out, rec io.Writer) io.Writer {
	if f, ok := out.(terminalFile); ok {
		return teeFile{terminalFile: f, rec: rec}
	}
	return io.MultiWriter(out, rec)
}
