// Package collaborator puts users into Collaborator LMS (collaborator.biz, by Davintoo)
// through its single-user import. Its stand-in, for tests, `--sandbox` and `userimport
// sandbox`, is package collaboratortest. Every API fact it relies on, with its source,
// is in docs/platforms/collaborator.md.
//
// The import is an upsert keyed by uid: the platform creates the account when the uid
// is new and updates it otherwise, and answers how many accounts it created, updated,
// blocked and unblocked. It cannot be told to create only, and it takes every field it
// is sent, password included. So the client first looks the account up in the user
// list (read-only, filtered by e-mail, then by login, matched on the uid here) and
// decides itself: a create sends everything and the password; an update sends the uid,
// the account's identifying fields as they are, the fields that change, and a password
// only when the Policy says so; an account that would not change is not written.
// Where the list cannot answer, a row whose password was generated is failed rather
// than sent, since its password could reset an existing account's.
package collaborator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"userimport/outcome"
	"userimport/targets"
	"userimport/validate"
)

// API generations: v2 (/api/v2, the current one and the default) and v1
// (/api/rest.php, for servers older than 2.43). Either takes either credential.
const (
	APIv1 = "v1"
	APIv2 = "v2"
)

// Paths relative to the instance's address (docs/platforms/collaborator.md, "Paths").
const (
	pathV1  = "/api/rest.php/imports-user"
	queryV1 = "action=single-import"
	pathV2  = "/api/v2/users-import/single"
	listV1  = "/api/rest.php/auth/users"
	listV2  = "/api/v2/users/list"
)

// checkFilter is what Check looks for in the v2 user list: a name nobody has, so
// that the answer is small and holds nobody's data.
const checkFilter = "userimport-preflight-check"

// maxMessage caps a platform message built from a body we do not understand (an HTML
// error page, a proxy's answer): enough to recognize it, not a page of markup.
const maxMessage = 300

// Config is what New needs.
type Config struct {
	// BaseURL is the instance's address, e.g. https://lms.example.ru, possibly with a
	// path prefix; the client adds the API path.
	BaseURL string
	// Token is an API token (Collaborator 2.43 and later), sent as
	// X-Cbr-Authorization: Bearer <token> on every request.
	Token string
	// Email and Password, in place of Token, log in at /api/rest.php/auth/session for a
	// session JWT, sent as Authorization: Bearer <jwt>, and log in again when it
	// expires. Email may hold the login.
	Email, Password string
	// API is "v2" (the default, /api/v2) or "v1" (/api/rest.php, older servers).
	API string
	// HTTPClient sends the requests; nil means a client with targets.DefaultTimeout.
	// The client is copied and never follows redirects (targets.HTTPClient).
	HTTPClient *http.Client
	// Mode is upsert (the default), create or update.
	Mode targets.Mode
	// Policy is what an update may change on an account that exists: which fields,
	// whether who the account is may change, whether a generated password goes along.
	Policy targets.Policy
}

// Client imports users into one Collaborator instance. It is safe for concurrent use.
type Client struct {
	base       *url.URL    // the instance's address, as messages name it
	api        targets.API // rooted at base, with the API token when there is one
	session    *session    // the login, when there is no API token
	endpoint   string      // the single-user import, below base
	list       string      // the user list, below base, without a query
	version    string      // APIv1 or APIv2
	authHeader string      // X-Cbr-Authorization (an API token) or Authorization (a JWT)
	creds      string      // the variables holding the credentials, for messages
	mode       targets.Mode
	policy     targets.Policy
	// noLookup, once set, says why the user list cannot be read with this token: the
	// rest of the run does without it (see blind).
	noLookup atomic.Pointer[string]
}

var (
	_ targets.Target  = (*Client)(nil)
	_ targets.Planner = (*Client)(nil)
	_ targets.Checker = (*Client)(nil)
)

// New checks cfg and returns a client. It sends nothing.
func New(cfg Config) (*Client, error) {
	base, err := targets.Site{Whose: "instance", Example: "https://lms.example.ru", Exact: true}.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("collaborator: %w", err)
	}
	api := cfg.API
	if api == "" {
		api = APIv2
	}
	if api != APIv1 && api != APIv2 {
		return nil, fmt.Errorf("collaborator: unknown API %q: use v2 (the current one) or v1 (/api/rest.php, servers before 2.43)", cfg.API)
	}
	if err := credentials(cfg); err != nil {
		return nil, fmt.Errorf("collaborator: %w", err)
	}
	mode, err := targets.ParseMode(string(cfg.Mode))
	if err != nil {
		return nil, fmt.Errorf("collaborator: %w", err)
	}
	c := &Client{base: base, version: api, mode: mode, policy: cfg.Policy,
		endpoint: pathV2, list: listV2}
	if api == APIv1 {
		c.endpoint, c.list = pathV1+"?"+queryV1, listV1
	}
	c.api = targets.NewAPI(base.String(), cfg.HTTPClient, nil, nil)
	if cfg.Token != "" {
		c.authHeader, c.creds = tokenHeader, TokenEnv
		c.api = c.api.WithAuth(targets.Header(tokenHeader, "Bearer "+cfg.Token))
	} else {
		c.authHeader, c.creds = sessionHeader, EmailEnv+" and "+PasswordEnv
		c.session = &session{api: c.api, email: cfg.Email, password: cfg.Password}
	}
	return c, nil
}

// Name is "collaborator".
func (c *Client) Name() string { return "collaborator" }

// decision is what to do with one row.
type decision struct {
	plan targets.Plan
	body []byte // the import to send; nil when nothing is sent
	// password is true when body carries the user's password.
	password bool
	// blind is why the row could not be looked up, when it could not: the import
	// then decides, as an upsert by uid.
	blind string
}

// Upsert looks u up and creates, updates or leaves the account, by the mode and the
// Policy. The result's ID is u's uid, the key Collaborator matches accounts by. A
// failure is a *targets.Error wrapped with the uid.
//
// A create whose answer was lost is Unknown (with Intent Created), so that the
// importer looks the account up before anything is sent again and, if the create
// landed, reports it created with its password. Any other lost answer is Retryable:
// sending the same import again is harmless, and the next attempt looks the account
// up afresh.
func (c *Client) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	res, err := c.upsert(ctx, u)
	if err != nil {
		return targets.Result{}, fmt.Errorf("collaborator: import uid %q: %w", u.UID, err)
	}
	res.ID = u.UID
	return res, nil
}

func (c *Client) upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	d, err := c.decide(ctx, u)
	if err != nil {
		return targets.Result{}, err
	}
	if d.body == nil {
		return targets.Result{Outcome: targets.Unchanged}, nil
	}
	res, err := c.send(ctx, d.body, d.plan.Outcome)
	if err != nil {
		return targets.Result{}, err
	}
	res.PasswordSet = d.password
	if d.plan.Outcome == targets.Updated {
		if d.password && res.Outcome == targets.Unchanged {
			// The platform may not count a new password as a change; it was sent.
			res.Outcome = targets.Updated
		}
		if res.Outcome == targets.Updated {
			res.Changes = d.plan.Changes
		}
	}
	return res, nil
}

// Plan says what Upsert would do to u, with lookups only, and fails where Upsert
// would fail before sending. A row that cannot be looked up cannot be planned.
func (c *Client) Plan(ctx context.Context, u *validate.User) (targets.Plan, error) {
	d, err := c.decide(ctx, u)
	if err == nil && d.blind != "" {
		err = &targets.Error{Kind: targets.Permanent, Code: targets.CodeNoLookup,
			Messages: []string{fmt.Sprintf("cannot tell whether uid %q exists: %s", u.UID, d.blind)}}
	}
	if err != nil {
		return targets.Plan{}, fmt.Errorf("collaborator: plan uid %q: %w", u.UID, err)
	}
	return d.plan, nil
}

// Check reads one filtered page of the user list: it needs the address, the API
// version and a token allowed to list users, which every lookup needs too.
func (c *Client) Check(ctx context.Context) error {
	fix := targets.Fix{Platform: "Collaborator", URL: c.base, Credentials: c.creds}
	q := url.Values{"filter[login]": {""}}
	if c.version == APIv2 {
		q = url.Values{"filter[fullname]": {checkFilter}}
	}
	resp, err := c.call(ctx, http.MethodGet, c.list+"?"+q.Encode(), nil)
	if err != nil {
		return fix.Failed(nil, err)
	}
	if resp.Status != http.StatusOK {
		return fix.Failed(resp, nil)
	}
	if _, ok := parseList(resp.Body); !ok {
		return fix.NotAPI(resp)
	}
	return nil
}

// decide looks u up and says what to send, by the mode and the Policy. An error is
// the row's: nothing may be sent.
func (c *Client) decide(ctx context.Context, u *validate.User) (decision, error) {
	if strings.TrimSpace(u.UID) == "" {
		// Without a uid the platform cannot match the account, and a resend after a lost
		// answer would create a second one.
		return decision{}, &targets.Error{Kind: targets.Permanent, Code: targets.CodeRejected,
			Messages: []string{"uid: Collaborator matches accounts by uid, and this row has none"}}
	}
	l, err := c.find(ctx, u)
	if err != nil {
		return decision{}, err
	}
	if l.blind != "" {
		return c.blind(u, l.blind)
	}
	if l.acc == nil {
		if c.mode == targets.ModeUpdate {
			return decision{}, &targets.Error{Kind: targets.Permanent, Code: targets.CodeNotFound,
				Messages: []string{fmt.Sprintf("uid: no account with uid %q", u.UID)}}
		}
		for _, k := range []struct{ key, value string }{{"email", u.Email}, {"login", u.Login}} {
			if err := conflict(l.seen, u.UID, k.key, k.value); err != nil {
				return decision{}, err
			}
		}
		body, err := encodeUser(u)
		if err != nil {
			return decision{}, err
		}
		return decision{plan: targets.Plan{Outcome: targets.Created}, body: body, password: u.Password != ""}, nil
	}
	if c.mode == targets.ModeCreate {
		return decision{}, &targets.Error{Kind: targets.Permanent, Code: targets.CodeExists,
			Messages: []string{fmt.Sprintf("uid: an account with uid %q exists", u.UID)}}
	}
	return c.update(l, u)
}

// update decides the update of the account l found: the changes, the Policy, then the
// body. The body holds the account's uid, its identifying fields as the list shows
// them (the documentation marks them required, and says nothing of whether that holds
// for an update: sent unchanged, they change nothing), and the changed fields the
// Policy kept.
func (c *Client) update(l lookup, u *validate.User) (decision, error) {
	diffs := compare(l.acc, u)
	changes := make([]outcome.Change, 0, len(diffs)+1)
	for _, d := range diffs {
		changes = append(changes, d.change)
	}
	if c.policy.SendPassword(u) {
		changes = append(changes, targets.PasswordChange())
	}
	unchanged := decision{plan: targets.Plan{Outcome: targets.Unchanged, ID: u.UID}}
	if len(changes) == 0 {
		return unchanged, nil
	}
	pl, err := c.policy.Apply(targets.Plan{Outcome: targets.Updated, ID: u.UID, Changes: changes})
	if err != nil {
		return decision{}, err
	}
	if pl.Outcome != targets.Updated || len(pl.Changes) == 0 {
		return unchanged, nil
	}
	for _, k := range []struct{ key, value string }{{"email", u.Email}, {"login", u.Login}} {
		if targets.Keeps(pl.Changes, k.key) {
			if err := conflict(l.seen, u.UID, k.key, k.value); err != nil {
				return decision{}, err
			}
		}
	}
	// The uid as the platform holds it: the lookup matched it ignoring case, and the
	// import must find the same account whatever its own collation.
	b := user{UID: l.acc.uid}
	for _, key := range []string{"secondname", "firstname", "login", "email", "position"} {
		if v, ok := l.acc.get(key); ok {
			b.set(key, v)
		}
	}
	for _, d := range diffs {
		if targets.Keeps(pl.Changes, d.change.Field) {
			b.set(d.key, d.value)
		}
	}
	password := targets.Keeps(pl.Changes, targets.PasswordField)
	if password {
		b.Password = u.Password
	}
	body, err := marshal(b)
	if err != nil {
		return decision{}, err
	}
	return decision{plan: pl, body: body, password: password}, nil
}

// blind decides a row that cannot be looked up (why says why): the import, an upsert
// by uid, goes as it is, unless it could reset an existing account's password with
// one the importer made up, or the mode needs to know whether the account exists.
func (c *Client) blind(u *validate.User, why string) (decision, error) {
	if c.mode != targets.ModeUpsert {
		return decision{}, &targets.Error{Kind: targets.Permanent, Code: targets.CodeNoLookup,
			Messages: []string{fmt.Sprintf("cannot tell whether uid %q exists (%s), which --mode %s needs", u.UID, why, c.mode)}}
	}
	if u.PasswordGenerated && !c.policy.ResetPasswords {
		return decision{}, &targets.Error{Kind: targets.Permanent, Code: targets.CodeNoLookup,
			Messages: []string{fmt.Sprintf("cannot tell whether uid %q exists (%s), so a generated password could reset an existing account's: "+
				"add a password column, or run with --reset-passwords if resetting is intended", u.UID, why)}}
	}
	body, err := encodeUser(u)
	if err != nil {
		return decision{}, err
	}
	return decision{body: body, password: u.Password != "", blind: why}, nil
}

// send posts one import. intent is what the decision expected (Created, Updated, or
// "" for a row that could not be looked up); the outcome is what the platform's counts
// say.
func (c *Client) send(ctx context.Context, body []byte, intent targets.Outcome) (targets.Result, error) {
	// lost turns a "may have landed" failure into what the importer should do with it.
	lost := func(e *targets.Error) {
		if intent == targets.Created {
			e.Kind, e.Intent = targets.Unknown, targets.Created
		} else {
			e.Kind = targets.Retryable
		}
	}
	resp, err := c.call(ctx, http.MethodPost, c.endpoint, body)
	if err != nil {
		if e, ok := errors.AsType[*targets.Error](err); ok && e.Kind == targets.Unknown {
			lost(e)
		}
		return targets.Result{}, err
	}
	if resp.Status >= 200 && resp.Status < 300 {
		res, ok := parseCounts(resp.Body)
		if !ok {
			return targets.Result{}, &targets.Error{Kind: targets.Permanent, Status: resp.Status, Code: targets.CodeHTTP,
				Messages: []string{"an answer without import counts: " + snippet(resp.Body)}}
		}
		return res, nil
	}
	msgs, conflict := parseErrors(resp.Body)
	e := targets.StatusError(http.MethodPost, resp, msgs)
	switch {
	case e.Kind == targets.Unknown:
		lost(e)
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusMethodNotAllowed:
		// No import endpoint at this address: every row would fail alike.
		e.Kind, e.Code = targets.Fatal, targets.CodeHTTP
		e.Messages = append(e.Messages, "no single-user import at this address: check the URL and the API version (--api v1 for servers before 2.43)")
	case e.Kind == targets.Permanent && conflict:
		e.Code = targets.CodeConflict
	}
	return targets.Result{}, e
}

// user is the import body. Field order is the wire order; every field but uid is
// omitted when empty, so that an update never erases what the platform holds, and an
// update sends only what it sets (see Client.update).
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
	WorkContact      string `json:"work_contact,omitempty"`
	PositionDate     string `json:"date_of_assignment_current_position,omitempty"`
	UserField1       string `json:"user_field1,omitempty"`
	UserField2       string `json:"user_field2,omitempty"`
	UserField3       string `json:"user_field3,omitempty"`
	UserField4       string `json:"user_field4,omitempty"`
	UserField5       string `json:"user_field5,omitempty"`
}

// encodeUser maps u to the import body. Dates go as DD.MM.YYYY, the first form the
// documentation gives.
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
		WorkContact:      workContact(u),
		PositionDate:     u.PositionDate.DMY(),
		UserField1:       u.UserFields[0],
		UserField2:       u.UserFields[1],
		UserField3:       u.UserFields[2],
		UserField4:       u.UserFields[3],
		UserField5:       u.UserFields[4],
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
	return marshal(b)
}

// workContact is the row's work contacts: its own column, or else, when the phone had
// an extension, the phone with it ("+74951234567 доб. 123"), since the phone field
// takes an international number and nothing else.
func workContact(u *validate.User) string {
	if u.WorkContact != "" || u.PhoneExt == "" {
		return u.WorkContact
	}
	return strings.TrimSpace(u.Phone + " доб. " + u.PhoneExt)
}

// set puts v, as the import names the field (key), into b: the fields of an update.
func (b *user) set(key, v string) {
	if p, ok := b.flags()[key]; ok {
		*p = flagOf(v)
	} else if p, ok := b.texts()[key]; ok {
		*p = v
	}
}

// texts are b's text fields by the import's names.
func (b *user) texts() map[string]*string {
	return map[string]*string{
		"secondname": &b.SecondName, "firstname": &b.FirstName, "patronymic": &b.Patronymic,
		"login": &b.Login, "email": &b.Email, "birth_date": &b.BirthDate, "city": &b.City,
		"department": &b.Department, "position": &b.Position, "phone": &b.Phone,
		"tags": &b.Tags, "date_of_employment": &b.DateOfEmployment, "work_contact": &b.WorkContact,
		"date_of_assignment_current_position": &b.PositionDate, "user_field1": &b.UserField1,
		"user_field2": &b.UserField2, "user_field3": &b.UserField3, "user_field4": &b.UserField4,
		"user_field5": &b.UserField5,
	}
}

// flags are b's 0/1 fields by the import's names.
func (b *user) flags() map[string]**int {
	return map[string]**int{"gender": &b.Gender, "is_active": &b.IsActive}
}

// flagOf is a 0/1 value as the import takes it, nil for anything else.
func flagOf(v string) *int {
	switch flagValue(v) {
	case "0":
		return new(0)
	case "1":
		return new(1)
	}
	return nil
}

// marshal encodes an import body.
func marshal(b user) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "&" in a department name stays readable in captures
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode user: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// counts is the import answer; nil fields were absent.
type counts struct {
	Created   *targets.FlexInt `json:"created_count"`
	Updated   *targets.FlexInt `json:"updated_count"`
	Blocked   *targets.FlexInt `json:"blocked_count"`
	Unblocked *targets.FlexInt `json:"unblocked_count"`
}

// val is a count that may be absent, which is 0.
func val(n *targets.FlexInt) int {
	if n == nil {
		return 0
	}
	return int(*n)
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
	res.Blocked = val(c.Blocked) > 0
	res.Unblocked = val(c.Unblocked) > 0
	switch {
	case val(c.Created) > 0:
		res.Outcome = targets.Created
	case val(c.Updated) > 0 || res.Blocked || res.Unblocked:
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
		for _, field := range slices.Sorted(maps.Keys(v)) {
			prefix := field + ": "
			if field == "error" || field == "message" || field == "errors" || field == "messages" {
				prefix = ""
			}
			switch rules := v[field].(type) {
			case map[string]any:
				for _, rule := range slices.Sorted(maps.Keys(rules)) {
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
