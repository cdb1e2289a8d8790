package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/nslab/nslab/scenarios"
)

// KeyMap is every key the lab keeps for itself. Anything else goes to the
// focused shell, Tab, Ctrl-C and the F-keys not listed here included.
//
// While a program owns the focused pane's screen (the alternate screen, or
// mouse reporting: htop, mc, vim, less), every key is the program's but
// Prefix, as in zellij's locked mode: Prefix, then one of the lab's keys,
// does what that key does at a shell prompt (tmux's prefix); Prefix twice
// sends the program one.
type KeyMap struct {
	// Everywhere.
	FocusHost key.Binding // Alt+←
	FocusNS   key.Binding // Alt+→
	// FocusPanes only shows Alt+←/→ as one entry in the help bar.
	FocusPanes key.Binding
	CycleFocus key.Binding // F2: host, ns, then each panel
	Help       key.Binding // F1
	Zoom       key.Binding // Alt+z
	// Unzoom is Alt+z as the help bar shows it while a part is zoomed.
	Unzoom key.Binding
	Quit   key.Binding // F10

	// In a pane.
	ScrollUp   key.Binding // Shift+PgUp: into the scrollback
	ScrollDown key.Binding // Shift+PgDn
	Restart    key.Binding // Enter, only when the pane's shell has exited

	// In a panel.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Filter                                  key.Binding // /
	Back                                    key.Binding // Esc: back to the last pane
	Pseudo                                  key.Binding // p: show or hide pseudo filesystems
	// Tree turns the mount panel into findmnt's tree; List, the same key
	// as the help bar shows it in the tree, turns it back.
	Tree, List       key.Binding // t
	NextTab, PrevTab key.Binding // →/← in the compact strip

	// In the walkthrough.
	Step     key.Binding // F5 or Alt+n: run the step, re-check it, or go on
	Previous key.Binding // Alt+p: back one step for real (the lab rewound)

	// While a program owns the screen.
	Prefix key.Binding // Ctrl-g, then a lab key
	// PrefixAgain is Ctrl-g after Ctrl-g: one Ctrl-g for the program. Its
	// help reads "ctrl+g ctrl+g" in F1; PrefixSend is the same as the help
	// bar shows it once Ctrl-g was pressed.
	PrefixAgain, PrefixSend key.Binding
	// PrefixCancel is Esc after Ctrl-g; any key that is not the lab's does
	// the same and reaches nobody.
	PrefixCancel key.Binding

	// Answers to the quit question, and the filter editor.
	Yes, No      key.Binding
	FilterDone   key.Binding
	FilterCancel key.Binding
}

// DefaultKeyMap is the lab's key map, described in English.
func DefaultKeyMap() KeyMap { return keyMapIn(wordsFor(scenarios.EN)) }

// keyMapIn is the key map with its help in the screen's language; the keys
// are the same in every language.
func keyMapIn(wd words) KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		FocusHost:  b([]string{"alt+left"}, "alt+←", wd.keyHostPane),
		FocusNS:    b([]string{"alt+right"}, "alt+→", wd.keyNSPane),
		FocusPanes: b([]string{"alt+left", "alt+right"}, "alt+←/→", wd.keyFocusPane),
		CycleFocus: b([]string{"f2"}, "f2", wd.keyNextPart),
		Help:       b([]string{"f1"}, "f1", wd.keyHelp),
		Zoom:       b([]string{"alt+z"}, "alt+z", wd.keyZoom),
		Unzoom:     b([]string{"alt+z"}, "alt+z", wd.keyUnzoom),
		Quit:       b([]string{"f10"}, "f10", wd.keyQuit),

		ScrollUp:   b([]string{"shift+pgup"}, "shift+pgup", wd.keyScroll),
		ScrollDown: b([]string{"shift+pgdown"}, "shift+pgdn", wd.keyScrollForward),
		Restart:    b([]string{"enter"}, "enter", wd.keyNewShell),

		Up:       b([]string{"up", "k"}, "↑/k", wd.keyUp),
		Down:     b([]string{"down", "j"}, "↓/j", wd.keyDown),
		PageUp:   b([]string{"pgup"}, "pgup", wd.keyPageUp),
		PageDown: b([]string{"pgdown"}, "pgdn", wd.keyPageDown),
		Top:      b([]string{"home", "g"}, "home/g", wd.keyTop),
		Bottom:   b([]string{"end", "G"}, "end/G", wd.keyBottom),
		Filter:   b([]string{"/"}, "/", wd.keyFilter),
		Back:     b([]string{"esc"}, "esc", wd.keyBack),
		Pseudo:   b([]string{"p"}, "p", wd.keyPseudo),
		Tree:     b([]string{"t"}, "t", wd.keyTree),
		List:     b([]string{"t"}, "t", wd.keyList),
		NextTab:  b([]string{"right", "l"}, "→", wd.keyNextTab),
		PrevTab:  b([]string{"left", "h"}, "←", wd.keyPrevTab),

		Step:     b([]string{"f5", "alt+n"}, "f5/alt+n", wd.keyStep),
		Previous: b([]string{"alt+p"}, "alt+p", wd.keyPrevious),

		Prefix:       b([]string{"ctrl+g"}, "ctrl+g …", wd.keyPrefix),
		PrefixAgain:  b([]string{"ctrl+g"}, "ctrl+g ctrl+g", wd.keyPrefixAgain),
		PrefixSend:   b([]string{"ctrl+g"}, "ctrl+g", wd.keyPrefixSend),
		PrefixCancel: b([]string{"esc"}, "esc", wd.keyPrefixCancel),

		Yes:          b([]string{"y", "Y"}, "y", wd.keyYes),
		No:           b([]string{"n", "N", "esc"}, "n", wd.keyNo),
		FilterDone:   b([]string{"enter"}, "enter", wd.keyFilterDone),
		FilterCancel: b([]string{"esc"}, "esc", wd.keyFilterCancel),
	}
}

// ShortHelp is the help bar of the free-form lab with a pane focused. F1
// comes last: a narrow bar drops keys before it, never F1, which lists them
// all.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.ScrollUp, k.FocusPanes, k.CycleFocus, k.Quit, k.Zoom, k.Help}
}

// FullHelp is the help screen (F1): every key, grouped by where it works.
func (k KeyMap) FullHelp() [][]key.Binding { return k.fullHelp(true) }

// fullHelp is FullHelp with the walkthrough's keys or without them. They
// share the last column with Ctrl-g's, after a blank row, so that the F1
// screen fits the smallest terminal in Korean too.
func (k KeyMap) fullHelp(walk bool) [][]key.Binding {
	last := []key.Binding{k.Prefix, k.PrefixAgain}
	if walk {
		last = append([]key.Binding{k.Step, k.Previous, {}}, last...)
	}
	return [][]key.Binding{
		{k.FocusHost, k.FocusNS, k.CycleFocus, k.Zoom, k.Help, k.Quit},
		{k.ScrollUp, k.ScrollDown, k.Restart},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.Pseudo, k.Tree, k.PrevTab, k.NextTab, k.Back},
		last,
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
	// zoomed puts the key out of the zoom first: it matters most then.
	zoomed bool
	// locked: a program owns the focused pane's screen, so the lab's keys
	// work after Ctrl-g only; armed: Ctrl-g was pressed.
	locked, armed bool
}

// ShortHelp gives the keys that matter now, most useful first, F1 last (the
// bar drops keys from the end, before F1, when the screen is narrow).
func (c helpContext) ShortHelp() []key.Binding {
	k := c.keys
	switch {
	case c.confirming:
		return []key.Binding{k.Yes, k.No}
	case c.filtering:
		return []key.Binding{k.FilterDone, k.FilterCancel}
	}
	if c.armed {
		// After Ctrl-g: the lab's keys most wanted then, and what else
		// Ctrl-g may be followed by, before those a narrow bar drops.
		out := append([]key.Binding(nil), c.walk...)
		out = append(out, k.Quit, k.CycleFocus, k.PrefixSend, k.PrefixCancel, k.FocusPanes)
		if c.zoomed {
			return append(out, k.Unzoom, k.Help)
		}
		return append(out, k.Zoom, k.Help)
	}
	out := append([]key.Binding(nil), c.walk...)
	if !c.locked {
		// Locked, the pane's own keys (its scrollback) are the program's.
		out = append(out, c.local...)
	}
	if c.zoomed {
		out = append(out, k.Unzoom)
	}
	if c.onPanel {
		out = append(out, k.Back)
		if c.compact {
			out = append(out, k.NextTab)
		}
	}
	out = append(out, k.FocusPanes, k.CycleFocus, k.Quit)
	if !c.zoomed {
		out = append(out, k.Zoom)
	}
	return append(out, k.Help)
}

// FullHelp gives the help screen's groups, with the walkthrough's only when
// it runs.
func (c helpContext) FullHelp() [][]key.Binding { return c.keys.fullHelp(len(c.walk) > 0) }
