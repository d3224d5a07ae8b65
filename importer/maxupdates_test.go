package importer_test

import (
	"testing"

	"userimport/importer"
)

func TestMaxUpdates(t *testing.T) {
	tests := []struct {
		in             string
		updated, valid int
		limit          int
		ok, bad        bool
	}{
		{in: "", updated: 1000, valid: 10, limit: 0, ok: true},
		{in: "5", updated: 5, valid: 100, limit: 5, ok: true},
		{in: "5", updated: 6, valid: 100, limit: 5},
		{in: " 10 % ", updated: 10, valid: 100, limit: 10, ok: true},
		{in: "10%", updated: 11, valid: 100, limit: 10},
		{in: "0", updated: 0, valid: 100, limit: 0, ok: true},
		{in: "-1", bad: true},
		{in: "101%", bad: true},
		{in: "1e3", bad: true},
		{in: "%", bad: true},
	}
	for _, tt := range tests {
		m, err := importer.ParseMaxUpdates(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("%q: accepted", tt.in)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if limit, ok := m.Allows(tt.updated, tt.valid); limit != tt.limit || ok != tt.ok {
			t.Errorf("%q with %d of %d updated: limit %d ok %v, want %d %v", tt.in, tt.updated, tt.valid, limit, ok, tt.limit, tt.ok)
		}
	}
}

// FuzzMaxUpdates: the limit on changed accounts parses or is refused, never panics,
// and a limit that parses always allows an import that changes no account.
func FuzzMaxUpdates(f *testing.F) {
	for _, s := range []string{"", "10", "10%", " 5 % ", "-1", "101%", "1e3", "%", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := importer.ParseMaxUpdates(s)
		if err != nil {
			return
		}
		if n, ok := m.Allows(0, 100); !ok || n < 0 {
			t.Fatalf("%q: no update allowed at all (%d)", s, n)
		}
	})
}
