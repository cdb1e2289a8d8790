package scenarios

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

const longOutputScenario = `id: long
title: {en: Long output, ko: 긴 출력}
summary: {en: A long line and tabs., ko: 긴 줄과 탭.}
steps:
  - pane: host
    narration: {en: Print., ko: 출력하세요.}
    command: cat /proc/self/mountinfo
    checks:
      - output_contains: "the end of a long line"
      - output_contains: "not there at all"
`

// TestTranscriptNeverTruncates: the handout and the transcript quote a long
// output line whole in a check's reason, and expand tabs in the output to
// the columns they stood at.
func TestTranscriptNeverTruncates(t *testing.T) {
	sc, err := Parse("long.yaml", []byte(longOutputScenario))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a fairly ordinary word ", 8) + "the end of a long line"
	last := strings.Repeat("and the last line is long too ", 4) + "to its end"
	f := newFakeLab()
	f.results["cat /proc/self/mountinfo"] = Result{Output: "id\tname\tfs\n12\t/\text4\n" + long + "\n" + last + "\n"}
	var out, md bytes.Buffer
	if _, err := RunHeadless(context.Background(), f, []Scenario{sc}, &out, TranscriptOptions{Lang: EN, Markdown: &md}); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"transcript": out.String(), "handout": md.String()} {
		for _, want := range []string{
			"found on line 3: " + long,
			"(last: " + last + ")",
			"id      name    fs",
			"12      /       ext4",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the %s lacks %q:\n%s", name, want, got)
			}
		}
		if strings.Contains(got, "…") || strings.Contains(got, "\t") {
			t.Errorf("the %s cuts a line or keeps a tab:\n%s", name, got)
		}
	}
}

func TestExpandTabs(t *testing.T) {
	for _, c := range [][2]string{
		{"a\tb", "a       b"},
		{"12345678\tx", "12345678        x"},
		{"한글\tx", "한글    x"},
		{"a\n\tb", "a\n        b"},
		{"none", "none"},
	} {
		if got := ExpandTabs(c[0]); got != c[1] {
			t.Errorf("ExpandTabs(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
