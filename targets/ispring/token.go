package ispring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"userimport/targets"
)

const (
	// tokenPath is the only versioned path of the API (docs/platforms/ispring.md).
	tokenPath = "/api/v3/token"
	// defaultTokenTTL is the lifetime iSpring documents (30 minutes), used when the
	// answer gives none.
	defaultTokenTTL = 1800 * time.Second
	// refreshShare is the part of a token's lifetime after which it is replaced: early
	// enough that a request started just before never carries an expired token, late
	// enough that a 50,000-row run asks for only a handful.
	refreshShare = 0.8
)

// tokenSource caches the access token. All rows share it, and when it must be
// replaced, one of them fetches a new one while the others wait for it (no herd of
// token requests when a token expires under 20 workers).
type tokenSource struct {
	c   *Client
	sem chan struct{} // held by the one goroutine fetching a token

	mu        sync.Mutex
	tok       string
	refreshAt time.Time
}

func (t *tokenSource) init(c *Client) {
	t.c = c
	t.sem = make(chan struct{}, 1)
}

// get returns a token that is not stale. stale is a token the platform has just
// rejected ("" when none): if it is still the cached one, a new one is fetched; if
// another row has replaced it meanwhile, the replacement is returned.
func (t *tokenSource) get(ctx context.Context, stale string) (string, error) {
	if tok, ok := t.cached(stale); ok {
		return tok, nil
	}
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-t.sem }()
	if tok, ok := t.cached(stale); ok {
		return tok, nil
	}
	tok, ttl, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	t.store(tok, ttl)
	return tok, nil
}

func (t *tokenSource) cached(stale string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok == "" || t.tok == stale || !t.c.now().Before(t.refreshAt) {
		return "", false
	}
	return t.tok, true
}

// tokenAnswer is the JSON body of a successful token request.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// store caches a token fetched outside get (by Check), so that the rows reuse it.
func (t *tokenSource) store(tok string, ttl time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tok = tok
	t.refreshAt = t.c.now().Add(time.Duration(float64(ttl) * refreshShare))
}

// tokenRequest sends the client-credentials request (docs/platforms/ispring.md,
// "Token") and returns the answer as it came. Like every request it goes through
// targets.Do with a client that follows no redirect: the form carries the secret, and
// a redirect must not take it to another address.
func (c *Client) tokenRequest(ctx context.Context) (*targets.Response, error) {
	form := url.Values{
		"client_id":     {c.cfg.ClientID},
		"client_secret": {c.cfg.ClientSecret},
		"grant_type":    {"client_credentials"},
	}
	req, err := http.NewRequest(http.MethodPost, c.api.Base+tokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "userimport")
	return targets.Do(ctx, c.api.HTTP, req)
}

// parseToken reads a successful token answer: the token and its lifetime (the
// documented 30 minutes when the answer gives none). ok is false when the body holds
// no token, which is not the API answering.
func parseToken(body []byte) (tok string, ttl time.Duration, ok bool) {
	var a tokenAnswer
	if err := json.Unmarshal(body, &a); err != nil || strings.TrimSpace(a.AccessToken) == "" {
		return "", 0, false
	}
	ttl = time.Duration(a.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = defaultTokenTTL
	}
	return a.AccessToken, ttl, true
}

// fetch asks the token endpoint for a new token. A refusal (400, 401, 403) is Fatal:
// no row can succeed with a key the platform rejects.
func (t *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	c := t.c
	resp, err := c.tokenRequest(ctx)
	if err != nil {
		// A token request creates nothing, so sending it again is always safe.
		if e, ok := errors.AsType[*targets.Error](err); ok && e.Kind == targets.Unknown {
			e.Kind = targets.Retryable
		}
		return "", 0, fmt.Errorf("get token: %w", err)
	}
	msgs := c.scrub(errorMessages(resp.Body))
	switch resp.Status {
	case http.StatusOK, http.StatusCreated:
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		return "", 0, fmt.Errorf("get token: %w", &targets.Error{
			Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeAuth,
			Messages: append(msgs, fmt.Sprintf("the API key was rejected: check %s and %s", EnvClientID, EnvClientSecret)),
		})
	default:
		e := targets.StatusError(http.MethodGet, resp, msgs)
		return "", 0, fmt.Errorf("get token: %w", e)
	}
	tok, ttl, ok := parseToken(resp.Body)
	if !ok {
		return "", 0, fmt.Errorf("get token: %w", &targets.Error{
			Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeHTTP,
			Messages: []string{"the token endpoint answered without an access token; is the url the API host?"},
		})
	}
	return tok, ttl, nil
}

// scrub removes the client secret, and any of the given passwords, from messages the
// platform sent back, in case an error page echoes the request.
func (c *Client) scrub(msgs []string, passwords ...string) []string {
	for _, s := range append([]string{c.cfg.ClientSecret}, passwords...) {
		if s == "" {
			continue
		}
		for i, m := range msgs {
			msgs[i] = strings.ReplaceAll(m, s, "***")
		}
	}
	return msgs
}
