package term

import (
	"bytes"
	"io"
	"runtime"
	"strconv"
	"testing"
)

// The pane size the benchmarks use: a wide pane on a big screen.
const benchCols, benchRows = 200, 50

// seqOutput is what `seq 1 n` prints through a pty (onlcr turns \n into \r\n).
func seqOutput(n int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// mixedOutput is about size bytes of what shells and tools print: plain and
// coloured words, UTF-8 (accents, CJK), short and wrapping lines, the odd
// cursor movement and erase. Deterministic, so runs compare.
func mixedOutput(size int) (out []byte, lines int) {
	words := []string{
		"mount", "--bind", "/proc", "namespace", "pivot_root", "tmpfs", "propagation",
		"\x1b[1;32mok\x1b[m", "\x1b[31merror\x1b[0m", "\x1b[38;5;208mwarn\x1b[m",
		"\x1b[48;2;10;20;30m bg \x1b[m", "été", "naïve", "名前空間", "マウント", "→", "✓",
	}
	var b bytes.Buffer
	state := uint32(1)
	next := func(n int) int {
		state = state*1664525 + 1013904223
		return int(state>>8) % n
	}
	for b.Len() < size {
		n := 1 + next(40) // up to ~300 columns: some lines wrap
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[next(len(words))])
		}
		switch next(20) {
		case 0:
			b.WriteString("\x1b[2K\r") // a progress line redrawn
		case 1:
			b.WriteString("\x1b[A\x1b[K") // up one, erase
		}
		b.WriteString("\r\n")
		lines++
	}
	return b.Bytes(), lines
}

func benchWrite(b *testing.B, im impl, data []byte, lines int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		t := im.new(io.Discard, Options{Cols: benchCols, Rows: benchRows})
		if _, err := t.Write(data); err != nil {
			b.Fatal(err)
		}
		_ = t.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
}

// BenchmarkWriteSeq feeds `seq 1 200000` at 200×50: one scroll per line.
func BenchmarkWriteSeq(b *testing.B) {
	data := seqOutput(200000)
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) { benchWrite(b, im, data, 200000) })
	}
}

// BenchmarkWriteSeq1M feeds `seq 1 1000000`, Core only: x/vt takes about
// five times its BenchmarkWriteSeq (a minute or more).
func BenchmarkWriteSeq1M(b *testing.B) {
	benchWrite(b, impls()[0], seqOutput(1000000), 1000000)
}

// BenchmarkWriteMixed feeds 10 MB of mixed output at 200×50.
func BenchmarkWriteMixed(b *testing.B) {
	data, lines := mixedOutput(10 << 20)
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) { benchWrite(b, im, data, lines) })
	}
}

// BenchmarkWriteNoScroll feeds text that never scrolls (the cursor returns
// home every screenful): the cost of printing alone.
func BenchmarkWriteNoScroll(b *testing.B) {
	var screenful bytes.Buffer
	screenful.WriteString("\x1b[H")
	for range benchRows - 1 {
		screenful.WriteString("some text on a line, \x1b[1mbold\x1b[m and 名前 \r\n")
	}
	data := bytes.Repeat(screenful.Bytes(), 200)
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) { benchWrite(b, im, data, 200*(benchRows-1)) })
	}
}

// BenchmarkChunkHold measures one locked step of Write (ChunkSize bytes, and
// for x/vt at most LinesPerLock line feeds; for Core at most workPerLock
// cells), which is the longest a render waits behind output.
func BenchmarkChunkHold(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"newlines", bytes.Repeat([]byte("\n"), ChunkSize)},
		{"seq", seqOutput(200000)[:ChunkSize]},
		{"text", bytes.Repeat([]byte("no newline here "), ChunkSize/16)},
		{"erase", bytes.Repeat([]byte("\x1b[2J"), ChunkSize/4)},
		{"erase with background", bytes.Repeat([]byte("\x1b[44m\x1b[2J"), ChunkSize/9)},
		{"insert lines", bytes.Repeat([]byte("\x1b[10;1H\x1b[L"), ChunkSize/11)},
		{"fill (DECALN)", bytes.Repeat([]byte("\x1b#8"), ChunkSize/3)},
		{"repeat (REP)", bytes.Repeat([]byte("x\x1b[200b"), ChunkSize/8)},
	} {
		b.Run(tc.name+"/core", func(b *testing.B) {
			c := NewCore(io.Discard, Options{Cols: benchCols, Rows: benchRows})
			defer c.Close()
			_, _ = c.Write(seqOutput(10000)) // a full scrollback, as in use
			// One step per iteration, going round the data: a step may
			// stop short of a chunk when it reaches workPerLock.
			n := 0
			for b.Loop() {
				k, err := c.feed(tc.data[n:])
				if err != nil {
					b.Fatal(err)
				}
				if n += k; n == len(tc.data) {
					n = 0
				}
			}
		})
		b.Run(tc.name+"/vt", func(b *testing.B) {
			vt := NewVT(io.Discard, Options{Cols: benchCols, Rows: benchRows})
			defer vt.Close()
			_, _ = vt.Write(seqOutput(10000))
			data := tc.data[:chunkLen(tc.data)]
			for b.Loop() {
				if err := vt.feed(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func renderBench(b *testing.B, im impl) Terminal {
	t := im.new(io.Discard, Options{Cols: benchCols, Rows: benchRows})
	data, _ := mixedOutput(64 << 10)
	if _, err := t.Write(data); err != nil {
		b.Fatal(err)
	}
	return t
}

// BenchmarkRender renders a changed 200×50 screen of mixed output.
func BenchmarkRender(b *testing.B) {
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) {
			t := renderBench(b, im)
			defer t.Close()
			b.ReportAllocs()
			for b.Loop() {
				_, _ = t.Write([]byte("\x1b[H.")) // as if output arrived: no cached string
				_ = t.Render()
			}
		})
	}
}

// BenchmarkRenderUnchanged is what a redraw costs when the pane is idle.
func BenchmarkRenderUnchanged(b *testing.B) {
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) {
			t := renderBench(b, im)
			defer t.Close()
			_ = t.Render()
			b.ReportAllocs()
			for b.Loop() {
				_ = t.Render()
			}
		})
	}
}

// BenchmarkRenderScrolledBack renders a view scrolled into the scrollback,
// which decodes the compact lines.
func BenchmarkRenderScrolledBack(b *testing.B) {
	for _, im := range impls() {
		b.Run(im.name, func(b *testing.B) {
			t := renderBench(b, im)
			defer t.Close()
			t.ScrollBy(benchRows)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				t.ScrollBy(1 - 2*(i%2)) // a different view each time
				_ = t.Render()
			}
		})
	}
}

// BenchmarkMemory reports the heap a terminal holds: new, and with its
// scrollback full of 200-column lines of mixed text.
func BenchmarkMemory(b *testing.B) {
	line := bytes.Repeat([]byte("mount \x1b[32mok\x1b[m namespace 名前 "), 8)
	line = append(line[:min(len(line), 300)], "\r\n"...)
	full := bytes.Repeat(line, DefaultScrollback+benchRows)
	for _, im := range impls() {
		for _, fill := range []struct {
			name string
			data []byte
		}{{"new", nil}, {"full", full}} {
			b.Run(im.name+"/"+fill.name, func(b *testing.B) {
				var held uint64
				for b.Loop() {
					base := heapInUse()
					t := im.new(io.Discard, Options{Cols: benchCols, Rows: benchRows})
					_, _ = t.Write(fill.data)
					held = heldSince(base)
					runtime.KeepAlive(t)
					_ = t.Close()
				}
				b.ReportMetric(float64(held)/(1<<20), "MB")
			})
		}
	}
}

// BenchmarkReflow zooms a pane with a full scrollback of mixed output (5,000
// lines, some wrapped) to half its width and back: the cost of one resize
// is the cost of cutting every line of it anew, under the lock.
func BenchmarkReflow(b *testing.B) {
	out, _ := mixedOutput(2 << 20)
	t := NewCore(io.Discard, Options{Cols: benchCols, Rows: benchRows})
	defer t.Close()
	t.Write(out)
	b.ResetTimer()
	for i := range b.N {
		t.Resize(benchCols/2+i%2*benchCols/2, benchRows)
	}
	b.ReportMetric(float64(t.State().ScrollbackLen), "lines")
}
