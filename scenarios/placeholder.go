package scenarios

import (
	"fmt"
	"regexp"
	"strings"
)

// placeholderNames lists the placeholders in the order error messages name them.
func placeholderNames() []string {
	return []string{"workspace", "rootfs", "canary", "token", "nslab"}
}

// value gives a placeholder's value; ok is false for an unknown name.
func (w Workspace) value(name string) (v string, ok bool) {
	switch name {
	case "workspace":
		return w.Dir, true
	case "rootfs":
		return w.Rootfs, true
	case "canary":
		return w.Canary, true
	case "token":
		return w.Token, true
	case "nslab":
		return w.NSLab, true
	}
	return "", false
}

// Expand replaces every known {{name}} in s with its value. Unknown names are left as
// they are; the loader has already refused them.
func (w Workspace) Expand(s string) string {
	return expand(s, func(v string) string { return v }, w)
}

func (w Workspace) expandText(t Text) Text {
	return Text{EN: w.Expand(t.EN), KO: w.Expand(t.KO)}
}

// expandRegexp is Expand for a regular expression: values are quoted so a path's dots
// match only dots.
func (w Workspace) expandRegexp(s string) string {
	return expand(s, regexp.QuoteMeta, w)
}

func expand(s string, quote func(string) string, w Workspace) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			break
		}
		name := strings.TrimSpace(s[i+2 : i+2+j])
		v, ok := w.value(name)
		b.WriteString(s[:i])
		if ok {
			b.WriteString(quote(v))
		} else {
			b.WriteString(s[i : i+2+j+2])
		}
		s = s[i+2+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

// checkPlaceholders refuses unknown or unclosed placeholders in s.
func checkPlaceholders(s string) error {
	rest := s
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return nil
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			return fmt.Errorf("expected a placeholder closed with }}, found %q", clip(rest[i:], 30))
		}
		name := strings.TrimSpace(rest[i+2 : i+2+j])
		if _, ok := (Workspace{}).value(name); !ok {
			known := placeholderNames()
			for k, n := range known {
				known[k] = "{{" + n + "}}"
			}
			return fmt.Errorf("expected a placeholder (%s), found {{%s}}", strings.Join(known, ", "), clip(name, 30))
		}
		rest = rest[i+2+j+2:]
	}
}

// sampleWorkspace stands in for the real values when a regexp is compiled at load time.
func sampleWorkspace() Workspace {
	return Workspace{Dir: "/tmp/nslab", Rootfs: "/tmp/nslab/rootfs", Canary: "/tmp/nslab/canary",
		Token: "0123456789abcdef", NSLab: "/bin/nslab"}
}

// clip shortens s to at most n runes for an error message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
