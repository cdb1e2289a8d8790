package tui

import (
	"reflect"
	"regexp"
	"sort"
	"testing"
	"unsafe"

	"github.com/nslab/nslab/scenarios"
)

// wordTexts calls every entry of a words table (functions with sample
// arguments) and returns each text by its field's name.
func wordTexts(wd words) map[string][]string {
	out := map[string][]string{}
	v := reflect.ValueOf(&wd).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		// The fields are unexported: reach them through their address.
		f := reflect.NewAt(v.Field(i).Type(), unsafe.Pointer(v.Field(i).UnsafeAddr())).Elem()
		switch f.Kind() {
		case reflect.String:
			out[name] = append(out[name], f.String())
		case reflect.Func:
			if f.IsNil() {
				out[name] = append(out[name], "<nil>")
				continue
			}
			// Both branches where an entry has them: 0 and 2.
			for _, n := range []int64{0, 2} {
				var args []reflect.Value
				for j := range f.Type().NumIn() {
					t := f.Type().In(j)
					switch t.Kind() {
					case reflect.Int:
						args = append(args, reflect.ValueOf(n).Convert(t))
					case reflect.String:
						args = append(args, reflect.ValueOf("host").Convert(t))
					case reflect.Slice:
						args = append(args, reflect.ValueOf([]string{"host"}).Convert(t))
					default:
						args = append(args, reflect.Zero(t))
					}
				}
				for _, r := range f.Call(args) {
					out[name] = append(out[name], r.String())
				}
			}
		}
	}
	return out
}

// koAllowed are the Latin words a Korean screen keeps: pane names, key
// names, commands and kernel identifiers, the same in every language.
var koAllowed = map[string]bool{
	"host": true, "ns": true, "nslab": true, "alt": true, "ctrl": true, "enter": true, "esc": true,
	"F": true, "Alt": true, "g": true, "p": true, "f": true,
	"PID": true, "cwd": true, "chroot": true, "mnt": true, "pid": true, "init": true,
	"reboot": true, "halt": true, "poweroff": true, "htop": true, "mc": true, "vim": true, "less": true,
	"UTS": true, "IPC": true, "cgroup": true, "uts": true, "ipc": true, "user": true, "sudo": true,
}

// TestKoreanWordsAreKorean: every entry of the Korean table is written in
// Korean, but for the names every language shares (panes, keys, commands,
// kernel identifiers), and none is missing.
func TestKoreanWordsAreKorean(t *testing.T) {
	ko := wordTexts(wordsFor(scenarios.KO))
	latin := regexp.MustCompile(`[A-Za-z][A-Za-z_]*`)
	var names []string
	for n := range ko {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, text := range ko[name] {
			if text == "<nil>" {
				t.Errorf("%s: no Korean entry", name)
				continue
			}
			var english []string
			for _, w := range latin.FindAllString(text, -1) {
				if !koAllowed[w] {
					english = append(english, w)
				}
			}
			if len(english) > 0 {
				t.Errorf("%s: %q keeps English words %q", name, text, english)
			}
		}
	}
}
