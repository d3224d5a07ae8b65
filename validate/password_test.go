package validate

import (
	"strings"
	"testing"
)

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	const n = 2000
	for range n {
		p, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != passwordLength {
			t.Fatalf("len(%q) = %d, want %d", p, len(p), passwordLength)
		}
		if strings.ContainsAny(p, "0Oo1lI") {
			t.Fatalf("%q holds a look-alike character", p)
		}
		if !hasAllClasses([]byte(p)) {
			t.Fatalf("%q lacks an upper-case letter, a lower-case letter or a digit", p)
		}
		for _, r := range p {
			if !strings.ContainsRune(passwordAlphabet, r) {
				t.Fatalf("%q holds %q, outside the alphabet", p, r)
			}
			counts[r]++
		}
		if seen[p] {
			t.Fatalf("%q generated twice", p)
		}
		seen[p] = true
	}
	// Every character should turn up: 24,000 draws over 56 characters give each about
	// 430; missing one entirely would mean a broken draw.
	if len(counts) != len(passwordAlphabet) {
		t.Errorf("%d of %d characters seen", len(counts), len(passwordAlphabet))
	}
}

func BenchmarkGeneratePassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GeneratePassword(); err != nil {
			b.Fatal(err)
		}
	}
}
