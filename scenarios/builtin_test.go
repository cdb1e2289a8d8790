package scenarios

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

var sentenceEnd = regexp.MustCompile(`[.?!]\s`)

// A particle written apart from the Latin word or path it follows ("/proc 는"), and the
// template forms that pick neither ("이(가)"): a Korean editor allows neither.
var (
	detachedParticle = regexp.MustCompile("[A-Za-z0-9_/\\])}`'\"] (는|은|를|을|가|이|로|으로|와|과|의|에|에서)[ .,)]")
	templateParticle = regexp.MustCompile(`이\(가\)|을\(를\)|은\(는\)|와\(과\)|\(으\)로`)
)

// The walkthrough's story, in order.
var walkthrough = []string{"ns-identity", "unshare", "mount-copy", "tmpfs", "umount", "chroot",
	"chroot-escape", "pivot-root", "propagation", "ro-bind", "pid-proc", "unbindable",
	"container-rootfs", "overlayfs", "userns", "nsenter", "mount-api"}

func TestBuiltinScenarios(t *testing.T) {
	scs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(scs), " "); got != strings.Join(walkthrough, " ") {
		t.Fatalf("teaching order:\n got %s\nwant %s", got, strings.Join(walkthrough, " "))
	}
	for i, sc := range scs {
		for _, ko := range []string{sc.Title.KO, sc.Summary.KO} {
			if m := detachedParticle.FindString(ko); m != "" {
				t.Errorf("%s: Korean particle written apart from its word: %q", sc.ID, m)
			}
		}
		if want := fmt.Sprintf("scenarios/%02d-%s.yaml", i+1, sc.ID); sc.File != want {
			t.Errorf("%s comes from %s, want %s", sc.ID, sc.File, want)
		}
		for j, st := range sc.Steps {
			where := fmt.Sprintf("%s step %d (line %d)", sc.ID, j+1, st.Line)
			// Every narrated claim is checked against the kernel or the command's result.
			if len(st.Checks) == 0 {
				t.Errorf("%s: no checks", where)
			}
			for _, ko := range []string{st.Narration.KO, st.Hint.KO} {
				if m := detachedParticle.FindString(ko); m != "" {
					t.Errorf("%s: Korean particle written apart from its word: %q", where, m)
				}
				if m := templateParticle.FindString(ko); m != "" {
					t.Errorf("%s: Korean template particle: %q", where, m)
				}
			}
			// A check label never shows a raw regular expression: the file says it in words.
			for _, c := range st.Checks {
				if (c.Kind == CheckOutputMatches || c.Kind == CheckOutputNotMatches) && (c.Label.EN == "" || c.Label.KO == "") {
					t.Errorf("%s: %s check on line %d has no label", where, c.Kind, c.Line)
				}
			}
			// Korean narration is polite (존댓말): a sentence that ends in Hangul ends in
			// -니다 or -요 (code, paths and "..." continuations are left alone).
			for _, s := range sentenceEnd.Split(st.Narration.KO+" ", -1) {
				s = strings.TrimRight(strings.TrimSpace(s), ")\"'`")
				r := []rune(s)
				if len(r) == 0 || !unicode.Is(unicode.Hangul, r[len(r)-1]) {
					continue
				}
				if !strings.HasSuffix(s, "니다") && !strings.HasSuffix(s, "요") {
					t.Errorf("%s: Korean sentence not in polite form: %q", where, s)
				}
			}
		}
	}
}

func TestBuiltinListInBothLanguages(t *testing.T) {
	scs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []Lang{EN, KO} {
		for _, e := range List(scs, l) {
			if e.Title == "" || e.Steps == 0 || strings.Contains(e.Title, "\n") {
				t.Errorf("%s entry %+v", l, e)
			}
		}
	}
}
