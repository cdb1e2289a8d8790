package tui

import (
	"reflect"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestParseTheme(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Theme
		err  bool
	}{
		{"", Dark, false},
		{"dark", Dark, false},
		{"LIGHT", Light, false},
		{"classroom", Classroom, false},
		{"solarized", "", true},
	} {
		got, err := ParseTheme(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ParseTheme(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// eachStyle calls f with every lipgloss.Style in s, named.
func eachStyle(s Styles, f func(name string, st lipgloss.Style)) {
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		field := v.Type().Field(i)
		switch x := v.Field(i).Interface().(type) {
		case lipgloss.Style:
			f(field.Name, x)
		case [4]lipgloss.Style:
			for j, st := range x {
				f(field.Name+"["+string(rune('0'+j))+"]", st)
			}
		}
	}
	h := reflect.ValueOf(s.Help)
	for i := range h.NumField() {
		f("Help."+h.Type().Field(i).Name, h.Field(i).Interface().(lipgloss.Style))
	}
}

func TestNoColorHasNoColour(t *testing.T) {
	for _, th := range Themes() {
		eachStyle(NewStyles(th, true), func(name string, st lipgloss.Style) {
			if sgr := colourSGR(st.Render("x")); sgr != "" {
				t.Errorf("%s without colour: %s sets a colour (%q)", th, name, sgr)
			}
		})
	}
	// With colour, the themes do use it (the test above could not pass by
	// accident of a style package that never colours).
	if colourSGR(NewStyles(Dark, false).Class[1].Render("x")) == "" {
		t.Error("the dark theme shows host-only rows without colour")
	}
}

// TestClassroomIsColourBlindSafe: pass and fail, host only and ns only, are
// blue against orange, never red against green.
func TestClassroomIsColourBlindSafe(t *testing.T) {
	s := NewStyles(Classroom, false)
	blue, orange := lipgloss.Color("#56b4e9"), lipgloss.Color("#e69f00")
	for _, tc := range []struct {
		name string
		st   lipgloss.Style
		want any
	}{
		{"Pass", s.Pass, blue},
		{"Fail", s.Fail, orange},
		{"host only", s.Class[1], blue},
		{"ns only", s.Class[2], orange},
	} {
		if got := tc.st.GetForeground(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: colour %v, want %v", tc.name, got, tc.want)
		}
		if !tc.st.GetBold() {
			t.Errorf("%s is not bold in the classroom theme", tc.name)
		}
	}
}

// TestSymbolsAreDistinct: each state has its own symbol, so colour is never
// the only thing that tells them apart.
func TestSymbolsAreDistinct(t *testing.T) {
	groups := [][]string{
		{symSame, symHostOnly, symNSOnly, symChanged, symRemoved},
		{symAdded, symDeleted, symModified},
		{symPass, symFail, symPending, symRunning},
		{symEqual, symUnequal},
		{symRecent, symSpotlight},
	}
	for _, g := range groups {
		seen := map[string]bool{}
		for _, s := range g {
			if s == "" || seen[s] {
				t.Errorf("symbol %q repeats in %q", s, g)
			}
			seen[s] = true
		}
	}
}
