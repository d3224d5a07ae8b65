// Package collaborator puts users into Collaborator LMS (collaborator.biz, by Davintoo)
// through its single-user import, and holds a stand-in of that API (Sandbox) for tests,
// `--sandbox` and `userimport sandbox`.
//
// The import is an upsert keyed by uid: the platform creates the account when the uid
// is new and updates it otherwise, and answers how many accounts it created, updated,
// blocked and unblocked. Because of that, sending the same user twice is harmless, and
// this client treats every "the write may have landed" failure as safe to retry.
package collaborator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"userimport/targets"
	"userimport/validate"
)

// API generations. The old one authenticates with a session JWT in Authorization, the
// new one (since Collaborator 2.43) with an API token in X-Cbr-Authorization.
const (
	APIv1 = "v1"
	APIv2 = "v2"
)

// Paths of the single-user import, relative to the instance's address.
const (
	pathV1  = "/api/rest.php/imports-user"
	queryV1 = "action=single-import"
	pathV2  = "/api/v2/users-import/single"
)

// TokenEnv is the environment variable the command line reads the token from. The
// client itself never reads the environment; it only names the variable in errors.
const TokenEnv = "USERIMPORT_COLLABORATOR_TOKEN"

// defaultTimeout bounds one import call when the caller brings no http.Client: a
// single-user import answers in well under a second, and 30 s leaves room for a slow
// instance without letting a dead one hold a worker for minutes.
const defaultTimeout = 30 * time.Second

// maxMessage caps a platform message built from a body we do not understand (an HTML
// error page, a proxy's answer): enough to recognize it, not a page of markup.
const maxMessage = 300

// Config is what New needs.
type Config struct {
	// BaseURL is the instance's address, e.g. https://lms.example.ru, possibly with a
	// path prefix; the client adds the API path.
	BaseURL string
	// Token is the API token (v2) or session JWT (v1).
	Token string
	// API is "v1" (the default, /api/rest.php) or "v2" (/api/v2).
	API string
	// HTTPClient sends the requests; nil means a client with a 30 s timeout. The client
	// is copied and never follows redirects (see New).
	HTTPClient *http.Client
	// Mode must be upsert (or empty): the import API offers no other.
	Mode targets.Mode
}

// Client imports users into one Collaborator instance. It is safe for concurrent use.
type Client struct {
	endpoint   string
	authHeader string // Authorization or X-Cbr-Authorization
	token      string
	hc         *http.Client
}

// Statically ensure that Client is a target.
var _ targets.Target = (*Client)(nil)

// New checks cfg and returns a client. It sends nothing.
//
// The client does not follow redirects: Go forwards custom headers such as
// X-Cbr-Authorization to whatever host a redirect names, and a redirected POST becomes
// a GET, so a redirect is reported (with the address to use) instead of followed.
func New(cfg Config) (*Client, error) {
	endpoint, err := endpointURL(cfg.BaseURL, cfg.API)
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		return nil, fmt.Errorf("collaborator: no API token: set %s", TokenEnv)
	}
	if strings.IndexFunc(cfg.Token, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		// Never echo the token: it is a secret even when it is malformed.
		return nil, fmt.Errorf("collaborator: the API token in %s contains spaces or control characters", TokenEnv)
	}
	switch cfg.Mode {
	case "", targets.ModeUpsert:
	case targets.ModeCreate, targets.ModeUpdate:
		return nil, fmt.Errorf("collaborator: mode %s is not supported: Collaborator's import API is an upsert keyed by uid, so only upsert is supported until a lookup exists", cfg.Mode)
	default:
		return nil, fmt.Errorf("collaborator: unknown mode %q", cfg.Mode)
	}
	hc := &http.Client{Timeout: defaultTimeout}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &Client{endpoint: endpoint, token: cfg.Token, hc: hc, authHeader: "Authorization"}
	if cfg.API == APIv2 {
		c.authHeader = "X-Cbr-Authorization"
	}
	return c, nil
}

// endpointURL joins the instance's address and the import path of api, keeping any
// path prefix and dropping a trailing slash.
func endpointURL(base, api string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", fmt.Errorf("collaborator: parse URL %q: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("collaborator: URL %q: want the instance's address, e.g. https://lms.example.ru", base)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("collaborator: URL %q: want the instance's address without a query, fragment or credentials", u.Redacted())
	}
	prefix := strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	switch api {
	case "", APIv1:
		u.Path, u.RawQuery = prefix+pathV1, queryV1
	case APIv2:
		u.Path = prefix + pathV2
	default:
		return "", fmt.Errorf("collaborator: unknown API %q: use v1 or v2", api)
	}
	return u.String(), nil
}

// Name is "collaborator".
func (c *Client) Name() string { return "collaborator" }

// Upsert imports u. The result's ID is u's uid, since Collaborator returns no id of its
// own. A failure is a *targets.Error (wrapped with the uid); a write that may have
// landed is Retryable, not Unknown, because resending an import keyed by uid is the
// lookup.
func (c *Client) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	if u.UID == "" {
		// Without a uid the platform cannot match the account, and a resend after a lost
		// answer would create a second one.
		return targets.Result{}, &targets.Error{Kind: targets.Permanent, Code: targets.CodeRejected,
			Messages: []string{"uid: Collaborator matches accounts by uid, and this row has none"}}
	}
	res, err := c.upsert(ctx, u)
	if err != nil {
		return targets.Result{}, fmt.Errorf("collaborator: import uid %q: %w", u.UID, err)
	}
	res.ID = u.UID
	return res, nil
}

func (c *Client) upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	body, err := encodeUser(u)
	if err != nil {
		return targets.Result{}, err
	}
	req, err := targets.JSONRequest(http.MethodPost, c.endpoint, body)
	if err != nil {
		return targets.Result{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set(c.authHeader, "Bearer "+c.token)
	resp, err := targets.Do(ctx, c.hc, req)
	if err != nil {
		if e, ok := errors.AsType[*targets.Error](err); ok && e.Kind == targets.Unknown {
			e.Kind = targets.Retryable
		}
		return targets.Result{}, err
	}
	switch {
	case resp.Status >= 200 && resp.Status < 300:
		res, ok := parseCounts(resp.Body)
		if !ok {
			return targets.Result{}, &targets.Error{Kind: targets.Permanent, Status: resp.Status, Code: targets.CodeHTTP,
				Messages: []string{"an answer without import counts: " + c.redact(snippet(resp.Body))}}
		}
		return res, nil
	case resp.Status >= 300 && resp.Status < 400:
		// Every row would be redirected the same way: stop and say where to.
		return targets.Result{}, &targets.Error{Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeHTTP,
			Messages: []string{fmt.Sprintf("the instance redirects to %q: use that address as the URL", resp.Header.Get("Location"))}}
	}
	msgs, conflict := parseErrors(resp.Body)
	for i := range msgs {
		msgs[i] = c.redact(msgs[i])
	}
	e := targets.StatusError(http.MethodPost, resp, msgs)
	switch {
	case e.Kind == targets.Unknown:
		e.Kind = targets.Retryable
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusMethodNotAllowed:
		// No import endpoint at this address: every row would fail alike.
		e.Kind, e.Code = targets.Fatal, targets.CodeHTTP
		e.Messages = append(e.Messages, "no single-user import at this address: check the URL and the API version (v1 or v2)")
	case e.Kind == targets.Permanent && conflict:
		e.Code = targets.CodeConflict
	}
	return targets.Result{}, e
}

// redact removes the token from text that came from the platform, in case an error
// page echoes the request's headers.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[token]")
}

// user is the import body. Field order is the wire order; every field but uid is
// omitted when empty, so that an update never erases what the platform holds.
type user struct {
	UID              string `json:"uid"`
	SecondName       string `json:"secondname,omitempty"`
	FirstName        string `json:"firstname,omitempty"`
	Patronymic       string `json:"patronymic,omitempty"`
	Login            string `json:"login,omitempty"`
	Email            string `json:"email,omitempty"`
	Password         string `json:"password,omitempty"`
	BirthDate        string `json:"birth_date,omitempty"`
	Gender           *int   `json:"gender,omitempty"`    // 0 male, 1 female
	IsActive         *int   `json:"is_active,omitempty"` // 1 active, 0 blocked
	City             string `json:"city,omitempty"`
	Department       string `json:"department,omitempty"`
	Position         string `json:"position,omitempty"`
	Phone            string `json:"phone,omitempty"`
	Tags             string `json:"tags,omitempty"`
	DateOfEmployment string `json:"date_of_employment,omitempty"`
}

// encodeUser maps u to the import body. A phone extension is not sent: Collaborator's
// phone field takes an international number and nothing else.
func encodeUser(u *validate.User) ([]byte, error) {
	b := user{
		UID:              u.UID,
		SecondName:       u.LastName,
		FirstName:        u.FirstName,
		Patronymic:       u.MiddleName,
		Login:            u.Login,
		Email:            u.Email,
		Password:         u.Password,
		BirthDate:        u.BirthDate.DMY(),
		City:             u.City,
		Department:       u.Department,
		Position:         u.Position,
		Phone:            u.Phone,
		Tags:             u.Tags,
		DateOfEmployment: u.HireDate.DMY(),
	}
	switch u.Gender {
	case validate.Male:
		b.Gender = new(0)
	case validate.Female:
		b.Gender = new(1)
	}
	switch u.Active {
	case validate.Yes:
		b.IsActive = new(1)
	case validate.No:
		b.IsActive = new(0)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "&" in a department name stays readable in captures
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode user: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// count is an import counter, which arrives as a number or, from some versions, as a
// string.
type count int

func (n *count) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*n = 0
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(uq)
	}
	if s == "" {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e9 {
		return fmt.Errorf("count %s: not a number", b)
	}
	*n = count(f)
	return nil
}

// counts is the import answer; nil fields were absent.
type counts struct {
	Created   *count `json:"created_count"`
	Updated   *count `json:"updated_count"`
	Blocked   *count `json:"blocked_count"`
	Unblocked *count `json:"unblocked_count"`
}

func (c *count) val() int {
	if c == nil {
		return 0
	}
	return int(*c)
}

// parseCounts reads a success answer. ok is false when the body holds none of the
// counts: a 200 from something that is not the import (a login page, a proxy).
//
// All counts zero means Unchanged. INFERRED: the documentation describes each count
// only as "1 when ...", and says nothing of an import that changes nothing; the sandbox
// answers all zeros then, and a real instance is expected to do the same.
func parseCounts(body []byte) (res targets.Result, ok bool) {
	var c counts
	if err := json.Unmarshal(body, &c); err != nil {
		return targets.Result{}, false
	}
	if c.Created == nil && c.Updated == nil && c.Blocked == nil && c.Unblocked == nil {
		return targets.Result{}, false
	}
	res.Blocked = c.Blocked.val() > 0
	res.Unblocked = c.Unblocked.val() > 0
	switch {
	case c.Created.val() > 0:
		res.Outcome = targets.Created
	case c.Updated.val() > 0 || res.Blocked || res.Unblocked:
		res.Outcome = targets.Updated
	default:
		res.Outcome = targets.Unchanged
	}
	return res, true
}

// parseErrors reads an error answer into "field: message" lines in a stable order
// (fields sorted, then rules sorted). The documented shape is
// {"email":{"required":"Field cannot be empty","email":"Invalid email"}}; it also takes
// {"error":"..."}, {"message":"..."}, {"field":"message"}, {"field":["message"]}, a list,
// and, for anything else, the trimmed body. conflict reports a rule saying that the
// login or e-mail belongs to another account.
func parseErrors(body []byte) (msgs []string, conflict bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		if s := snippet(body); s != "" {
			return []string{s}, false
		}
		return nil, false
	}
	switch v := v.(type) {
	case map[string]any:
		for _, field := range sortedKeys(v) {
			prefix := field + ": "
			if field == "error" || field == "message" || field == "errors" || field == "messages" {
				prefix = ""
			}
			switch rules := v[field].(type) {
			case map[string]any:
				for _, rule := range sortedKeys(rules) {
					m := text(rules[rule])
					msgs = append(msgs, prefix+m)
					if (field == "login" || field == "email") && isConflict(rule, m) {
						conflict = true
					}
				}
			case []any:
				for _, r := range rules {
					msgs = append(msgs, prefix+text(r))
				}
			default:
				msgs = append(msgs, prefix+text(rules))
			}
		}
	case []any:
		for _, m := range v {
			msgs = append(msgs, text(m))
		}
	default:
		msgs = append(msgs, text(v))
	}
	for i := range msgs {
		msgs[i] = capText(strings.TrimSpace(msgs[i]))
	}
	return msgs, conflict
}

// isConflict reports whether a field rule says the value belongs to someone else. The
// rule name the real server uses is not documented; "unique" is what the sandbox and
// most PHP validators say, and the words cover the rest.
func isConflict(rule, msg string) bool {
	if rule == "unique" || rule == "exists" {
		return true
	}
	m := strings.ToLower(msg)
	for _, w := range []string{"already", "taken", "уже", "занят"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}

// text renders one JSON value of an error body as a message.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	case map[string]any:
		for _, k := range []string{"message", "error", "msg"} {
			if s, ok := v[k].(string); ok {
				return s
			}
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// snippet is a body we do not understand, trimmed and capped, for a message.
func snippet(body []byte) string {
	return capText(strings.TrimSpace(string(body)))
}

// capText cuts s to maxMessage bytes on a rune boundary, marking the cut, and replaces
// invalid UTF-8 so that a message is always printable.
func capText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
