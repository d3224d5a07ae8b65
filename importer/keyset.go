package importer

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
)

// keySet remembers the first row of every key hash seen, for the duplicate check, in
// memory that does not grow with the file.
//
// The newest keys are in a table in memory: open addressing with linear probing, a
// slot holding 8 bytes of hash and 4 of row number, one cache miss a lookup. When the
// table reaches its size limit it is written, slot for slot, to a file (a spill), and
// emptied. A spill on disk is the same hash table, so a lookup
// reads the few slots from the key's home slot on, and each spill keeps in memory
// only a Bloom filter of its keys, 2 bytes a key, which answers "not here"
// for nearly every new key without touching the disk. Most keys are new (a duplicate
// is a mistake in the file), so the disk is read for duplicates and the filters' rare
// false positives, about one key in five hundred per spill.
//
// At a million rows with three keys each the table was the largest thing in memory
// (50 MB, and a Go map before it twice that); now it is at most maxSlots × 16 bytes
// plus the filters.
//
// Spills go in dir (the report folder: /tmp is a RAM disk on many systems) and are
// removed at once where the system allows it, or by close. If a spill cannot be
// written the set keeps growing in memory instead: the check never fails for want of
// disk. A spill that cannot be read back is an error: the duplicate check cannot be
// trusted without it, so get and add report it and the run stops.
//
// Not safe for concurrent use; the ordered stage is its only user.
type keySet struct {
	mem      table
	spills   []*spill
	maxSlots int    // the memory table's size at which it spills; 0 means never
	dir      string // where spills go
	noSpill  bool   // a spill failed to write: keep everything in memory
}

// keySetMaxSlots is the memory table's size limit: 8 MB of slots, 393,216 keys, so
// that a file of a hundred thousand rows never spills and a million rows make eight
// spills, each one more filter to ask for every new key. With 2^20 slots a million
// rows took 17 MB more memory and no less time.
// A variable so that tests can make a small file spill.
var keySetMaxSlots = 1 << 19

// newKeySet returns a set that spills to dir once its table has maxSlots slots.
func newKeySet(dir string, maxSlots int) *keySet {
	return &keySet{dir: dir, maxSlots: maxSlots}
}

// get returns the row first seen with h.
func (s *keySet) get(h uint64) (int32, bool, error) {
	if row, ok := s.mem.get(h); ok {
		return row, true, nil
	}
	for _, sp := range s.spills {
		if row, ok, err := sp.get(h); err != nil || ok {
			return row, ok, err
		}
	}
	return 0, false, nil
}

// warm loads the memory the lookups of hs will touch (the table's home slot and
// each spill filter's block) and returns a value that depends on it, which the
// caller discards. Called on a batch of keys before they are looked up one by one,
// the loads are independent and the processor overlaps their cache misses, where the
// lookups, each waiting for the one before, would take them one at a time.
func (s *keySet) warm(hs []uint64) uint64 {
	var sum uint64
	if n := len(s.mem.slots); n > 0 {
		mask := uint64(n - 1)
		for _, h := range hs {
			sum += s.mem.slots[h&mask].hash
		}
	}
	for _, sp := range s.spills {
		for _, h := range hs {
			blk, _, _ := sp.filter.block(h)
			sum += blk[0]
		}
	}
	return sum
}

// add records h for row unless h is there already; it returns the row first seen
// with h and whether there was one.
func (s *keySet) add(h uint64, row int32) (int32, bool, error) {
	if first, ok, err := s.get(h); err != nil || ok {
		return first, ok, err
	}
	if s.mem.full() && s.maxSlots > 0 && len(s.mem.slots) >= s.maxSlots && !s.noSpill {
		if err := s.spill(); err != nil {
			s.noSpill = true // grow in memory; the disk is not needed to be right
		}
	}
	s.mem.insert(h, row)
	return 0, false, nil
}

// spillPattern names spill files; os.CreateTemp puts a random string at the star.
const spillPattern = ".userimport-keys-*.tmp"

// removeSpills deletes the spill files a killed run left in dir (only on systems that
// keep an open file's name, such as Windows).
func removeSpills(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, spillPattern))
	for _, p := range old {
		_ = os.Remove(p) // a file another run still holds open stays; it is harmless
	}
}

// spill writes the memory table to a new file and empties it.
func (s *keySet) spill() (err error) {
	f, err := os.CreateTemp(s.dir, spillPattern)
	if err != nil {
		return err
	}
	sp := &spill{f: f, name: f.Name(), slots: uint64(len(s.mem.slots))}
	defer func() {
		if err != nil {
			sp.close()
		}
	}()
	// An open file can be unlinked on Unix and lives until it is closed: nothing is
	// left behind even if the process is killed. Windows refuses; close removes it.
	if os.Remove(sp.name) == nil {
		sp.name = ""
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var rec [slotBytes]byte
	for _, sl := range s.mem.slots {
		binary.LittleEndian.PutUint64(rec[:8], sl.hash)
		binary.LittleEndian.PutUint32(rec[8:], uint32(sl.row))
		if _, err := w.Write(rec[:]); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	sp.filter = newBloom(s.mem.n)
	for _, sl := range s.mem.slots {
		if sl.hash != 0 {
			sp.filter.add(sl.hash)
		}
	}
	s.spills = append(s.spills, sp)
	s.mem.clear()
	return nil
}

// close removes the spills.
func (s *keySet) close() error {
	var first error
	for _, sp := range s.spills {
		if err := sp.close(); err != nil && first == nil {
			first = err
		}
	}
	s.spills = nil
	return first
}

// table is an open-addressing hash table of key hash → row, with linear probing.
// A slot holds both, so that a lookup and an insert touch one cache line: with the
// hashes and rows in two arrays, a new key cost two cache misses, and the lookups
// were a third of the ordered stage's time at a million rows.
type table struct {
	slots []slot
	n     int
}

type slot struct {
	hash uint64 // 0 marks an empty slot; keyHash never returns 0
	row  int32
}

// tableStart is the first capacity: enough for a few thousand rows without growing.
const tableStart = 1 << 14

func (t *table) get(h uint64) (int32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t.slots[i].hash {
		case h:
			return t.slots[i].row, true
		case 0:
			return 0, false
		}
	}
}

// full reports whether one more key would take the table over three quarters full,
// beyond which linear probing gets long.
func (t *table) full() bool { return (t.n+1)*4 > len(t.slots)*3 }

// insert adds h, which must not be in the table, growing it if it is full.
func (t *table) insert(h uint64, row int32) {
	if t.full() {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = slot{h, row}
	t.n++
}

func (t *table) grow() {
	old := t.slots
	t.slots, t.n = make([]slot, max(tableStart, 2*len(old))), 0
	for _, sl := range old {
		if sl.hash != 0 {
			t.insert(sl.hash, sl.row)
		}
	}
}

func (t *table) clear() {
	clear(t.slots)
	t.n = 0
}

// slotBytes is a spilled slot: the hash and the row, little-endian.
const slotBytes = 12

// spill is a table written to disk, with a Bloom filter of its keys in memory.
type spill struct {
	f      *os.File
	name   string // the file's name while it still has one (Windows), else ""
	slots  uint64 // a power of two
	filter *bloom
}

// probeWindow is how many slots one read fetches: linear probing at most three
// quarters full seldom runs longer.
const probeWindow = 32

func (sp *spill) get(h uint64) (int32, bool, error) {
	if !sp.filter.has(h) {
		return 0, false, nil
	}
	var buf [probeWindow * slotBytes]byte
	mask := sp.slots - 1
	for i, read := h&mask, uint64(0); read < sp.slots; {
		n := min(probeWindow, sp.slots-i) // stop at the end of the table and wrap
		if _, err := sp.f.ReadAt(buf[:n*slotBytes], int64(i*slotBytes)); err != nil {
			return 0, false, fmt.Errorf("duplicate check: reading its spill file: %w", err)
		}
		for j := range n {
			rec := buf[j*slotBytes:]
			switch binary.LittleEndian.Uint64(rec) {
			case h:
				return int32(binary.LittleEndian.Uint32(rec[8:])), true, nil
			case 0:
				return 0, false, nil
			}
		}
		i, read = (i+n)&mask, read+n
	}
	return 0, false, nil
}

func (sp *spill) close() error {
	err := sp.f.Close()
	if sp.name != "" {
		if rerr := os.Remove(sp.name); rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// bloom is a blocked Bloom filter over key hashes (which are already uniform, so
// nothing is hashed again): each key sets bloomProbes bits within one 64-byte block,
// one cache line, so a lookup costs one cache miss. At bloomBitsPerKey bits a key
// about one lookup of a key that is not there in five hundred says "maybe" (with 12
// bits, one in two hundred: a million rows then read the spills 59,599 times, not
// 20,378).
type bloom struct {
	blocks [][8]uint64
	n      int // keys added
}

const (
	bloomBitsPerKey = 16
	bloomProbes     = 8
)

func newBloom(keys int) *bloom {
	return &bloom{blocks: make([][8]uint64, max(1, keys*bloomBitsPerKey/512))}
}

// block picks h's block from a multiplicative mix of all of h's bits, so that it does
// not follow the low bits a table slot is chosen by, scaled to the number of blocks
// by a multiply-shift (Lemire's fast range); the bits within it come from h's two
// halves (double hashing).
func (b *bloom) block(h uint64) (*[8]uint64, uint32, uint32) {
	i, _ := bits.Mul64(h*0x9e3779b97f4a7c15, uint64(len(b.blocks)))
	return &b.blocks[i], uint32(h), uint32(h>>32) | 1
}

func (b *bloom) add(h uint64) {
	blk, x, d := b.block(h)
	for range bloomProbes {
		blk[x>>6&7] |= 1 << (x & 63)
		x += d
	}
	b.n++
}

func (b *bloom) has(h uint64) bool {
	blk, x, d := b.block(h)
	for range bloomProbes {
		if blk[x>>6&7]&(1<<(x&63)) == 0 {
			return false
		}
		x += d
	}
	return true
}
