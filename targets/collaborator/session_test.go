package collaborator

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"userimport/targets"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/validate"
)

const (
	sessionEmail    = "api@example.ru"
	sessionPassword = "Pa55-w0rd"
)

// sessionClient is a client logging in by e-mail and password to a sandbox made from
// cfg (its Email and Password are set here).
func sessionClient(t *testing.T, api string, cfg collaboratortest.Config, password string) (*Client, *collaboratortest.Sandbox) {
	t.Helper()
	cfg.Email, cfg.Password = sessionEmail, sessionPassword
	sb := collaboratortest.NewConfig(cfg)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, API: api, Email: sessionEmail, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// person is the i-th of a file's people.
func person(i int) *validate.User {
	return &validate.User{UID: fmt.Sprintf("T%04d", i), LastName: "Иванов", FirstName: fmt.Sprintf("Иван%d", i),
		Login: fmt.Sprintf("ivanov%d", i), Email: fmt.Sprintf("ivanov%d@example.ru", i), Password: "pw-1234",
		Position: "Инженер"}
}

// TestSessionExpiresMidImport: the JWT ends in the middle of an import run by eight
// workers; every worker's request gets 401, the client logs in once more for all of
// them, and every row lands.
func TestSessionExpiresMidImport(t *testing.T) {
	for _, api := range []string{APIv1, APIv2} {
		t.Run(api, func(t *testing.T) {
			c, sb := sessionClient(t, api, collaboratortest.Config{}, sessionPassword)
			ctx := context.Background()
			for i := range 10 {
				if _, err := c.Upsert(ctx, person(i)); err != nil {
					t.Fatal(err)
				}
			}
			if sb.Logins() != 1 {
				t.Fatalf("%d logins for the first rows, want 1", sb.Logins())
			}
			sb.ExpireSessions()
			rows := make(chan int)
			errs := make(chan error, 40)
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for i := range rows {
						res, err := c.Upsert(ctx, person(i))
						if err == nil && res.Outcome != targets.Created {
							err = fmt.Errorf("row %d: %s, want created", i, res.Outcome)
						}
						if err != nil {
							errs <- err
						}
					}
				})
			}
			for i := 10; i < 50; i++ {
				rows <- i
			}
			close(rows)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if sb.Len() != 50 || sb.Logins() != 2 {
				t.Errorf("%d accounts after %d logins, want 50 after 2 (one renewal for all the workers)", sb.Len(), sb.Logins())
			}
		})
	}
}

// TestSessionExpiresEveryFewRequests: a JWT that ends after five requests, as a short
// session would; rows keep landing, one login per expiry.
func TestSessionExpiresEveryFewRequests(t *testing.T) {
	c, sb := sessionClient(t, APIv2, collaboratortest.Config{JWTUses: 5, AccessToken: true}, sessionPassword)
	for i := range 12 {
		if _, err := c.Upsert(context.Background(), person(i)); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	// Each create is three lookups and an import: 48 requests, 5 to a JWT.
	if sb.Len() != 12 || sb.Logins() != 10 {
		t.Errorf("%d accounts, %d logins; want 12 and 10", sb.Len(), sb.Logins())
	}
}

// TestSessionRefused: a wrong password stops the run at the first row and at Check,
// naming the variables and never showing the password.
func TestSessionRefused(t *testing.T) {
	const wrong = "wrong-Pa55"
	c, sb := sessionClient(t, APIv2, collaboratortest.Config{}, wrong)
	for name, err := range map[string]error{
		"upsert": func() error { _, err := c.Upsert(context.Background(), person(1)); return err }(),
		"check":  c.Check(context.Background()),
	} {
		e, ok := errors.AsType[*targets.Error](err)
		if !ok || e.Kind != targets.Fatal || e.Code != targets.CodeAuth {
			t.Errorf("%s: %v, want a fatal auth error", name, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, EmailEnv) || !strings.Contains(msg, PasswordEnv) || strings.Contains(msg, wrong) {
			t.Errorf("%s: %q, want the variables named and the password hidden", name, msg)
		}
	}
	if sb.Len() != 0 || sb.Logins() != 0 {
		t.Errorf("%d accounts, %d logins after a refused login", sb.Len(), sb.Logins())
	}
}

// TestTokenInTheWrongHeader: the sandbox refuses an API token sent as a session JWT,
// in Authorization, on either generation, and the client's error is fatal.
func TestTokenInTheWrongHeader(t *testing.T) {
	sb := collaboratortest.New(testToken)
	for _, target := range []string{v1URL, "/api/v2/users-import/single"} {
		if status, _ := call(sb, "POST", target, "Authorization", "Bearer "+testToken, anna); status != 401 {
			t.Errorf("%s with the API token in Authorization: %d, want 401", target, status)
		}
		if status, _ := call(sb, "POST", target, "X-Cbr-Authorization", "Bearer "+testToken, anna); status != 200 {
			t.Errorf("%s with the API token in X-Cbr-Authorization: %d, want 200", target, status)
		}
	}
}
