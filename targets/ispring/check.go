package ispring

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"userimport/targets"
)

// checkPath is Check's read: one page of one user, the listing every row's lookup uses
// (docs/platforms/ispring.md, "Check").
const checkPath = "/users/v2?pageSize=1"

// Check proves, before the first row, that --url is iSpring Learn's API host and that
// the API key works: it asks for a token (which the rows then reuse) and reads one
// page of one user with it. Each failure is one Fatal message that names --url or the
// variables the key comes from; a 429 or 502-504 is Retryable.
func (c *Client) Check(ctx context.Context) error {
	f := targets.Fix{Platform: "iSpring Learn", URL: c.url,
		Credentials: EnvClientID + " and " + EnvClientSecret}
	resp, err := c.tokenRequest(ctx)
	if err != nil {
		return f.Failed(nil, err)
	}
	switch {
	case resp.Status == http.StatusBadRequest && apiError(resp.Body):
		// The token endpoint refuses a key it does not know with 400 and its error
		// shape, as OAuth servers do for invalid_client; the address is right.
		return &targets.Error{Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeAuth, Messages: []string{
			fmt.Sprintf("%s refused the credentials (HTTP %d): check %s", f.Platform, resp.Status, f.Credentials)}}
	case resp.Status != http.StatusOK && resp.Status != http.StatusCreated:
		return f.Failed(resp, nil)
	}
	tok, ttl, ok := parseToken(resp.Body)
	if !ok {
		return f.NotAPI(resp)
	}
	c.tok.store(tok, ttl)

	resp, err = c.bearer(tok).Send(ctx, http.MethodGet, checkPath, nil)
	if err != nil {
		return f.Failed(nil, err)
	}
	if resp.Status != http.StatusOK {
		return f.Failed(resp, nil)
	}
	if !usersPageShape(resp.Body) {
		return f.NotAPI(resp)
	}
	return nil
}

// apiError reports whether body is an error in one of the API's shapes (JSON
// {"code","message"} or OAuth's {"error"}, or XML <response><message>), as opposed to
// a proxy's page.
func apiError(body []byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) > 0 && (b[0] == '{' || b[0] == '<') && len(errorMessages(b)) > 0
}

// usersPageShape reports whether body is a GET /users/v2 answer: an object with
// userProfiles (required by the spec), or the bare list parseUsers also reads.
func usersPageShape(body []byte) bool {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return false
	}
	if b[0] == '[' {
		_, err := parseUsers(b)
		return err == nil
	}
	var page map[string]json.RawMessage
	if json.Unmarshal(b, &page) != nil {
		return false
	}
	if _, ok := page["userProfiles"]; !ok {
		return false
	}
	_, err := parseUsers(b)
	return err == nil
}
