package validate

import (
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// libraryValid is what phonenumbers.IsValidNumber says of +cc nsn.
func libraryValid(cc int, nsn uint64) bool {
	c32 := int32(cc)
	return phonenumbers.IsValidNumber(&phonenumbers.PhoneNumber{CountryCode: &c32, NationalNumber: &nsn})
}

// checkCountry fails t where the compiled check and the library disagree.
func checkCountry(t *testing.T, cc int, c *countryCheck, nsn uint64) {
	t.Helper()
	if got, want := c.validNSN(nsn), libraryValid(cc, nsn); got != want {
		t.Fatalf("+%d %d: compiled check says valid=%v, phonenumbers.IsValidNumber %v", cc, nsn, got, want)
	}
}

// TestCountryCheckSweep compares the compiled check with IsValidNumber over every
// five-digit start of a ten-digit +7 number (Russia's and Kazakhstan's ranges both),
// numbers of every other length, and calling codes shared by many regions (+1, +44)
// or one (+375), so the region choice is exercised as well as Russia's patterns.
func TestCountryCheckSweep(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, cc := range []int{7, 1, 44, 375} {
		c := newCountryCheck(cc)
		if c == nil {
			t.Fatalf("no check for +%d", cc)
		}
		valid := 0
		for prefix := range uint64(100_000) {
			nsn := prefix*100_000 + rng.Uint64N(100_000)
			checkCountry(t, cc, c, nsn)
			if c.validNSN(nsn) {
				valid++
			}
			if prefix%10 == 0 {
				// Other lengths: 1 to 15 digits.
				n := rng.Uint64N(1_000_000_000_000_000)
				checkCountry(t, cc, c, n%pow10(1+rng.IntN(15)))
			}
		}
		if valid == 0 {
			t.Fatalf("+%d: the sweep met no valid number", cc)
		}
		t.Logf("+%d: %d valid of 100000 agreed", cc, valid)
	}
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// FuzzCountryCheck: for any national number, +7 and +1, the compiled check gives
// IsValidNumber's answer.
func FuzzCountryCheck(f *testing.F) {
	for _, n := range []uint64{9123456789, 4951234567, 7011234567, 3362212345, 8005553535, 0, 1, 2025550123} {
		f.Add(n)
	}
	ru, us := russiaCheck(), newCountryCheck(1)
	f.Fuzz(func(t *testing.T, nsn uint64) {
		checkCountry(t, 7, ru, nsn)
		checkCountry(t, 1, us, nsn)
	})
}
