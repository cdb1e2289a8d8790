package scenarios

import (
	"context"
	"errors"
	"time"

	"github.com/moby/sys/mountinfo"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// fakeLab is a scripted Lab: commands give canned results, and the kernel state is
// whatever the test puts in it.
type fakeLab struct {
	ws       Workspace
	wsErr    error
	resets   []NSStart
	resetErr error
	runs     []fakeRun
	results  map[string]Result
	runErr   error
	// block makes Run wait for its context, like a command that never ends.
	block      bool
	snaps      map[lab.Role]lab.Snapshot
	inspectErr error
	// paneErr fails Inspect for one pane only.
	paneErr map[lab.Role]error
	visible map[lab.Role]map[string]bool
	rootMP  map[lab.Role]bool
	// procs are what each pane's /proc lists and what its PID namespace holds.
	procs map[lab.Role][2][]int
	// onRun changes the kernel state when a command runs.
	onRun map[string]func(*fakeLab)
}

type fakeRun struct {
	pane    lab.Role
	cmd     string
	timeout time.Duration
}

func newFakeLab() *fakeLab {
	return &fakeLab{
		ws:      sampleWorkspace(),
		results: map[string]Result{},
		snaps: map[lab.Role]lab.Snapshot{
			lab.Host: {Pane: lab.Host, PID: 10, Comm: "bash", Root: "/", NS: nsInodes(1), Mounts: baseTable(100)},
			lab.NS:   {Pane: lab.NS, PID: 20, Comm: "bash", Root: "/", NS: nsInodes(2), Mounts: baseTable(200)},
		},
		visible: map[lab.Role]map[string]bool{lab.Host: {}, lab.NS: {}},
		rootMP:  map[lab.Role]bool{lab.Host: true, lab.NS: true},
		onRun:   map[string]func(*fakeLab){},
	}
}

// nsInodes gives every namespace type an inode; mnt differs by seed, the rest are shared.
func nsInodes(seed uint64) map[lab.NSType]uint64 {
	m := map[lab.NSType]uint64{}
	for i, t := range lab.NSTypes {
		m[t] = 4026531830 + uint64(i)
	}
	m[lab.NSMnt] = 4026532000 + seed
	return m
}

// baseTable is a small mount table with IDs from first.
func baseTable(first int) []mnt.Mount {
	return []mnt.Mount{
		mount(first, 0, "/", "ext4", "/dev/vda", "/", 254, 0),
		mount(first+1, first, "/proc", "proc", "proc", "/", 0, 21),
		mount(first+2, first, "/tmp", "tmpfs", "labtmp", "/", 0, 40),
	}
}

func mount(id, parent int, point, fstype, source, root string, major, minor int) mnt.Mount {
	return mnt.Mount{Info: mountinfo.Info{ID: id, Parent: parent, Major: major, Minor: minor, Root: root,
		Mountpoint: point, Options: "rw,relatime", FSType: fstype, Source: source, VFSOptions: "rw"},
		Propagation: mnt.Propagation{Type: mnt.Private}}
}

func (f *fakeLab) Reset(ctx context.Context, nsStart NSStart) error {
	f.resets = append(f.resets, nsStart)
	return f.resetErr
}

func (f *fakeLab) Run(ctx context.Context, pane lab.Role, cmd string, timeout time.Duration) (Result, error) {
	f.runs = append(f.runs, fakeRun{pane, cmd, timeout})
	if f.runErr != nil {
		return Result{}, f.runErr
	}
	if f.block {
		<-ctx.Done()
		return Result{Exit: -1}, ctx.Err()
	}
	if fn := f.onRun[cmd]; fn != nil {
		fn(f)
	}
	return f.results[cmd], nil
}

func (f *fakeLab) Inspect(pane lab.Role) (lab.Snapshot, error) {
	if f.inspectErr != nil {
		return lab.Snapshot{}, f.inspectErr
	}
	if err := f.paneErr[pane]; err != nil {
		return lab.Snapshot{}, err
	}
	s, ok := f.snaps[pane]
	if !ok {
		return lab.Snapshot{}, errors.New("no such pane")
	}
	return s, nil
}

func (f *fakeLab) PathVisible(pane lab.Role, path string) (bool, error) {
	if f.inspectErr != nil {
		return false, f.inspectErr
	}
	return f.visible[pane][path], nil
}

func (f *fakeLab) RootIsMountpoint(pane lab.Role) (bool, error) {
	if f.inspectErr != nil {
		return false, f.inspectErr
	}
	return f.rootMP[pane], nil
}

func (f *fakeLab) ProcView(pane lab.Role) (listed, members []int, err error) {
	if f.inspectErr != nil {
		return nil, nil, f.inspectErr
	}
	return f.procs[pane][0], f.procs[pane][1], nil
}

func (f *fakeLab) Workspace(ctx context.Context) (Workspace, error) { return f.ws, f.wsErr }

// addMount appends a mount to a pane's table.
func (f *fakeLab) addMount(pane lab.Role, m mnt.Mount) {
	s := f.snaps[pane]
	s.Mounts = append(append([]mnt.Mount(nil), s.Mounts...), m)
	f.snaps[pane] = s
}
