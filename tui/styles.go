package tui

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Theme names a colour scheme.
type Theme string

// The themes. Every state a colour shows also has a symbol, so each theme, and
// no colour at all, tells the same story.
const (
	// Dark suits a dark terminal background; it is the default.
	Dark Theme = "dark"
	// Light suits a light terminal background.
	Light Theme = "light"
	// Classroom is for a projector or a shared screen: bold, high contrast,
	// heavy borders, and a colour-blind safe palette (blue and orange, never
	// red against green).
	Classroom Theme = "classroom"
)

// Themes lists the themes, default first.
func Themes() []Theme { return []Theme{Dark, Light, Classroom} }

// ParseTheme reads a --theme value; "" is Dark.
func ParseTheme(s string) (Theme, error) {
	if s == "" {
		return Dark, nil
	}
	for _, t := range Themes() {
		if strings.EqualFold(s, string(t)) {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown theme %q: want dark, light or classroom", s)
}

// Symbols carry every state without colour. They are the same in every theme.
const (
	symSame      = "="
	symHostOnly  = "◀"
	symNSOnly    = "▶"
	symChanged   = "≠"
	symRemoved   = "−"
	symRecent    = "•"
	symSpotlight = "★"
	symFocus     = "●"
	symEqual     = "="
	symUnequal   = "≠"
	symAdded     = "+"
	symDeleted   = "−"
	symModified  = "~"
	symPass      = "✓"
	symFail      = "✗"
	symPending   = "·"
	symRunning   = "…"
)

// Styles is every style the screen uses, built once from a theme and passed
// down to each component.
type Styles struct {
	// Theme is the theme these styles were built from; NoColor tells whether
	// colour was left out.
	Theme   Theme
	NoColor bool

	// Frame is the border of a box, FrameFocus of the box with focus (also a
	// heavier line, so focus shows without colour).
	Frame, FrameFocus           lipgloss.Border
	Border, BorderFocus         lipgloss.Style
	Title, TitleFocus, TitleDim lipgloss.Style

	// Text kinds.
	Normal, Muted, Header, Warn, Key lipgloss.Style

	// Diff classes, indexed by mnt.DiffClass; Removed is a row that just left
	// both tables (it also shows symRemoved).
	Class   [4]lipgloss.Style
	Removed lipgloss.Style
	// Unreachable is a mount a chrooted process cannot reach (it also
	// shows symOutOfReach).
	Unreachable lipgloss.Style
	// Recent marks a row or namespace that just changed; Spotlight the same
	// after a walkthrough step, stronger.
	Recent, Spotlight lipgloss.Style

	// Namespace panel.
	Same, Differ lipgloss.Style

	// Event log.
	Added, Deleted, Modified, NSEvent, ShellEvent lipgloss.Style

	// Walkthrough.
	Pass, Fail, Skip, Pending  lipgloss.Style
	Step, Narration, Command   lipgloss.Style
	Hint, Spot                 lipgloss.Style
	Tab, TabActive, FilterLine lipgloss.Style

	// Help is the help bar's and help screen's style.
	Help help.Styles
}

// palette is a theme's colours; a nil colour means "terminal default".
type palette struct {
	border, focus, title, text, muted   color.Color
	same, hostOnly, nsOnly, changed     color.Color
	recentBg, spotBg, spotFg            color.Color
	good, bad, warn, command, hint, key color.Color
	bold                                bool
	heavy                               bool
}

func paletteFor(t Theme) palette {
	hex := lipgloss.Color
	switch t {
	case Light:
		return palette{
			border: hex("#a8a8a8"), focus: hex("#005f87"), title: hex("#303030"), text: hex("#1c1c1c"),
			muted: hex("#808080"), same: hex("#6c6c6c"), hostOnly: hex("#005fd7"), nsOnly: hex("#af5f00"),
			changed: hex("#8700af"), recentBg: hex("#e4e4e4"), spotBg: hex("#ffd700"), spotFg: hex("#000000"),
			good: hex("#005fd7"), bad: hex("#af0000"), warn: hex("#af5f00"), command: hex("#5f0087"),
			hint: hex("#005f87"), key: hex("#005f87"),
		}
	case Classroom:
		// Okabe–Ito colours: told apart with every common colour-vision
		// deficiency; pass is sky blue and fail orange, never green and red.
		return palette{
			border: hex("#bcbcbc"), focus: hex("#f0e442"), title: hex("#ffffff"), text: hex("#ffffff"),
			muted: hex("#bcbcbc"), same: hex("#d0d0d0"), hostOnly: hex("#56b4e9"), nsOnly: hex("#e69f00"),
			changed: hex("#f0e442"), recentBg: hex("#303030"), spotBg: hex("#f0e442"), spotFg: hex("#000000"),
			good: hex("#56b4e9"), bad: hex("#e69f00"), warn: hex("#e69f00"), command: hex("#f0e442"),
			hint: hex("#56b4e9"), key: hex("#f0e442"), bold: true, heavy: true,
		}
	default:
		return palette{
			border: hex("#5f5f87"), focus: hex("#87d7ff"), title: hex("#d0d0d0"), text: hex("#e4e4e4"),
			muted: hex("#8a8a8a"), same: hex("#8a8a8a"), hostOnly: hex("#5fafff"), nsOnly: hex("#ffaf5f"),
			changed: hex("#d787ff"), recentBg: hex("#3a3a3a"), spotBg: hex("#ffd75f"), spotFg: hex("#000000"),
			good: hex("#5fd75f"), bad: hex("#ff5f5f"), warn: hex("#ffaf00"), command: hex("#ffd75f"),
			hint: hex("#87afd7"), key: hex("#87d7ff"),
		}
	}
}

// NewStyles builds the styles of a theme; noColor leaves every colour out (the
// NO_COLOR convention) and keeps bold, reverse and the symbols.
func NewStyles(t Theme, noColor bool) Styles {
	if _, err := ParseTheme(string(t)); err != nil || t == "" {
		t = Dark
	}
	p := paletteFor(t)
	if noColor {
		p = palette{bold: p.bold, heavy: p.heavy}
	}
	base := lipgloss.NewStyle()
	fg := func(c color.Color) lipgloss.Style {
		if c == nil {
			return base
		}
		return base.Foreground(c)
	}
	bold := func(s lipgloss.Style) lipgloss.Style {
		if p.bold {
			return s.Bold(true)
		}
		return s
	}
	withBg := func(s lipgloss.Style, c color.Color) lipgloss.Style {
		if c == nil {
			return s
		}
		return s.Background(c)
	}

	s := Styles{Theme: t, NoColor: noColor}
	s.Frame = lipgloss.RoundedBorder()
	s.FrameFocus = lipgloss.ThickBorder()
	if p.heavy {
		s.Frame = lipgloss.NormalBorder()
		s.FrameFocus = lipgloss.DoubleBorder()
	}
	s.Border = fg(p.border)
	s.BorderFocus = fg(p.focus).Bold(true)
	s.Title = bold(fg(p.title))
	s.TitleFocus = fg(p.focus).Bold(true)
	s.TitleDim = fg(p.muted)
	s.Normal = bold(fg(p.text))
	if !p.bold {
		s.Normal = base
	}
	s.Muted = fg(p.muted)
	if noColor {
		s.Muted = base.Faint(true)
	}
	s.Header = fg(p.muted).Bold(true)
	s.Warn = fg(p.warn).Bold(true)
	s.Key = fg(p.key).Bold(true)

	s.Class[0] = fg(p.same)
	s.Class[1] = bold(fg(p.hostOnly))
	s.Class[2] = bold(fg(p.nsOnly))
	s.Class[3] = bold(fg(p.changed))
	s.Removed = fg(p.muted).Faint(true)
	s.Unreachable = fg(p.muted).Faint(true)
	s.Recent = withBg(base.Bold(true), p.recentBg)
	s.Spotlight = withBg(fg(p.spotFg), p.spotBg).Bold(true)
	if noColor {
		s.Recent = base.Bold(true)
		s.Spotlight = base.Bold(true).Reverse(true)
	}

	s.Same = fg(p.same)
	s.Differ = fg(p.nsOnly).Bold(true)

	s.Added = bold(fg(p.good))
	s.Deleted = bold(fg(p.bad))
	s.Modified = bold(fg(p.changed))
	s.NSEvent = fg(p.nsOnly).Bold(true)
	s.ShellEvent = fg(p.warn)

	s.Pass = fg(p.good).Bold(true)
	s.Fail = fg(p.bad).Bold(true)
	s.Skip = fg(p.muted)
	s.Pending = fg(p.muted)
	s.Step = fg(p.focus).Bold(true)
	s.Narration = bold(fg(p.text))
	if !p.bold {
		s.Narration = base
	}
	s.Command = fg(p.command).Bold(true)
	s.Hint = fg(p.hint).Italic(!p.bold).Bold(p.bold)
	s.Spot = fg(p.changed).Bold(true)
	s.Tab = fg(p.muted)
	s.TabActive = fg(p.focus).Bold(true)
	s.FilterLine = fg(p.command)

	s.Help = help.Styles{
		Ellipsis:       fg(p.muted),
		ShortKey:       fg(p.key).Bold(true),
		ShortDesc:      fg(p.muted),
		ShortSeparator: fg(p.border),
		FullKey:        fg(p.key).Bold(true),
		FullDesc:       bold(fg(p.text)),
		FullSeparator:  fg(p.border),
	}
	if !p.bold {
		s.Help.FullDesc = base
	}
	return s
}
