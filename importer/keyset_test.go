package importer

import (
	"math/rand/v2"
	"testing"
)

// TestKeySetAgreesWithAMap drives the table and a Go map with the same keys, many of
// them colliding in the low bits, across several growths.
func TestKeySetAgreesWithAMap(t *testing.T) {
	var s keySet
	m := map[uint64]int32{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200_000 {
		h := r.Uint64()>>r.IntN(60) | 1 // small values collide in the low bits
		if i%3 == 0 && len(m) > 0 {
			h = uint64(i/3) | 1<<40 // repeats
		}
		first, dup := s.add(h, int32(i))
		want, wantDup := m[h]
		if dup != wantDup || (dup && first != want) {
			t.Fatalf("add(%x) = %d, %v; map says %d, %v", h, first, dup, want, wantDup)
		}
		if !wantDup {
			m[h] = int32(i)
		}
	}
	for h, row := range m {
		if got, ok := s.get(h); !ok || got != row {
			t.Fatalf("get(%x) = %d, %v; want %d", h, got, ok, row)
		}
	}
	if s.n != len(m) {
		t.Errorf("n = %d, want %d", s.n, len(m))
	}
}
