package collaborator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"unicode"

	"userimport/targets"
)

// The credentials' environment variables. The client itself never reads the
// environment; it only names the variables in errors.
const (
	// TokenEnv holds an API token (Collaborator 2.43 and later), sent as
	// X-Cbr-Authorization: Bearer <token>.
	TokenEnv = "USERIMPORT_COLLABORATOR_TOKEN"
	// EmailEnv and PasswordEnv hold an account's e-mail (or login) and password, for a
	// server without API tokens: the client logs in and sends the session JWT as
	// Authorization: Bearer <jwt>.
	EmailEnv    = "USERIMPORT_COLLABORATOR_EMAIL"
	PasswordEnv = "USERIMPORT_COLLABORATOR_PASSWORD"
)

// Headers: the credential decides the header, whichever API generation is called
// (docs/platforms/collaborator.md, "Authentication").
const (
	tokenHeader   = "X-Cbr-Authorization" // an API token
	sessionHeader = "Authorization"       // a session JWT
)

// pathSession is the login that issues a session JWT; it exists only under rest.php,
// and serves both generations.
const pathSession = "/api/rest.php/auth/session"

// credentials checks cfg's credentials: an API token, or else an e-mail and a
// password, and says which is missing. A token, when there is one, is what the client
// sends, whatever else is set. The token is never echoed.
func credentials(cfg Config) error {
	bad := func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
	}
	switch {
	case cfg.Token != "":
		if bad(cfg.Token) {
			return fmt.Errorf("the API token in %s contains spaces or control characters", TokenEnv)
		}
		return nil
	case cfg.Email == "" && cfg.Password == "":
		return fmt.Errorf("no credentials: set %s to an API token (Collaborator 2.43 and later), or %s and %s to log in", TokenEnv, EmailEnv, PasswordEnv)
	case cfg.Email == "":
		return fmt.Errorf("%s is set but %s is not: the login needs both (or set %s to an API token instead)", PasswordEnv, EmailEnv, TokenEnv)
	case cfg.Password == "":
		return fmt.Errorf("%s is set but %s is not: the login needs both (or set %s to an API token instead)", EmailEnv, PasswordEnv, TokenEnv)
	}
	return nil
}

// session is a login by e-mail and password and the JWT it got. It is safe for
// concurrent use: the first request logs in, and when many requests get 401 for the
// same JWT (it expired), one of them logs in again and the others take its JWT.
type session struct {
	api             targets.API // the instance, without credentials
	email, password string

	mu  sync.Mutex
	jwt string
	gen int // how many logins succeeded; a JWT is known by the gen it came with
}

// current is the JWT to send and its generation, logging in if there is none yet.
func (s *session) current(ctx context.Context) (string, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.jwt == "" {
		if err := s.login(ctx); err != nil {
			return "", 0, err
		}
	}
	return s.jwt, s.gen, nil
}

// renew replaces the JWT of generation stale, which got 401: the first caller logs in,
// later callers with the same stale generation take the new JWT.
func (s *session) renew(ctx context.Context, stale int) (string, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == stale {
		if err := s.login(ctx); err != nil {
			return "", 0, err
		}
	}
	return s.jwt, s.gen, nil
}

// loginAnswer is what auth/session answers: the account and its JWT, as jwt_token
// (current servers) or access_token (older ones).
type loginAnswer struct {
	JWT    string `json:"jwt_token"`
	Access string `json:"access_token"`
}

// login asks for a JWT under s.mu. Any refusal is Fatal: no row can go without it.
func (s *session) login(ctx context.Context) error {
	body, err := json.Marshal(map[string]string{"email": s.email, "password": s.password})
	if err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	resp, err := s.api.Send(ctx, http.MethodPost, pathSession, body)
	if err != nil {
		return fmt.Errorf("log in as %s: %w", EmailEnv, err)
	}
	if resp.Status != http.StatusOK {
		msgs, _ := parseErrors(resp.Body)
		e := targets.StatusError(http.MethodPost, resp, msgs)
		if e.Kind != targets.Retryable {
			// A 400 is the documented "User with this email does not exists"; a wrong
			// password or a missing login fails every row alike.
			e.Kind, e.Code = targets.Fatal, targets.CodeAuth
			e.Messages = append(e.Messages, fmt.Sprintf("the login with %s and %s was refused", EmailEnv, PasswordEnv))
		}
		return fmt.Errorf("log in: %w", e)
	}
	var a loginAnswer
	if err := json.Unmarshal(resp.Body, &a); err != nil || (a.JWT == "" && a.Access == "") {
		return fmt.Errorf("log in: %w", &targets.Error{Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeAuth,
			Messages: []string{"the login answered without a jwt_token or access_token: " + snippet(resp.Body)}})
	}
	jwt := a.JWT
	if jwt == "" {
		jwt = a.Access
	}
	s.jwt = jwt
	s.gen++
	return nil
}

// call sends one request with the credentials: the API token in X-Cbr-Authorization,
// or the session's JWT in Authorization. A 401 to a JWT logs in again once (for all
// the requests that got it with the same JWT) and sends the request again: the
// request was refused, not carried out, so sending it again is harmless.
func (c *Client) call(ctx context.Context, method, path string, body []byte) (*targets.Response, error) {
	if c.session == nil {
		return c.api.Send(ctx, method, path, body)
	}
	jwt, gen, err := c.session.current(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.api.WithAuth(targets.Header(sessionHeader, "Bearer "+jwt)).Send(ctx, method, path, body)
	if err != nil || resp.Status != http.StatusUnauthorized {
		return resp, err
	}
	jwt, _, err = c.session.renew(ctx, gen)
	if err != nil {
		return nil, err
	}
	return c.api.WithAuth(targets.Header(sessionHeader, "Bearer "+jwt)).Send(ctx, method, path, body)
}
