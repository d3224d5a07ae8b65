// Package outcome holds the data a platform call leaves about one account, as the
// reports read it. It sits below both targets (which produces it) and reports (which
// writes it down), so that reports never depends on a platform client.
package outcome

// Change is one field an update changes (or, for a plan, would change).
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}
