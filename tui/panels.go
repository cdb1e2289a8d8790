package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/nslab/nslab/lab"
)

// panelData is what the panels show, gathered by the root model, and what
// they draw it with.
type panelData struct {
	state lab.State
	hl    *highlights
	// wd and keys are the screen's words and key map (marks name keys).
	wd   *words
	keys *KeyMap
	// focused says the panel being drawn has focus: its reader scrolls it.
	focused bool
}

// panelSize is the content size a panel was given.
type panelSize struct{ w, h int }

// SetSize sets the panel's content size (inside its border).
func (s *panelSize) SetSize(w, h int) { s.w, s.h = w, h }

// panelNav is a panel's scroll position and filter.
type panelNav struct {
	// offset is the first row shown (for the event log: rows up from the
	// newest).
	offset int
	// filter keeps the rows containing it (any case); editing is set while
	// the user types it.
	filter  string
	editing bool
}

// scroll moves by delta rows, kept within total rows of which visible show.
func (n *panelNav) scroll(delta, total, visible int) {
	n.offset = clamp(n.offset+delta, 0, max(total-visible, 0))
}

// matches reports whether a row's plain text passes the filter.
func (n *panelNav) matches(text string) bool {
	return n.filter == "" || strings.Contains(strings.ToLower(text), strings.ToLower(n.filter))
}

// filterLine is the line that shows the filter being typed or kept.
func (n *panelNav) filterLine(st Styles) string {
	if !n.editing && n.filter == "" {
		return ""
	}
	cur := ""
	if n.editing {
		cur = "█"
	}
	return st.FilterLine.Render("/" + n.filter + cur)
}

// window returns rows[from:to] for a view of visible rows starting at offset,
// with the offset kept in range.
func window(total, offset, visible int) (from, to int) {
	if visible <= 0 || total == 0 {
		return 0, 0
	}
	from = clamp(offset, 0, max(total-visible, 0))
	return from, min(from+visible, total)
}

// keyHint names a key as the help bar does: "f2 next part".
func keyHint(st Styles, b key.Binding) string {
	h := b.Help()
	return st.Help.ShortKey.Render(h.Key) + " " + st.Help.ShortDesc.Render(h.Desc)
}

// overflowMark is the line that says rows are hidden and how to see them:
// what says how many and of which kinds; the keys follow.
func overflowMark(st Styles, what string, keys ...key.Binding) string {
	out := st.Muted.Render(what)
	for i, k := range keys {
		sep := ", "
		if i == 0 {
			sep = " · "
		}
		out += st.Muted.Render(sep) + keyHint(st, k)
	}
	return out
}

// kindCounts says how many of each symbol, in the order given: "≠ 1, = 3".
func kindCounts(order []string, counts map[string]int) string {
	var parts []string
	for _, sym := range order {
		if n := counts[sym]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", sym, n))
		}
	}
	return strings.Join(parts, ", ")
}

// pickImportant chooses n of total rows when not all fit: those of the lowest
// rank first, ties in table order; it returns their indices in table order,
// so the rows keep their places relative to each other. rank is asked once
// for each row, in order.
func pickImportant(total, n int, rank func(i int) int, ranks int) []int {
	buckets := make([][]int, ranks)
	for i := range total {
		r := clamp(rank(i), 0, ranks-1)
		if len(buckets[r]) < n { // more of one rank than fit are never taken
			buckets[r] = append(buckets[r], i)
		}
	}
	out := make([]int, 0, n)
	for _, b := range buckets {
		out = append(out, b[:min(len(b), n-len(out))]...)
	}
	sort.Ints(out)
	return out
}
