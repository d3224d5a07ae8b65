package cli

import (
	"strings"
	"testing"

	"userimport/lang"
)

func TestWarnPlainHTTP(t *testing.T) {
	for _, tc := range []struct {
		url  string
		warn bool
	}{
		{"http://lms.example.ru", true},
		{"http://10.0.0.5:8080/lms?token=x", true},
		{"https://lms.example.ru", false},
		{"http://127.0.0.1:8080", false},
		{"http://localhost:8080", false},
		{"http://[::1]:8080", false},
	} {
		var b strings.Builder
		warnPlainHTTP(&b, tc.url, lang.English)
		if got := b.Len() > 0; got != tc.warn {
			t.Errorf("%s: warned %v, want %v (%q)", tc.url, got, tc.warn, b.String())
		}
		if strings.Contains(b.String(), "token=") {
			t.Errorf("%s: the warning shows the query: %q", tc.url, b.String())
		}
	}
}
