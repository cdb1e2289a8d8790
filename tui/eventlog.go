package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"

	"github.com/nslab/nslab/lab"
)

// maxLogEntries bounds the event log; the oldest entries go first.
const maxLogEntries = 1000

// logEntry is one line of the event log.
type logEntry struct {
	time time.Time
	pane lab.Role
	sign string
	text string
}

// logPanel lists what the lab saw change: mounts (+, −, ~), namespaces and
// shells, newest at the bottom.
type logPanel struct {
	panelSize
	nav     panelNav
	entries []logEntry
}

func (p *logPanel) name() string { return "events" }

// ShortHelp is the panel's keys.
func (p *logPanel) ShortHelp(k KeyMap) []key.Binding { return []key.Binding{k.Up, k.Down, k.Filter} }

// add turns a lab event into a log line; process changes are left out (every
// command would log two).
func (p *logPanel) add(e lab.Event) {
	en := logEntry{time: e.Time, pane: e.Pane}
	switch e.Kind {
	case lab.MountAdded, lab.MountRemoved, lab.MountChanged:
		if e.Mount == nil {
			return
		}
		m := e.Mount
		switch e.Kind {
		case lab.MountAdded:
			en.sign, en.text = symAdded, fmt.Sprintf("%s %s %s", m.Mountpoint, m.FSType, m.Source)
		case lab.MountRemoved:
			en.sign, en.text = symDeleted, m.Mountpoint
		default:
			en.sign, en.text = symModified, m.Mountpoint+changeNote(e)
		}
	case lab.NamespaceChanged:
		en.sign = symUnequal
		en.text = fmt.Sprintf("%s ns %s → %s", e.NSType, inode(e.OldInode), inode(e.NewInode))
		if e.Comm != "" {
			en.text += " (" + e.Comm + ")"
		}
	case lab.ShellExited:
		en.sign, en.text = symFail, fmt.Sprintf("shell exited, status %d", e.Status)
	case lab.ShellStarted:
		en.sign, en.text = symFocus, "shell started"
		if e.PID != 0 {
			en.text += fmt.Sprintf(" (pid %d)", e.PID)
		}
	default:
		return
	}
	p.entries = append(p.entries, en)
	if len(p.entries) > maxLogEntries {
		p.entries = append(p.entries[:0:0], p.entries[len(p.entries)-maxLogEntries:]...)
	}
	if p.nav.offset > 0 {
		p.nav.offset++ // keep the lines the reader scrolled to in place
	}
}

// changeNote says what changed in a remounted mount: "(rw → ro)" or
// "(private → shared:1)".
func changeNote(e lab.Event) string {
	if e.Old == nil || e.Mount == nil {
		return ""
	}
	o, n := e.Old, e.Mount
	switch {
	case o.Propagation != n.Propagation:
		return fmt.Sprintf(" (%s → %s)", o.Propagation, n.Propagation)
	case o.Options != n.Options:
		return fmt.Sprintf(" (%s → %s)", o.Options, n.Options)
	case o.VFSOptions != n.VFSOptions:
		return fmt.Sprintf(" (super %s → %s)", o.VFSOptions, n.VFSOptions)
	}
	return ""
}

func (p *logPanel) text(en logEntry) string {
	return fmt.Sprintf("%s %s %s %s", en.time.Format("15:04:05"), en.pane, en.sign, en.text)
}

// visible lists the entries that pass the filter, oldest first.
func (p *logPanel) visible() []logEntry {
	if p.nav.filter == "" {
		return p.entries
	}
	var out []logEntry
	for _, en := range p.entries {
		if p.nav.matches(p.text(en)) {
			out = append(out, en)
		}
	}
	return out
}

func (p *logPanel) count(panelData) int { return len(p.visible()) }

func (p *logPanel) line(st Styles, en logEntry) string {
	sign := st.Muted
	switch en.sign {
	case symAdded:
		sign = st.Added
	case symDeleted, symFail:
		sign = st.Deleted
	case symModified:
		sign = st.Modified
	case symUnequal:
		sign = st.NSEvent
	case symFocus:
		sign = st.ShellEvent
	}
	return st.Muted.Render(en.time.Format("15:04:05")) + " " + st.Title.Render(fmt.Sprintf("%-4s", en.pane)) + " " +
		sign.Render(en.sign) + " " + st.Normal.Render(en.text)
}

// lines draws the newest entries that fit, or older ones when scrolled up.
func (p *logPanel) lines(st Styles, _ panelData, w, h int) []string {
	es := p.visible()
	filter := p.nav.filterLine(st)
	rows := h
	if filter != "" {
		rows--
	}
	var out []string
	if len(es) == 0 && rows > 0 {
		out = append(out, st.Muted.Render("(nothing yet: mount something)"))
	}
	if rows > 0 && len(es) > 0 {
		end := len(es) - clamp(p.nav.offset, 0, max(len(es)-rows, 0))
		from := max(end-rows, 0)
		for _, en := range es[from:end] {
			out = append(out, p.line(st, en))
		}
	}
	if filter != "" {
		for len(out) < rows {
			out = append(out, "")
		}
		out = append(out, filter)
	}
	return out
}
