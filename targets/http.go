package targets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
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
		return nil, &Error{Kind: kind, Code: CodeUnreachable, Method: req.Method, Err: redactURLError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.StatusCode != http.StatusNotModified {
		return nil, redirectError(req, resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp.Request != nil && resp.Request.URL.String() != req.URL.String() {
		// The client followed a redirect after all (one not made by HTTPClient): the
		// answer is not the one to the request sent, and a write may have become a
		// read. Stop the run rather than trust it.
		return nil, redirectError(req, http.StatusFound, resp.Request.URL.String())
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		kind := Unknown
		if req.Method == http.MethodGet {
			kind = Retryable
		}
		return nil, &Error{Kind: kind, Status: resp.StatusCode, Code: CodeUnreachable, Method: req.Method, Err: err}
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: redactSecrets(body, requestSecrets(req))}, nil
}

// HTTPClient returns a copy of hc (nil: a new client with timeout) that never follows
// a redirect. Every client sends its requests through one: Go's client turns a
// redirected POST, PUT or PATCH into a GET, so a write would be reported done while
// nothing was written, and it would carry credentials to whatever address the
// redirect names. Do turns the 3xx answer into a Fatal error that says where to point
// --url instead.
func HTTPClient(hc *http.Client, timeout time.Duration) *http.Client {
	c := &http.Client{Timeout: timeout}
	if hc != nil {
		cp := *hc
		c = &cp
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// redirectError is the Fatal error for a redirect answer to req: it names where the
// platform sends us, and suggests the --url that would have reached it directly.
func redirectError(req *http.Request, status int, location string) *Error {
	to, err := req.URL.Parse(location)
	if location == "" || err != nil {
		return &Error{Kind: Fatal, Status: status, Code: CodeRedirect,
			Messages: []string{fmt.Sprintf("%s answered with a redirect (HTTP %d) and no usable address: check --url", Redact(req.URL), status)}}
	}
	// The part of the path the client added (the API path) is the longest common
	// tail of the two paths; what precedes it in the new address is the new base.
	from, dst := req.URL.Path, to.Path
	for from != "" && dst != "" && from[len(from)-1] == dst[len(dst)-1] {
		from, dst = from[:len(from)-1], dst[:len(dst)-1]
	}
	base := url.URL{Scheme: to.Scheme, Host: to.Host, Path: strings.TrimRight(dst, "/")}
	return &Error{Kind: Fatal, Status: status, Code: CodeRedirect,
		Messages: []string{fmt.Sprintf("%s redirects to %s (HTTP %d), and userimport follows no redirect: use --url %s",
			Redact(req.URL), Redact(to), status, base.String())}}
}

// Redact is a URL fit for a message: scheme, host and path, without the query (which
// holds e-mails in lookups), credentials or fragment.
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return r.String()
}

// redactURLError drops the query from the URL a transport error names: Go's
// *url.Error prints the whole URL, and a lookup's query holds a person's e-mail.
func redactURLError(err error) error {
	ue, ok := errors.AsType[*url.Error](err)
	if !ok {
		return err
	}
	cp := *ue
	if u, perr := url.Parse(ue.URL); perr == nil {
		cp.URL = Redact(u)
	} else {
		cp.URL = ""
	}
	return &cp
}

// StatusError classifies a non-success answer. 401 and 403 are Fatal (credentials);
// 429, 502, 503 and 504 are Retryable (the platform did not act, or asks us to wait);
// any other 5xx is Unknown for a write (it may have landed) and Retryable for a read;
// any other 4xx is Permanent. msgs are the platform's own messages, already parsed by
// the caller from its error shape.
func StatusError(method string, r *Response, msgs []string) *Error {
	e := &Error{Status: r.Status, Messages: msgs, Code: CodeRejected, Method: method}
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
