package tui

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap is every key the lab keeps for itself. Anything else goes to the
// focused shell, Tab, Ctrl-C and the F-keys not listed here included.
type KeyMap struct {
	// Everywhere.
	FocusHost key.Binding // Alt+←
	FocusNS   key.Binding // Alt+→
	// FocusPanes only shows Alt+←/→ as one entry in the help bar.
	FocusPanes key.Binding
	CycleFocus key.Binding // F2: host, ns, then each panel
	Help       key.Binding // F1
	Zoom       key.Binding // Alt+z
	Quit       key.Binding // F10

	// In a pane.
	ScrollUp   key.Binding // Shift+PgUp: into the scrollback
	ScrollDown key.Binding // Shift+PgDn
	Restart    key.Binding // Enter, only when the pane's shell has exited

	// In a panel.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Filter                                  key.Binding // /
	Back                                    key.Binding // Esc: back to the last pane
	Pseudo                                  key.Binding // p: show or hide pseudo filesystems
	NextTab, PrevTab                        key.Binding // →/← in the compact strip

	// In the walkthrough.
	Step     key.Binding // F5 or Alt+n: run the step, re-check it, or go on
	Previous key.Binding // Alt+p: back one step for real (the lab rewound)

	// Answers to the quit question, and the filter editor.
	Yes, No      key.Binding
	FilterDone   key.Binding
	FilterCancel key.Binding
}

// DefaultKeyMap is the lab's key map.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		FocusHost:  b([]string{"alt+left"}, "alt+←", "host pane"),
		FocusNS:    b([]string{"alt+right"}, "alt+→", "ns pane"),
		FocusPanes: b([]string{"alt+left", "alt+right"}, "alt+←/→", "focus pane"),
		CycleFocus: b([]string{"f2"}, "f2", "next part"),
		Help:       b([]string{"f1"}, "f1", "help"),
		Zoom:       b([]string{"alt+z"}, "alt+z", "zoom"),
		Quit:       b([]string{"f10"}, "f10", "quit"),

		ScrollUp:   b([]string{"shift+pgup"}, "shift+pgup", "scroll"),
		ScrollDown: b([]string{"shift+pgdown"}, "shift+pgdn", "scroll forward"),
		Restart:    b([]string{"enter"}, "enter", "new shell"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "home/g", "top"),
		Bottom:   b([]string{"end", "G"}, "end/G", "bottom"),
		Filter:   b([]string{"/"}, "/", "filter"),
		Back:     b([]string{"esc"}, "esc", "back to pane"),
		Pseudo:   b([]string{"p"}, "p", "pseudo fs"),
		NextTab:  b([]string{"right", "l"}, "→", "next tab"),
		PrevTab:  b([]string{"left", "h"}, "←", "prev tab"),

		Step:     b([]string{"f5", "alt+n"}, "f5/alt+n", "run·next"),
		Previous: b([]string{"alt+p"}, "alt+p", "step back"),

		Yes:          b([]string{"y", "Y"}, "y", "quit"),
		No:           b([]string{"n", "N", "esc"}, "n", "stay"),
		FilterDone:   b([]string{"enter"}, "enter", "keep filter"),
		FilterCancel: b([]string{"esc"}, "esc", "clear filter"),
	}
}

// ShortHelp is the help bar of the free-form lab with a pane focused.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.ScrollUp, k.FocusPanes, k.CycleFocus, k.Help, k.Quit, k.Zoom}
}

// FullHelp is the help overlay: every key, grouped by where it works.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.FocusHost, k.FocusNS, k.CycleFocus, k.Zoom, k.Help, k.Quit},
		{k.ScrollUp, k.ScrollDown, k.Restart},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.Pseudo, k.PrevTab, k.NextTab, k.Back},
		{k.Step, k.Previous},
	}
}

// helpContext is what decides which keys matter now: the focused part's own
// keys, the walkthrough's, and the lab's.
type helpContext struct {
	keys KeyMap
	// local are the focused part's keys; walk the walkthrough's.
	local, walk []key.Binding
	onPanel     bool
	compact     bool
	filtering   bool
	confirming  bool
}

// ShortHelp gives the keys that matter now, most useful first (the bar
// drops the tail when the screen is narrow).
func (c helpContext) ShortHelp() []key.Binding {
	k := c.keys
	switch {
	case c.confirming:
		return []key.Binding{k.Yes, k.No}
	case c.filtering:
		return []key.Binding{k.FilterDone, k.FilterCancel}
	}
	out := append(append([]key.Binding(nil), c.walk...), c.local...)
	if c.onPanel {
		out = append(out, k.Back)
		if c.compact {
			out = append(out, k.NextTab)
		}
	}
	return append(out, k.FocusPanes, k.CycleFocus, k.Help, k.Quit, k.Zoom)
}

// FullHelp gives the help overlay's groups, with the walkthrough's only when
// it runs.
func (c helpContext) FullHelp() [][]key.Binding {
	groups := c.keys.FullHelp()
	if len(c.walk) == 0 {
		groups = groups[:len(groups)-1]
	}
	return groups
}
