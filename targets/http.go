package targets

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// MaxBody caps how much of an answer a client reads: a user API never answers more
// than a few kilobytes, and a misbehaving proxy must not make us buffer gigabytes.
const MaxBody = 4 << 20

// Response is an HTTP answer read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req with hc and reads the whole answer. A transport failure comes back as an
// *Error: Retryable when the request was not completely written (nothing can have
// reached the platform), Unknown when it was (the platform may have acted on it). A
// cancelled ctx comes back as ctx's error. Any status is a Response, not an error;
// classify it with StatusError.
func Do(ctx context.Context, hc *http.Client, req *http.Request) (*Response, error) {
	// The transport reports the write from its own goroutine, and may do so after Do
	// has returned on an early answer; hence the atomic.
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		wrote.Store(i.Err == nil)
	}}
	req = req.WithContext(httptrace.WithClientTrace(ctx, trace))
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		kind := Retryable
		if wrote.Load() && req.Method != http.MethodGet {
			kind = Unknown
		}
		return nil, &Error{Kind: kind, Code: CodeUnreachable, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		kind := Unknown
		if req.Method == http.MethodGet {
			kind = Retryable
		}
		return nil, &Error{Kind: kind, Status: resp.StatusCode, Code: CodeUnreachable, Err: err}
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// StatusError classifies a non-success answer. 401 and 403 are Fatal (credentials);
// 429, 502, 503 and 504 are Retryable (the platform did not act, or asks us to wait);
// any other 5xx is Unknown for a write (it may have landed) and Retryable for a read;
// any other 4xx is Permanent. msgs are the platform's own messages, already parsed by
// the caller from its error shape.
func StatusError(method string, r *Response, msgs []string) *Error {
	e := &Error{Status: r.Status, Messages: msgs, Code: CodeRejected}
	switch {
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		e.Kind, e.Code = Fatal, CodeAuth
	case r.Status == http.StatusTooManyRequests || r.Status == http.StatusBadGateway ||
		r.Status == http.StatusServiceUnavailable || r.Status == http.StatusGatewayTimeout:
		e.Kind, e.Code = Retryable, CodeUnreachable
		e.RetryAfter = ParseRetryAfter(r.Header.Get("Retry-After"), time.Now())
	case r.Status >= 500:
		e.Kind, e.Code = Unknown, CodeHTTP
		if method == http.MethodGet {
			e.Kind = Retryable
		}
	case r.Status >= 400:
		e.Kind = Permanent
	default:
		e.Kind, e.Code = Permanent, CodeHTTP
	}
	if len(e.Messages) == 0 {
		e.Messages = []string{strings.TrimSpace(http.StatusText(r.Status))}
	}
	return e
}

// ParseRetryAfter reads a Retry-After header, in seconds or as an HTTP date. It returns
// 0 when the header is absent or unreadable; the caller caps what it returns.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		// A day is longer than any caller waits; capping here keeps the
		// multiplication from overflowing on a hostile header.
		const day = 24 * 60 * 60
		return time.Duration(min(n, day)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// JSONRequest builds a request with a JSON body (or none when body is nil) and the
// headers every JSON API here wants.
func JSONRequest(method, url string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "userimport")
	return req, nil
}

// IsFatal reports whether err should stop the whole run.
func IsFatal(err error) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.Kind == Fatal
}
