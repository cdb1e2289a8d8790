package term

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	uv "github.com/charmbracelet/ultraviolet"
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

func benchWrite(b *testing.B, data []byte, lines int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		vt := NewVT(io.Discard, Options{Cols: benchCols, Rows: benchRows})
		if _, err := vt.Write(data); err != nil {
			b.Fatal(err)
		}
		_ = vt.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
}

// BenchmarkWriteSeq feeds `seq 1 200000` at 200×50: one scroll per line.
func BenchmarkWriteSeq(b *testing.B) {
	benchWrite(b, seqOutput(200000), 200000)
}

// BenchmarkWriteMixed feeds 10 MB of mixed output at 200×50.
func BenchmarkWriteMixed(b *testing.B) {
	data, lines := mixedOutput(10 << 20)
	benchWrite(b, data, lines)
}

// BenchmarkWriteNoScroll feeds text that never scrolls (the cursor returns
// home every screenful): the cost of printing without x/vt's scroll copy.
func BenchmarkWriteNoScroll(b *testing.B) {
	var screenful bytes.Buffer
	screenful.WriteString("\x1b[H")
	for range benchRows - 1 {
		screenful.WriteString("some text on a line, \x1b[1mbold\x1b[m and 名前 \r\n")
	}
	data := bytes.Repeat(screenful.Bytes(), 200)
	benchWrite(b, data, 200*(benchRows-1))
}

// BenchmarkChunkHold measures how long Write holds the lock for one chunk
// (ChunkSize bytes, LinesPerLock line feeds at most), which is the longest a
// render waits behind output.
func BenchmarkChunkHold(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"newlines", bytes.Repeat([]byte("\n"), ChunkSize)},
		{"seq", seqOutput(200000)[:ChunkSize]},
		{"text", bytes.Repeat([]byte("no newline here "), ChunkSize/16)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			vt := NewVT(io.Discard, Options{Cols: benchCols, Rows: benchRows})
			defer vt.Close()
			_, _ = vt.Write(seqOutput(10000)) // a full scrollback, as in use
			data := tc.data[:chunkLen(tc.data)]
			for b.Loop() {
				if err := vt.feed(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func renderBenchVT(b *testing.B) *VT {
	vt := NewVT(io.Discard, Options{Cols: benchCols, Rows: benchRows})
	data, _ := mixedOutput(64 << 10)
	if _, err := vt.Write(data); err != nil {
		b.Fatal(err)
	}
	return vt
}

// BenchmarkRender renders a changed 200×50 screen of mixed output.
func BenchmarkRender(b *testing.B) {
	vt := renderBenchVT(b)
	defer vt.Close()
	b.ReportAllocs()
	for b.Loop() {
		vt.mu.Lock()
		vt.gen++ // as if output arrived: no cached string
		vt.mu.Unlock()
		_ = vt.Render()
	}
}

// BenchmarkRenderLocked measures the part of Render that holds the lock:
// copying the visible cells.
func BenchmarkRenderLocked(b *testing.B) {
	vt := renderBenchVT(b)
	defer vt.Close()
	b.ReportAllocs()
	var raw []uv.Cell
	for b.Loop() {
		vt.mu.Lock()
		raw = raw[:0]
		for y := range vt.rows {
			raw = vt.viewLineLocked(raw, y)
		}
		vt.mu.Unlock()
	}
}

// BenchmarkRenderUnchanged is what a redraw costs when the pane is idle.
func BenchmarkRenderUnchanged(b *testing.B) {
	vt := renderBenchVT(b)
	defer vt.Close()
	_ = vt.Render()
	b.ReportAllocs()
	for b.Loop() {
		_ = vt.Render()
	}
}
