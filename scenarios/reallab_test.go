package scenarios

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/labtest"
)

// TestBuiltinScenariosOnLab runs every built-in scenario headless on the real lab: its
// init, shells on ptys with OSC 133 marks, and its rootfs. This is the path `nslab run
// --all` takes.
func TestBuiltinScenariosOnLab(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	scs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	l, err := lab.Start(ctx, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out bytes.Buffer
	ok, err := RunHeadless(ctx, Live(l), scs, &out, TranscriptOptions{Lang: EN})
	t.Logf("transcript:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("a scenario failed on the lab; see the transcript")
	}
}
