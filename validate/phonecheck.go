package validate

import (
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// countryCheck answers phonenumbers.IsValidNumber for the numbers of one country
// calling code, built from the library's own metadata and regular expressions.
//
// The library's IsValidNumber spends most of its time around the match rather than in
// it: for every one of the dozen number types it concatenates the type's pattern into
// a new string, then looks the compiled expression up in a map behind a global
// sync.RWMutex, whose reader count every validating worker writes to (a tenth of a
// 1,000,000-row validate's CPU went to that one cache line, and another tenth to the
// concatenations). Here the expressions are compiled once and the steps are the
// library's own:
//
//	IsValidNumber(n) = IsValidNumberForRegion(n, GetRegionCodeForNumber(n))
//
// with the region chosen among those sharing the calling code (Russia and Kazakhstan
// share +7) by leading digits or by full validation, and a number valid for a region
// when it matches the general description and then one of the number types
// (getNumberTypeHelper != UNKNOWN; which type does not matter, so the likeliest
// are tried first). TestCountryCheckSweep and FuzzCountryCheck check it against
// IsValidNumber; FuzzPhoneFastPath and TestPhoneFastPathSweep check the whole fast
// path against the library's full parse.
type countryCheck struct {
	regions []regionCheck
}

type regionCheck struct {
	leading *regexp.Regexp // metadata's leading digits, anchored at the start; nil if none
	general numberDesc
	types   []numberDesc // any match makes a number of the region valid
}

// numberDesc is isNumberMatchingDesc's two tests: one of the possible lengths (when
// the metadata lists any), and the whole national number matching the pattern.
type numberDesc struct {
	lengths []int32
	re      *regexp.Regexp
}

func (d *numberDesc) match(nsn string) bool {
	if len(d.lengths) > 0 && !slices.Contains(d.lengths, int32(len(nsn))) {
		return false
	}
	return d.re.MatchString(nsn)
}

func newNumberDesc(d *phonenumbers.PhoneNumberDesc) numberDesc {
	return numberDesc{
		lengths: d.GetPossibleLength(),
		re:      regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$"),
	}
}

func newRegionCheck(m *phonenumbers.PhoneMetadata) regionCheck {
	r := regionCheck{general: newNumberDesc(m.GetGeneralDesc())}
	if ld := m.GetLeadingDigits(); ld != "" {
		r.leading = regexp.MustCompile("^(?:" + ld + ")")
	}
	// The number types getNumberTypeHelper tries. Only whether one matches counts,
	// not which, so the order is free: mobile and fixed line, which most numbers
	// are, go first, and types the region does not have are left out: their pattern
	// is empty or libphonenumber's "NA", which no string of digits matches.
	descs := []*phonenumbers.PhoneNumberDesc{m.GetFixedLine()}
	if !m.GetSameMobileAndFixedLinePattern() {
		// It tests mobile only when its pattern differs from fixed line's; when they
		// are the same, fixed line has answered already.
		descs = []*phonenumbers.PhoneNumberDesc{m.GetMobile(), m.GetFixedLine()}
	}
	descs = append(descs, m.GetPremiumRate(), m.GetTollFree(), m.GetSharedCost(), m.GetVoip(),
		m.GetPersonalNumber(), m.GetPager(), m.GetUan(), m.GetVoicemail())
	for _, d := range descs {
		if p := d.GetNationalNumberPattern(); p != "" && p != "NA" {
			r.types = append(r.types, newNumberDesc(d))
		}
	}
	return r
}

// valid is getNumberTypeHelper(nsn, metadata) != UNKNOWN.
func (r *regionCheck) valid(nsn string) bool {
	if !r.general.match(nsn) {
		return false
	}
	for i := range r.types {
		if r.types[i].match(nsn) {
			return true
		}
	}
	return false
}

// validNSN reports whether the number with this country calling code and national
// significant number (no Italian leading zeros) is valid: IsValidNumber's answer.
func (c *countryCheck) validNSN(nsn uint64) bool {
	s := strconv.FormatUint(nsn, 10)
	if len(c.regions) == 1 {
		return c.regions[0].valid(s)
	}
	// getRegionCodeForNumberFromRegionList: the first region whose leading digits
	// match, or, for a region without them, which the number is valid for.
	for i := range c.regions {
		r := &c.regions[i]
		if r.leading != nil {
			if r.leading.MatchString(s) {
				return r.valid(s)
			}
		} else if r.valid(s) {
			return true
		}
	}
	return false
}

// newCountryCheck builds the check for a calling code from the library's embedded
// metadata, or returns nil if the library has none for it.
func newCountryCheck(cc int) *countryCheck {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil
	}
	byID := make(map[string]*phonenumbers.PhoneMetadata)
	for _, m := range coll.GetMetadata() {
		byID[m.GetId()] = m
	}
	c := &countryCheck{}
	for _, region := range phonenumbers.GetRegionCodesForCountryCode(cc) {
		m := byID[region]
		if m == nil || int(m.GetCountryCode()) != cc {
			return nil
		}
		c.regions = append(c.regions, newRegionCheck(m))
	}
	if len(c.regions) == 0 {
		return nil
	}
	return c
}

// russiaCheck is the check for +7 numbers, the fast path's. It is built on first use
// and shared: compiled expressions are safe for concurrent use.
var russiaCheck = sync.OnceValue(func() *countryCheck { return newCountryCheck(7) })
