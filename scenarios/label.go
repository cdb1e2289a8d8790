package scenarios

import (
	"fmt"
	"strings"

	"github.com/nslab/nslab/lab/mnt"
)

// label says what a check claims, in both languages, with placeholders expanded.
func label(c Check, ws Workspace) Text {
	x := ws.Expand
	switch c.Kind {
	case CheckExit:
		if c.ExitNonZero {
			return Text{EN: "exit status non-zero", KO: "종료 상태가 0이 아님"}
		}
		return pf("exit status %d", "종료 상태 %d", c.Exit)
	case CheckOutputContains:
		return pf("output contains %q", "출력에 %q 포함", x(c.Text))
	case CheckOutputNotContains:
		return pf("output does not contain %q", "출력에 %q 없음", x(c.Text))
	case CheckOutputMatches:
		return pf("output matches /%s/", "출력이 /%s/ 와 일치", x(c.Text))
	case CheckOutputNotMatches:
		return pf("output does not match /%s/", "출력이 /%s/ 와 불일치", x(c.Text))
	case CheckMounted:
		what := mountWhat(c, ws)
		return Text{EN: fmt.Sprintf("mounted %sat %s in %s", what.EN, x(c.Path), c.Pane),
			KO: fmt.Sprintf("%s에 %s 마운트됨%s", c.Pane, x(c.Path), koSuffix(what.KO))}
	case CheckNotMounted:
		what := mountWhat(c, ws)
		return Text{EN: fmt.Sprintf("nothing %smounted at %s in %s", what.EN, x(c.Path), c.Pane),
			KO: fmt.Sprintf("%s에 %s 마운트 없음%s", c.Pane, x(c.Path), koSuffix(what.KO))}
	case CheckSameNS:
		return pf("same %s namespace in host and ns", "host와 ns의 %s 네임스페이스가 같음", c.NSType)
	case CheckDifferentNS:
		return pf("different %s namespaces in host and ns", "host와 ns의 %s 네임스페이스가 다름", c.NSType)
	case CheckPropagation:
		t := Text{EN: fmt.Sprintf("%s is %s in %s", x(c.Path), c.Propagation, c.Pane),
			KO: fmt.Sprintf("%s에서 %s 는 %s", c.Pane, x(c.Path), c.Propagation)}
		if c.PeerWith != "" {
			rel := Text{EN: "peer of", KO: "피어"}
			if c.Propagation != mnt.Shared {
				rel = Text{EN: "slave of", KO: "슬레이브"}
			}
			t.EN += fmt.Sprintf(" (%s %s's)", rel.EN, c.PeerWith)
			t.KO += fmt.Sprintf(" (%s의 %s)", c.PeerWith, rel.KO)
		}
		return t
	case CheckVisible:
		return pf("%s visible from %s's root", "%[2]s의 루트에서 %[1]s 이(가) 보임", x(c.Path), c.Pane)
	case CheckNotVisible:
		return pf("%s not visible from %s's root", "%[2]s의 루트에서 %[1]s 이(가) 보이지 않음", x(c.Path), c.Pane)
	case CheckChrooted:
		if c.Want {
			return pf("%s is chrooted", "%s 는 chroot 상태", c.Pane)
		}
		return pf("%s is not chrooted", "%s 는 chroot 상태가 아님", c.Pane)
	case CheckRootIsMountpoint:
		if c.Want {
			return pf("%s's root is a mount point", "%s의 루트는 마운트 지점", c.Pane)
		}
		return pf("%s's root is not a mount point", "%s의 루트는 마운트 지점이 아님", c.Pane)
	case CheckMountCopy:
		if c.Want {
			return Text{EN: "ns's mount table is a copy of host's", KO: "ns의 마운트 테이블은 host의 복사본"}
		}
		return Text{EN: "ns's mount table is not a copy of host's", KO: "ns의 마운트 테이블은 host의 복사본이 아님"}
	}
	return Text{EN: string(c.Kind), KO: string(c.Kind)}
}

// mountWhat describes a mount check's filters: "tmpfs " or "tmpfs from tmpfs (ro) ".
func mountWhat(c Check, ws Workspace) Text {
	var en, ko []string
	if c.FSType != "" {
		en = append(en, ws.Expand(c.FSType))
		ko = append(ko, ws.Expand(c.FSType))
	}
	if c.Source != "" {
		en = append(en, "from "+ws.Expand(c.Source))
		ko = append(ko, "source "+ws.Expand(c.Source))
	}
	if c.BindOf != "" {
		en = append(en, "bind of "+ws.Expand(c.BindOf))
		ko = append(ko, ws.Expand(c.BindOf)+"의 바인드")
	}
	if c.Root != "" {
		en = append(en, "root "+ws.Expand(c.Root))
		ko = append(ko, "root "+ws.Expand(c.Root))
	}
	if len(c.Options) > 0 {
		en = append(en, "("+strings.Join(c.Options, ",")+")")
		ko = append(ko, "("+strings.Join(c.Options, ",")+")")
	}
	if len(c.SuperOptions) > 0 {
		en = append(en, "(super "+strings.Join(c.SuperOptions, ",")+")")
		ko = append(ko, "(슈퍼블록 "+strings.Join(c.SuperOptions, ",")+")")
	}
	if len(en) == 0 {
		return Text{}
	}
	return Text{EN: strings.Join(en, " ") + " ", KO: strings.Join(ko, " ")}
}

func koSuffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
