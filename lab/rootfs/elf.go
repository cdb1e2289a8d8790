package rootfs

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrLibraryNotFound is wrapped by Deps when the loader would fail to find a library.
var ErrLibraryNotFound = errors.New("shared library not found")

// Dep is one file the dynamic loader maps for a program: its interpreter or a library.
type Dep struct {
	// Name is the DT_NEEDED entry, or the PT_INTERP path for the interpreter.
	Name string
	// Path is the path the loader opens, as ldd prints it: the link name in the search
	// directory (e.g. /lib/x86_64-linux-gnu/libc.so.6), not where its symlinks lead.
	Path string
	// Interpreter marks the program interpreter (ld.so itself).
	Interpreter bool
}

// Resolver finds the shared libraries of ELF files the way glibc's ld.so(8) does, without
// running anything: DT_RPATH of the object and its loaders (when it has no DT_RUNPATH),
// DT_RUNPATH of the object, the ld.so.conf directories (what ld.so.cache holds), then the
// system directories. LD_LIBRARY_PATH and glibc-hwcaps subdirectories are not used: the lab
// wants the baseline libraries every program can run with.
type Resolver struct {
	// ConfDirs are the ld.so.conf directories, searched in order (see LoadLdSoConf).
	ConfDirs []string
	// SystemDirs, when set, replace the default directories for every object. When nil
	// they follow the object's ELF machine and class: the multiarch directories
	// (/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu), then /lib64 and /usr/lib64 (or
	// /lib32 and /usr/lib32), then /lib and /usr/lib.
	SystemDirs []string
}

// NewResolver returns a Resolver for this host's loader configuration (LdSoConfPath).
func NewResolver() (*Resolver, error) {
	dirs, err := LoadLdSoConf(LdSoConfPath)
	if err != nil {
		return nil, err
	}
	return &Resolver{ConfDirs: dirs}, nil
}

// object is one loaded ELF file and what its dynamic section says.
type object struct {
	path    string
	origin  string // $ORIGIN: the directory the object was loaded from
	class   elf.Class
	machine elf.Machine
	interp  string
	soname  string
	needed  []string
	rpath   []string
	runpath []string
	// hasRunpath is set when DT_RUNPATH is present, even empty: it disables DT_RPATH.
	hasRunpath bool
	// loader is the object whose DT_NEEDED loaded this one (nil for the program).
	loader *object
}

// Deps lists what the loader would map to run the ELF file at path: the interpreter first,
// then every library in the loader's breadth-first order, each once. A static program has
// none. Libraries that cannot be found are reported together in an error wrapping
// ErrLibraryNotFound; the Deps that were found are returned with it.
func (r *Resolver) Deps(path string) ([]Dep, error) {
	prog, err := readObject(path)
	if err != nil {
		return nil, err
	}
	// The program's $ORIGIN is where its symlinks lead (glibc reads /proc/self/exe).
	if real, err := filepath.EvalSymlinks(path); err == nil {
		prog.origin = filepath.Dir(real)
	}
	var deps []Dep
	var missing []error
	loaded := map[string]bool{}
	if prog.interp != "" {
		interp, err := readObject(prog.interp)
		if err != nil {
			return nil, fmt.Errorf("interpreter of %s: %w", path, errors.Join(err, ErrLibraryNotFound))
		}
		deps = append(deps, Dep{Name: prog.interp, Path: prog.interp, Interpreter: true})
		loaded[prog.interp] = true
		loaded[filepath.Base(prog.interp)] = true
		if interp.soname != "" {
			loaded[interp.soname] = true
		}
	}
	queue := []*object{prog}
	for len(queue) > 0 {
		requester := queue[0]
		queue = queue[1:]
		for _, name := range requester.needed {
			if loaded[name] {
				continue
			}
			lib, ok := r.find(name, requester, prog)
			if !ok {
				loaded[name] = true // report it once
				missing = append(missing, fmt.Errorf("%s needed by %s: %w", name, requester.path, ErrLibraryNotFound))
				continue
			}
			loaded[name] = true
			if loaded[lib.path] {
				continue
			}
			loaded[lib.path] = true
			if lib.soname != "" {
				loaded[lib.soname] = true
			}
			lib.loader = requester
			deps = append(deps, Dep{Name: name, Path: lib.path})
			queue = append(queue, lib)
		}
	}
	return deps, errors.Join(missing...)
}

// find searches for the library name needed by requester, in ld.so's order.
func (r *Resolver) find(name string, requester, prog *object) (*object, bool) {
	if strings.Contains(name, "/") {
		return r.try(name, prog)
	}
	var dirs []string
	if !requester.hasRunpath {
		// DT_RPATH of the requester, then of the object that loaded it, up to the program;
		// an object with DT_RUNPATH contributes no DT_RPATH.
		for o := requester; o != nil; o = o.loader {
			if !o.hasRunpath {
				dirs = append(dirs, expandPaths(o.rpath, o, prog)...)
			}
		}
	}
	dirs = append(dirs, expandPaths(requester.runpath, requester, prog)...)
	dirs = append(dirs, r.ConfDirs...)
	dirs = append(dirs, r.systemDirs(prog)...)
	for _, dir := range dirs {
		if lib, ok := r.try(filepath.Join(dir, name), prog); ok {
			return lib, true
		}
	}
	return nil, false
}

// try opens a candidate; the loader skips files of another class or machine and goes on.
func (r *Resolver) try(path string, prog *object) (*object, bool) {
	lib, err := readObject(path)
	if err != nil || lib.class != prog.class || lib.machine != prog.machine {
		return nil, false
	}
	lib.origin = filepath.Dir(path)
	return lib, true
}

func (r *Resolver) systemDirs(prog *object) []string {
	if r.SystemDirs != nil {
		return r.SystemDirs
	}
	var dirs []string
	if triplet := multiarchTriplet(prog.machine, prog.class); triplet != "" {
		dirs = append(dirs, "/lib/"+triplet, "/usr/lib/"+triplet)
	}
	if prog.class == elf.ELFCLASS64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	} else {
		dirs = append(dirs, "/lib32", "/usr/lib32")
	}
	return append(dirs, "/lib", "/usr/lib")
}

// multiarchTriplet names the Debian multiarch directory for a machine ("" if unknown).
func multiarchTriplet(m elf.Machine, c elf.Class) string {
	switch m {
	case elf.EM_X86_64:
		if c == elf.ELFCLASS32 {
			return "x86_64-linux-gnux32"
		}
		return "x86_64-linux-gnu"
	case elf.EM_386:
		return "i386-linux-gnu"
	case elf.EM_AARCH64:
		return "aarch64-linux-gnu"
	case elf.EM_ARM:
		return "arm-linux-gnueabihf"
	case elf.EM_RISCV:
		return "riscv64-linux-gnu"
	case elf.EM_PPC64:
		return "powerpc64le-linux-gnu"
	case elf.EM_S390:
		return "s390x-linux-gnu"
	case elf.EM_LOONGARCH:
		return "loongarch64-linux-gnu"
	}
	return ""
}

// expandPaths substitutes the dynamic string tokens of ld.so(8) in DT_RPATH/DT_RUNPATH
// entries: $ORIGIN (the object's directory), $LIB and $PLATFORM. Empty entries (the
// current directory, a classic hazard) are dropped.
func expandPaths(paths []string, o, prog *object) []string {
	var out []string
	lib := libToken(prog)
	platform := platformToken(prog.machine)
	for _, p := range paths {
		if p == "" {
			continue
		}
		p = expandToken(p, "ORIGIN", o.origin)
		p = expandToken(p, "LIB", lib)
		p = expandToken(p, "PLATFORM", platform)
		out = append(out, filepath.Clean(p))
	}
	return out
}

func expandToken(s, name, value string) string {
	s = strings.ReplaceAll(s, "${"+name+"}", value)
	return strings.ReplaceAll(s, "$"+name, value)
}

// libToken is what $LIB expands to: Debian's loader uses the multiarch directory.
func libToken(prog *object) string {
	if t := multiarchTriplet(prog.machine, prog.class); t != "" {
		if fi, err := os.Stat("/lib/" + t); err == nil && fi.IsDir() {
			return "lib/" + t
		}
	}
	if prog.class == elf.ELFCLASS64 {
		return "lib64"
	}
	return "lib"
}

func platformToken(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_386:
		return "i686"
	case elf.EM_AARCH64:
		return "aarch64"
	}
	return strings.ToLower(strings.TrimPrefix(m.String(), "EM_"))
}

// readObject reads the program header and dynamic section of the ELF file at path.
func readObject(path string) (*object, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read ELF %s: %w", path, err)
	}
	defer f.Close()
	o := &object{path: path, origin: filepath.Dir(path), class: f.Class, machine: f.Machine}
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			return nil, fmt.Errorf("read PT_INTERP of %s: %w", path, err)
		}
		o.interp = string(bytes.TrimRight(b, "\x00"))
	}
	dyn := func(tag elf.DynTag) ([]string, error) {
		v, err := f.DynString(tag)
		if err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", tag, path, err)
		}
		return v, nil
	}
	if o.needed, err = dyn(elf.DT_NEEDED); err != nil {
		return nil, err
	}
	sonames, err := dyn(elf.DT_SONAME)
	if err != nil {
		return nil, err
	}
	if len(sonames) > 0 {
		o.soname = sonames[0]
	}
	rpaths, err := dyn(elf.DT_RPATH)
	if err != nil {
		return nil, err
	}
	runpaths, err := dyn(elf.DT_RUNPATH)
	if err != nil {
		return nil, err
	}
	o.hasRunpath = len(runpaths) > 0
	for _, p := range rpaths {
		o.rpath = append(o.rpath, strings.Split(p, ":")...)
	}
	for _, p := range runpaths {
		o.runpath = append(o.runpath, strings.Split(p, ":")...)
	}
	return o, nil
}

// isELF reports whether the file at path starts with the ELF magic.
func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := f.Read(magic); err != nil {
		return false
	}
	return string(magic) == elf.ELFMAG
}
