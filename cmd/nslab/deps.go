package main

// Temporary: keeps the agreed dependencies in go.mod until the code that uses them lands.
import (
	_ "charm.land/bubbles/v2/key"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/lipgloss/v2"
	_ "github.com/charmbracelet/x/exp/teatest/v2"
	_ "github.com/charmbracelet/x/vt"
	_ "github.com/creack/pty"
	_ "github.com/moby/sys/mountinfo"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/sys/unix"
)
