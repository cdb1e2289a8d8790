package rootfs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LdSoConfPath is the dynamic loader's configuration (ldconfig(8)). ldconfig turns the
// directories it lists into /etc/ld.so.cache; reading the list directly gives the same
// search order without parsing the binary cache.
const LdSoConfPath = "/etc/ld.so.conf"

// ConfEntry is one item of an ld.so.conf file: a library directory or an include pattern.
// Exactly one of the fields is set.
type ConfEntry struct {
	// Dir is a library directory, cleaned.
	Dir string
	// Include is the glob pattern of an "include" line, as written (relative patterns are
	// relative to the directory of the file that holds them).
	Include string
}

// maxConfDepth bounds nested includes, so an include cycle ends.
const maxConfDepth = 16

// ParseLdSoConf parses the text of an ld.so.conf file. Comments start with '#'; an
// "include" line names glob patterns; "hwcap" lines (obsolete) are skipped; any other line
// lists directories separated by white space, ':' or ',', each optionally followed by
// "=TYPE" (an old ldconfig form, ignored). Relative directories are skipped: the loader's
// cache only holds absolute ones.
func ParseLdSoConf(r io.Reader) ([]ConfEntry, error) {
	var entries []ConfEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "include":
			for _, pattern := range fields[1:] {
				entries = append(entries, ConfEntry{Include: pattern})
			}
			continue
		case "hwcap":
			continue
		}
		for _, dir := range strings.FieldsFunc(line, isConfSeparator) {
			dir, _, _ = strings.Cut(dir, "=")
			if !filepath.IsAbs(dir) {
				continue
			}
			entries = append(entries, ConfEntry{Dir: filepath.Clean(dir)})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read ld.so.conf: %w", err)
	}
	return entries, nil
}

func isConfSeparator(r rune) bool {
	return r == ' ' || r == '\t' || r == '\r' || r == ':' || r == ','
}

// LoadLdSoConf reads the ld.so.conf file at path and the files its includes match (sorted,
// as glob(3) returns them), and returns the library directories in search order, each once.
// A missing top-level file is not an error (musl systems have none): the result is empty.
func LoadLdSoConf(path string) ([]string, error) {
	var dirs []string
	seenDir := map[string]bool{}
	seenFile := map[string]bool{}
	var load func(path string, depth int) error
	load = func(path string, depth int) error {
		if depth > maxConfDepth {
			return fmt.Errorf("load %s: includes nested deeper than %d", path, maxConfDepth)
		}
		if seenFile[path] {
			return nil
		}
		seenFile[path] = true
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("load ld.so.conf: %w", err)
		}
		entries, err := ParseLdSoConf(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("load %s: %w", path, err)
		}
		for _, e := range entries {
			if e.Dir != "" {
				if !seenDir[e.Dir] {
					seenDir[e.Dir] = true
					dirs = append(dirs, e.Dir)
				}
				continue
			}
			pattern := e.Include
			if !filepath.IsAbs(pattern) {
				pattern = filepath.Join(filepath.Dir(path), pattern)
			}
			matches, err := filepath.Glob(pattern)
			if err != nil {
				return fmt.Errorf("load %s: include %q: %w", path, e.Include, err)
			}
			for _, m := range matches {
				if err := load(m, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err := load(path, 0); err != nil {
		return nil, err
	}
	return dirs, nil
}
