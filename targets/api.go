package targets

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one HTTP exchange when the caller gives a client no
// http.Client: a user call answers in well under a second, 30 s leaves room for a slow
// platform behind a proxy, and a dead one fails the row instead of holding a worker.
const DefaultTimeout = 30 * time.Second

// API is one platform's JSON API as its client calls it: the API root, an HTTP client
// that follows no redirect, the credentials every request carries and the platform's
// reading of a refusal. Every call goes through Do, which refuses redirects and cuts
// the request's secrets out of the answer, so no client does either itself. An API is
// a small value: a client that needs other credentials for one call (a fresh token)
// copies it with WithAuth.
type API struct {
	// Base is the API root without a trailing slash; a call's path is appended to it.
	Base string
	// HTTP sends the requests; NewAPI makes it with HTTPClient.
	HTTP *http.Client
	// Auth, when set, puts the credentials on each request.
	Auth func(*http.Request)
	// Refusal classifies an answer Call does not accept, with the platform's own
	// messages; nil means StatusError with none.
	Refusal func(method string, r *Response) *Error
}

// NewAPI is an API rooted at base, sending through a copy of hc (nil: a new client
// with DefaultTimeout) that follows no redirect.
func NewAPI(base string, hc *http.Client, auth func(*http.Request), refusal func(string, *Response) *Error) API {
	return API{Base: base, HTTP: HTTPClient(hc, DefaultTimeout), Auth: auth, Refusal: refusal}
}

// Header is an Auth that sets one header to value, e.g. Header("Authorization",
// "Bearer "+token).
func Header(name, value string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

// WithAuth is a copy of a whose requests carry auth instead.
func (a API) WithAuth(auth func(*http.Request)) API {
	a.Auth = auth
	return a
}

// Send sends one request to Base+path (path starts with "/" and may carry a query)
// with body as its JSON body (nil: none), and reads the answer with Do: any status is
// a Response, a failure to get one is an *Error.
func (a API) Send(ctx context.Context, method, path string, body []byte) (*Response, error) {
	req, err := JSONRequest(method, a.Base+path, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if a.Auth != nil {
		a.Auth(req)
	}
	return Do(ctx, a.HTTP, req)
}

// Call sends in (bytes already encoded go as they are; anything else is encoded as
// JSON; nil sends no body) and returns the answer when its status is one of accept, or
// any 2xx when accept is empty. Any other answer comes back with the error Refusal
// makes of it, so that a caller can still look at a status it handles itself.
func (a API) Call(ctx context.Context, method, path string, in any, accept ...int) (*Response, error) {
	var body []byte
	switch v := in.(type) {
	case nil:
	case []byte:
		body = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = b
	}
	resp, err := a.Send(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	if accepted(resp.Status, accept) {
		return resp, nil
	}
	if a.Refusal != nil {
		return resp, a.Refusal(method, resp)
	}
	return resp, StatusError(method, resp, nil)
}

// accepted reports whether status is one of accept, or a 2xx when accept is empty.
func accepted(status int, accept []int) bool {
	if len(accept) == 0 {
		return status >= 200 && status <= 299
	}
	for _, s := range accept {
		if s == status {
			return true
		}
	}
	return false
}

// Site is how a client reads a platform's address as --url gives it (see Parse).
type Site struct {
	// Whose and Example word the messages: "the school's address, e.g.
	// https://school.inskill.ru".
	Whose, Example string
	// APIPaths are cut off the end of the address's path, in this order: the API path
	// a person may paste from the documentation, which the client adds itself.
	APIPaths []string
	// Exact refuses an address with a query, fragment or credentials; without it they
	// are dropped. Either way none reaches a message that names the address.
	Exact bool
}

// Parse checks raw, which must be an http or https URL with a host, and returns it
// without a trailing slash, a pasted API path, a query, a fragment or credentials.
func (s Site) Parse(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("no URL: give the %s's address, e.g. %s", s.Whose, s.Example)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parse URL %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("URL %q: want the %s's address, an http or https URL such as %s", raw, s.Whose, s.Example)
	}
	if s.Exact && (u.RawQuery != "" || u.Fragment != "" || u.User != nil) {
		return nil, fmt.Errorf("URL %q: want the %s's address without a query, fragment or credentials", u.Redacted(), s.Whose)
	}
	p := strings.TrimRight(u.Path, "/")
	for _, api := range s.APIPaths {
		p = strings.TrimSuffix(p, api)
	}
	u.Path, u.RawPath, u.ForceQuery = p, "", false
	u.User, u.RawQuery, u.Fragment, u.RawFragment = nil, "", "", ""
	return u, nil
}

// Below is the address path below site, as a string: the API root of a client.
func Below(site *url.URL, path string) string {
	u := *site
	u.Path += path
	return u.String()
}
