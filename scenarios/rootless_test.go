package scenarios

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
)

const needsRootHead = `id: demo
title: {en: Demo, ko: 데모}
summary: {en: A demo., ko: 데모입니다.}
needs_root: {en: locked mounts stay under the old root., ko: 잠긴 마운트가 예전 루트 아래에 남습니다.}
steps:
`

func TestNeedsRootLoads(t *testing.T) {
	sc, err := Parse("n.yaml", []byte(needsRootHead+validStep))
	if err != nil {
		t.Fatal(err)
	}
	if sc.NeedsRoot.EN != "locked mounts stay under the old root." || sc.NeedsRoot.KO == "" {
		t.Fatalf("needs_root = %+v", sc.NeedsRoot)
	}
	if e := List([]Scenario{sc}, KO)[0]; e.NeedsRoot != "잠긴 마운트가 예전 루트 아래에 남습니다." {
		t.Errorf("List in Korean: %+v", e)
	}
	// Both languages, as every text.
	bad := strings.Replace(needsRootHead, ", ko: 잠긴 마운트가 예전 루트 아래에 남습니다.", "", 1)
	if _, err := Parse("n.yaml", []byte(bad+validStep)); err == nil || !strings.Contains(err.Error(), "Korean text (ko) in needs_root") {
		t.Errorf("needs_root without Korean: %v", err)
	}
	plain, err := Parse("p.yaml", []byte(validHead+validStep))
	if err != nil {
		t.Fatal(err)
	}
	run, skipped := Rootless([]Scenario{sc, plain})
	if len(run) != 1 || !run[0].NeedsRoot.IsZero() || len(skipped) != 1 || skipped[0] != "demo" {
		t.Errorf("Rootless: run %v skipped %v", run, skipped)
	}
}

// Rootless, a lesson that needs root is not started, says why, and counts as skipped,
// not failed; as root it runs.
func TestRunHeadlessSkipsWhatNeedsRoot(t *testing.T) {
	needs, err := Parse("n.yaml", []byte(needsRootHead+validStep))
	if err != nil {
		t.Fatal(err)
	}
	plain := parseEngineScenario(t)
	plain.ID = "plain"
	for _, lang := range []Lang{EN, KO} {
		f := newFakeLab()
		f.onRun["mount -t tmpfs tmpfs /tmp/nslab/x"] = func(f *fakeLab) { f.addMount("host", xMount()) }
		var out, md bytes.Buffer
		ok, err := RunHeadless(context.Background(), f, []Scenario{needs, plain}, &out, TranscriptOptions{Lang: lang, Rootless: true, Markdown: &md})
		if err != nil || !ok {
			t.Fatalf("%s: ok=%v err=%v\n%s", lang, ok, err, out.String())
		}
		want := map[Lang][]string{
			EN: {"== demo (1/2): Demo\n   A demo.\n   skipped, needs root: locked mounts stay under the old root.\n== plain", "\n1/1 passed; skipped (need root): demo\n"},
			KO: {"   건너뜀, root 권한 필요: 잠긴 마운트가 예전 루트 아래에 남습니다.\n== plain", "\n1/1 통과; 건너뜀(root 권한 필요): demo\n"},
		}[lang]
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: transcript lacks %q:\n%s", lang, w, out.String())
			}
		}
		if !strings.Contains(md.String(), "*"+skipLabel.In(lang)+needs.NeedsRoot.In(lang)+"*") {
			t.Errorf("%s: the handout does not say why demo was skipped:\n%s", lang, md.String())
		}
		if len(f.resets) != 1 {
			t.Errorf("%s: %d lab resets, want one (the skipped lesson starts nothing)", lang, len(f.resets))
		}
	}
	// As root the same lesson runs.
	f := newFakeLab()
	var out bytes.Buffer
	if _, err := RunHeadless(context.Background(), f, []Scenario{needs}, &out, TranscriptOptions{}); err != nil || strings.Contains(out.String(), "skipped") || len(f.resets) != 1 {
		t.Errorf("as root: err %v, resets %d:\n%s", err, len(f.resets), out.String())
	}
}

// loadForThisLab loads the built-in lessons the lab here can run: rootless (test.sh
// without sudo), not those whose file says they need root.
func loadForThisLab(t *testing.T) []Scenario {
	t.Helper()
	scs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if labtest.Rootless() {
		var skipped []string
		scs, skipped = Rootless(scs)
		t.Logf("rootless: %v need root and are left out", skipped)
	}
	return scs
}
