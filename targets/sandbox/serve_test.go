package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestToken(t *testing.T) {
	tests := []struct {
		value, scheme, want string
		ok                  bool
	}{
		{"Bearer abc", "Bearer", "abc", true},
		{"bearer  abc ", "Bearer", "abc", true},
		{"Basic abc", "Bearer", "", false},
		{"abc", "Bearer", "", false},
		{" abc ", "", "abc", true},
	}
	for _, tt := range tests {
		if got, ok := Token(tt.value, tt.scheme); got != tt.want || ok != tt.ok {
			t.Errorf("Token(%q, %q) = %q, %v; want %q, %v", tt.value, tt.scheme, got, ok, tt.want, tt.ok)
		}
	}
}

func TestText(t *testing.T) {
	var v map[string]Text
	if err := json.Unmarshal([]byte(`{"s":"x","n":12,"b":true,"z":null,"o":{"a":1},"l":[1]}`), &v); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]Text{"s": "x", "n": "12", "b": "true", "z": "", "o": "", "l": ""} {
		if v[k] != want {
			t.Errorf("%s = %q, want %q", k, v[k], want)
		}
	}
}

func TestReadBodyTooLarge(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", MaxBody+1)))
	if _, err := ReadBody(rec, req); !TooLarge(err) {
		t.Errorf("err %v, want TooLarge", err)
	}
}

func TestCounter(t *testing.T) {
	var c Counter
	c.Wrote()
	c.Wrote()
	c.Reset()
	if got, want := c.Stats(3), (Stats{Accounts: 3, Writes: 2, PasswordResets: 1}); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
}
