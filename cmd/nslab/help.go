package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/nslab/nslab/scenarios"
)

// commands are the commands nslab knows, in the order the help lists them ("" is the
// free-form lab).
var commands = []string{"", "walkthrough", "scenarios", "run", "doctor", "version", "help"}

// helpText is the help of a command ("" for the global help) in a language.
func helpText(command string, lang scenarios.Lang) string {
	texts := helpEN
	if lang == scenarios.KO {
		texts = helpKO
	}
	if command == "help" {
		command = ""
	}
	return texts[command]
}

var helpEN = map[string]string{
	"": `nslab — a lab for Linux mount namespaces, chroot and pivot_root, on the real kernel

Usage:
  nslab [flags]                           free-form lab: two shells, live namespace and mount panels
  nslab walkthrough [SCENARIO…]           the guided tour (all lessons in teaching order, or those named)
  nslab scenarios                         list the lessons: id, steps, title
  nslab run SCENARIO… | --all             run lessons without the UI; exit non-zero if a check fails
  nslab doctor                            check this machine: privileges, kernel, terminal, rootfs
  nslab version                           print the version (also --version)

Without root (no sudo) the lab runs in a user namespace of its own, where you are
root: inherited mounts are locked, and lessons that need real root are skipped,
saying why (nslab scenarios lists them).

Flags (every command):
  --lang en|ko        language of the lessons and the screen (default from LANG)
  --theme NAME        dark, light or classroom (high contrast, colour-blind safe)
  --rootfs DIR        use your own rootfs for chroot and pivot_root lessons
  --shell PATH        the panes' shell (default $SHELL, else bash, else sh)
  --scenarios DIR     add (or override) lessons from a directory of YAML files
  --record FILE.cast  record the screen as an asciicast v2 file (lab and walkthrough)
  --share ADDR        let the class watch over SSH on ADDR (e.g. :2222; lab and walkthrough)
  --share-web ADDR    let the class watch in a browser on ADDR (e.g. :8080)
  --markdown FILE.md  with run: also write the transcript as a Markdown handout
  --all               with run: every lesson
  -h, --help          this help; nslab COMMAND --help for one command's
  --version           print the version

Exit status: 0 done, 1 a check failed or the lab could not start, 2 a bad command
line or scenario file, 3 without root where no user namespace is allowed, 128+N ended by signal N (130 Ctrl-C, 143 SIGTERM).
`,
	"walkthrough": `Usage: nslab walkthrough [SCENARIO…] [flags]

The guided tour: every lesson in teaching order, or the ones named (see nslab
scenarios). Each step says what it will do; F5 types its command into its pane and
checks, against the live kernel, what the lesson claims. Alt+p goes back a step for
real; F10 quits.

Flags:
  --lang en|ko        language of the lessons and the screen (default from LANG)
  --theme NAME        dark, light or classroom
  --scenarios DIR     add (or override) lessons from a directory of YAML files
  --rootfs DIR        your own rootfs for the chroot and pivot_root lessons
  --shell PATH        the panes' shell (default $SHELL, else bash, else sh)
  --record FILE.cast  record the screen as an asciicast v2 file
  --share ADDR        let the class watch, read-only, over SSH on ADDR (e.g. :2222): the
                      help bar shows the ssh command and the class code (the password)
  --share-web ADDR    the same in a browser on ADDR (e.g. :8080)
  --share-max N       at most N watch at once (default 60)

Exit status: 0 done, 1 the lab could not start, 2 a bad command line or scenario
file, 3 without root, 128+N ended by signal N.
`,
	"scenarios": `Usage: nslab scenarios [flags]

Lists the lessons: id, number of steps, title. Needs no root.

Flags:
  --lang en|ko        language of the titles (default from LANG)
  --scenarios DIR     add (or override) lessons from a directory of YAML files

Exit status: 0 listed, 2 a bad command line or scenario file.
`,
	"run": `Usage: nslab run SCENARIO… | --all [flags]

Runs lessons without the screen, each in a fresh lab, and prints a transcript: each
step's command, its output and every check ✓ or ✗ with its reason. A lesson stops at
its first failed step.

Flags:
  --all               every lesson, in teaching order
  --markdown FILE.md  also write the transcript as a Markdown handout
  --lang en|ko        language of the transcript (default from LANG)
  --scenarios DIR     add (or override) lessons from a directory of YAML files
  --rootfs DIR        your own rootfs for the chroot and pivot_root lessons
  --shell PATH        the panes' shell (default $SHELL, else bash, else sh)

Exit status: 0 every check passed, 1 a check failed or the lab could not start,
2 a bad command line or scenario file, 3 without root, 130 Ctrl-C, 128+N ended by
signal N.
`,
	"doctor": `Usage: nslab doctor [flags]

Checks this machine for the lab, each point ✓ or ✗ with the fix: privileges, kernel
support (tried for real in a throwaway namespace), the host's / propagation, the
shell, the rootfs source, the terminal.

Flags:
  --shell PATH        the shell to check (default $SHELL, else bash, else sh)
  --rootfs DIR        a rootfs of your own to check

Exit status: 0 ready, 1 a required point failed, 2 a bad command line.
`,
	"version": `Usage: nslab version

Prints nslab's version: the module version, or the commit it was built from and
whether the tree had changes. nslab --version does the same.
`,
}

var helpKO = map[string]string{
	"": `nslab — 실제 커널에서 리눅스 마운트 네임스페이스, chroot, pivot_root를 익히는 실습 환경

사용법:
  nslab [플래그]                          자유 실습: 셸 두 개와 네임스페이스·마운트 패널
  nslab walkthrough [시나리오…]           안내 실습 (모든 수업을 배우는 순서대로, 또는 지정한 수업만)
  nslab scenarios                         수업 목록: ID, 단계 수, 제목
  nslab run 시나리오… | --all             화면 없이 수업을 실행하고, 확인이 하나라도 실패하면 0이 아닌 값으로 종료
  nslab doctor                            이 컴퓨터 점검: 권한, 커널, 터미널, rootfs
  nslab version                           버전 출력 (--version과 같음)

root 권한 없이(sudo 없이) 실행하면 실습 환경은 자체 사용자 네임스페이스 안에서
돌아가고, 그 안에서는 여러분이 root입니다. 물려받은 마운트는 잠겨 있고, 실제
root 권한이 필요한 수업은 이유를 밝히고 건너뜁니다(nslab scenarios에 나옵니다).

플래그 (모든 명령):
  --lang en|ko        수업과 화면의 언어 (기본값은 LANG에서 정함)
  --theme 이름        dark, light, classroom (고대비, 색각 이상에도 구별됨)
  --rootfs 디렉터리   chroot·pivot_root 수업에 직접 준비한 rootfs 사용
  --shell 경로        창에서 실행할 셸 (기본값은 $SHELL, 없으면 bash, 그것도 없으면 sh)
  --scenarios 디렉터리  YAML 파일 디렉터리의 수업을 추가 (같은 ID는 대체)
  --record 파일.cast  화면을 asciicast v2 파일로 녹화 (자유 실습과 안내 실습)
  --share 주소        수강생이 주소(예: :2222)에 SSH로 접속해 지켜보게 함 (자유 실습과 안내 실습)
  --share-web 주소    수강생이 주소(예: :8080)에서 브라우저로 지켜보게 함
  --markdown 파일.md  run과 함께: 실행 기록을 마크다운 유인물로도 저장
  --all               run과 함께: 모든 수업
  -h, --help          이 도움말; 명령별 도움말은 nslab 명령 --help
  --version           버전 출력

종료 상태: 0 완료, 1 확인 실패 또는 실습 환경 시작 실패, 2 잘못된 명령줄 또는
시나리오 파일, 3 root 권한도 사용자 네임스페이스도 쓸 수 없음, 128+N 시그널 N으로 종료 (Ctrl-C는 130, SIGTERM은 143).
`,
	"walkthrough": `사용법: nslab walkthrough [시나리오…] [플래그]

안내 실습: 모든 수업을 배우는 순서대로, 또는 지정한 수업만 진행합니다 (목록은
nslab scenarios). 각 단계는 무엇을 할지 먼저 알려 주고, F5를 누르면 명령을 해당
창에 입력한 뒤 수업의 설명이 맞는지 실제 커널에서 확인합니다. Alt+p는 실제로
한 단계 되돌아가고, F10은 끝냅니다.

플래그:
  --lang en|ko        수업과 화면의 언어 (기본값은 LANG에서 정함)
  --theme 이름        dark, light, classroom
  --scenarios 디렉터리  YAML 파일 디렉터리의 수업을 추가 (같은 ID는 대체)
  --rootfs 디렉터리   chroot·pivot_root 수업에 직접 준비한 rootfs 사용
  --shell 경로        창에서 실행할 셸 (기본값은 $SHELL, 없으면 bash, 그것도 없으면 sh)
  --record 파일.cast  화면을 asciicast v2 파일로 녹화
  --share 주소        수강생이 주소(예: :2222)에 SSH로 접속해 읽기 전용으로 지켜보게 함:
                      도움말 줄에 ssh 명령과 수업 코드(비밀번호)가 나옴
  --share-web 주소    브라우저로도 같은 화면을 주소(예: :8080)에서 보여 줌
  --share-max N       동시에 지켜볼 수 있는 인원 (기본값 60)

종료 상태: 0 완료, 1 실습 환경 시작 실패, 2 잘못된 명령줄 또는 시나리오 파일,
3 root 권한 없음, 128+N 시그널 N으로 종료.
`,
	"scenarios": `사용법: nslab scenarios [플래그]

수업 목록을 ID, 단계 수, 제목 순으로 보여 줍니다. root 권한이 필요 없습니다.

플래그:
  --lang en|ko        제목의 언어 (기본값은 LANG에서 정함)
  --scenarios 디렉터리  YAML 파일 디렉터리의 수업을 추가 (같은 ID는 대체)

종료 상태: 0 완료, 2 잘못된 명령줄 또는 시나리오 파일.
`,
	"run": `사용법: nslab run 시나리오… | --all [플래그]

화면 없이 수업마다 새 실습 환경에서 수업을 실행하고 실행 기록을 출력합니다. 기록에는
단계마다 명령, 그 출력, 각 확인의 ✓ 또는 ✗와 이유가 담깁니다. 한 단계가 실패하면
그 수업은 거기서 멈춥니다.

플래그:
  --all               모든 수업을 배우는 순서대로 실행
  --markdown 파일.md  실행 기록을 마크다운 유인물로도 저장
  --lang en|ko        실행 기록의 언어 (기본값은 LANG에서 정함)
  --scenarios 디렉터리  YAML 파일 디렉터리의 수업을 추가 (같은 ID는 대체)
  --rootfs 디렉터리   chroot·pivot_root 수업에 직접 준비한 rootfs 사용
  --shell 경로        창에서 실행할 셸 (기본값은 $SHELL, 없으면 bash, 그것도 없으면 sh)

종료 상태: 0 모든 확인 통과, 1 확인 실패 또는 실습 환경 시작 실패, 2 잘못된 명령줄
또는 시나리오 파일, 3 root 권한 없음, 130 Ctrl-C, 128+N 시그널 N으로 종료.
`,
	"doctor": `사용법: nslab doctor [플래그]

이 컴퓨터가 실습을 돌릴 수 있는지 점검하고, 항목마다 ✓ 또는 ✗와 해결 방법을
보여 줍니다: 권한, 커널 지원 (일회용 네임스페이스에서 실제로 시험), 호스트 /의
전파 방식, 셸, rootfs 원본, 터미널.

플래그:
  --shell 경로        점검할 셸 (기본값은 $SHELL, 없으면 bash, 그것도 없으면 sh)
  --rootfs 디렉터리   점검할 rootfs

종료 상태: 0 준비됨, 1 필수 항목 실패, 2 잘못된 명령줄.
`,
	"version": `사용법: nslab version

nslab의 버전을 출력합니다: 모듈 버전, 또는 빌드한 커밋과 작업 트리에 바뀐 것이
있었는지. nslab --version도 같습니다.
`,
}

// stepsWord is the step count of one line of nslab scenarios.
func stepsWord(n int, lang scenarios.Lang) string {
	if lang == scenarios.KO {
		return fmt.Sprintf("%2d단계", n)
	}
	return fmt.Sprintf("%2d steps", n)
}

// versionText says which nslab this is, from what the Go toolchain put in the binary:
// the module version, and the commit with its dirty flag when built from a checkout.
func versionText(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "nslab (unknown version: built without module information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	var detail []string
	if rev != "" {
		c := "commit " + rev
		if modified == "true" {
			c += ", modified"
		}
		detail = append(detail, c)
	}
	if rev == "" && v == "(devel)" {
		detail = append(detail, "no commit recorded: built outside a git checkout or with -buildvcs=false")
	}
	if bi.GoVersion != "" {
		detail = append(detail, bi.GoVersion)
	}
	if len(detail) == 0 {
		return "nslab " + v
	}
	return "nslab " + v + " (" + strings.Join(detail, "; ") + ")"
}

// needsRootWord heads the line of nslab scenarios that says why a lesson needs root.
var needsRootWord = scenarios.Text{EN: "needs root, skipped without sudo: ", KO: "root 권한 필요, sudo 없이 실행하면 건너뜀: "}

// rootlessSkippedText names the lessons a rootless walkthrough left out.
func rootlessSkippedText(ids []string) scenarios.Text {
	l := strings.Join(ids, ", ")
	return scenarios.Text{
		EN: "without sudo the walkthrough left out " + l + ", which needs root (nslab scenarios says why)",
		KO: "sudo 없이 실행해 안내 실습에서 " + l + " 수업을 뺐습니다. root 권한이 필요한 수업입니다(이유는 nslab scenarios에 나옵니다)",
	}
}

// rootlessNoneText says that every lesson asked for needs root.
func rootlessNoneText(ids []string) scenarios.Text {
	l := strings.Join(ids, ", ")
	return scenarios.Text{
		EN: l + " needs root (nslab scenarios says why): run it with sudo",
		KO: l + " 수업은 root 권한이 필요합니다(이유는 nslab scenarios에 나옵니다). sudo로 실행하세요",
	}
}
