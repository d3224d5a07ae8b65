package sandbox

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// What every platform's stand-in does the same way: answer JSON, read a body with a
// cap, check a token, and count what Stats reports. Each stand-in keeps its own paths,
// field names and error shapes, written from docs/platforms/<platform>.md.

// MaxBody caps a request body a stand-in reads: one person is a few hundred bytes.
const MaxBody = 1 << 20

// WriteJSON answers status with v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ReadBody reads r's body, at most MaxBody bytes of it. A longer body is an error
// that TooLarge recognises.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
}

// TooLarge reports whether err is ReadBody's refusal of a body over MaxBody.
func TooLarge(err error) bool {
	_, ok := errors.AsType[*http.MaxBytesError](err)
	return ok
}

// Token returns what an authorization header value carries after scheme (compared
// without regard to case), trimmed; an empty scheme takes the whole value as the
// token. ok is false when the value does not start with scheme.
func Token(value, scheme string) (token string, ok bool) {
	value = strings.TrimSpace(value)
	if scheme == "" {
		return value, true
	}
	got, rest, ok := strings.Cut(value, " ")
	if !ok || !strings.EqualFold(got, scheme) {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// Same reports whether a secret sent equals the one expected, in constant time.
func Same(sent, want string) bool {
	return subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}

// Counter counts the writes and password resets a stand-in reports in its Stats. The
// zero value is ready to use and safe for concurrent use.
type Counter struct {
	writes, resets atomic.Int64
}

// Wrote counts a request that created, changed or deleted an account.
func (c *Counter) Wrote() { c.writes.Add(1) }

// Reset counts a password set on an account that already existed.
func (c *Counter) Reset() { c.resets.Add(1) }

// Writes is the number of requests counted by Wrote.
func (c *Counter) Writes() int64 { return c.writes.Load() }

// Stats are the counts, with accounts the number the stand-in holds.
func (c *Counter) Stats(accounts int) Stats {
	return Stats{Accounts: accounts, Writes: c.writes.Load(), PasswordResets: c.resets.Load()}
}

// Text is a JSON value read the way PHP reads a request parameter: a string, a
// number or a boolean is taken as text, anything else (null, an object, a list) as
// "". inSkill (Laravel) and CS-Cart take "1", 1 and true alike.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'), string(b) == "true", string(b) == "false":
		*t = Text(b)
	default:
		*t = ""
	}
	return nil
}

// Start serves h, a platform's stand-in, on a free loopback port until stop is
// called; addr is its host:port. The command line's --sandbox and the browser UI's
// sandbox both run this way.
func Start(h http.Handler) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("start the sandbox: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
