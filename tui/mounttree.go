package tui

// Tree connectors, as findmnt draws them.
const (
	treeMid  = "├─"
	treeLast = "└─"
	treeBar  = "│ "
	treeGap  = "  "
)

// treeOrder arranges rows as findmnt's tree: each mount under the mount it
// is mounted on (mountinfo's parent ID), siblings in list order (all's).
// all are every row, hidden ones too, so that a shown row whose parent is
// hidden (a pseudo filesystem, a row the filter leaves out) hangs under its
// nearest shown ancestor; shown are the indexes in all of the rows to show.
// It returns the shown rows' indexes in tree order, and each one's prefix
// ("│ ├─").
//
// A row's parent is looked up by its host side's parent ID, or its ns
// side's where the host side has none or its parent is not in the table: the
// two tables give each copy its own IDs. A parent loop, which a table read
// while it changed might hold, is broken where it closes: each row is drawn
// once.
func treeOrder(all []diffItem, shown []int) (order []int, prefix []string) {
	byHost := make(map[int]int, len(all))
	byNS := make(map[int]int, len(all))
	index := func(ghosts bool) {
		for i, it := range all {
			if it.ghost() != ghosts {
				continue
			}
			// A live mount wins an ID that a ghost had: the kernel reuses
			// IDs.
			if h := it.row.Host; h != nil {
				if _, taken := byHost[h.ID]; !taken {
					byHost[h.ID] = i
				}
			}
			if n := it.row.NS; n != nil {
				if _, taken := byNS[n.ID]; !taken {
					byNS[n.ID] = i
				}
			}
		}
	}
	index(false)
	index(true)
	parent := func(i int) int {
		r := all[i].row
		if r.Host != nil {
			if p, ok := byHost[r.Host.Parent]; ok && p != i {
				return p
			}
		}
		if r.NS != nil {
			if p, ok := byNS[r.NS.Parent]; ok && p != i {
				return p
			}
		}
		return -1
	}
	isShown := make(map[int]bool, len(shown))
	for _, i := range shown {
		isShown[i] = true
	}
	children := make(map[int][]int)
	var roots []int
	for _, i := range shown {
		p := parent(i)
		for steps := 0; p >= 0 && !isShown[p] && steps < len(all); steps++ {
			p = parent(p)
		}
		if p >= 0 && isShown[p] && p != i {
			children[p] = append(children[p], i)
		} else {
			roots = append(roots, i)
		}
	}
	order = make([]int, 0, len(shown))
	prefix = make([]string, 0, len(shown))
	drawn := make(map[int]bool, len(shown))
	// An explicit stack: a chain of nested mounts can be deep.
	type frame struct {
		i          int
		lead, conn string
	}
	walk := func(root int) {
		stack := []frame{{i: root}}
		for len(stack) > 0 {
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if drawn[f.i] {
				continue
			}
			drawn[f.i] = true
			order = append(order, f.i)
			prefix = append(prefix, f.lead+f.conn)
			lead := f.lead
			switch f.conn {
			case treeMid:
				lead += treeBar
			case treeLast:
				lead += treeGap
			}
			var kids []int
			for _, c := range children[f.i] {
				if !drawn[c] {
					kids = append(kids, c)
				}
			}
			// Pushed last child first, so the first is drawn first.
			for k := len(kids) - 1; k >= 0; k-- {
				conn := treeMid
				if k == len(kids)-1 {
					conn = treeLast
				}
				stack = append(stack, frame{i: kids[k], lead: lead, conn: conn})
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	for _, i := range shown {
		if !drawn[i] { // on a parent loop
			walk(i)
		}
	}
	return order, prefix
}
