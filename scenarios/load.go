package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// builtin holds the scenario files shipped in the binary. Their names start with a
// two-digit number that gives the teaching order.
//
//go:embed *.yaml
var builtin embed.FS

// MaxTimeout is the longest timeout a step may ask for.
const MaxTimeout = 10 * time.Minute

// Bounds on what a scenario file may hold: generous for any lesson (the built-in ones are
// under 10 KiB, 15 steps and 160-byte commands), small enough that a wrong file cannot
// fill memory or keep a pane typing for hours.
const (
	// MaxFileSize is the largest scenario file read; the size is checked before reading.
	MaxFileSize = 1 << 20
	// MaxSteps is the most steps one scenario may have.
	MaxSteps = 200
	// MaxCommandLen is the longest command of a step, in bytes, as written.
	MaxCommandLen = 4096
	// MaxFiles is the most scenario files a teacher's directory may hold.
	MaxFiles = 500
)

// LoadError is a problem in a scenario file: one line, "file:line: what was expected,
// what was found".
type LoadError struct {
	File string
	Line int
	Msg  string
}

// Error gives "file:line: message" on one line.
func (e *LoadError) Error() string {
	return fmt.Sprintf("%s:%d: %s", oneLine(e.File), e.Line, oneLine(e.Msg))
}

// oneLine keeps an error on one line whatever a file put in it.
func oneLine(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// Load reads the built-in scenarios, in teaching order.
func Load() ([]Scenario, error) {
	return loadFS(builtin, ".", func(name string) string { return "scenarios/" + name }, false)
}

// LoadDir reads the built-in scenarios and then a teacher's directory of *.yaml (or
// *.yml) files, one scenario per file. A teacher's scenario with a new id is added after
// the built-in ones, in file name order. One with the id of a built-in scenario is an
// error unless it says `override: true`; then it takes the built-in one's place in the
// teaching order. Two files in the directory with one id are an error.
func LoadDir(dir string) ([]Scenario, error) {
	base, err := Load()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("read scenario directory %s: %w", dir, err)
	}
	own, err := loadFS(os.DirFS(dir), ".", func(name string) string { return filepath.Join(dir, name) }, true)
	if err != nil {
		return nil, err
	}
	return merge(base, own)
}

// loadFS parses every scenario file in dir of fsys, sorted by name, and refuses
// duplicate ids. display names a file in messages.
func loadFS(fsys fs.FS, dir string, display func(string) string, teacher bool) ([]Scenario, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read scenario directory %s: %w", display(dir), err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if ext := path.Ext(e.Name()); ext == ".yaml" || ext == ".yml" {
			names = append(names, e.Name())
		}
	}
	if len(names) > MaxFiles {
		return nil, fmt.Errorf("read scenario directory %s: %d scenario files, more than the %d nslab reads from one directory",
			display(dir), len(names), MaxFiles)
	}
	sort.Strings(names)
	var out []Scenario
	seen := map[string]Scenario{}
	for _, name := range names {
		data, err := readBounded(fsys, path.Join(dir, name), display(name))
		if err != nil {
			return nil, err
		}
		sc, err := Parse(display(name), data)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[sc.ID]; dup {
			return nil, &LoadError{File: sc.File, Line: 1,
				Msg: fmt.Sprintf("expected a new scenario id, found %q again (first in %s)", sc.ID, first.File)}
		}
		if sc.Override && !teacher {
			return nil, &LoadError{File: sc.File, Line: 1,
				Msg: "expected no override key in a built-in scenario, found override: true"}
		}
		seen[sc.ID] = sc
		out = append(out, sc)
	}
	return out, nil
}

// readBounded reads a scenario file of at most MaxFileSize bytes. The size is checked
// before reading, and the read stops past the bound (a file may grow meanwhile), so a huge
// file costs no memory; a device or a fifo named *.yaml is refused before it is opened.
func readBounded(fsys fs.FS, name, shown string) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read scenario file %s: %w", shown, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &LoadError{File: shown, Line: 1, Msg: "expected a regular file, found " + fileKind(fi.Mode())}
	}
	if fi.Size() > MaxFileSize {
		return nil, tooBig(shown, fi.Size())
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read scenario file %s: %w", shown, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read scenario file %s: %w", shown, err)
	}
	if len(data) > MaxFileSize {
		return nil, tooBig(shown, int64(len(data)))
	}
	return data, nil
}

func tooBig(shown string, size int64) error {
	return &LoadError{File: shown, Line: 1, Msg: fmt.Sprintf(
		"expected a scenario file of at most %s, found %s", sizeText(MaxFileSize), sizeText(size))}
}

// sizeText writes a byte count for a message ("1 MiB", "50.0 MiB", "812 bytes").
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileKind names what a non-regular file is, for a message.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a fifo"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// merge adds a teacher's scenarios to the built-in ones (see LoadDir).
func merge(base, own []Scenario) ([]Scenario, error) {
	out := append([]Scenario(nil), base...)
	index := map[string]int{}
	for i, sc := range base {
		index[sc.ID] = i
	}
	for _, sc := range own {
		i, exists := index[sc.ID]
		switch {
		case exists && !sc.Override:
			return nil, &LoadError{File: sc.File, Line: 1, Msg: fmt.Sprintf(
				"expected an id no built-in scenario has (or override: true to replace it), found %q (built in as %s)",
				sc.ID, base[i].File)}
		case exists:
			out[i] = sc
		case sc.Override:
			return nil, &LoadError{File: sc.File, Line: 1, Msg: fmt.Sprintf(
				"expected override: true only to replace a built-in scenario, found no built-in scenario %q", sc.ID)}
		default:
			out = append(out, sc)
		}
	}
	return out, nil
}

// Entry is one line of `nslab scenarios`.
type Entry struct {
	ID    string
	Steps int
	Title string
	// NeedsRoot says why the lesson cannot run rootless ("" when it can).
	NeedsRoot string
}

// List gives each scenario's id, step count and title in lang, in the order given.
func List(scs []Scenario, lang Lang) []Entry {
	out := make([]Entry, 0, len(scs))
	for _, sc := range scs {
		out = append(out, Entry{ID: sc.ID, Steps: len(sc.Steps), Title: sc.Title.In(lang), NeedsRoot: sc.NeedsRoot.In(lang)})
	}
	return out
}

// Select picks scenarios by id, in the order asked; an unknown id is an error naming
// the known ones.
func Select(scs []Scenario, ids ...string) ([]Scenario, error) {
	byID := map[string]Scenario{}
	var known []string
	for _, sc := range scs {
		byID[sc.ID] = sc
		known = append(known, sc.ID)
	}
	out := make([]Scenario, 0, len(ids))
	for _, id := range ids {
		sc, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("select scenario %q: no such scenario (known: %s)", id, strings.Join(known, ", "))
		}
		out = append(out, sc)
	}
	return out, nil
}

// Parse reads one scenario file; name is used in error messages and Scenario.File.
// Every problem is a *LoadError; Parse never panics, whatever data holds.
func Parse(name string, data []byte) (sc Scenario, err error) {
	p := parser{file: name}
	root, err := p.document(data)
	if err != nil {
		return Scenario{}, err
	}
	return p.scenario(root)
}

type parser struct {
	file string
}

func (p *parser) errAt(line int, format string, args ...any) error {
	if line < 1 {
		line = 1
	}
	return &LoadError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	line := 1
	if n != nil {
		line = n.Line
	}
	return p.errAt(line, format, args...)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// document decodes data as exactly one YAML document and returns its top node.
func (p *parser) document(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// The YAML library is not ours; a panic on strange input must not become ours.
		if r := recover(); r != nil {
			root, err = nil, p.errAt(1, "expected YAML, found input the YAML parser cannot read")
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errAt(1, "expected a scenario (id, title, summary, steps), found an empty file")
		}
		return nil, p.yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p.errAt(extra.Line, "expected one scenario per file, found a second YAML document")
	} else if !errors.Is(err, io.EOF) {
		return nil, p.yamlError(err)
	}
	if err := p.noAliases(&doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, p.errAt(doc.Line, "expected a scenario (id, title, summary, steps), found an empty document")
	}
	return doc.Content[0], nil
}

// yamlError turns the YAML library's message into one of ours, keeping its line.
func (p *parser) yamlError(err error) error {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			line = n
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = yamlLine.ReplaceAllString(msg, "")
	msg = strings.TrimLeft(strings.TrimSpace(msg), ": ")
	return p.errAt(line, "expected valid YAML, found a syntax error: %s", clip(oneLine(msg), 120))
}

// noAliases refuses anchors' aliases: a scenario has no need of them, and refusing them
// keeps a small file from expanding into a huge one.
func (p *parser) noAliases(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return p.errf(n, "expected plain YAML, found an alias (*%s); write the value out", clip(n.Value, 30))
	}
	for _, c := range n.Content {
		if err := p.noAliases(c); err != nil {
			return err
		}
	}
	return nil
}

// describe says what a node is, for "found …".
func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing (null)"
	case "!!int", "!!float":
		return "the number " + clip(n.Value, 30)
	case "!!bool":
		return "the boolean " + clip(n.Value, 30)
	}
	return strconv.Quote(clip(n.Value, 60))
}

// fields is a mapping's values by key, with the key nodes for line numbers.
type fields struct {
	node *yaml.Node
	val  map[string]*yaml.Node
	key  map[string]*yaml.Node
	keys []string
}

func (f fields) has(k string) bool { return f.val[k] != nil }

// mapping reads n as a mapping whose keys are among allowed; what names it in messages.
func (p *parser) mapping(n *yaml.Node, what string, allowed []string) (fields, error) {
	f := fields{node: n, val: map[string]*yaml.Node{}, key: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		return f, p.errf(n, "expected %s (a mapping), found %s", what, describe(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return f, p.errf(k, "expected a key name in %s, found %s", what, describe(k))
		}
		if !contains(allowed, k.Value) {
			return f, p.errf(k, "expected a key of %s (%s), found %q", what, strings.Join(allowed, ", "), clip(k.Value, 40))
		}
		if f.has(k.Value) {
			return f, p.errf(k, "expected each key once in %s, found %q again (first on line %d)", what, k.Value, f.key[k.Value].Line)
		}
		f.val[k.Value] = v
		f.key[k.Value] = k
		f.keys = append(f.keys, k.Value)
	}
	return f, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// require says a key is missing from a mapping.
func (p *parser) require(f fields, what string, keys ...string) error {
	for _, k := range keys {
		if !f.has(k) {
			return p.errf(f.node, "expected key %q in %s, found none", k, what)
		}
	}
	return nil
}

// str reads a scalar as text; numbers and booleans keep their written form.
func (p *parser) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return "", p.errf(n, "expected %s (text), found %s", what, describe(n))
	}
	return n.Value, nil
}

// nonEmpty reads text that must not be blank.
func (p *parser) nonEmpty(n *yaml.Node, what string) (string, error) {
	s, err := p.str(n, what)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(s) == "" {
		return "", p.errf(n, "expected %s, found empty text", what)
	}
	return s, nil
}

func (p *parser) boolean(n *yaml.Node, what string) (bool, error) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, nil
		}
	}
	return false, p.errf(n, "expected %s (true or false), found %s", what, describe(n))
}

// text reads {en: …, ko: …}; both languages are required.
func (p *parser) text(n *yaml.Node, what string) (Text, error) {
	f, err := p.mapping(n, what, []string{"en", "ko"})
	if err != nil {
		return Text{}, err
	}
	if !f.has("en") {
		return Text{}, p.errf(n, "expected English text (en) in %s, found none", what)
	}
	if !f.has("ko") {
		return Text{}, p.errf(n, "expected Korean text (ko) in %s, found none", what)
	}
	var t Text
	if t.EN, err = p.nonEmpty(f.val["en"], "English text in "+what); err != nil {
		return Text{}, err
	}
	if t.KO, err = p.nonEmpty(f.val["ko"], "Korean text in "+what); err != nil {
		return Text{}, err
	}
	return t, nil
}

func (p *parser) pane(n *yaml.Node, what string) (lab.Role, error) {
	s, err := p.str(n, what)
	if err == nil {
		for _, r := range lab.Roles {
			if string(r) == s {
				return r, nil
			}
		}
	}
	return "", p.errf(n, "expected %s (host or ns), found %s", what, describe(n))
}

// placeholders refuses unknown placeholders in a value.
func (p *parser) placeholders(n *yaml.Node, s string) error {
	if err := checkPlaceholders(s); err != nil {
		return p.errf(n, "%s", err.Error())
	}
	return nil
}

// textPlaceholders refuses unknown placeholders in narration or a hint.
func (p *parser) textPlaceholders(n *yaml.Node, t Text) error {
	for _, s := range []string{t.EN, t.KO} {
		if err := p.placeholders(n, s); err != nil {
			return err
		}
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func (p *parser) scenario(n *yaml.Node) (Scenario, error) {
	sc := Scenario{File: p.file, NSStart: StartUnshared}
	f, err := p.mapping(n, "a scenario", []string{"id", "title", "summary", "ns_pane", "override", "needs_root", "steps"})
	if err != nil {
		return sc, err
	}
	if err := p.require(f, "the scenario", "id", "title", "summary", "steps"); err != nil {
		return sc, err
	}
	id, err := p.str(f.val["id"], "the scenario id")
	if err != nil {
		return sc, err
	}
	if !idPattern.MatchString(id) {
		return sc, p.errf(f.val["id"], "expected an id of lowercase letters, digits and dashes, found %s", describe(f.val["id"]))
	}
	sc.ID = id
	if sc.Title, err = p.text(f.val["title"], "title"); err != nil {
		return sc, err
	}
	if sc.Summary, err = p.text(f.val["summary"], "summary"); err != nil {
		return sc, err
	}
	if v := f.val["ns_pane"]; v != nil {
		s, _ := p.str(v, "")
		switch NSStart(s) {
		case StartUnshared, StartHost:
			sc.NSStart = NSStart(s)
		default:
			return sc, p.errf(v, "expected ns_pane to be unshared or host, found %s", describe(v))
		}
	}
	if v := f.val["override"]; v != nil {
		if sc.Override, err = p.boolean(v, "override"); err != nil {
			return sc, err
		}
	}
	if v := f.val["needs_root"]; v != nil {
		if sc.NeedsRoot, err = p.text(v, "needs_root"); err != nil {
			return sc, err
		}
	}
	steps := f.val["steps"]
	if steps.Kind != yaml.SequenceNode {
		return sc, p.errf(steps, "expected steps (a list), found %s", describe(steps))
	}
	if len(steps.Content) == 0 {
		return sc, p.errf(steps, "expected at least one step, found an empty list")
	}
	if len(steps.Content) > MaxSteps {
		return sc, p.errf(steps.Content[MaxSteps], "expected at most %d steps in a scenario, found %d", MaxSteps, len(steps.Content))
	}
	for i, sn := range steps.Content {
		st, err := p.step(sn, i+1)
		if err != nil {
			return sc, err
		}
		sc.Steps = append(sc.Steps, st)
	}
	return sc, nil
}

func (p *parser) step(n *yaml.Node, num int) (Step, error) {
	what := fmt.Sprintf("step %d", num)
	st := Step{Line: n.Line, Timeout: DefaultTimeout}
	f, err := p.mapping(n, what, []string{"narration", "pane", "command", "checks", "hint", "timeout", "display_only", "refused"})
	if err != nil {
		return st, err
	}
	if err := p.require(f, what, "narration", "pane"); err != nil {
		return st, err
	}
	if st.Narration, err = p.text(f.val["narration"], "the narration of "+what); err != nil {
		return st, err
	}
	if err := p.textPlaceholders(f.val["narration"], st.Narration); err != nil {
		return st, err
	}
	if st.Pane, err = p.pane(f.val["pane"], "the pane of "+what); err != nil {
		return st, err
	}
	if v := f.val["command"]; v != nil {
		cmd, err := p.nonEmpty(v, "the command of "+what)
		if err != nil {
			return st, err
		}
		cmd = strings.TrimRight(cmd, "\n")
		if len(cmd) > MaxCommandLen {
			return st, p.errf(v, "expected the command of %s in at most %d bytes, found %d", what, MaxCommandLen, len(cmd))
		}
		if strings.ContainsAny(cmd, "\r\n") {
			return st, p.errf(v, "expected the command of step %d on one line (join with && or ;), found %d lines",
				num, strings.Count(cmd, "\n")+1)
		}
		if err := p.placeholders(v, cmd); err != nil {
			return st, err
		}
		st.Command = cmd
	}
	if v := f.val["hint"]; v != nil {
		if st.Hint, err = p.text(v, "the hint of "+what); err != nil {
			return st, err
		}
		if err := p.textPlaceholders(v, st.Hint); err != nil {
			return st, err
		}
	}
	if v := f.val["display_only"]; v != nil {
		if st.DisplayOnly, err = p.boolean(v, "display_only of "+what); err != nil {
			return st, err
		}
	}
	if v := f.val["refused"]; v != nil {
		if st.Refused, err = p.boolean(v, "refused of "+what); err != nil {
			return st, err
		}
	}
	if v := f.val["timeout"]; v != nil {
		s, _ := p.str(v, "")
		d, perr := time.ParseDuration(s)
		if perr != nil || d <= 0 || d > MaxTimeout {
			return st, p.errf(v, "expected a timeout such as 10s or 2m (at most %s), found %s", MaxTimeout, describe(v))
		}
		st.Timeout = d
	}
	if v := f.val["checks"]; v != nil {
		if v.Kind != yaml.SequenceNode {
			return st, p.errf(v, "expected the checks of %s (a list), found %s", what, describe(v))
		}
		for _, cn := range v.Content {
			c, err := p.check(cn, st)
			if err != nil {
				return st, err
			}
			st.Checks = append(st.Checks, c)
		}
	}
	if st.DisplayOnly && !provesKernelState(st) {
		// Output checks pass on any text that looks right; only the kernel can say
		// that what the step shows is really there.
		return st, p.errf(f.val["display_only"], "expected a display_only %s to have a command and a check of the kernel (mounted, same_ns, …), found none", what)
	}
	if st.Refused && (!provesKernelState(st) || !hasCheck(st, func(c Check) bool { return c.Kind == CheckExit && c.ExitNonZero }) ||
		!hasCheck(st, func(c Check) bool { return c.Kind != CheckExit && c.Kind.needsCommand() })) {
		// A refusal is taught by its exact error and by the state it left alone.
		return st, p.errf(f.val["refused"], "expected a refused %s to have a command, exit: nonzero, a check of its output and a check of the kernel, found less", what)
	}
	if st.DisplayOnly && st.Refused {
		return st, p.errf(f.val["refused"], "expected a step to be display_only or refused, found both")
	}
	return st, nil
}

// provesKernelState reports whether a step has a command and a check that reads the kernel.
func provesKernelState(st Step) bool {
	return st.Command != "" && hasCheck(st, func(c Check) bool { return c.Kind.readsKernel() })
}

func hasCheck(st Step, f func(Check) bool) bool {
	for _, c := range st.Checks {
		if f(c) {
			return true
		}
	}
	return false
}

// checkKeys lists the keys each check kind takes besides its own.
func checkKeys(k CheckKind) []string {
	switch k {
	case CheckMounted:
		return []string{"pane", "fstype", "source", "root", "bind_of", "options", "super_options"}
	case CheckNotMounted:
		return []string{"pane", "fstype", "source"}
	case CheckPropagation:
		return []string{"target", "pane", "peer_with", "recursive"}
	case CheckVisible, CheckNotVisible, CheckChrooted, CheckRootIsMountpoint, CheckOutputShowsNS, CheckPIDInNS, CheckProcIsOwn:
		return []string{"pane"}
	case CheckOutputMatches, CheckOutputNotMatches:
		return []string{"label"}
	}
	return nil
}

func (p *parser) check(n *yaml.Node, st Step) (Check, error) {
	c := Check{Line: n.Line, Pane: st.Pane}
	if n.Kind != yaml.MappingNode {
		return c, p.errf(n, "expected a check (a mapping such as {exit: 0}), found %s", describe(n))
	}
	var kindNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || !isCheckKind(k.Value) {
			continue
		}
		if kindNode != nil {
			return c, p.errf(k, "expected one check kind per check, found %q and %q", kindNode.Value, k.Value)
		}
		kindNode = k
	}
	if kindNode == nil {
		found := "no keys"
		if len(n.Content) > 0 {
			found = describe(n.Content[0])
		}
		return c, p.errf(n, "expected a check kind (%s), found %s", kindList(), found)
	}
	c.Kind = CheckKind(kindNode.Value)
	what := "a " + string(c.Kind) + " check"
	f, err := p.mapping(n, what, append([]string{string(c.Kind)}, checkKeys(c.Kind)...))
	if err != nil {
		return c, err
	}
	if c.Kind.needsCommand() && st.Command == "" {
		return c, p.errf(kindNode, "expected a command in a step with %s, found a step without one", what)
	}
	if v := f.val["pane"]; v != nil {
		if c.Pane, err = p.pane(v, "the pane of "+what); err != nil {
			return c, err
		}
	}
	arg := f.val[string(c.Kind)]
	switch c.Kind {
	case CheckExit:
		return c, p.exitArg(arg, &c)
	case CheckOutputContains, CheckOutputNotContains:
		if c.Text, err = p.nonEmpty(arg, "the text of "+what); err != nil {
			return c, err
		}
		return c, p.placeholders(arg, c.Text)
	case CheckOutputMatches, CheckOutputNotMatches:
		if c.Text, err = p.nonEmpty(arg, "the regular expression of "+what); err != nil {
			return c, err
		}
		if err := p.placeholders(arg, c.Text); err != nil {
			return c, err
		}
		if v := f.val["label"]; v != nil {
			if c.Label, err = p.text(v, "the label of "+what); err != nil {
				return c, err
			}
			if err := p.textPlaceholders(v, c.Label); err != nil {
				return c, err
			}
		}
		if _, rerr := regexp.Compile(sampleWorkspace().expandRegexp(c.Text)); rerr != nil {
			return c, p.errf(arg, "expected a regular expression (Go syntax), found %q: %s", clip(c.Text, 60), oneLine(rerr.Error()))
		}
		return c, nil
	case CheckMounted, CheckNotMounted:
		if c.Path, err = p.path(arg, "the target of "+what); err != nil {
			return c, err
		}
		return c, p.mountFilters(f, what, &c)
	case CheckVisible, CheckNotVisible:
		c.Path, err = p.path(arg, "the path of "+what)
		return c, err
	case CheckSameNS, CheckDifferentNS, CheckOutputShowsNS:
		s, _ := p.str(arg, "")
		for _, t := range lab.NSTypes {
			if string(t) == s {
				c.NSType = t
				return c, nil
			}
		}
		names := make([]string, len(lab.NSTypes))
		for i, t := range lab.NSTypes {
			names[i] = string(t)
		}
		return c, p.errf(arg, "expected a namespace type (%s), found %s", strings.Join(names, ", "), describe(arg))
	case CheckPropagation:
		return c, p.propagation(f, arg, what, &c)
	case CheckChrooted, CheckRootIsMountpoint, CheckMountCopy, CheckProcIsOwn:
		c.Want, err = p.boolean(arg, "the value of "+what)
		return c, err
	case CheckPIDInNS:
		if arg.Kind == yaml.ScalarNode && arg.ShortTag() == "!!int" {
			if v, err := strconv.Atoi(arg.Value); err == nil && v >= 1 {
				c.PID = v
				return c, nil
			}
		}
		return c, p.errf(arg, "expected a process ID (1 or more) in %s, found %s", what, describe(arg))
	}
	return c, p.errf(kindNode, "expected a check kind (%s), found %q", kindList(), c.Kind)
}

func isCheckKind(s string) bool {
	for _, k := range CheckKinds() {
		if string(k) == s {
			return true
		}
	}
	return false
}

func kindList() string {
	var names []string
	for _, k := range CheckKinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

func (p *parser) exitArg(n *yaml.Node, c *Check) error {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int":
			v, err := strconv.Atoi(n.Value)
			if err == nil && v >= 0 && v <= 255 {
				c.Exit = v
				return nil
			}
		case "!!str":
			if n.Value == "nonzero" {
				c.ExitNonZero = true
				return nil
			}
		}
	}
	return p.errf(n, "expected an exit status (0 to 255) or nonzero, found %s", describe(n))
}

// path reads an absolute path (after placeholders).
func (p *parser) path(n *yaml.Node, what string) (string, error) {
	s, err := p.nonEmpty(n, what)
	if err != nil {
		return "", err
	}
	if err := p.placeholders(n, s); err != nil {
		return "", err
	}
	if !strings.HasPrefix(sampleWorkspace().Expand(s), "/") {
		return "", p.errf(n, "expected %s to be an absolute path, found %s", what, describe(n))
	}
	return s, nil
}

func (p *parser) mountFilters(f fields, what string, c *Check) error {
	var err error
	for _, k := range []struct {
		key string
		dst *string
		abs bool
	}{{"fstype", &c.FSType, false}, {"source", &c.Source, false}, {"root", &c.Root, true}, {"bind_of", &c.BindOf, true}} {
		v := f.val[k.key]
		if v == nil {
			continue
		}
		if k.abs {
			*k.dst, err = p.path(v, "the "+k.key+" of "+what)
		} else {
			*k.dst, err = p.nonEmpty(v, "the "+k.key+" of "+what)
			if err == nil {
				err = p.placeholders(v, *k.dst)
			}
		}
		if err != nil {
			return err
		}
	}
	if c.Options, err = p.options(f.val["options"], "the options of "+what); err != nil {
		return err
	}
	c.SuperOptions, err = p.options(f.val["super_options"], "the super_options of "+what)
	return err
}

// options reads "ro,nosuid" or [ro, nosuid].
func (p *parser) options(n *yaml.Node, what string) ([]string, error) {
	if n == nil {
		return nil, nil
	}
	var raw []*yaml.Node
	if n.Kind == yaml.SequenceNode {
		raw = n.Content
	} else {
		raw = []*yaml.Node{n}
	}
	var out []string
	for _, r := range raw {
		s, err := p.nonEmpty(r, what)
		if err != nil {
			return nil, err
		}
		for _, o := range strings.Split(s, ",") {
			if o = strings.TrimSpace(o); o != "" {
				out = append(out, o)
			}
		}
	}
	if len(out) == 0 {
		return nil, p.errf(n, "expected %s (such as ro or [ro, nosuid]), found %s", what, describe(n))
	}
	return out, nil
}

func (p *parser) propagation(f fields, arg *yaml.Node, what string, c *Check) error {
	s, _ := p.str(arg, "")
	switch t := mnt.PropagationType(s); t {
	case mnt.Private, mnt.Shared, mnt.Slave, mnt.SharedSlave, mnt.Unbindable:
		c.Propagation = t
	default:
		return p.errf(arg, "expected a propagation type (private, shared, slave, shared+slave, unbindable), found %s", describe(arg))
	}
	if !f.has("target") {
		return p.errf(f.node, "expected key \"target\" in %s, found none", what)
	}
	var err error
	if c.Path, err = p.path(f.val["target"], "the target of "+what); err != nil {
		return err
	}
	if v := f.val["peer_with"]; v != nil {
		if c.PeerWith, err = p.pane(v, "peer_with of "+what); err != nil {
			return err
		}
		if c.PeerWith == c.Pane {
			return p.errf(v, "expected peer_with to name the other pane, found %q (the checked pane)", c.PeerWith)
		}
		if c.Propagation != mnt.Shared && c.Propagation != mnt.Slave && c.Propagation != mnt.SharedSlave {
			return p.errf(v, "expected peer_with only with shared, slave or shared+slave, found it with %s", c.Propagation)
		}
	}
	if v := f.val["recursive"]; v != nil {
		if c.Recursive, err = p.boolean(v, "recursive of "+what); err != nil {
			return err
		}
		if c.Recursive && c.PeerWith != "" {
			return p.errf(v, "expected recursive or peer_with in %s, found both", what)
		}
	}
	return nil
}

// Rootless splits scenarios into those a rootless lab runs and the ids of those whose
// file says they need root, keeping the order.
func Rootless(scs []Scenario) (run []Scenario, skipped []string) {
	for _, sc := range scs {
		if sc.NeedsRoot.IsZero() {
			run = append(run, sc)
		} else {
			skipped = append(skipped, sc.ID)
		}
	}
	return run, skipped
}
