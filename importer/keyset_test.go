package importer

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"userimport/columns"
)

// TestKeySetAgreesWithAMap drives the set and a Go map with the same keys, many of
// them colliding in the low bits, with the memory table kept whole and with it
// spilling to disk every few hundred keys, so that lookups go through the filters and
// the files as well as the table, across the wrap at each file's end.
func TestKeySetAgreesWithAMap(t *testing.T) {
	for _, maxSlots := range []int{0, tableStart, 1 << 15} {
		t.Run(fmt.Sprint(maxSlots), func(t *testing.T) {
			dir := t.TempDir()
			s := newKeySet(dir, maxSlots)
			m := map[uint64]int32{}
			r := rand.New(rand.NewPCG(1, 2))
			for i := range 200_000 {
				h := r.Uint64()>>r.IntN(60) | 1 // small values collide in the low bits
				if i%3 == 0 && len(m) > 0 {
					h = uint64(r.IntN(i/3+1)) | 1<<40 // repeats, of old keys as well as new
				}
				first, dup, err := s.add(h, int32(i))
				if err != nil {
					t.Fatal(err)
				}
				want, wantDup := m[h]
				if dup != wantDup || (dup && first != want) {
					t.Fatalf("add(%x) = %d, %v; map says %d, %v", h, first, dup, want, wantDup)
				}
				if !wantDup {
					m[h] = int32(i)
				}
			}
			for h, row := range m {
				if got, ok, err := s.get(h); err != nil || !ok || got != row {
					t.Fatalf("get(%x) = %d, %v, %v; want %d", h, got, ok, err, row)
				}
			}
			for range 10_000 {
				h := r.Uint64() | 1<<63
				if _, ok, err := s.get(h); err != nil || ok != (m[h] != 0) {
					t.Fatalf("get(%x) = %v, %v on a key never added", h, ok, err)
				}
			}
			if keyCount(s) != len(m) {
				t.Errorf("len = %d, want %d", keyCount(s), len(m))
			}
			if maxSlots > 0 && len(s.spills) == 0 {
				t.Errorf("no spill with a table limit of %d slots", maxSlots)
			}
			if maxSlots > 0 && len(s.mem.slots) > maxSlots {
				t.Errorf("the memory table grew to %d slots past its limit of %d", len(s.mem.slots), maxSlots)
			}
			if err := s.close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
}

// TestKeySetWithoutDisk: where spills cannot be written the set stays right and
// grows in memory.
func TestKeySetWithoutDisk(t *testing.T) {
	s := newKeySet(filepath.Join(t.TempDir(), "missing"), tableStart)
	for i := range 100_000 {
		if _, dup, err := s.add(uint64(i)+1, int32(i)); err != nil || dup {
			t.Fatalf("add(%d) = %v, %v", i+1, dup, err)
		}
	}
	if !s.noSpill || len(s.spills) != 0 || keyCount(s) != 100_000 {
		t.Fatalf("noSpill %v, %d spills, %d keys", s.noSpill, len(s.spills), keyCount(s))
	}
	if row, ok, _ := s.get(5); !ok || row != 4 {
		t.Fatalf("get(5) = %d, %v", row, ok)
	}
}

// TestKeySetSpillReadError: a spill that cannot be read back stops the check with an
// error rather than calling every key new.
func TestKeySetSpillReadError(t *testing.T) {
	s := newKeySet(t.TempDir(), tableStart)
	for i := range 20_000 {
		if _, _, err := s.add(uint64(i)+1, int32(i)); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.spills) == 0 {
		t.Fatal("no spill")
	}
	s.spills[0].f.Close()
	if _, _, err := s.get(1); err == nil {
		t.Fatal("get on a closed spill: no error")
	}
	s.spills[0].f, _ = os.Open(os.DevNull) // so close has something to close
	s.close()
}

// TestBloomFalsePositives: the filter never forgets a key, and says "maybe" for
// about one key in five hundred that it does not hold.
func TestBloomFalsePositives(t *testing.T) {
	const n = 500_000
	b := newBloom(n)
	r := rand.New(rand.NewPCG(5, 6))
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = r.Uint64()
		b.add(keys[i])
	}
	for _, h := range keys {
		if !b.has(h) {
			t.Fatalf("the filter lost %x", h)
		}
	}
	fp := 0
	const tries = 1_000_000
	for range tries {
		if b.has(r.Uint64()) {
			fp++
		}
	}
	if rate := float64(fp) / tries; rate > 0.01 {
		t.Errorf("false positive rate %.4f, want under 0.01", rate)
	} else {
		t.Logf("false positive rate %.4f at %.1f bits a key", rate, float64(len(b.blocks)*512)/n)
	}
}

// TestKeyHashFoldsLikeToLower: the stack-buffer path for ASCII values gives the hash
// the strings.ToLower path gives, so a key hashes the same whichever path it takes.
func TestKeyHashFoldsLikeToLower(t *testing.T) {
	r := &dedupe{seed: maphash.MakeSeed()}
	ref := func(f columns.Field, v string) uint64 {
		var h maphash.Hash
		h.SetSeed(r.seed)
		h.WriteString(string(f))
		h.WriteByte(0)
		h.WriteString(strings.ToLower(strings.TrimSpace(v)))
		return max(h.Sum64(), 1)
	}
	long := strings.Repeat("AbC", 50)
	for _, v := range []string{"T000001", "Ivan.Petrov@Mail.RU", " x ", "", "Иван@почта.рф", "İSTANBUL", long, long[:120], "A\x00B"} {
		for _, f := range []columns.Field{columns.Email, columns.UID} {
			if got, want := r.keyHash(f, v), ref(f, v); got != want {
				t.Errorf("keyHash(%s, %q) = %x, want %x", f, v, got, want)
			}
		}
	}
	if r.keyHash(columns.Email, "A@B.RU") != r.keyHash(columns.Email, "a@b.ru") {
		t.Error("case is not folded")
	}
	if r.keyHash(columns.Email, "a@b.ru") == r.keyHash(columns.UID, "a@b.ru") {
		t.Error("the field is not part of the hash")
	}
}

// TestRemoveSpills: spill files a killed run left (where the system keeps an open
// file's name) are removed by the next run.
func TestRemoveSpills(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, ".userimport-keys-42.tmp")
	other := filepath.Join(dir, "results.csv")
	for _, p := range []string{left, other} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removeSpills(dir)
	if _, err := os.Stat(left); err == nil {
		t.Error("the spill is still there")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("a report was removed")
	}
}

// keyCount is the number of keys in s: in its table and in its spills' filters.
func keyCount(s *keySet) int {
	n := s.mem.n
	for _, sp := range s.spills {
		n += sp.filter.n
	}
	return n
}
