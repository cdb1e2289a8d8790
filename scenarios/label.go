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
	case CheckOutputMatches, CheckOutputNotMatches:
		// A regular expression says nothing to a learner: the file says what it means.
		if !c.Label.IsZero() {
			return ws.expandText(c.Label)
		}
		if c.Kind == CheckOutputMatches {
			return Text{EN: "output has the expected form", KO: "출력이 기대한 형식과 맞음"}
		}
		return Text{EN: "output lacks the excluded form", KO: "출력에 제외한 형식이 없음"}
	case CheckOutputShowsNS:
		return pf("output shows %s's %s namespace as the kernel has it", "출력에 커널이 아는 %s 창의 %s 네임스페이스 번호가 있음", c.Pane, c.NSType)
	case CheckMounted:
		what := mountWhat(c, ws)
		return Text{EN: fmt.Sprintf("mounted %sat %s in %s", what.EN, x(c.Path), c.Pane),
			KO: fmt.Sprintf("%s 창에서 %s 경로에 마운트됨%s", c.Pane, x(c.Path), koSuffix(what.KO))}
	case CheckNotMounted:
		what := mountWhat(c, ws)
		return Text{EN: fmt.Sprintf("nothing %smounted at %s in %s", what.EN, x(c.Path), c.Pane),
			KO: fmt.Sprintf("%s 창에서 %s 경로에 마운트 없음%s", c.Pane, x(c.Path), koSuffix(what.KO))}
	case CheckSameNS:
		return pf("same %s namespace in host and ns", "host 창과 ns 창의 %s 네임스페이스가 같음", c.NSType)
	case CheckDifferentNS:
		return pf("different %s namespaces in host and ns", "host 창과 ns 창의 %s 네임스페이스가 다름", c.NSType)
	case CheckPropagation:
		if c.Recursive {
			return pf("every mount at or below %s is %s in %s", "%[3]s 창에서 %[1]s 경로와 그 아래의 모든 마운트의 전파 유형은 %[2]s", x(c.Path), c.Propagation, c.Pane)
		}
		t := Text{EN: fmt.Sprintf("%s is %s in %s", x(c.Path), c.Propagation, c.Pane),
			KO: fmt.Sprintf("%s 창에서 %s 경로의 전파 유형은 %s", c.Pane, x(c.Path), c.Propagation)}
		if c.PeerWith != "" {
			rel := Text{EN: "peer of", KO: "마운트와 같은 피어 그룹"}
			if c.Propagation != mnt.Shared {
				rel = Text{EN: "slave of", KO: "마운트의 슬레이브"}
			}
			t.EN += fmt.Sprintf(" (%s %s's)", rel.EN, c.PeerWith)
			t.KO += fmt.Sprintf(" (%s 창 %s)", c.PeerWith, rel.KO)
		}
		return t
	case CheckVisible:
		return pf("%s visible from %s's root", "%[2]s 창의 루트에서 %[1]s 경로가 보임", x(c.Path), c.Pane)
	case CheckNotVisible:
		return pf("%s not visible from %s's root", "%[2]s 창의 루트에서 %[1]s 경로가 보이지 않음", x(c.Path), c.Pane)
	case CheckChrooted:
		if c.Want {
			return pf("%s is chrooted", "%s 창은 chroot 상태", c.Pane)
		}
		return pf("%s is not chrooted", "%s 창은 chroot 상태가 아님", c.Pane)
	case CheckRootIsMountpoint:
		if c.Want {
			return pf("%s's root is a mount point", "%s 창의 루트는 마운트 지점", c.Pane)
		}
		return pf("%s's root is not a mount point", "%s 창의 루트는 마운트 지점이 아님", c.Pane)
	case CheckPIDInNS:
		return pf("%s's process is PID %d in its PID namespace", "%s 창의 프로세스는 자기 PID 네임스페이스에서 PID %d", c.Pane, c.PID)
	case CheckProcIsOwn:
		if c.Want {
			return pf("%s's ps reads the /proc of its own PID namespace", "%s 창의 ps가 읽는 /proc은 자기 PID 네임스페이스의 프로세스를 보여 줌", c.Pane)
		}
		return pf("%s's ps reads the /proc of another PID namespace", "%s 창의 ps가 읽는 /proc은 다른 PID 네임스페이스의 프로세스를 보여 줌", c.Pane)
	case CheckMountCopy:
		if c.Want {
			return Text{EN: "ns's mount table is a copy of host's", KO: "ns 창의 마운트 테이블은 host 창의 복사본"}
		}
		return Text{EN: "ns's mount table is not a copy of host's", KO: "ns 창의 마운트 테이블은 host 창의 복사본이 아님"}
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
		ko = append(ko, "소스 "+ws.Expand(c.Source))
	}
	if c.BindOf != "" {
		en = append(en, "bind of "+ws.Expand(c.BindOf))
		ko = append(ko, ws.Expand(c.BindOf)+" 경로의 바인드")
	}
	if c.Root != "" {
		en = append(en, "root "+ws.Expand(c.Root))
		ko = append(ko, "root 필드 "+ws.Expand(c.Root))
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
