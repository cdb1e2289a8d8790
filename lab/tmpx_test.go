package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestTmpWholeReads(t *testing.T) {
	l := startLab(t, Options{})
	t.Log(mountPath(t, l))
	defer func() { fmt.Println("mounts", len(l.State().Host.Mounts)) }()
	n := os.Getenv("TMPN")
	run(t, l, Host, "mkfifo /tmp/go1 && mkdir -p /tmp/bg && /root/pb/bench helper mounts "+n+" /tmp/bm")
	run(t, l, Host, "(for i in 1 2 3 4 5 6 7 8; do read x </tmp/go1; mkdir -p /tmp/bg/$i; mount -t tmpfs bg /tmp/bg/$i; done) >/dev/null 2>&1 &")
	settled(t, l)
	drain(l)
	time.Sleep(2 * time.Second)
	for i := 1; i <= 8; i++ {
		w, p, s := l.hub.wholeReads.Load(), l.hub.partialReads.Load(), l.hub.statmountReads.Load()
		f, _ := os.OpenFile(filepath.Join("/proc", strconv.Itoa(l.Pane(Host).ShellPID()), "root", "/tmp/go1"), os.O_WRONLY, 0)
		t0 := time.Now()
		f.WriteString("go\n")
		f.Close()
		awaitMountEvent(t, l, Host, MountAdded, "/tmp/bg/"+strconv.Itoa(i))
		d := time.Since(t0)
		time.Sleep(1000 * time.Millisecond)
		fmt.Printf("mount %d: %v whole %d partial %d statmount %d\n", i, d, l.hub.wholeReads.Load()-w, l.hub.partialReads.Load()-p, l.hub.statmountReads.Load()-s)
	}
}
