package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
)

// maxLogEntries bounds the event log; the oldest entries go first.
const maxLogEntries = 1000

// logEntry is one entry of the event log: the event, kept whole so its text
// is written in the screen's language when drawn.
type logEntry struct {
	time time.Time
	pane lab.Role
	ev   lab.Event
}

// logPanel lists what the lab saw change: mounts (+, −, ~), namespaces and
// shells, newest at the bottom. An entry too long for the panel wraps under
// its own text: values (paths, inode numbers, options) are never cut.
type logPanel struct {
	panelSize
	nav     panelNav
	entries []logEntry
}

func (p *logPanel) name(wd *words) string { return wd.eventsPanel }

// ShortHelp is the panel's keys.
func (p *logPanel) ShortHelp(k KeyMap) []key.Binding { return []key.Binding{k.Up, k.Down, k.Filter} }

// add logs a lab event; process changes are left out (every command would
// log two), and so is a mount event without its mount.
func (p *logPanel) add(e lab.Event) {
	switch e.Kind {
	case lab.MountAdded, lab.MountRemoved, lab.MountChanged:
		if e.Mount == nil {
			return
		}
	case lab.NamespaceChanged, lab.ShellExited, lab.ShellStarted:
	default:
		return
	}
	p.entries = append(p.entries, logEntry{time: e.Time, pane: e.Pane, ev: e})
	if len(p.entries) > maxLogEntries {
		// Drop the oldest by slicing: append copies the kept entries only when the
		// array is full, not at every event (in a mount storm copying the whole log
		// each time was an eighth of nslab's work).
		p.entries = p.entries[len(p.entries)-maxLogEntries:]
	}
	if p.nav.offset > 0 {
		p.nav.offset++ // keep the lines the reader scrolled to in place
	}
}

// otherNS is the mount namespace of a mount event when it is not the one the
// pane's panels follow now (a nested shell's, or one the pane has left):
// the entry names it, so the change is not taken for one in the table shown.
// It is 0 for an event in the followed namespace, or one the lab did not
// place.
func otherNS(e lab.Event, followed uint64) uint64 {
	switch e.Kind {
	case lab.MountAdded, lab.MountRemoved, lab.MountChanged:
		if e.MntNS != 0 && e.MntNS != followed {
			return e.MntNS
		}
	}
	return 0
}

// nsTag names a mount namespace as /proc/PID/ns/mnt does: "mnt:[4026532185]".
func nsTag(ino uint64) string { return fmt.Sprintf("mnt:[%d]", ino) }

// signText is an entry's sign and its text in the screen's language; followed
// is the mount namespace the entry's pane follows now.
func signText(wd *words, e lab.Event, followed uint64) (sign, text string) {
	tag := ""
	if ns := otherNS(e, followed); ns != 0 {
		tag = nsTag(ns) + " "
	}
	switch e.Kind {
	case lab.MountAdded:
		m := e.Mount
		return symAdded, tag + fmt.Sprintf("%s %s %s", m.Mountpoint, m.FSType, m.Source)
	case lab.MountRemoved:
		return symDeleted, tag + e.Mount.Mountpoint
	case lab.MountChanged:
		return symModified, tag + e.Mount.Mountpoint + changeNote(wd, e)
	case lab.NamespaceChanged:
		// pid↓ as the namespace panel names it: "pid_for_children" breaks a narrow log.
		text = wd.nsChanged(nsLabel(e.NSType), inode(e.OldInode), inode(e.NewInode))
		if e.Comm != "" {
			text += " (" + e.Comm + ")"
		}
		return symUnequal, text
	case lab.ShellExited:
		if e.Status == 0 {
			return symPass, wd.shellExited(0) // a normal exit is no failure
		}
		return symFail, wd.shellExited(e.Status)
	case lab.ShellStarted:
		text = wd.shellStarted
		if e.PID != 0 {
			text += wd.withPID(e.PID)
		}
		return symFocus, text
	}
	return "", ""
}

// changeNote says what changed in a remounted mount: "(rw → ro)" or
// "(private → shared:1)".
func changeNote(wd *words, e lab.Event) string {
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
		return " (" + wd.superChange(o.VFSOptions, n.VFSOptions) + ")"
	}
	return ""
}

// followed is the mount namespace a pane's panels follow now.
func followed(d panelData, r lab.Role) uint64 { return d.state.Snapshot(r).NS[lab.NSMnt] }

// text is an entry as one plain line, for the filter (which the reader
// types with plain spaces).
func (p *logPanel) text(d panelData, en logEntry) string {
	sign, text := signText(d.wd, en.ev, followed(d, en.pane))
	return strings.ReplaceAll(fmt.Sprintf("%s %s %s %s", en.time.Format("15:04:05"), en.pane, sign, text), nbsp, " ")
}

// visible lists the entries that pass the filter, oldest first.
func (p *logPanel) visible(d panelData) []logEntry {
	if p.nav.filter == "" {
		return p.entries
	}
	var out []logEntry
	for _, en := range p.entries {
		if p.nav.matches(p.text(d, en)) {
			out = append(out, en)
		}
	}
	return out
}

// logLead is the width of an entry's time, pane and sign: "09:26:50 host + ".
const logLead = 16

// entryLines draws one entry in lines of w cells: its text wraps at spaces
// and slashes, under itself, so no value is cut.
func (p *logPanel) entryLines(st Styles, d panelData, en logEntry, w int) []string {
	sign, text := signText(d.wd, en.ev, followed(d, en.pane))
	ss := st.Muted
	switch sign {
	case symAdded:
		ss = st.Added
	case symDeleted, symFail:
		ss = st.Deleted
	case symModified:
		ss = st.Modified
	case symUnequal:
		ss = st.NSEvent
	case symFocus:
		ss = st.ShellEvent
	}
	lead := st.Muted.Render(en.time.Format("15:04:05")) + " " + st.Title.Render(fmt.Sprintf("%-4s", en.pane)) + " " + ss.Render(sign) + " "
	if w <= logLead+4 {
		return []string{lead + st.Normal.Render(text)} // too narrow to wrap: the box cuts it, marked
	}
	parts := strings.Split(ansi.Wrap(text, w-logLead, "/"), "\n")
	out := make([]string, len(parts))
	for i, part := range parts {
		if i == 0 {
			out[i] = lead + st.Normal.Render(part)
		} else {
			out[i] = strings.Repeat(" ", logLead) + st.Normal.Render(part)
		}
	}
	return out
}

// logView is what the panel shows at a size: the entries from..to (of the
// visible ones, oldest first) and their lines.
type logView struct {
	from, to int
	lines    []string
}

// view lays out the newest entries that fit in rows lines, ending offset
// entries before the newest; a line at the top says how many earlier ones
// are left out, one at the bottom how many later ones.
func (p *logPanel) view(st Styles, d panelData, es []logEntry, w, rows int) logView {
	wd := d.wd
	end := len(es) - clamp(p.nav.offset, 0, max(len(es)-1, 0))
	later := len(es) - end
	fill := func(rows int) logView {
		v := logView{from: end, to: end}
		for i := end - 1; i >= 0; i-- {
			ls := p.entryLines(st, d, es[i], w)
			if len(v.lines)+len(ls) > rows {
				if i == end-1 && rows > 0 {
					// Not even the newest fits: its first lines, cut and marked.
					ls = ls[:rows]
					ls[rows-1] = ansi.Truncate(ls[rows-1], max(w-1, 1), "") + "…"
					v.lines, v.from = ls, i
				}
				break
			}
			v.lines = append(ls, v.lines...)
			v.from = i
		}
		return v
	}
	marks := 0
	if later > 0 {
		marks++
	}
	v := fill(rows - marks)
	if v.from > 0 && rows-marks > 1 {
		v = fill(rows - marks - 1)
		v.lines = append([]string{st.Muted.Render(wd.earlier(v.from))}, v.lines...)
	}
	if later > 0 && rows > 0 {
		v.lines = append(v.lines, st.Muted.Render(wd.later(later)))
	}
	return v
}

// extent is the entry count and how many of the oldest fit at once: the
// reader scrolls up until those fill the panel.
func (p *logPanel) extent(d panelData) (total, visible int) {
	es := p.visible(d)
	rows := p.h
	if p.nav.filter != "" || p.nav.editing {
		rows--
	}
	fitting := func(rows int) int {
		n, used := 0, 0
		for _, en := range es {
			k := len(p.entryLines(Styles{}, d, en, p.w))
			if used+k > rows {
				break
			}
			used += k
			n++
		}
		return n
	}
	n := fitting(rows)
	if n < len(es) {
		n = fitting(rows - 1) // scrolled up to them, a line says what is later
	}
	return len(es), max(n, 1)
}

// lines draws the newest entries that fit, or older ones when scrolled up.
func (p *logPanel) lines(st Styles, d panelData, w, h int) []string {
	es := p.visible(d)
	filter := p.nav.filterLine(st)
	rows := h
	if filter != "" {
		rows--
	}
	var out []string
	if len(es) == 0 && rows > 0 {
		out = append(out, st.Muted.Render(d.wd.nothingYet))
	}
	if rows > 0 && len(es) > 0 {
		out = p.view(st, d, es, w, rows).lines
	}
	if filter != "" {
		for len(out) < rows {
			out = append(out, "")
		}
		out = append(out, filter)
	}
	return out
}
