package password

import "sort"

// sequenceMatcher is a port of Python's difflib.SequenceMatcher (the
// Ratcliff/Obershelp "gestalt pattern matching" algorithm) over sequences of
// code points, with Python's defaults as Django uses them: isjunk=None and
// autojunk=True. With no junk function the junk set is empty, so the junk
// extension passes of find_longest_match never apply; autojunk still removes
// "popular" elements (more than 1% + 1 of a sequence b of 200 or more
// elements) from the index, exactly as Python does, so ratio() agrees with
// Python's on long inputs too. Tested against values computed by Python.
type sequenceMatcher struct {
	a, b []rune
	b2j  map[rune][]int
}

// match is a matching block: a[A:A+Size] == b[B:B+Size].
type match struct{ A, B, Size int }

func newSequenceMatcher(a, b []rune) *sequenceMatcher {
	m := &sequenceMatcher{a: a, b: b, b2j: map[rune][]int{}}
	for i, r := range b {
		m.b2j[r] = append(m.b2j[r], i)
	}
	if n := len(b); n >= 200 {
		ntest := n/100 + 1
		for r, idx := range m.b2j {
			if len(idx) > ntest {
				delete(m.b2j, r)
			}
		}
	}
	return m
}

// findLongestMatch returns the longest matching block in a[alo:ahi] and
// b[blo:bhi], the earliest in a, then in b, among the longest.
func (m *sequenceMatcher) findLongestMatch(alo, ahi, blo, bhi int) match {
	besti, bestj, bestsize := alo, blo, 0
	j2len := map[int]int{}
	for i := alo; i < ahi; i++ {
		newj2len := map[int]int{}
		for _, j := range m.b2j[m.a[i]] {
			if j < blo {
				continue
			}
			if j >= bhi {
				break
			}
			k := j2len[j-1] + 1
			newj2len[j] = k
			if k > bestsize {
				besti, bestj, bestsize = i-k+1, j-k+1, k
			}
		}
		j2len = newj2len
	}
	for besti > alo && bestj > blo && m.a[besti-1] == m.b[bestj-1] {
		besti, bestj, bestsize = besti-1, bestj-1, bestsize+1
	}
	for besti+bestsize < ahi && bestj+bestsize < bhi && m.a[besti+bestsize] == m.b[bestj+bestsize] {
		bestsize++
	}
	return match{besti, bestj, bestsize}
}

// matchingBlocks returns the non-adjacent matching blocks in increasing
// order, followed by the sentinel {len(a), len(b), 0}.
func (m *sequenceMatcher) matchingBlocks() []match {
	la, lb := len(m.a), len(m.b)
	queue := [][4]int{{0, la, 0, lb}}
	var blocks []match
	for len(queue) > 0 {
		q := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		alo, ahi, blo, bhi := q[0], q[1], q[2], q[3]
		x := m.findLongestMatch(alo, ahi, blo, bhi)
		if x.Size == 0 {
			continue
		}
		blocks = append(blocks, x)
		if alo < x.A && blo < x.B {
			queue = append(queue, [4]int{alo, x.A, blo, x.B})
		}
		if x.A+x.Size < ahi && x.B+x.Size < bhi {
			queue = append(queue, [4]int{x.A + x.Size, ahi, x.B + x.Size, bhi})
		}
	}
	sort.Slice(blocks, func(i, j int) bool {
		if blocks[i].A != blocks[j].A {
			return blocks[i].A < blocks[j].A
		}
		if blocks[i].B != blocks[j].B {
			return blocks[i].B < blocks[j].B
		}
		return blocks[i].Size < blocks[j].Size
	})
	var out []match
	var cur match
	for _, b := range blocks {
		if cur.A+cur.Size == b.A && cur.B+cur.Size == b.B {
			cur.Size += b.Size
			continue
		}
		if cur.Size > 0 {
			out = append(out, cur)
		}
		cur = b
	}
	if cur.Size > 0 {
		out = append(out, cur)
	}
	return append(out, match{la, lb, 0})
}

func calculateRatio(matches, length int) float64 {
	if length > 0 {
		return 2.0 * float64(matches) / float64(length)
	}
	return 1.0
}

// ratio is SequenceMatcher.ratio(): 2·M/T for M matched elements and T
// elements in both sequences.
func (m *sequenceMatcher) ratio() float64 {
	matches := 0
	for _, b := range m.matchingBlocks() {
		matches += b.Size
	}
	return calculateRatio(matches, len(m.a)+len(m.b))
}

// quickRatio is SequenceMatcher.quick_ratio(): an upper bound on ratio()
// counting common elements regardless of order. Django's
// UserAttributeSimilarityValidator uses it.
func (m *sequenceMatcher) quickRatio() float64 {
	return quickRatio(m.a, m.b)
}

// realQuickRatio is SequenceMatcher.real_quick_ratio(): an upper bound on
// quickRatio from the lengths alone.
func (m *sequenceMatcher) realQuickRatio() float64 {
	return calculateRatio(min(len(m.a), len(m.b)), len(m.a)+len(m.b))
}

// quickRatio computes quick_ratio without building the b2j index.
func quickRatio(a, b []rune) float64 {
	avail := make(map[rune]int, len(b))
	for _, r := range b {
		avail[r]++
	}
	matches := 0
	for _, r := range a {
		if avail[r] > 0 {
			matches++
		}
		avail[r]--
	}
	return calculateRatio(matches, len(a)+len(b))
}
