package scenarios

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// CheckState is how a check came out.
type CheckState int

// Check states.
const (
	Failed CheckState = iota
	Passed
	// Skipped: not evaluated (an output check on a re-check, which does not run the
	// command again).
	Skipped
)

// CheckResult is one evaluated check: what it claims and what the kernel said.
type CheckResult struct {
	Check Check
	State CheckState
	// Label says what was checked ("mounted tmpfs at /tmp/mount_test in ns"); Reason
	// says what the kernel or the command said, on one line.
	Label  Text
	Reason Text
}

// Passed reports whether the check passed.
func (r CheckResult) Passed() bool { return r.State == Passed }

// Mark is ✓, ✗ or – for a skipped check.
func (r CheckResult) Mark() string {
	switch r.State {
	case Passed:
		return "✓"
	case Skipped:
		return "–"
	}
	return "✗"
}

// Line is the check's one-line report: "✓ label: reason".
func (r CheckResult) Line(l Lang) string {
	return oneLine(r.Mark() + " " + r.Label.In(l) + ": " + r.Reason.In(l))
}

// probe evaluates checks for one step, reading each pane's state at most once.
type probe struct {
	ctx   context.Context
	lab   Lab
	ws    Workspace
	snaps map[lab.Role]snapResult
}

type snapResult struct {
	snap lab.Snapshot
	err  error
}

func newProbe(ctx context.Context, l Lab, ws Workspace) *probe {
	return &probe{ctx: ctx, lab: l, ws: ws, snaps: map[lab.Role]snapResult{}}
}

func (p *probe) inspect(pane lab.Role) (lab.Snapshot, error) {
	if r, ok := p.snaps[pane]; ok {
		return r.snap, r.err
	}
	s, err := p.lab.Inspect(pane)
	p.snaps[pane] = snapResult{s, err}
	return s, err
}

// evaluate checks c after a command that produced res (nil: no result to look at).
func (p *probe) evaluate(c Check, res *Result) CheckResult {
	r := CheckResult{Check: c, Label: label(c, p.ws)}
	if err := p.ctx.Err(); err != nil {
		why := Text{EN: transcriptErr(err, EN), KO: transcriptErr(err, KO)}
		r.Reason = Text{EN: "not checked: " + why.EN, KO: "확인하지 못했습니다: " + why.KO}
		return r
	}
	pass, reason := p.judge(c, res)
	if pass {
		r.State = Passed
	}
	r.Reason = reason
	return r
}

func pf(en, ko string, args ...any) Text {
	return Text{EN: fmt.Sprintf(en, args...), KO: fmt.Sprintf(ko, args...)}
}

func inspectFailed(pane lab.Role, err error) Text {
	return pf("cannot inspect %s: %v", "%s 창을 살펴보지 못했습니다: %v", pane, err)
}

func (p *probe) judge(c Check, res *Result) (bool, Text) {
	if c.Kind.needsCommand() {
		if res == nil {
			return false, pf("the command has not run", "명령이 아직 실행되지 않았습니다")
		}
		if res.TimedOut {
			return false, pf("no end mark within the timeout (%s): the command did not finish",
				"제한 시간(%s) 안에 끝 표시가 오지 않았습니다: 명령이 끝나지 않았습니다", res.Duration.Round(1e8))
		}
	}
	switch c.Kind {
	case CheckExit:
		want := res.Exit == c.Exit
		if c.ExitNonZero {
			want = res.Exit != 0
		}
		return want, pf("got %d", "실제 값 %d", res.Exit)
	case CheckOutputContains, CheckOutputNotContains:
		return judgeContains(res.Output, p.ws.Expand(c.Text), c.Kind == CheckOutputContains)
	case CheckOutputMatches, CheckOutputNotMatches:
		re, err := regexp.Compile(p.ws.expandRegexp(c.Text))
		if err != nil {
			return false, pf("bad regular expression: %v", "정규식이 잘못되었습니다: %v", err)
		}
		return judgeMatches(res.Output, re, c.Kind == CheckOutputMatches)
	case CheckOutputShowsNS:
		return p.judgeShowsNS(c, res.Output)
	case CheckMounted, CheckNotMounted:
		return p.judgeMounted(c)
	case CheckSameNS, CheckDifferentNS:
		return p.judgeNS(c)
	case CheckPropagation:
		return p.judgePropagation(c)
	case CheckVisible, CheckNotVisible:
		target := p.ws.Expand(c.Path)
		ok, err := p.lab.PathVisible(c.Pane, target)
		if err != nil {
			return false, pf("cannot resolve in %s: %v", "%s 창에서 경로를 찾지 못했습니다: %v", c.Pane, err)
		}
		root := p.rootName(c.Pane)
		if ok {
			return c.Kind == CheckVisible, pf("it exists (root %s)", "있습니다 (루트 %s)", root)
		}
		return c.Kind == CheckNotVisible, pf("no such path (root %s)", "그런 경로가 없습니다 (루트 %s)", root)
	case CheckChrooted:
		s, err := p.inspect(c.Pane)
		if err != nil {
			return false, inspectFailed(c.Pane, err)
		}
		if s.Chrooted {
			return c.Want, pf("%s, root %s", "%s, 루트 %s", procName(s), s.Root)
		}
		return !c.Want, pf("%s, root %s: its namespace's root", "%s, 루트 %s: 네임스페이스의 루트", procName(s), s.Root)
	case CheckRootIsMountpoint:
		ok, err := p.lab.RootIsMountpoint(c.Pane)
		if err != nil {
			return false, pf("cannot inspect %s's root: %v", "%s 창의 루트를 살펴보지 못했습니다: %v", c.Pane, err)
		}
		root := p.rootName(c.Pane)
		if ok {
			return c.Want, pf("root %s", "루트 %s", root)
		}
		return !c.Want, pf("root %s: a plain directory", "루트 %s: 보통 디렉터리", root)
	case CheckMountCopy:
		return p.judgeCopy(c)
	case CheckPIDInNS:
		s, err := p.inspect(c.Pane)
		if err != nil {
			return false, inspectFailed(c.Pane, err)
		}
		if s.NSPID == 0 {
			return false, pf("cannot read the PID of %s inside its PID namespace", "%s의 PID 네임스페이스 안 PID를 읽지 못했습니다", procName(s))
		}
		return s.NSPID == c.PID, pf("%s is PID %d there", "%s: 그 안에서 PID %d", procName(s), s.NSPID)
	case CheckProcIsOwn:
		listed, members, err := p.lab.ProcView(c.Pane)
		if err != nil {
			return false, pf("cannot compare %s's /proc with its PID namespace: %v", "%s 창의 /proc을 PID 네임스페이스와 비교하지 못했습니다: %v", c.Pane, err)
		}
		if slices.Equal(listed, members) {
			return c.Want, pf("it lists PID %s, the namespace's processes", "보여 주는 프로세스 PID %s: 네임스페이스의 프로세스와 같음", pidList(members))
		}
		return !c.Want, pf("it lists %d processes (PID %s); the namespace holds %d (PID %s)", "보여 주는 프로세스 %d개(PID %s), 네임스페이스의 프로세스 %d개(PID %s)",
			len(listed), pidList(listed), len(members), pidList(members))
	}
	return false, pf("unknown check kind %q", "알 수 없는 확인 종류 %q", c.Kind)
}

// pidList lists PIDs short: "1, 7, 9, 12, 30, …".
func pidList(pids []int) string {
	var b strings.Builder
	for i, p := range pids {
		if i == 5 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}

// rootName names a pane's root for a reason, or "?" when it cannot be read.
func (p *probe) rootName(pane lab.Role) string {
	s, err := p.inspect(pane)
	if err != nil || s.Root == "" {
		return "?"
	}
	return s.Root
}

func procName(s lab.Snapshot) string {
	if s.Comm == "" {
		return fmt.Sprintf("pid %d", s.PID)
	}
	return fmt.Sprintf("pid %d (%s)", s.PID, s.Comm)
}

func judgeContains(out, text string, want bool) (bool, Text) {
	lines := outputLines(out)
	for i, l := range lines {
		if strings.Contains(l, text) {
			// Whole: the handout quotes it, and the UI wraps it.
			return want, pf("found on line %d: %s", "%d번째 줄에 있습니다: %s", i+1, strings.TrimSpace(l))
		}
	}
	if strings.Contains(out, text) { // spans lines
		return want, pf("found in the output", "출력에 있습니다")
	}
	return !want, notInOutput(lines)
}

func judgeMatches(out string, re *regexp.Regexp, want bool) (bool, Text) {
	loc := re.FindStringIndex(out)
	if loc == nil {
		return !want, notInOutput(outputLines(out))
	}
	line := strings.Count(out[:loc[0]], "\n") + 1
	return want, pf("matched on line %d: %s", "%d번째 줄에서 일치합니다: %s", line,
		oneLine(strings.TrimSpace(out[loc[0]:loc[1]]))) // a match's own line end is no "\n" to show
}

func notInOutput(lines []string) Text {
	if len(lines) == 0 {
		return pf("the command printed nothing", "명령이 아무것도 출력하지 않았습니다")
	}
	last := strings.TrimSpace(lines[len(lines)-1])
	return pf("not in %d lines of output (last: %s)", "출력 %d줄에 없습니다 (마지막 줄: %s)", len(lines), last)
}

func outputLines(out string) []string {
	out = strings.TrimRight(out, "\r\n")
	if out == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
}

// table gives a pane's mount table with mount points as seen from its mount namespace's
// root: a table read by a chrooted process itself lists them relative to its root.
func tableOf(s lab.Snapshot) []mnt.Mount {
	if !s.Chrooted || (s.TablePID != 0 && s.TablePID != s.PID) || s.Root == "" || s.Root == "/" {
		return s.Mounts
	}
	out := make([]mnt.Mount, len(s.Mounts))
	for i, m := range s.Mounts {
		m.Mountpoint = path.Join(s.Root, m.Mountpoint)
		out[i] = m
	}
	return out
}

func mountDesc(m mnt.Mount) Text {
	return pf("mount %d: %s %s, root %s, %s", "마운트 %d: %s %s, root 필드 %s, %s", m.ID, m.FSType, m.Source, m.Root, m.Options)
}

func (p *probe) judgeMounted(c Check) (bool, Text) {
	s, err := p.inspect(c.Pane)
	if err != nil {
		return false, inspectFailed(c.Pane, err)
	}
	target := path.Clean(p.ws.Expand(c.Path))
	table := tableOf(s)
	at := stackAt(table, target)
	want := c.Kind == CheckMounted
	if len(at) == 0 {
		n := nearest(table, target)
		near := "none"
		if n != nil {
			near = n.Mountpoint + " " + n.FSType
		}
		return !want, pf("not in %s's mount table (%d mounts; nearest: %s)",
			"%s 창의 마운트 테이블에 없습니다 (마운트 %d개, 가장 가까운 것: %s)", c.Pane, len(table), near)
	}
	var mismatch Text
	// From the top of the stack, the one a lookup sees, down.
	for i := len(at) - 1; i >= 0; i-- {
		m := at[i]
		miss, ok := p.mountMatches(c, m, table)
		if ok {
			return want, mountDesc(m)
		}
		if i == len(at)-1 {
			mismatch = miss
		}
	}
	return !want, mismatch
}

// mountMatches tests a mount against the check's filters; on a mismatch it says which.
func (p *probe) mountMatches(c Check, m mnt.Mount, table []mnt.Mount) (Text, bool) {
	found := fmt.Sprintf("%s %s at %s", m.FSType, m.Source, m.Mountpoint)
	if c.FSType != "" && m.FSType != p.ws.Expand(c.FSType) {
		return pf("found %s (wanted fstype %s)", "찾은 마운트: %s (기대한 fstype: %s)", found, p.ws.Expand(c.FSType)), false
	}
	if c.Source != "" && m.Source != p.ws.Expand(c.Source) {
		return pf("found %s (wanted source %s)", "찾은 마운트: %s (기대한 소스: %s)", found, p.ws.Expand(c.Source)), false
	}
	if c.Root != "" && m.Root != path.Clean(p.ws.Expand(c.Root)) {
		return pf("found root %s (wanted %s)", "root 필드: %s (기대한 값: %s)", m.Root, path.Clean(p.ws.Expand(c.Root))), false
	}
	if c.BindOf != "" {
		dir := path.Clean(p.ws.Expand(c.BindOf))
		// The directory as it was before this mount covered anything: look it up in
		// the table without this mount and the mounts on top of it.
		under := nearest(without(table, m.ID), dir)
		if under == nil {
			return pf("no mount holds %s", "%s 경로를 담은 마운트가 없습니다", dir), false
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(dir, under.Mountpoint), "/")
		wantRoot := path.Join(under.Root, rel)
		if m.Major != under.Major || m.Minor != under.Minor || m.Root != wantRoot {
			return pf("root %s on %d:%d, but %s is %s on %d:%d",
				"root 필드가 %s (%d:%d)이지만 %s 경로는 %s (%d:%d)입니다",
				m.Root, m.Major, m.Minor, dir, wantRoot, under.Major, under.Minor), false
		}
	}
	if miss := missingOptions(c.Options, m.Options); miss != "" {
		return pf("per-mount options are %s (no %s)", "마운트별 옵션: %s (%s 없음)", m.Options, miss), false
	}
	if miss := missingOptions(c.SuperOptions, m.VFSOptions); miss != "" {
		return pf("super options are %s (no %s)", "슈퍼블록 옵션: %s (%s 없음)", m.VFSOptions, miss), false
	}
	return Text{}, true
}

func missingOptions(want []string, have string) string {
	set := map[string]bool{}
	for _, o := range strings.Split(have, ",") {
		set[o] = true
	}
	var miss []string
	for _, w := range want {
		if !set[w] {
			miss = append(miss, w)
		}
	}
	return strings.Join(miss, ",")
}

// nearest is the mount a path lies on: the top mount at the path or at its closest
// ancestor that is a mount point.
func nearest(table []mnt.Mount, p string) *mnt.Mount {
	for {
		if m := topMount(table, p); m != nil {
			return m
		}
		up := path.Dir(p)
		if up == p { // "/" (or "." for a relative path): nothing above
			return nil
		}
		p = up
	}
}

// without drops mount id and every mount stacked on or under it from a table.
func without(table []mnt.Mount, id int) []mnt.Mount {
	gone := map[int]bool{id: true}
	for changed := true; changed; {
		changed = false
		for _, m := range table {
			if !gone[m.ID] && gone[m.Parent] {
				gone[m.ID], changed = true, true
			}
		}
	}
	var out []mnt.Mount
	for _, m := range table {
		if !gone[m.ID] {
			out = append(out, m)
		}
	}
	return out
}

// judgeShowsNS looks in the output for the inode number of the pane's namespace, as the
// kernel gives it now: a display of a namespace is only right if the number is.
func (p *probe) judgeShowsNS(c Check, out string) (bool, Text) {
	s, err := p.inspect(c.Pane)
	if err != nil {
		return false, inspectFailed(c.Pane, err)
	}
	ino := s.NS[c.NSType]
	if ino == 0 {
		return false, pf("cannot read %s's %s namespace", "%s 창의 %s 네임스페이스를 읽지 못했습니다", c.Pane, c.NSType)
	}
	re := regexp.MustCompile(fmt.Sprintf(`(^|[^0-9])%d([^0-9]|$)`, ino))
	if loc := re.FindStringIndex(out); loc != nil {
		line := strings.Count(out[:loc[0]], "\n") + 1
		return true, pf("the kernel says %s:[%d]; on line %d", "커널이 알려 준 값 %s:[%d]이 %d번째 줄에 있습니다", c.NSType, ino, line)
	}
	return false, pf("the kernel says %s:[%d], not in the output", "커널이 알려 준 값 %s:[%d]이 출력에 없습니다", c.NSType, ino)
}

func (p *probe) judgeNS(c Check) (bool, Text) {
	h, err := p.inspect(lab.Host)
	if err != nil {
		return false, inspectFailed(lab.Host, err)
	}
	n, err := p.inspect(lab.NS)
	if err != nil {
		return false, inspectFailed(lab.NS, err)
	}
	hi, ni := h.NS[c.NSType], n.NS[c.NSType]
	if hi == 0 || ni == 0 {
		return false, pf("cannot read the %s namespace (host %d, ns %d)", "%s 네임스페이스를 읽지 못했습니다 (host 창 %d, ns 창 %d)", c.NSType, hi, ni)
	}
	if hi == ni {
		return c.Kind == CheckSameNS, pf("both %s:[%d]", "두 창 모두 %s:[%d]", c.NSType, hi)
	}
	return c.Kind == CheckDifferentNS, pf("host %s:[%d], ns %s:[%d]", "host 창 %s:[%d], ns 창 %s:[%d]", c.NSType, hi, c.NSType, ni)
}

// propDesc says a mount's propagation as mountinfo's optional fields show it; private
// is told by what is missing.
func propDesc(p mnt.Propagation) Text {
	var parts []string
	if p.PeerGroup != 0 {
		parts = append(parts, fmt.Sprintf("shared:%d", p.PeerGroup))
	}
	if p.Master != 0 {
		parts = append(parts, fmt.Sprintf("master:%d", p.Master))
	}
	if p.PropagateFrom != 0 {
		parts = append(parts, fmt.Sprintf("propagate_from:%d", p.PropagateFrom))
	}
	if len(parts) == 0 {
		if p.Type == mnt.Unbindable {
			return Text{EN: "unbindable", KO: "unbindable"}
		}
		return Text{EN: "private (no optional fields)", KO: "private (선택 필드 없음)"}
	}
	d := string(p.Type) + " (" + strings.Join(parts, " ") + ")"
	return Text{EN: d, KO: d}
}

// stackAt lists the mounts at target, the one a lookup sees last. A mount stacked on
// another has it as its parent, and the top is the one nothing at target sits on. The
// table's order is not the stack's: a mount propagated to a place already covered is
// tucked beneath the cover yet listed after it, and so is a move_mount(2) with
// MOVE_MOUNT_BENEATH. Where several qualify (one left under a mount that later covered
// its parent) the last listed, the newest, is the one seen.
func stackAt(table []mnt.Mount, target string) []mnt.Mount {
	var at []mnt.Mount
	under := map[int]bool{}
	for _, m := range table {
		if m.Mountpoint == target {
			at = append(at, m)
			under[m.Parent] = true
		}
	}
	for i := len(at) - 1; i >= 0; i-- {
		if !under[at[i].ID] {
			top := at[i]
			at = append(append(at[:i], at[i+1:]...), top)
			break
		}
	}
	return at
}

// topMount is the mount a lookup of target sees in a table, or nil.
func topMount(table []mnt.Mount, target string) *mnt.Mount {
	at := stackAt(table, target)
	if len(at) == 0 {
		return nil
	}
	return &at[len(at)-1]
}

func (p *probe) judgePropagation(c Check) (bool, Text) {
	s, err := p.inspect(c.Pane)
	if err != nil {
		return false, inspectFailed(c.Pane, err)
	}
	target := path.Clean(p.ws.Expand(c.Path))
	if c.Recursive {
		return judgeEveryPropagation(c, tableOf(s), target)
	}
	m := topMount(tableOf(s), target)
	if m == nil {
		return false, pf("nothing mounted at %s in %s", "%[2]s 창의 %[1]s 경로에는 마운트가 없습니다", target, c.Pane)
	}
	got := propDesc(m.Propagation)
	if m.Propagation.Type != c.Propagation || c.PeerWith == "" {
		return m.Propagation.Type == c.Propagation, got
	}
	o, err := p.inspect(c.PeerWith)
	if err != nil {
		return false, inspectFailed(c.PeerWith, err)
	}
	om := topMount(tableOf(o), target)
	if om == nil {
		return false, Text{EN: fmt.Sprintf("%s; nothing mounted at %s in %s", got.EN, target, c.PeerWith),
			KO: fmt.Sprintf("%s; %s 창의 %s 경로에는 마운트가 없습니다", got.KO, c.PeerWith, target)}
	}
	other := propDesc(om.Propagation)
	// Ifs, not a switch: a mutation tester counts a case expression as never run.
	if c.Propagation == mnt.Shared && m.Propagation.PeerGroup == om.Propagation.PeerGroup {
		return true, Text{EN: fmt.Sprintf("%s, same peer group as %s's %s", got.EN, c.PeerWith, other.EN),
			KO: fmt.Sprintf("%s, %s 창의 마운트(%s)와 같은 피어 그룹", got.KO, c.PeerWith, other.KO)}
	}
	if c.Propagation != mnt.Shared && m.Propagation.Master != 0 && m.Propagation.Master == om.Propagation.PeerGroup {
		return true, Text{EN: fmt.Sprintf("%s, a slave of %s's %s", got.EN, c.PeerWith, other.EN),
			KO: fmt.Sprintf("%s, %s 창의 마운트(%s)의 슬레이브", got.KO, c.PeerWith, other.KO)}
	}
	return false, Text{EN: fmt.Sprintf("%s, but %s's is %s", got.EN, c.PeerWith, other.EN),
		KO: fmt.Sprintf("%s, 하지만 %s 창의 마운트는 %s", got.KO, c.PeerWith, other.KO)}
}

// judgeEveryPropagation wants every mount at or below target to have the check's
// propagation: a claim about every mount is checked on every one.
func judgeEveryPropagation(c Check, table []mnt.Mount, target string) (bool, Text) {
	n := 0
	for _, m := range table {
		if m.Mountpoint != target && !strings.HasPrefix(m.Mountpoint, strings.TrimSuffix(target, "/")+"/") {
			continue
		}
		n++
		if m.Propagation.Type != c.Propagation {
			got := propDesc(m.Propagation)
			return false, Text{EN: fmt.Sprintf("%s at %s is %s", m.FSType, m.Mountpoint, got.EN),
				KO: fmt.Sprintf("%s 경로의 %s: %s", m.Mountpoint, m.FSType, got.KO)}
		}
	}
	if n == 0 {
		return false, pf("nothing mounted at or below %s in %s", "%[2]s 창의 %[1]s 경로와 그 아래에 마운트가 없습니다", target, c.Pane)
	}
	return true, pf("all %d mounts at or below %s are %s", "%[2]s 경로와 그 아래의 마운트 %[1]d개가 모두 %[3]s", n, target, c.Propagation)
}

func (p *probe) judgeCopy(c Check) (bool, Text) {
	h, err := p.inspect(lab.Host)
	if err != nil {
		return false, inspectFailed(lab.Host, err)
	}
	n, err := p.inspect(lab.NS)
	if err != nil {
		return false, inspectFailed(lab.NS, err)
	}
	ht, nt := tableOf(h), tableOf(n)
	hostByKey := map[mnt.MountKey]mnt.Mount{}
	for _, m := range ht {
		hostByKey[keyOf(m)] = m
	}
	var nsOnly, sameID []string
	matched := map[mnt.MountKey]bool{}
	example := ""
	for _, m := range nt {
		k := keyOf(m)
		hm, ok := hostByKey[k]
		if !ok {
			nsOnly = append(nsOnly, m.Mountpoint+" "+m.FSType)
			continue
		}
		matched[k] = true
		if hm.ID == m.ID {
			sameID = append(sameID, fmt.Sprintf("%s (id %d)", m.Mountpoint, m.ID))
		} else if example == "" || m.Mountpoint == "/" {
			example = fmt.Sprintf("%s %d→%d", m.Mountpoint, hm.ID, m.ID)
		}
	}
	var hostOnly []string
	for _, m := range ht {
		if !matched[keyOf(m)] {
			hostOnly = append(hostOnly, m.Mountpoint+" "+m.FSType)
		}
	}
	if len(nsOnly) == 0 && len(hostOnly) == 0 && len(sameID) == 0 && len(nt) > 0 {
		return c.Want, pf("ns has all %d of host's mounts, each with a new mount ID (%s)",
			"ns 창에 host 창의 마운트 %d개가 모두 있고, 마운트 ID는 모두 새것입니다 (%s)", len(ht), example)
	}
	var parts []string
	if len(hostOnly) > 0 {
		parts = append(parts, "host only: "+listClip(hostOnly))
	}
	if len(nsOnly) > 0 {
		parts = append(parts, "ns only: "+listClip(nsOnly))
	}
	if len(sameID) > 0 {
		parts = append(parts, "same mount ID: "+listClip(sameID))
	}
	if len(nt) == 0 {
		parts = append(parts, "ns's table is empty")
	}
	d := strings.Join(parts, "; ")
	return !c.Want, pf("not a copy: %s", "복사본이 아닙니다: %s", d)
}

func keyOf(m mnt.Mount) mnt.MountKey {
	return mnt.MountKey{Mountpoint: m.Mountpoint, Source: m.Source, FSType: m.FSType, Root: m.Root, Major: m.Major, Minor: m.Minor}
}

func listClip(items []string) string {
	if len(items) > 3 {
		return strings.Join(items[:3], ", ") + fmt.Sprintf(" (+%d)", len(items)-3)
	}
	return strings.Join(items, ", ")
}
