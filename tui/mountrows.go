package tui

import (
	"hash/maphash"
	"strings"

	"github.com/nslab/nslab/lab/mnt"
)

// rowInfo is what one diff row draws as, whatever the panel's width: its
// cells and their widths. A row keeps its rowInfo from one state to the next
// while it is unchanged, so a change of one mount formats one row, not the
// table (at 10,000 mounts formatting every row at each change was most of the
// UI's work).
type rowInfo struct {
	cells  [numCols]string
	widths [numCols]int
	// optsHead is optsText's head and srcHead the room the directory a bind
	// shows needs ("…[/nslab/rootfs]"); ro marks read-only options, pseudo a
	// pseudo file system.
	optsHead, srcHead int
	ro, pseudo        bool
	// alike identifies the row's text as drawn under alikeKey (see rowIDs).
	alike    uint64
	alikeKey alikeKey
	hasAlike bool
}

// alikeKey is what a row's drawn text depends on besides the row: which
// columns are shown, and, when a cell is cut, every column's width.
type alikeKey struct {
	cut   bool
	shown uint8
	cols  diffCols
}

func newRowInfo(wd *words, r mnt.DiffRow) *rowInfo {
	in := &rowInfo{cells: rowCells(wd, r), pseudo: isPseudoFS(r.Key().FSType)}
	for i, s := range in.cells {
		in.widths[i] = cellWidth(s)
	}
	_, in.optsHead = optsText(r)
	if root := r.Key().Root; root != "" && root != "/" {
		in.srcHead = cellWidth(root) + 3 // "…[" and "]"
	}
	in.ro = strings.HasPrefix(in.cells[colOpts], "ro")
	return in
}

// rowMemo holds the rowInfo of each row of the last diff drawn.
type rowMemo struct {
	rows []mnt.DiffRow
	info []*rowInfo
	wd   *words
}

// sameRowLookahead is how far ahead in the last diff a row is looked for: a
// change inserts or removes a few rows, and the rest line up again.
const sameRowLookahead = 8

// infos gives each row of diff its rowInfo, reusing the last diff's where a
// row is unchanged. The rows of both diffs are in the same order, so one walk
// over both finds them.
func (m *rowMemo) infos(wd *words, diff []mnt.DiffRow) []*rowInfo {
	if len(diff) > 0 && len(m.rows) == len(diff) && &m.rows[0] == &diff[0] && m.wd == wd {
		return m.info
	}
	old, oldInfo := m.rows, m.info
	if m.wd != wd {
		old, oldInfo = nil, nil
	}
	out := make([]*rowInfo, len(diff))
	i := 0
	for j := range diff {
		found := -1
		for k := i; k < len(old) && k < i+sameRowLookahead; k++ {
			if sameRow(&old[k], &diff[j]) {
				found = k
				break
			}
		}
		if found >= 0 {
			out[j], i = oldInfo[found], found+1
			continue
		}
		out[j] = newRowInfo(wd, diff[j])
	}
	m.rows, m.info, m.wd = diff, out, wd
	return out
}

// sameRow says two rows draw alike: same key, class and mounts. Mounts are
// compared whole, as each state may hold its own copy of a table.
func sameRow(a, b *mnt.DiffRow) bool {
	if a.Host == b.Host && a.NS == b.NS {
		// The same mounts (a table grown in place keeps its rows): only the
		// class can differ.
		return a.Class == b.Class && a.Differs == b.Differs
	}
	return a.Key() == b.Key() && a.Class == b.Class && a.Differs == b.Differs &&
		equalMount(a.Host, b.Host) && equalMount(a.NS, b.NS)
}

func equalMount(a, b *mnt.Mount) bool {
	if a == nil || b == nil || a == b {
		return a == b
	}
	return *a == *b
}

// alikeSeed hashes the rows' texts for rowIDs; one seed for the process, so a
// row's hash holds from one view to the next.
var alikeSeed = maphash.MakeSeed()

// firstSeen is a set of hashes that remembers where each was put first: an
// open-addressing table (one cache line a probe), since a Go map of 100,000
// entries built at every change of the table cost more than the rest of the
// panel.
type firstSeen []seenSlot

type seenSlot struct {
	hash uint64
	at   int32 // index+1 where first put; -1 once asked again; 0 empty
}

// reuse returns f emptied and sized for n hashes. The table is kept from one
// state to the next: a fresh one each time page-faulted its way in, which at
// 10,000 rows cost more than the hashing.
func (f firstSeen) reuse(n int) firstSeen {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if cap(f) < size || cap(f) > 4*size {
		return make(firstSeen, size)
	}
	f = f[:size]
	clear(f)
	return f
}

// put records h at index i and returns i if h is new; where it was put first
// the first time h comes again; -1 after that.
func (f firstSeen) put(h uint64, i int) int {
	mask := uint64(len(f) - 1)
	for k := h & mask; ; k = (k + 1) & mask {
		s := &f[k]
		switch {
		case s.at == 0:
			s.hash, s.at = h, int32(i+1)
			return i
		case s.hash == h:
			j := int(s.at) - 1
			s.at = -1
			if j < 0 {
				return -1
			}
			return j
		}
	}
}
