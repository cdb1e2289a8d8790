package scenarios

import (
	"context"
	"testing"

	"github.com/nslab/nslab/lab"
)

// BenchmarkLoad parses and validates every built-in scenario (what `nslab scenarios` and
// every start pay).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunStep runs a step with two checks on the fake lab: the engine's own cost,
// without the kernel.
func BenchmarkRunStep(b *testing.B) {
	sc, err := Parse("demo.yaml", []byte(engineScenario))
	if err != nil {
		b.Fatal(err)
	}
	f := newFakeLab()
	f.addMount(lab.Host, xMount())
	r, err := Start(context.Background(), f, sc)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f.runs = f.runs[:0]
		if res := r.Run(context.Background(), 1); !res.Passed() {
			b.Fatal(res)
		}
	}
}
