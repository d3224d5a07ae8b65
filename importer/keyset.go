package importer

// keySet remembers the first row of every key hash seen, for the duplicate check. It
// is an open-addressing table with linear probing over two flat arrays (8 bytes of
// hash and 4 of row number a slot), about half the memory of a Go map of the same
// contents and one cache miss a lookup: at a million rows with three keys each, the
// map was the largest thing in memory and a tenth of the run. Not safe for concurrent
// use; the ordered stage is its only user.
type keySet struct {
	hashes []uint64 // 0 marks an empty slot; keyHash never returns 0
	rows   []int32
	n      int
}

// keySetStart is the first capacity: enough for a few thousand rows without growing.
const keySetStart = 1 << 14

// get returns the row first seen with h.
func (s *keySet) get(h uint64) (int32, bool) {
	if len(s.hashes) == 0 {
		return 0, false
	}
	mask := uint64(len(s.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.hashes[i] {
		case h:
			return s.rows[i], true
		case 0:
			return 0, false
		}
	}
}

// add records h for row unless h is there already; it returns the row first seen
// with h and whether there was one.
func (s *keySet) add(h uint64, row int32) (int32, bool) {
	// Grow at three quarters full: linear probing stays short below that.
	if (s.n+1)*4 > len(s.hashes)*3 {
		s.grow()
	}
	mask := uint64(len(s.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.hashes[i] {
		case h:
			return s.rows[i], true
		case 0:
			s.hashes[i], s.rows[i] = h, row
			s.n++
			return 0, false
		}
	}
}

func (s *keySet) grow() {
	old, oldRows := s.hashes, s.rows
	size := max(keySetStart, 2*len(old))
	s.hashes, s.rows = make([]uint64, size), make([]int32, size)
	mask := uint64(size - 1)
	for j, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.hashes[i] != 0 {
			i = (i + 1) & mask
		}
		s.hashes[i], s.rows[i] = h, oldRows[j]
	}
}
