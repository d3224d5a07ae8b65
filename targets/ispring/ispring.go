// Package ispring puts users into iSpring Learn through its REST API: an OAuth
// client-credentials token, the department tree and groups loaded once per run, a lookup
// by e-mail then login, and POST /user, or POST /user/{id} and POST /user/{id}/password.
// Its in-memory stand-in, which tests and `userimport sandbox` use, is package
// ispringtest.
//
// What the API is known to do, and what is inferred, is in docs/platforms/ispring.md.
package ispring

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"userimport/targets"
	"userimport/validate"
)

// Environment variables the command line reads the credentials from. The client itself
// never reads the environment; the names are here so that errors can tell the user
// what to set.
const (
	EnvClientID     = "USERIMPORT_ISPRING_CLIENT_ID"
	EnvClientSecret = "USERIMPORT_ISPRING_CLIENT_SECRET"
)

// Codes of rows this target fails before writing anything, in addition to the
// targets.Code* ones. They appear in results.csv.
const (
	CodeUnknownDepartment   = "unknown_department"   // no department has that code, name or path
	CodeAmbiguousDepartment = "ambiguous_department" // several departments have that name
	CodeDepartmentRequired  = "department_required"  // a new account needs a department and none is given
	CodeUnknownGroup        = "unknown_group"        // no group has that name
	CodeAmbiguousGroup      = "ambiguous_group"      // several groups have that name
	CodeSmartGroup          = "smart_group"          // a smart group's members are chosen by its rules
	CodeUnknownRole         = "unknown_role"         // no role has that name (GET /role)
	CodeAmbiguousRole       = "ambiguous_role"       // several roles have that title
	CodeRequiredField       = "required_field"       // the account requires a profile field the row leaves empty
)

// Config says where the account is and how to use it.
type Config struct {
	// BaseURL is the API host without a path, e.g. https://api-learn.ispringlearn.com.
	BaseURL string
	// ClientID and ClientSecret are the API key (Settings → API in iSpring Learn).
	ClientID     string
	ClientSecret string
	// DefaultDepartment (a code, a name or a Parent/Child path) is where new accounts go
	// when the row names no department. Existing accounts are never moved to it.
	DefaultDepartment string
	// SendLoginEmail asks iSpring to e-mail new users their login details, with
	// InvitationMessage as the text (required when SendLoginEmail is set).
	SendLoginEmail    bool
	InvitationMessage string
	// Mode is upsert (the default), create or update.
	Mode targets.Mode
	// Policy is what an update may change on an account that exists: which fields,
	// whether its identity, whether its password.
	Policy targets.Policy
	// HTTPClient sends the requests; nil means a client with targets.DefaultTimeout.
	// The client is copied so that it follows no redirect (targets.HTTPClient).
	HTTPClient *http.Client
	// Now is the clock the token cache uses; nil means time.Now. Tests move it forward.
	Now func() time.Time
}

// Client is an iSpring Learn target. It is safe for concurrent use: rows share one
// token and one copy of the department tree.
type Client struct {
	cfg    Config
	api    targets.API // rooted at the API host; each call brings its token (call)
	url    *url.URL    // the API host, parsed, for Check's messages
	policy targets.Policy
	now    func() time.Time
	tok    tokenSource
	dir    directoryCache
}

var (
	_ targets.Target   = (*Client)(nil)
	_ targets.Planner  = (*Client)(nil)
	_ targets.Preparer = (*Client)(nil)
	_ targets.Checker  = (*Client)(nil)
)

// New checks cfg and returns a client. It makes no request; the first one is made by
// Prepare or by the first row.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, fmt.Errorf("ispring: client id missing: set %s", EnvClientID)
	}
	if strings.TrimSpace(cfg.ClientSecret) == "" {
		return nil, fmt.Errorf("ispring: client secret missing: set %s", EnvClientSecret)
	}
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if base == "" {
		return nil, errors.New("ispring: base url missing: give --url, e.g. https://api-learn.ispringlearn.com")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ispring: base url %q: want http(s)://host, e.g. https://api-learn.ispringlearn.com", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("ispring: base url %q: want no query or fragment", cfg.BaseURL)
	}
	mode, err := targets.ParseMode(string(cfg.Mode))
	if err != nil {
		return nil, fmt.Errorf("ispring: %w", err)
	}
	cfg.Mode = mode
	if cfg.SendLoginEmail && strings.TrimSpace(cfg.InvitationMessage) == "" {
		return nil, errors.New("ispring: an invitation message is required when login e-mails are sent")
	}
	if cfg.Policy.UpdateFields, err = targets.ParseUpdateFields(string(cfg.Policy.UpdateFields)); err != nil {
		return nil, fmt.Errorf("ispring: %w", err)
	}
	c := &Client{cfg: cfg, url: u, policy: cfg.Policy, now: cfg.Now,
		api: targets.NewAPI(base, cfg.HTTPClient, nil, nil)}
	if c.now == nil {
		c.now = time.Now
	}
	c.tok.init(c)
	c.dir.init()
	return c, nil
}

// Name is the target's name on the command line.
func (c *Client) Name() string { return "ispring" }

// Prepare gets a token and loads the departments, groups, roles and profile fields, so
// that a bad key or a default department that does not exist stops the run before the
// first row, and a row's unknown role or missing required field fails before anything
// is written.
func (c *Client) Prepare(ctx context.Context) error {
	dir, err := c.directory(ctx)
	if err != nil {
		return err
	}
	if c.cfg.DefaultDepartment != "" {
		if _, rerr := dir.department(c.cfg.DefaultDepartment); rerr != nil {
			return fmt.Errorf("ispring: default department: %w", rerr)
		}
	}
	return nil
}

// Upsert creates or updates u according to the mode and the Policy. Unknown
// departments, groups and roles, a profile field the account requires and the row
// leaves empty, and an update the Policy forbids, fail the row before anything is
// written; where the account already holds every value the Policy lets the row send,
// nothing is sent and the outcome is Unchanged. An update that sets a password sends
// it first (POST /user/{id}/password), so that a password the platform refuses leaves
// the profile as it was, then the profile (POST /user/{id}) if any of it changes, then
// the status (POST /user/{id}/status) when the active column blocks or unblocks the
// account. A new account whose row says it is not active is created, then blocked.
func (c *Client) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	d, err := c.decide(ctx, u)
	if err != nil {
		return targets.Result{}, err
	}
	switch d.plan.Outcome {
	case targets.Unchanged:
		return targets.Result{Outcome: targets.Unchanged, ID: d.plan.ID}, nil
	case targets.Updated:
		if d.password != "" {
			if err := c.setPassword(ctx, d.plan.ID, d.password); err != nil {
				return targets.Result{}, err
			}
		}
		if d.body != nil {
			if err := c.update(ctx, d.plan.ID, d.body); err != nil {
				return targets.Result{}, err
			}
		}
		res := targets.Result{Outcome: targets.Updated, ID: d.plan.ID, Changes: d.plan.Changes,
			PasswordSet: d.password != ""}
		if d.status != 0 {
			if err := c.setStatus(ctx, d.plan.ID, d.status); err != nil {
				return targets.Result{}, err
			}
			res.Blocked, res.Unblocked = d.status == statusInactive, d.status == statusActive
		}
		return res, nil
	}
	id, err := c.create(ctx, d.body, u.Password)
	if err != nil {
		return targets.Result{}, err
	}
	res := targets.Result{Outcome: targets.Created, ID: id, PasswordSet: u.Password != ""}
	if d.status == statusInactive {
		if id == "" {
			return res, &targets.Error{Kind: targets.Permanent, Code: targets.CodeHTTP, Intent: targets.Created,
				Messages: []string{"active: the account was created, but its id was not in the answer, so it could not be blocked: block it by hand"}}
		}
		if err := c.setStatus(ctx, id, statusInactive); err != nil {
			return res, fmt.Errorf("ispring: the account %s was created, but blocking it failed: %w", id, targets.WithIntent(err, targets.Created))
		}
		res.Blocked = true
	}
	return res, nil
}

// Plan says what Upsert would do to u, with read-only requests only: the token, the
// directory and the lookups. It applies the Policy as Upsert does, and returns the
// same row errors.
func (c *Client) Plan(ctx context.Context, u *validate.User) (targets.Plan, error) {
	d, err := c.decide(ctx, u)
	if err != nil {
		return targets.Plan{}, err
	}
	return d.plan, nil
}
