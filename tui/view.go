package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/tui/term"
)

// View draws the frame.
func (m *Model) View() tea.View {
	defer m.publish() // to spectators, if any: never waits for them
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "nslab"
	v.Cursor = m.cursor()
	return v
}

// render draws the whole screen as exactly height lines of width cells.
func (m *Model) render() string {
	if !m.sized || m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.lay.Mode == modeTooSmall {
		return tooSmall(m.st, &m.wd, m.width, m.height)
	}
	m.frameLines(nil)
	return m.joined.all()
}

// frameLines draws the screen as render does and appends its lines to
// dst[:0]; a line that did not change since the last frame is the same
// string (Run hands these to the screen, which then finds the changed lines
// by pointer). Only for a sized Model.
func (m *Model) frameLines(dst []string) []string {
	if m.lay.Mode == modeTooSmall {
		m.joined = joined{} // these lines are not joined from pieces
		return append(dst[:0], strings.Split(tooSmall(m.st, &m.wd, m.width, m.height), "\n")...)
	}
	if m.cache == nil || m.cachedGen != m.chromeGen {
		m.cache, m.cachedGen = m.drawChrome(), m.chromeGen
	}
	c := &m.canvas
	c.reset(m.width, m.height)
	if m.showHelp {
		// The keys take the whole screen above the help bar: drawn over the
		// parts, a box would cut their borders and titles.
		c.put(m.helpRect(), m.cache["keys"])
		c.put(m.lay.Help, m.cache["help"])
		return append(dst[:0], c.lines(&m.joined)...)
	}
	c.put(m.lay.Narration, m.cache["narration"])
	for i, p := range m.panes {
		t := target(i)
		if r := m.lay.Parts[t]; !r.empty() {
			c.put(r, p.View(m.st, &m.wd, m.focus == t, m.zoomed, m.state.Snapshot(p.role)))
		}
	}
	for _, t := range []target{targetNSPanel, targetDiff, targetLog} {
		c.put(m.lay.Parts[t], m.cache[m.panelName(t)])
	}
	c.put(m.lay.Strip, m.cache["strip"])
	c.put(m.lay.Help, m.cache["help"])
	return append(dst[:0], c.lines(&m.joined)...)
}

// screenFrame is the frame Run hands to the screen: the lines, the pieces
// they were joined from (a copy of the list: the Model changes its own),
// the cursor, and whether a pane's scroll can move whole lines.
func (m *Model) screenFrame() frame {
	lines := m.frameLines(nil)
	f := frame{lines: lines, width: m.width, height: m.height, cursor: m.cursor(), noScroll: !m.paneSpansWidth()}
	if len(m.joined.pieces) == len(lines) {
		f.rows = slices.Clone(m.joined.pieces)
	}
	return f
}

// helpRect is where the key list goes: everything above the help bar.
func (m *Model) helpRect() rect { return rect{W: m.width, H: m.lay.Help.Y} }

// drawChrome draws everything but the panes: the narration bar, the panels
// or the strip, and the help bar.
func (m *Model) drawChrome() map[string][]string {
	out := map[string][]string{}
	if m.walk != nil && !m.lay.Narration.empty() {
		out["narration"] = m.walk.View(m.st, m.lay.Narration, m.keysOwned())
	}
	d := m.panelData()
	for _, t := range []target{targetNSPanel, targetDiff, targetLog} {
		if r := m.lay.Parts[t]; !r.empty() {
			out[m.panelName(t)] = m.panelBox(t, r, d)
		}
	}
	if !m.lay.Strip.empty() {
		out["strip"] = m.strip(d)
	}
	out["help"] = []string{m.helpBar()}
	if m.showHelp {
		out["keys"] = m.helpView(m.helpRect())
	}
	return out
}

// panelLines draws a panel's content at a size.
func (m *Model) panelLines(t target, d panelData, w, h int) []string {
	d.focused = m.focus == t
	return m.panel(t).lines(m.st, d, w, h)
}

func (m *Model) panelName(t target) string { return m.panel(t).name(&m.wd) }

// panelBox draws one panel in its own box.
func (m *Model) panelBox(t target, r rect, d panelData) []string {
	in := r.inner()
	focused := m.focus == t
	name := m.panelName(t)
	title := m.st.Title.Render(name)
	if focused {
		title = m.st.TitleFocus.Render(symFocus + " " + name)
	}
	spec := boxSpec{Focused: focused, Title: title, Lines: m.panelLines(t, d, in.W, in.H)}
	if t == targetNSPanel {
		spec.Footer = nsLegend(m.st, &m.wd, m.nsp.typeRows())
		if m.opts.Rootless {
			note := m.st.Muted.Render(m.wd.rootlessUser)
			if spec.Footer != "" {
				note = spec.Footer + m.st.Muted.Render(" · ") + note
			}
			if cellWidth(note) <= in.W-2 {
				spec.Footer = note
			}
		}
	}
	if t == targetDiff {
		spec.Status = m.diff.status(m.st, d)
		spec.Footer = diffLegend(m.st, &m.wd)
		// The signs of rows that just changed too, where they fit.
		if both := spec.Footer + m.st.Muted.Render(" · ") + signLegend(m.st, &m.wd); cellWidth(both) <= in.W-2 {
			spec.Footer = both
		}
	}
	if m.zoomed && focused {
		zoom := m.st.Muted.Render(m.wd.zoom)
		if spec.Status != "" {
			zoom = spec.Status + m.st.Muted.Render(" · ") + zoom
		}
		spec.Status = zoom
	}
	return drawBox(m.st, r, spec)
}

// strip draws the compact panels: tabs on the border, the namespaces in one
// line, and the chosen panel below.
func (m *Model) strip(d panelData) []string {
	r := m.lay.Strip
	in := r.inner()
	focused := !m.focus.isPane()
	var tabs []string
	for _, t := range stripTabs() {
		label := m.tabLabel(t)
		if t == m.tab {
			tabs = append(tabs, m.st.TabActive.Render(label))
		} else {
			tabs = append(tabs, m.st.Tab.Render(label))
		}
	}
	spec := boxSpec{Focused: focused, Title: strings.Join(tabs, m.st.Muted.Render(tabSeparator))}
	spec.Lines = m.panelLines(m.tab, d, in.W, in.H)
	if m.tab != targetNSPanel {
		// The namespaces stay in sight, in one line on the bottom border.
		spec.Footer = nsSummary(m.st, d)
	} else {
		spec.Footer = m.nsp.footer(m.st, d)
	}
	if m.tab == targetDiff {
		spec.Status = m.diff.status(m.st, d)
	}
	return drawBox(m.st, r, spec)
}

// stripTabs are the compact strip's tabs, in order.
func stripTabs() [3]target { return [3]target{targetNSPanel, targetDiff, targetLog} }

// tabSeparator goes between two tabs.
const tabSeparator = " │ "

// tabLabel is a tab's plain text: its panel's name, marked when it has focus.
func (m *Model) tabLabel(t target) string {
	if t == m.tab && !m.focus.isPane() {
		return symFocus + " " + m.panelName(t)
	}
	return m.panelName(t)
}

// tabAt returns the tab whose label is at column x of the strip's top border.
func (m *Model) tabAt(x int) (target, bool) {
	// The title starts after the corner, one line of border and a space.
	pos := m.lay.Strip.X + 3
	for _, t := range stripTabs() {
		w := cellWidth(m.tabLabel(t))
		if x >= pos && x < pos+w {
			return t, true
		}
		pos += w + cellWidth(tabSeparator)
	}
	return 0, false
}

// helpBar is the last line: the keys that matter now, or the quit question.
func (m *Model) helpBar() string {
	h := help.New()
	h.Styles = m.st.Help
	h.SetWidth(m.width)
	if m.confirmQuit {
		question := m.wd.quitAnyway
		if len(m.quitBusy) > 0 {
			question = m.wd.quitBusy(m.quitBusy)
		}
		q := m.st.Warn.Render(question) + " "
		h.SetWidth(max(m.width-cellWidth(q), 1))
		return fit(q+h.ShortHelpView(m.helpContext().ShortHelp()), m.width)
	}
	lead := m.shareLead()
	if m.problem != "" {
		lead = m.st.Warn.Render(symFail+" "+m.problem) + "  "
	}
	// While a program owns the keys, the lab's work after Ctrl-g: say so
	// before them, and that Ctrl-g was pressed once it was.
	prefix := m.keys.Prefix.Keys()[0]
	switch {
	case m.prefixArmed:
		lead += m.st.Warn.Render(prefix+m.wd.prefixNow) + " "
	case m.keysOwned():
		lead += m.st.Help.ShortKey.Render(prefix) + m.st.Help.ShortDesc.Render(m.wd.prefixThen) + " "
	}
	return fit(lead+fitKeys(h, m.helpContext().ShortHelp(), m.width-cellWidth(lead), m.keys.Help), m.width)
}

// fitKeys draws bindings as the help bar does, in at most w cells. When they
// do not fit, keys go from the end but keep (F1, which lists them all) stays,
// and "…" says where keys were left out.
func fitKeys(h help.Model, bs []key.Binding, w int, keep key.Binding) string {
	h.SetWidth(0)
	if s := h.ShortHelpView(bs); cellWidth(s) <= w {
		return s
	}
	var head, tail []key.Binding
	for _, b := range bs {
		if b.Help() == keep.Help() {
			tail = append(tail, b)
		} else {
			head = append(head, b)
		}
	}
	more := " " + h.Styles.Ellipsis.Render("…")
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	for n := len(head); n >= 0; n-- {
		s := strings.TrimLeft(h.ShortHelpView(head[:n])+more, " ")
		if len(tail) > 0 {
			s += sep + h.ShortHelpView(tail)
		}
		if cellWidth(s) <= w {
			return s
		}
	}
	return h.ShortHelpView(tail)
}

// helpView is the F1 box in r: every key, grouped by where it works, and
// what the symbols mean.
func (m *Model) helpView(r rect) []string {
	st, wd := m.st, &m.wd
	in := r.inner()
	body := keyColumns(st, m.helpContext().FullHelp(), in.W-1)
	body = append(body, "",
		diffLegend(st, wd),
		signLegend(st, wd),
		st.Recent.Render(symRecent+" "+wd.justChanged)+"  "+st.Spotlight.Render(symSpotlight+" "+wd.spotlight),
		st.Muted.Render(symEqual+"/"+symUnequal+" "+wd.sameDifferentNS+"  "+symForChildren+" "+wd.forChildren),
		st.Warn.Render(symRootMount)+st.Muted.Render(" "+wd.chrootRoot+"  "+symOutOfReach+" "+wd.chrootOut),
		"")
	other := wrap(wd.otherKeys, in.W-1)
	if m.viewer {
		other = wrap(shareWordsFor(m.opts.Lang).viewerKeys, in.W-1)
	}
	// What Ctrl-g and the wheel do while a program owns the screen, where
	// there is room: the keys above say it in short.
	if more := wrap(wd.prefixHelp, in.W-1); len(body)+len(more)+len(other) <= in.H {
		other = append(more, other...)
	}
	for _, l := range other {
		body = append(body, st.Muted.Render(l))
	}
	return drawBox(st, r, boxSpec{Focused: true, Title: st.TitleFocus.Render(wd.keysTitle), Lines: padLeft(body, 1)})
}

// keyColumns lays out groups of keys as columns side by side, as many as fit
// in w cells; the next ones go below, so no key is left out at any width.
func keyColumns(st Styles, groups [][]key.Binding, w int) []string {
	const gap = 4
	var cols [][]string
	var widths []int
	for _, g := range groups {
		kw := 0
		for _, b := range g {
			kw = max(kw, cellWidth(b.Help().Key))
		}
		var col []string
		cw := 0
		for _, b := range g {
			l := st.Help.FullKey.Render(fit(b.Help().Key, kw)) + " " + st.Help.FullDesc.Render(b.Help().Desc)
			col = append(col, l)
			cw = max(cw, cellWidth(l))
		}
		cols, widths = append(cols, col), append(widths, cw)
	}
	var out []string
	for start := 0; start < len(cols); {
		end, used := start, 0
		for end < len(cols) && (end == start || used+gap+widths[end] <= w) {
			if end > start {
				used += gap
			}
			used += widths[end]
			end++
		}
		if start > 0 {
			out = append(out, "")
		}
		rows := 0
		for _, c := range cols[start:end] {
			rows = max(rows, len(c))
		}
		for i := range rows {
			line := ""
			for j := start; j < end; j++ {
				cell := ""
				if i < len(cols[j]) {
					cell = cols[j][i]
				}
				if j < end-1 {
					cell = fit(cell, widths[j]+gap)
				}
				line += cell
			}
			out = append(out, strings.TrimRight(line, " "))
		}
		start = end
	}
	return out
}

func padLeft(lines []string, n int) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Repeat(" ", n) + l
	}
	return out
}

// tooSmall is the whole frame when the terminal is below the minimum: one
// centred line saying what is needed.
func tooSmall(st Styles, wd *words, w, h int) string {
	msg := wd.tooSmall(w, h, MinWidth, MinHeight)
	if cellWidth(msg) > w {
		msg = wd.tooSmallShort(MinWidth, MinHeight)
	}
	line := msg
	if pad := (w - cellWidth(msg)) / 2; pad > 0 {
		line = strings.Repeat(" ", pad) + msg
	}
	lines := make([]string, h)
	blank := strings.Repeat(" ", w)
	for i := range lines {
		lines[i] = blank
	}
	lines[h/2] = st.Warn.Render(fit(line, w))
	return strings.Join(lines, "\n")
}

// cursor places the terminal's cursor where the focused shell's is.
func (m *Model) cursor() *tea.Cursor {
	if m.lay.Mode == modeTooSmall || m.showHelp || m.confirmQuit || !m.focus.isPane() {
		return nil
	}
	if m.lay.Parts[m.focus].empty() {
		return nil
	}
	x, y, c, ok := m.panes[m.focus].cursor()
	if !ok {
		return nil
	}
	cur := tea.NewCursor(x, y)
	switch c.Shape {
	case term.CursorUnderline:
		cur.Shape = tea.CursorUnderline
	case term.CursorBar:
		cur.Shape = tea.CursorBar
	default:
		cur.Shape = tea.CursorBlock
	}
	cur.Blink = c.Blink
	return cur
}
