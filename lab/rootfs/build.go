package rootfs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Source says where a rootfs's programs came from.
type Source string

// Rootfs sources.
const (
	// SourceAuto (Options.Source only) picks busybox when the host has it, else host binaries.
	SourceAuto Source = ""
	// SourceBusybox is one busybox binary and a link per applet.
	SourceBusybox Source = "busybox"
	// SourceHost is the host's own programs plus the shared libraries they need.
	SourceHost Source = "host"
	// SourceUser is a user's own rootfs (Options.From), used as is.
	SourceUser Source = "user"
)

// Errors Build wraps; callers test them with errors.Is.
var (
	// ErrNoShell: the rootfs would have, or has, no executable /bin/sh.
	ErrNoShell = errors.New("no executable /bin/sh")
	// ErrNoBusybox: SourceBusybox was asked for and the host has no busybox.
	ErrNoBusybox = errors.New("no busybox on this host")
)

// Options choose how Build makes a rootfs.
type Options struct {
	// From is a user's own rootfs (--rootfs DIR). It must hold an executable /bin/sh
	// (symlinks followed inside it); Build then uses it as is and writes nothing.
	From string
	// Source forces busybox or host binaries; SourceAuto prefers busybox.
	Source Source
	// Executable is copied in as NslabPath for the escape applets, with the libraries it
	// needs; empty means the running program (/proc/self/exe, readable even when its path
	// is hidden by a mount).
	Executable string
	// ShellRC is the lab's sh rc to copy in at ShellRCPath (when it exists); empty means
	// ShellRCPath itself.
	ShellRC string
	// BashRC is the lab's bash rc to copy in at BashRCPath (when it exists); empty means
	// BashRCPath itself.
	BashRC string
}

// MissingTool is a command the rootfs lacks and why. Only a missing shell is fatal.
type MissingTool struct {
	Name   string
	Reason string
}

// Info describes a rootfs.
type Info struct {
	// Dir is the rootfs directory on the host (Options.From for a user's rootfs).
	Dir string
	// Source says where its programs came from.
	Source Source
	// Busybox is the host busybox that was copied, for SourceBusybox.
	Busybox string `json:",omitempty"`
	// Tools are the commands it provides: program names, or busybox applets.
	Tools []string
	// Missing are the lab's commands it lacks, with the reason.
	Missing []MissingTool `json:",omitempty"`
	// Files are the regular files copied in, as paths inside the rootfs, sorted.
	Files []string
	// Devices are the character devices in /dev (none on a nodev mount or where mknod(2)
	// is not allowed; /dev/null is then an empty regular file).
	Devices []string `json:",omitempty"`
	// Size is the total size in bytes of the regular files in Dir (0 for SourceUser:
	// a user's rootfs is not walked).
	Size int64
	// Nslab is NslabPath when the applets binary is in the rootfs, else "".
	Nslab string
	// Reused is set when Build found a finished rootfs (its stamp) and did not rebuild.
	Reused bool `json:"-"`
}

// stampVersion changes when the layout Build makes changes, so old rootfs dirs rebuild.
const stampVersion = 1

// stamp is what StampPath holds.
type stamp struct {
	Version int
	Info    Info
	// ExeSize and ExeModTime identify the executable that was copied in, so a rebuilt
	// nslab is copied again.
	ExeSize    int64
	ExeModTime time.Time
}

// Build makes a small rootfs in dir without downloading anything and returns what it made.
// With busybox on the host it copies busybox in and links its applets; otherwise it copies
// the host's programs (hostToolNames) and, recursively, the shared libraries their ELF
// headers name, at the same paths and through the same symlinks as on the host. Both ways
// it adds the directories the scenarios use, a minimal /etc, a marker file, the lab's sh rc
// and nslab itself (NslabPath) for the escape applets. A second Build on a finished dir
// only refreshes the nslab copy and the rc. With opts.From it validates a user's rootfs
// and changes nothing.
func Build(dir string, opts Options) (Info, error) {
	if opts.From != "" {
		return useRootfs(opts.From)
	}
	if opts.Source != SourceAuto && opts.Source != SourceBusybox && opts.Source != SourceHost {
		return Info{}, fmt.Errorf("build rootfs in %s: source %q: want busybox or host (or From for your own)", dir, opts.Source)
	}
	if opts.Executable == "" {
		opts.Executable = "/proc/self/exe"
	}
	if opts.ShellRC == "" {
		opts.ShellRC = ShellRCPath
	}
	if opts.BashRC == "" {
		opts.BashRC = BashRCPath
	}
	exe, err := os.Stat(opts.Executable)
	if err != nil {
		return Info{}, fmt.Errorf("build rootfs: %w", err)
	}
	if info, ok, err := reuse(dir, opts, exe); ok || err != nil {
		return info, err
	}
	b := &builder{dir: dir, opts: opts, copier: copier{root: dir}}
	if b.resolver, err = NewResolver(); err != nil {
		return Info{}, fmt.Errorf("build rootfs in %s: %w", dir, err)
	}
	if err := b.build(); err != nil {
		return Info{}, fmt.Errorf("build rootfs in %s: %w", dir, err)
	}
	st := stamp{Version: stampVersion, Info: b.info, ExeSize: exe.Size(), ExeModTime: exe.ModTime()}
	if err := writeStamp(dir, st); err != nil {
		return Info{}, err
	}
	return b.info, nil
}

// useRootfs validates a user's rootfs: it needs an executable /bin/sh, found as a process
// chrooted there would find it (its symlinks point inside it, not at the host's files).
func useRootfs(dir string) (Info, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Info{}, fmt.Errorf("use rootfs %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return Info{}, fmt.Errorf("use rootfs: %w", err)
	}
	if !fi.IsDir() {
		return Info{}, &os.PathError{Op: "use rootfs", Path: abs, Err: unix.ENOTDIR}
	}
	if err := checkShell(abs); err != nil {
		return Info{}, fmt.Errorf("use rootfs %s: %w", abs, err)
	}
	info := Info{Dir: abs, Source: SourceUser}
	if p, err := ResolveIn(abs, NslabPath); err == nil && isExecutable(filepath.Join(abs, p)) {
		info.Nslab = NslabPath
	}
	return info, nil
}

// checkShell reports whether root has an executable /bin/sh, resolved inside root.
func checkShell(root string) error {
	p, err := ResolveIn(root, ShellPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoShell, err)
	}
	if !isExecutable(filepath.Join(root, p)) {
		if p != ShellPath {
			return fmt.Errorf("%w (it leads to %s)", ErrNoShell, p)
		}
		return ErrNoShell
	}
	return nil
}

// reuse returns the recorded Info when dir holds a finished rootfs that fits opts, after
// refreshing the nslab copy (if the executable changed) and the sh rc.
func reuse(dir string, opts Options, exe fs.FileInfo) (Info, bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, StampPath))
	if err != nil {
		return Info{}, false, nil
	}
	var st stamp
	if json.Unmarshal(b, &st) != nil || st.Version != stampVersion {
		return Info{}, false, nil
	}
	if opts.Source != SourceAuto && opts.Source != st.Info.Source {
		return Info{}, false, fmt.Errorf("build rootfs in %s: it was built from %s, not %s; remove it to rebuild",
			dir, st.Info.Source, opts.Source)
	}
	if checkShell(dir) != nil {
		return Info{}, false, nil // damaged (a scenario may rm -rf in it): build again over it
	}
	nslab, err := ResolveIn(dir, NslabPath)
	if err != nil {
		return Info{}, false, nil
	}
	if st.ExeSize != exe.Size() || !st.ExeModTime.Equal(exe.ModTime()) || !isExecutable(filepath.Join(dir, nslab)) {
		if err := refreshNslab(dir, nslab, opts.Executable); err != nil {
			return Info{}, false, fmt.Errorf("build rootfs in %s: refresh %s: %w", dir, NslabPath, err)
		}
		st.ExeSize, st.ExeModTime = exe.Size(), exe.ModTime()
		if err := writeStamp(dir, st); err != nil {
			return Info{}, false, err
		}
	}
	if err := copyRCs(dir, opts); err != nil {
		return Info{}, false, fmt.Errorf("build rootfs in %s: %w", dir, err)
	}
	info := st.Info
	info.Dir, info.Reused = dir, true
	return info, true, nil
}

// refreshNslab copies a changed executable over the rootfs's nslab, with its libraries.
func refreshNslab(dir, nslab, exe string) error {
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, nslab)), 0o755); err != nil {
		return err
	}
	if err := copyFile(exe, filepath.Join(dir, nslab), 0o755); err != nil {
		return err
	}
	r, err := NewResolver()
	if err != nil {
		return err
	}
	deps, err := r.Deps(exe)
	if err != nil {
		return err
	}
	c := &copier{root: dir}
	for _, d := range deps {
		if err := c.replicate(d.Path); err != nil {
			return err
		}
	}
	return nil
}

func writeStamp(dir string, st stamp) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("write rootfs stamp: %w", err)
	}
	if err := writeFile(filepath.Join(dir, StampPath), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write rootfs stamp in %s: %w", dir, err)
	}
	return nil
}

// builder carries one Build.
type builder struct {
	dir      string
	opts     Options
	resolver *Resolver
	copier
	info Info
}

func (b *builder) build() error {
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	b.info.Dir = b.dir
	busybox, haveBusybox := FindBusybox()
	switch {
	case b.opts.Source == SourceBusybox && !haveBusybox:
		return ErrNoBusybox
	case b.opts.Source == SourceHost || !haveBusybox:
		if err := b.hostTools(); err != nil {
			return err
		}
	default:
		if err := b.busybox(busybox); err != nil {
			return err
		}
	}
	if err := b.skeleton(); err != nil {
		return err
	}
	if err := b.nslab(); err != nil {
		return err
	}
	if err := copyRCs(b.dir, b.opts); err != nil {
		return err
	}
	if err := checkShell(b.dir); err != nil {
		return err
	}
	size, err := treeSize(b.dir)
	if err != nil {
		return err
	}
	b.info.Size = size
	slices.Sort(b.files)
	b.info.Files = slices.Compact(b.files)
	b.info.Nslab = NslabPath
	return nil
}

// withDeps copies the ELF file at the host path p and every library it needs.
func (b *builder) withDeps(p string) error {
	var deps []Dep
	if isELF(p) {
		var err error
		if deps, err = b.resolver.Deps(p); err != nil {
			return err
		}
	}
	if err := b.replicate(p); err != nil {
		return err
	}
	for _, d := range deps {
		if err := b.replicate(d.Path); err != nil {
			return err
		}
	}
	return nil
}

// hostTools copies the host's programs in, with their libraries.
func (b *builder) hostTools() error {
	b.info.Source = SourceHost
	for _, name := range hostToolNames() {
		p, ok := lookupHost(name)
		if !ok {
			b.info.Missing = append(b.info.Missing, MissingTool{name, "not on this host"})
			continue
		}
		if err := b.withDeps(p); errors.Is(err, ErrLibraryNotFound) {
			b.info.Missing = append(b.info.Missing, MissingTool{name, err.Error()})
			continue
		} else if err != nil {
			return err
		}
		b.info.Tools = append(b.info.Tools, name)
	}
	// Merged-/usr hosts have /bin -> usr/bin and friends; make the same links, so /bin/sh
	// and the interpreter's path (/lib64/…) mean the same inside.
	for _, top := range []string{"/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"} {
		if fi, err := os.Lstat(top); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if err := b.replicate(top); err != nil {
				return err
			}
		}
	}
	if _, err := os.Lstat(ShellPath); err == nil {
		if err := b.replicate(ShellPath); err != nil {
			return err
		}
	}
	if checkShell(b.dir) == nil {
		return nil
	}
	// No /bin/sh on the host (or it leads somewhere odd): point it at a shell we copied.
	for _, sh := range []string{"dash", "bash", "sh"} {
		if p, ok := lookupHost(sh); ok && slices.Contains(b.info.Tools, sh) {
			if err := b.linkInRoot(ShellPath, p); err != nil {
				return err
			}
			return nil
		}
	}
	return ErrNoShell
}

// busybox copies busybox in as /bin/busybox and links every applet to it.
func (b *builder) busybox(busybox string) error {
	b.info.Source, b.info.Busybox = SourceBusybox, busybox
	applets, err := busyboxApplets(busybox)
	if err != nil {
		return err
	}
	const inRoot = "/bin/busybox"
	if err := os.MkdirAll(filepath.Join(b.dir, "bin"), 0o755); err != nil {
		return err
	}
	dst := filepath.Join(b.dir, inRoot)
	if _, err := os.Lstat(dst); err != nil {
		if err := copyFile(busybox, dst, 0o755); err != nil {
			return err
		}
	}
	b.files = append(b.files, inRoot)
	if isELF(busybox) {
		deps, err := b.resolver.Deps(busybox)
		if err != nil {
			return err
		}
		for _, d := range deps {
			if err := b.replicate(d.Path); err != nil {
				return err
			}
		}
	}
	have := map[string]bool{}
	for _, a := range applets {
		if a == inRoot {
			continue
		}
		if err := b.linkInRoot(a, inRoot); err != nil {
			return err
		}
		name := filepath.Base(a)
		if !have[name] {
			have[name] = true
			b.info.Tools = append(b.info.Tools, name)
		}
	}
	if !have["sh"] {
		return fmt.Errorf("%s has no sh applet: %w", busybox, ErrNoShell)
	}
	for _, name := range hostToolNames() {
		if !have[name] {
			b.info.Missing = append(b.info.Missing, MissingTool{name, "not a busybox applet"})
		}
	}
	return nil
}

// linkInRoot makes the symlink link -> target inside the rootfs, unless link exists.
func (b *builder) linkInRoot(link, target string) error {
	parent, err := ResolveIn(b.dir, filepath.Dir(link))
	if err != nil {
		return err
	}
	dir := filepath.Join(b.dir, parent)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	p := filepath.Join(dir, filepath.Base(link))
	if _, err := os.Lstat(p); err == nil {
		return nil
	}
	return os.Symlink(target, p)
}

// mkdirIn makes the directory p inside the rootfs with exactly perm.
func (b *builder) mkdirIn(p string, perm fs.FileMode) error {
	resolved, err := ResolveIn(b.dir, p)
	if err != nil {
		return err
	}
	full := filepath.Join(b.dir, resolved)
	if err := os.MkdirAll(full, 0o755); err != nil {
		return err
	}
	return os.Chmod(full, perm)
}

// writeIn writes a small file inside the rootfs.
func (b *builder) writeIn(p, text string) error {
	resolved, err := ResolveIn(b.dir, p)
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(b.dir, resolved), []byte(text), 0o644)
}

// skeleton makes the directories, /etc files, device nodes and terminal descriptions.
func (b *builder) skeleton() error {
	dirs := []struct {
		path string
		perm fs.FileMode
	}{
		{"/proc", 0o555}, {"/sys", 0o555}, {"/dev", 0o755}, {"/etc", 0o755},
		{"/root", 0o700}, {"/tmp", 0o777 | fs.ModeSticky}, {WorkspaceDir, 0o755},
		{OldRootDir, 0o755}, {EscapeDir, 0o755},
	}
	for _, d := range dirs {
		if err := b.mkdirIn(d.path, d.perm); err != nil {
			return err
		}
	}
	for _, f := range etcFiles(b.info.Source) {
		if err := b.writeIn(f.path, f.text); err != nil {
			return err
		}
	}
	if err := b.devices(); err != nil {
		return err
	}
	if b.info.Source == SourceHost {
		return b.terminfo()
	}
	return nil
}

// devices makes the character devices shells expect (2>/dev/null) with mknod(2). Device
// nodes on a nodev mount (the lab's workspace tmpfs is one) cannot be opened, and a
// /dev/null that fails to open breaks every `2>/dev/null`; there, and wherever mknod is not
// allowed, /dev/null is an empty regular file instead: writes vanish into it, reads see
// end of file. The scenarios can bind-mount the real /dev when they need more.
func (b *builder) devices() error {
	dev := filepath.Join(b.dir, "dev")
	var st unix.Statfs_t
	// statfs(2): ST_NODEV in f_flags says device nodes here would be unusable.
	if err := unix.Statfs(dev, &st); err != nil {
		return &os.PathError{Op: "statfs", Path: dev, Err: err}
	}
	nodev := st.Flags&unix.ST_NODEV != 0
	nodes := []struct {
		name         string
		major, minor uint32
	}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}}
	for _, n := range nodes {
		p := filepath.Join(dev, n.name)
		if fi, err := os.Lstat(p); err == nil {
			if fi.Mode()&fs.ModeCharDevice != 0 {
				b.info.Devices = append(b.info.Devices, "/dev/"+n.name)
			}
			continue
		}
		// mknod(2): a character device node; umask may narrow 0666, so chmod after.
		if nodev || unix.Mknod(p, unix.S_IFCHR|0o666, int(unix.Mkdev(n.major, n.minor))) != nil {
			if n.name == "null" {
				if err := writeFile(p, nil, 0o666); err != nil {
					return err
				}
			}
			continue
		}
		if err := os.Chmod(p, 0o666); err != nil {
			return err
		}
		b.info.Devices = append(b.info.Devices, "/dev/"+n.name)
	}
	return nil
}

// terminfo copies the host's descriptions of common terminals, for bash's line editor.
func (b *builder) terminfo() error {
	names := terminfoNames()
	if term := os.Getenv("TERM"); term != "" && !strings.ContainsAny(term, "/.") {
		names = append(names, term)
	}
	for _, dir := range terminfoDirs() {
		for _, name := range names {
			p := filepath.Join(dir, name[:1], name)
			if _, err := os.Stat(p); err != nil {
				continue
			}
			if err := b.replicate(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// nslab copies the executable in as NslabPath, with the libraries it needs.
func (b *builder) nslab() error {
	resolved, err := ResolveIn(b.dir, NslabPath)
	if err != nil {
		return err
	}
	dst := filepath.Join(b.dir, resolved)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := copyFile(b.opts.Executable, dst, 0o755); err != nil {
		return fmt.Errorf("copy %s to %s: %w", b.opts.Executable, NslabPath, err)
	}
	b.files = append(b.files, resolved)
	deps, err := b.resolver.Deps(b.opts.Executable)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if err := b.replicate(d.Path); err != nil {
			return err
		}
	}
	return nil
}

// copyRCs copies the lab's rc files into the rootfs at the paths the lab's shells source
// (ShellRCPath via $ENV, BashRCPath via SystemBashRCPath), where they exist. They are
// copied on every Build: the lab writes them at start-up, possibly after a first build.
func copyRCs(dir string, opts Options) error {
	for _, rc := range []struct{ from, to string }{{opts.ShellRC, ShellRCPath}, {opts.BashRC, BashRCPath}} {
		fi, err := os.Stat(rc.from)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("copy rc: %w", err)
		}
		resolved, err := ResolveIn(dir, rc.to)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, resolved)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("copy rc: %w", err)
		}
		if err := copyFile(rc.from, dst, fi.Mode().Perm()); err != nil {
			return fmt.Errorf("copy rc %s to %s: %w", rc.from, rc.to, err)
		}
	}
	return nil
}

// treeSize adds up the sizes of the regular files under dir.
func treeSize(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			size += fi.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("measure %s: %w", dir, err)
	}
	return size, nil
}

// String is a one-line summary for the lab's status line and `nslab doctor`, e.g.
// "busybox (/usr/bin/busybox): 268 commands, 8.1 MB in /tmp/nslab/rootfs".
func (i Info) String() string {
	var b strings.Builder
	switch i.Source {
	case SourceBusybox:
		fmt.Fprintf(&b, "busybox (%s): %d commands", i.Busybox, len(i.Tools))
	case SourceHost:
		fmt.Fprintf(&b, "host binaries: %d commands, %d files", len(i.Tools), len(i.Files))
	case SourceUser:
		fmt.Fprintf(&b, "your rootfs %s", i.Dir)
		if i.Nslab == "" {
			b.WriteString(" (no " + NslabPath + ": the escape applets cannot run there)")
		}
		return b.String()
	default:
		fmt.Fprintf(&b, "%s rootfs", i.Source)
	}
	fmt.Fprintf(&b, ", %.1f MB in %s", float64(i.Size)/1e6, i.Dir)
	if len(i.Missing) > 0 {
		names := make([]string, len(i.Missing))
		for k, m := range i.Missing {
			names[k] = m.Name
		}
		b.WriteString("; missing " + strings.Join(names, ", "))
	}
	return b.String()
}

// Equip readies a rootfs that is not the lab's own — in the lab, an overlay whose lower
// layer is the user's --rootfs, so every write lands in the lab's tmpfs — for the lessons:
// the directories they use, the lab's rc files, and nslab for the escape applets with the
// libraries it needs. It never replaces a file already there; when nslab cannot be added
// (the rootfs has its own file in the way) Info.Nslab stays empty and Missing says why.
func Equip(dir string, opts Options) (Info, error) {
	if opts.Executable == "" {
		opts.Executable = "/proc/self/exe"
	}
	if opts.ShellRC == "" {
		opts.ShellRC = ShellRCPath
	}
	if opts.BashRC == "" {
		opts.BashRC = BashRCPath
	}
	if err := checkShell(dir); err != nil {
		return Info{}, fmt.Errorf("equip rootfs %s: %w", dir, err)
	}
	b := &builder{dir: dir, opts: opts, copier: copier{root: dir}, info: Info{Dir: dir, Source: SourceUser}}
	for _, d := range []struct {
		path string
		perm fs.FileMode
	}{{"/proc", 0o555}, {"/tmp", 0o777 | fs.ModeSticky}, {WorkspaceDir, 0o755}, {OldRootDir, 0o755}, {EscapeDir, 0o755}} {
		resolved, err := ResolveIn(dir, d.path)
		if err == nil {
			if _, err := os.Lstat(filepath.Join(dir, resolved)); err == nil {
				continue // the user's own, left as it is
			}
			err = b.mkdirIn(d.path, d.perm)
		}
		if err != nil {
			return Info{}, fmt.Errorf("equip rootfs %s: %w", dir, err)
		}
	}
	if err := copyRCs(dir, opts); err != nil {
		return Info{}, fmt.Errorf("equip rootfs %s: %w", dir, err)
	}
	// The lessons tell the rootfs by its marker in `ls /`, a user's one too.
	if p, err := ResolveIn(dir, MarkerPath); err == nil {
		if _, err := os.Lstat(filepath.Join(dir, p)); errors.Is(err, fs.ErrNotExist) {
			err = b.writeIn(MarkerPath, markerText("This is your own rootfs (--rootfs), seen through an overlay that nslab\nmounted in the lab's workspace; what changes here vanishes with the lab"))
			if err != nil {
				return Info{}, fmt.Errorf("equip rootfs %s: %w", dir, err)
			}
		}
	}
	if p, err := ResolveIn(dir, NslabPath); err == nil && isExecutable(filepath.Join(dir, p)) {
		b.info.Nslab = NslabPath // the user put one there
		return b.info, nil
	}
	var err error
	if b.resolver, err = NewResolver(); err == nil {
		err = b.nslab()
	}
	if err != nil {
		b.info.Missing = append(b.info.Missing, MissingTool{Name: "nslab", Reason: err.Error()})
		return b.info, nil
	}
	b.info.Nslab = NslabPath
	return b.info, nil
}
