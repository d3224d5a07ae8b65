package targets_test

import (
	"net/http"
	"testing"
	"time"

	"userimport/targets"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-3", 0},
		{"99999999999", 24 * time.Hour},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := targets.ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestStatusError(t *testing.T) {
	tests := []struct {
		method string
		status int
		kind   targets.Kind
		code   string
	}{
		{"POST", 400, targets.Permanent, targets.CodeRejected},
		{"POST", 401, targets.Fatal, targets.CodeAuth},
		{"GET", 403, targets.Fatal, targets.CodeAuth},
		{"POST", 422, targets.Permanent, targets.CodeRejected},
		{"POST", 429, targets.Retryable, targets.CodeUnreachable},
		{"POST", 500, targets.Unknown, targets.CodeHTTP},
		{"GET", 500, targets.Retryable, targets.CodeHTTP},
		{"POST", 502, targets.Retryable, targets.CodeUnreachable},
		{"POST", 503, targets.Retryable, targets.CodeUnreachable},
		{"POST", 504, targets.Retryable, targets.CodeUnreachable},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Set("Retry-After", "3")
		e := targets.StatusError(tt.method, &targets.Response{Status: tt.status, Header: h}, nil)
		if e.Kind != tt.kind || e.Code != tt.code {
			t.Errorf("%s %d: kind %v code %s, want %v %s", tt.method, tt.status, e.Kind, e.Code, tt.kind, tt.code)
		}
		if len(e.Messages) == 0 {
			t.Errorf("%s %d: no message", tt.method, tt.status)
		}
		if e.Method != tt.method {
			// The importer counts a row's retries per call by it.
			t.Errorf("%s %d: Method %q", tt.method, tt.status, e.Method)
		}
		if tt.kind == targets.Retryable && tt.status != 500 && e.RetryAfter != 3*time.Second {
			t.Errorf("%s %d: RetryAfter %v", tt.method, tt.status, e.RetryAfter)
		}
	}
}
