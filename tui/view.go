package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/tui/term"
)

// View draws the frame.
func (m *Model) View() tea.View {
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
		return tooSmall(m.st, m.width, m.height)
	}
	if m.cache == nil || m.cachedGen != m.chromeGen {
		m.cache, m.cachedGen = m.drawChrome(), m.chromeGen
	}
	c := newCanvas(m.width, m.height)
	c.put(m.lay.Narration, m.cache["narration"])
	for i, p := range m.panes {
		t := target(i)
		if r := m.lay.Parts[t]; !r.empty() {
			c.put(r, p.View(m.st, m.focus == t, m.zoomed, m.state.Snapshot(p.role)))
		}
	}
	for _, t := range []target{targetNSPanel, targetDiff, targetLog} {
		c.put(m.lay.Parts[t], m.cache[m.panelName(t)])
	}
	c.put(m.lay.Strip, m.cache["strip"])
	c.put(m.lay.Help, m.cache["help"])
	frame := c.String()
	if m.showHelp {
		frame = overlay(frame, m.width, m.height, m.helpOverlay())
	}
	return frame
}

// drawChrome draws everything but the panes: the narration bar, the panels
// or the strip, and the help bar.
func (m *Model) drawChrome() map[string][]string {
	out := map[string][]string{}
	if m.walk != nil && !m.lay.Narration.empty() {
		out["narration"] = m.walk.View(m.st, m.lay.Narration)
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
	return out
}

// panelLines draws a panel's content at a size.
func (m *Model) panelLines(t target, d panelData, w, h int) []string {
	return m.panel(t).lines(m.st, d, w, h)
}

func (m *Model) panelName(t target) string { return m.panel(t).name() }

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
	if t == targetDiff {
		spec.Status = m.diff.status(m.st, d)
		spec.Footer = diffLegend(m.st)
	}
	if m.zoomed && focused {
		spec.Status = strings.TrimSpace(spec.Status + " " + m.st.Muted.Render("zoom"))
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
		q := m.st.Warn.Render("A step is still running. Quit anyway?") + " "
		h.SetWidth(max(m.width-cellWidth(q), 1))
		return fit(q+h.ShortHelpView(m.helpContext().ShortHelp()), m.width)
	}
	bar := h.ShortHelpView(m.helpContext().ShortHelp())
	if m.problem != "" {
		bar = m.st.Warn.Render(symFail+" "+m.problem) + "  " + bar
	}
	return fit(bar, m.width)
}

// helpOverlay is the F1 box: every key, and what the symbols mean.
func (m *Model) helpOverlay() []string {
	h := help.New()
	h.Styles = m.st.Help
	h.SetWidth(m.width - 4)
	body := strings.Split(h.FullHelpView(m.helpContext().FullHelp()), "\n")
	body = append(body, "",
		diffLegend(m.st),
		m.st.Recent.Render(symRecent+"+ just changed")+"  "+m.st.Spotlight.Render(symSpotlight+" spotlight")+"  "+
			m.st.Muted.Render(symEqual+"/"+symUnequal+" same/different namespace"),
		"",
		m.st.Muted.Render("Every other key goes to the focused shell. Any key closes this."))
	w := 0
	for _, l := range body {
		w = max(w, cellWidth(l))
	}
	w = min(w+4, m.width)
	hgt := min(len(body)+2, m.height)
	return drawBox(m.st, rect{W: w, H: hgt}, boxSpec{Focused: true, Title: m.st.TitleFocus.Render("nslab keys"), Lines: padLeft(body, 1)})
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
func tooSmall(st Styles, w, h int) string {
	msg := fmt.Sprintf("Terminal too small (%d×%d): nslab needs at least %d×%d.", w, h, MinWidth, MinHeight)
	if cellWidth(msg) > w {
		msg = fmt.Sprintf("Too small: need %d×%d", MinWidth, MinHeight)
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
