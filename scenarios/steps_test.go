package scenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/rootfs"
)

// Every step's checks prove its command ran: with the command replaced by `true`, at
// least one check fails. A step whose checks all pass anyway claims something it does not
// check (they held before it, or they only ask for exit status 0).
func TestEveryCommandIsChecked(t *testing.T) {
	if !labtest.InNewNamespaceWith(t, labtest.Options{NewPID: true}) {
		return
	}
	scs := loadForThisLab(t)
	l := newPipeLab(t, rootfs.SourceHost)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	for _, sc := range scs {
		for i, st := range sc.Steps {
			if st.Command == "" {
				continue
			}
			lazy := sc
			lazy.Steps = append([]Step(nil), sc.Steps...)
			lazy.Steps[i].Command = "true"
			r, err := Start(ctx, patient{l}, lazy)
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j < i; j++ {
				runStep(t, r, ctx, j)
			}
			if res := r.Run(ctx, i); res.Err != nil || res.Passed() {
				var lines []string
				for _, c := range res.Checks {
					lines = append(lines, c.Line(EN))
				}
				t.Errorf("%s step %d (line %d): with `true` for %q, err %v, and every check still passes:\n%s",
					sc.ID, i+1, st.Line, st.Command, res.Err, strings.Join(lines, "\n"))
			}
		}
	}
}
