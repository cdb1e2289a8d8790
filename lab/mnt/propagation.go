package mnt

import (
	"fmt"
	"strconv"
	"strings"
)

// ParsePropagation parses the optional fields of one mountinfo line (proc(5)): any
// combination of shared:N, master:N, propagate_from:N and unbindable, separated by spaces.
// No fields means private. Unknown tags are ignored, because newer kernels may add some;
// a known tag with a missing, malformed or repeated value is an error.
//
// When fields contradict each other (the kernel never prints unbindable beside shared or
// master), shared and master decide the type.
func ParsePropagation(optional string) (Propagation, error) {
	var p Propagation
	var unbindable bool
	for field := range strings.FieldsSeq(optional) {
		tag, value, hasValue := strings.Cut(field, ":")
		var dst *int
		switch tag {
		case "shared":
			dst = &p.PeerGroup
		case "master":
			dst = &p.Master
		case "propagate_from":
			dst = &p.PropagateFrom
		case "unbindable":
			if hasValue {
				return Propagation{}, fmt.Errorf("optional field %q: expected unbindable without a value", field)
			}
			unbindable = true
			continue
		default:
			continue
		}
		if *dst != 0 {
			return Propagation{}, fmt.Errorf("optional field %q: %s appears twice in %q", field, tag, optional)
		}
		n, err := parseGroup(value)
		if !hasValue || err != nil {
			return Propagation{}, fmt.Errorf("optional field %q: expected %s:N with N a peer group number ≥ 1, found %q", field, tag, value)
		}
		*dst = n
	}
	switch {
	case p.PeerGroup != 0 && p.Master != 0:
		p.Type = SharedSlave
	case p.PeerGroup != 0:
		p.Type = Shared
	case p.Master != 0:
		p.Type = Slave
	case unbindable:
		p.Type = Unbindable
	default:
		p.Type = Private
	}
	return p, nil
}

// parseGroup parses a peer group number: decimal digits only, at least 1 (the kernel
// allocates group IDs from 1, and 0 means "none" in Propagation).
func parseGroup(s string) (int, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, strconv.ErrRange
	}
	return int(n), nil
}

// String formats p the way mountinfo writes it ("shared:1 master:2", "unbindable"), or
// "private" for a mount with no optional fields.
func (p Propagation) String() string {
	var b strings.Builder
	field := func(tag string, n int) {
		if n == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tag)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(n))
	}
	field("shared", p.PeerGroup)
	field("master", p.Master)
	field("propagate_from", p.PropagateFrom)
	if p.Type == Unbindable {
		// Also beside propagate_from, which ParsePropagation takes without a master.
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("unbindable")
	}
	if b.Len() == 0 {
		return "private"
	}
	return b.String()
}

// sameRole reports whether a and b propagate the same way: same type, same peer group,
// same master. PropagateFrom is left out on purpose: the kernel derives it from the
// reader's root (the nearest dominating peer group visible there), so two readers can see
// different values for the same mount.
func (p Propagation) sameRole(q Propagation) bool {
	return p.Type == q.Type && p.PeerGroup == q.PeerGroup && p.Master == q.Master
}
