package importer

import (
	"errors"
	"strconv"
	"strings"
)

// MaxUpdates is import's --max-updates, and the page's limit on changed accounts: the
// most existing accounts an import may change, a count or a percentage of the valid
// rows, checked against a plan before anything is written. The zero value sets none.
type MaxUpdates struct {
	set     bool
	count   int // -1 when the limit is a percentage
	percent float64
}

// ErrMaxUpdates is ParseMaxUpdates' refusal; each caller says it in its own words
// (the flag's name, the page's field).
var ErrMaxUpdates = errors.New("not a number of accounts or a percentage")

// ParseMaxUpdates reads "50" or "10%"; "" is no limit.
func ParseMaxUpdates(s string) (MaxUpdates, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return MaxUpdates{}, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v > 100 {
			return MaxUpdates{}, ErrMaxUpdates
		}
		return MaxUpdates{set: true, count: -1, percent: v}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return MaxUpdates{}, ErrMaxUpdates
	}
	return MaxUpdates{set: true, count: n}, nil
}

// Set reports whether there is a limit.
func (m MaxUpdates) Set() bool { return m.set }

// Allows says whether updated changed accounts are within the limit among valid rows,
// and what the limit comes to.
func (m MaxUpdates) Allows(updated, valid int) (limit int, ok bool) {
	if !m.set {
		return 0, true
	}
	limit = m.count
	if limit < 0 {
		limit = int(m.percent / 100 * float64(valid))
	}
	return limit, updated <= limit
}
