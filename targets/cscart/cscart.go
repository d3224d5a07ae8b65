// Package cscart puts customers into a CS-Cart store through its REST API 2.0.
//
// Every API fact the client relies on, with its source, is in docs/platforms/cscart.md.
// In short: HTTP Basic with the admin's e-mail and API key; the identity is the e-mail,
// looked up with GET /api/2.0/users?email=&user_type=, whose e-mail filter is a
// substring match (SQL LIKE %x%), so the client keeps only exact matches itself; POST
// /api/2.0/users creates (201) and PUT /api/2.0/users/{id} updates only the fields it is
// sent (200); every failure is a 400 with the envelope {"message", "messages",
// "errors", "status"}. No redirect is followed (targets.HTTPClient), and Check reads
// one customer before the first row.
package cscart

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"userimport/outcome"
	"userimport/targets"
	"userimport/validate"
)

// Environment variables the CLI reads the credentials from.
const (
	EmailEnv  = "USERIMPORT_CSCART_EMAIL"
	APIKeyEnv = "USERIMPORT_CSCART_API_KEY"
)

// Defaults for the account fields a spreadsheet rarely has.
const (
	// DefaultUserType is a customer; "A" is an administrator, "V" a vendor's.
	DefaultUserType = "C"
	// DefaultCompanyID is Ultimate's first storefront, the default when the store says
	// it is Ultimate. company_id must be present on create; Ultimate refuses a customer
	// with company 0, while Multi-Vendor keeps customers at 0 (MultiVendorCompanyID).
	// Without --company-id the client asks the store its edition (docs/platforms/
	// cscart.md, "Edition").
	DefaultCompanyID = "1"
	// MultiVendorCompanyID is a Multi-Vendor customer's company: none.
	MultiVendorCompanyID = "0"
	// DefaultStatus is "active"; "D" is disabled.
	DefaultStatus = "A"
)

// pageSize is how many users one lookup asks for. The e-mail filter is a substring
// match, so a short address can match several people; 50 covers any real case in one
// call, and more pages are read when the store says there are more.
const pageSize = 50

// maxPages caps the pages one lookup reads (maxPages × pageSize users), so that a store
// that keeps reporting more users cannot keep one row busy forever.
const maxPages = 20

// Config configures a Client. Credentials are plain strings: the client never reads the
// environment, the CLI does.
type Config struct {
	// BaseURL is the store's address, e.g. https://shop.example.com; the client adds
	// /api/2.0/.
	BaseURL string
	// Email and APIKey are the administrator's e-mail and API key, sent as HTTP Basic.
	Email  string
	APIKey string
	// UserType, CompanyID and Status are the defaults for rows that do not set them:
	// "C", the edition's (1 in Ultimate, 0 in Multi-Vendor, asked of the store) and "A"
	// when empty. A CompanyID given also scopes every lookup to that storefront.
	UserType  string
	CompanyID string
	Status    string
	// HTTPClient sends the requests; nil means a client with targets.DefaultTimeout.
	HTTPClient *http.Client
	// Mode is upsert (the default), create or update.
	Mode targets.Mode
	// Policy is what an update may change on an account that exists: which fields,
	// whether a name may change entirely, whether a generated password goes along.
	Policy targets.Policy
}

// apiPath is the API root below the store's address; an address given with it, or
// with /api, is taken too.
const apiPath = "/api/2.0"

// Client is a CS-Cart target. It is safe for concurrent use.
type Client struct {
	api       targets.API // rooted at https://shop.example.com/api/2.0, with HTTP Basic
	store     *url.URL    // https://shop.example.com, what --url names
	userType  string
	companyID string // --company-id, "" when not given: the edition decides
	status    string
	mode      targets.Mode
	policy    targets.Policy

	edition editionCache // what the store says it is, asked once
}

var (
	_ targets.Target  = (*Client)(nil)
	_ targets.Planner = (*Client)(nil)
	_ targets.Checker = (*Client)(nil)
)

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	store, err := targets.Site{Whose: "store", Example: "https://shop.example.com", APIPaths: []string{apiPath, "/api"}}.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("cscart: %w", err)
	}
	email, key := strings.TrimSpace(cfg.Email), strings.TrimSpace(cfg.APIKey)
	switch {
	case email == "" && key == "":
		return nil, fmt.Errorf("cscart: no credentials: set %s and %s", EmailEnv, APIKeyEnv)
	case email == "":
		return nil, fmt.Errorf("cscart: no administrator e-mail: set %s", EmailEnv)
	case key == "":
		return nil, fmt.Errorf("cscart: no API key: set %s", APIKeyEnv)
	}
	mode, err := targets.ParseMode(string(cfg.Mode))
	if err != nil {
		return nil, fmt.Errorf("cscart: %w", err)
	}
	// Every request asks for English: the store answers in ?sl=, then Accept-Language,
	// then its admin language, and the duplicate and password messages are matched in
	// English (Russian too, in case a proxy drops the header).
	auth := func(r *http.Request) {
		r.SetBasicAuth(email, key)
		r.Header.Set("Accept-Language", "en")
	}
	c := &Client{
		api: targets.NewAPI(targets.Below(store, apiPath), cfg.HTTPClient, auth, statusError), store: store,
		userType:  orDefault(strings.ToUpper(cfg.UserType), DefaultUserType),
		companyID: strings.TrimSpace(cfg.CompanyID),
		status:    orDefault(strings.ToUpper(cfg.Status), DefaultStatus),
		mode:      mode, policy: cfg.Policy,
	}
	if c.companyID != "" {
		if _, err := strconv.ParseUint(c.companyID, 10, 32); err != nil {
			return nil, fmt.Errorf("cscart: company id %q: want a whole number (the storefront's id)", c.companyID)
		}
	}
	return c, nil
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}

// Name implements targets.Target.
func (c *Client) Name() string { return "cscart" }

// Upsert implements targets.Target.
func (c *Client) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	d, err := c.decide(ctx, u)
	if err != nil {
		return targets.Result{}, err
	}
	if d.plan.Outcome == targets.Created {
		id, err := c.create(ctx, u)
		if err == nil {
			return targets.Result{Outcome: targets.Created, ID: id, PasswordSet: u.Password != ""}, nil
		}
		if e, ok := errors.AsType[*targets.Error](err); !ok || e.Code != targets.CodeConflict {
			return targets.Result{}, err
		}
		// "Already exists": the e-mail appeared since our lookup, or the login belongs
		// to someone else. Look again to tell which (docs/platforms/cscart.md, "Upsert").
		again, ferr := c.find(ctx, u.Email, c.userTypeOf(u), c.scopeOf(u))
		if ferr != nil {
			return targets.Result{}, err
		}
		if again == nil {
			return targets.Result{}, c.elsewhere(ctx, u, err)
		}
		if c.mode == targets.ModeCreate {
			return targets.Result{}, exists(again.ID)
		}
		if d.body, d.plan, err = c.planUpdate(again, u); err != nil {
			return targets.Result{}, err
		}
	}
	if d.plan.Outcome == targets.Unchanged {
		return targets.Result{Outcome: targets.Unchanged, ID: d.plan.ID}, nil
	}
	err = c.update(ctx, d.plan.ID, d.body)
	if e, ok := errors.AsType[*targets.Error](err); ok && e.Code == CodePasswordUsed && d.body.Password1 != "" {
		// The store keeps the account's last passwords and refuses them again: the
		// account has (or had) this one, typically a re-run of the same file. The rest
		// of the row is still written (docs/platforms/cscart.md, "Passwords").
		d.body.Password1, d.body.Password2 = "", ""
		if len(d.plan.Changes) == 1 && d.plan.Changes[0].Field == targets.PasswordField {
			return targets.Result{Outcome: targets.Unchanged, ID: d.plan.ID}, nil
		}
		err = c.update(ctx, d.plan.ID, d.body)
	}
	if err != nil {
		return targets.Result{}, err
	}
	return targets.Result{Outcome: targets.Updated, ID: d.plan.ID, PasswordSet: d.body.Password1 != ""}, nil
}

// Plan implements targets.Planner with lookups only. It decides as Upsert does: the
// mode, then the Policy.
func (c *Client) Plan(ctx context.Context, u *validate.User) (targets.Plan, error) {
	d, err := c.decide(ctx, u)
	return d.plan, err
}

// decision is what a row comes to: the plan, and for an update the body that carries
// it out.
type decision struct {
	plan targets.Plan
	body updateRequest
}

// decide looks u up and says, by the mode and the Policy, what Upsert sends: a create,
// an update and its body, or nothing. An error is the row's: nothing may be sent.
func (c *Client) decide(ctx context.Context, u *validate.User) (decision, error) {
	acc, err := c.find(ctx, u.Email, c.userTypeOf(u), c.scopeOf(u))
	if err != nil {
		return decision{}, err
	}
	switch {
	case acc == nil && c.mode == targets.ModeUpdate:
		return decision{}, notFound()
	case acc == nil:
		return decision{plan: targets.Plan{Outcome: targets.Created}}, nil
	case c.mode == targets.ModeCreate:
		return decision{}, exists(acc.ID)
	}
	body, pl, err := c.planUpdate(acc, u)
	return decision{plan: pl, body: body}, err
}

// Check implements targets.Checker: one list read of a single customer, which needs
// the credentials and the view_users privilege, and answers the list's own shape
// (docs/platforms/cscart.md, "Check").
func (c *Client) Check(ctx context.Context) error {
	fix := targets.Fix{Platform: "CS-Cart", URL: c.store, Credentials: EmailEnv + " and " + APIKeyEnv}
	q := url.Values{"user_type": {DefaultUserType}, "items_per_page": {"1"}}
	resp, err := c.api.Send(ctx, http.MethodGet, "/users?"+q.Encode(), nil)
	if err != nil {
		return fix.Failed(nil, err)
	}
	if resp.Status != http.StatusOK {
		if resp.Status == http.StatusForbidden && httpsOnly(resp) {
			https := *c.store
			https.Scheme = "https"
			return &targets.Error{Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeHTTP, Messages: []string{
				fmt.Sprintf("CS-Cart at %s takes API calls over HTTPS only (HTTP 403): use --url %s", targets.Redact(c.store), targets.Redact(&https))}}
		}
		return fix.Failed(resp, nil)
	}
	if !isUserList(resp.Body) {
		return fix.NotAPI(resp)
	}
	if c.companyID == "" {
		// Learn the edition now, so that a store that does not say fails before the
		// first row rather than at the first create.
		if _, err := c.defaultCompany(ctx); err != nil {
			return err
		}
	}
	return nil
}

// httpsOnly reports whether a 403 is the store's "api_https_only" refusal rather than
// missing privileges.
func httpsOnly(resp *targets.Response) bool {
	for _, m := range parseErrors(resp.Status, resp.Body) {
		if strings.Contains(strings.ToLower(m), "only accessible over https") {
			return true
		}
	}
	return false
}

// notFound is --mode update's failure for an e-mail nobody has. Like every message of
// this client, it does not repeat the e-mail: the row already shows it, and a message
// may end up where the row does not (a log, a run's fatal error).
func notFound() error {
	return &targets.Error{Kind: targets.Permanent, Code: targets.CodeNotFound,
		Messages: []string{"email: no user with this e-mail"}}
}

func exists(id string) error {
	return &targets.Error{Kind: targets.Permanent, Code: targets.CodeExists,
		Messages: []string{"email: a user with this e-mail already exists (user_id " + id + ")"}}
}

func (c *Client) userTypeOf(u *validate.User) string {
	return orDefault(strings.ToUpper(u.UserType), c.userType)
}

// statusOf is the status the row asks for: its own Status, else A or D from Active,
// else "" (the row says nothing, and an update leaves the account's status alone).
func statusOf(u *validate.User) string {
	if s := strings.ToUpper(strings.TrimSpace(u.Status)); s != "" {
		return s
	}
	switch u.Active {
	case validate.Yes:
		return "A"
	case validate.No:
		return "D"
	}
	return ""
}

// account is a user as the list answers it; every number is a string there.
type account struct {
	ID        string
	Login     string
	Email     string
	FirstName string
	LastName  string
	Phone     string
	Status    string
	UserType  string
	CompanyID string
}

// createRequest is the body of POST /users.
type createRequest struct {
	Email     string `json:"email"`
	UserType  string `json:"user_type"`
	CompanyID string `json:"company_id"`
	Status    string `json:"status"`
	FirstName string `json:"firstname,omitempty"`
	LastName  string `json:"lastname,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Login     string `json:"user_login,omitempty"`
	// Password1 and Password2 carry the password, the same in both, as the store's own
	// profile form sends it: fn_update_user then applies the store's password rules
	// and stores a hash. API 2.0's "password" would be stored as plain text
	// (docs/platforms/cscart.md, "Passwords").
	Password1 string `json:"password1,omitempty"`
	Password2 string `json:"password2,omitempty"`
	// Birthday is a Unix timestamp at noon UTC: the store shows it in its own
	// timezone, and noon is the same date from UTC-12 to UTC+11
	// (docs/platforms/cscart.md, "Create").
	Birthday int64 `json:"birthday,omitempty"`
}

// createBody maps u to the create request in storefront company (the row's, else
// --company-id, else the edition's). CS-Cart has no patronymic field, so the middle
// name is not sent.
func (c *Client) createBody(u *validate.User, company string) createRequest {
	r := createRequest{
		Email:     u.Email,
		UserType:  c.userTypeOf(u),
		CompanyID: orDefault(u.CompanyID, orDefault(c.companyID, company)),
		Status:    orDefault(statusOf(u), c.status),
		FirstName: u.FirstName, LastName: u.LastName, Phone: u.Phone,
		Login: u.Login, Password1: u.Password, Password2: u.Password,
	}
	r.Birthday = birthdayOf(u)
	return r
}

// birthdayOf is u's birthday as the store takes it: noon UTC of the date, which reads
// as the same date in every timezone a store may be set to; 0 for none.
func birthdayOf(u *validate.User) int64 {
	if u.BirthDate.IsZero() {
		return 0
	}
	d := u.BirthDate
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Unix()
}

// updateRequest is the body of PUT /users/{id}. company_id is always sent: CS-Cart
// Ultimate may move a customer to another storefront when it is missing
// (docs/platforms/cscart.md, "Update").
type updateRequest struct {
	CompanyID string `json:"company_id"`
	Status    string `json:"status,omitempty"`
	FirstName string `json:"firstname,omitempty"`
	LastName  string `json:"lastname,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Login     string `json:"user_login,omitempty"`
	// Password1 and Password2 go only where the Policy sends a password
	// (SendPassword), as on create.
	Password1 string `json:"password1,omitempty"`
	Password2 string `json:"password2,omitempty"`
	Birthday  int64  `json:"birthday,omitempty"`
}

// updateBody compares the account with u and returns the update to send and the
// changes it makes, before the Policy; no changes means no write. Only non-empty
// values of u are sent, so an update never erases. Not sent on update, on purpose: a
// login the importer made up (the account keeps the one it has), the default status (a
// disabled customer stays disabled unless the row says otherwise), a password the
// Policy does not send. The birthday is sent with a change but cannot make one: the
// list does not show it.
func (c *Client) updateBody(acc *account, u *validate.User) (updateRequest, []outcome.Change) {
	var ch []outcome.Change
	r := updateRequest{CompanyID: orDefault(u.CompanyID, orDefault(acc.CompanyID, orDefault(c.companyID, DefaultCompanyID)))}
	if r.CompanyID != acc.CompanyID && acc.CompanyID != "" {
		ch = append(ch, outcome.Change{Field: "company_id", Old: acc.CompanyID, New: r.CompanyID})
	}
	diff := func(field, old, new string, same func(a, b string) bool) string {
		if new == "" {
			return ""
		}
		if !same(strings.TrimSpace(old), new) {
			ch = append(ch, outcome.Change{Field: field, Old: old, New: new})
		}
		return new
	}
	exact := func(a, b string) bool { return a == b }
	// "firstname" and "lastname" are the API's names, which targets.IdentityChange
	// knows: both changing means the row may be another person.
	r.FirstName = diff("firstname", acc.FirstName, u.FirstName, exact)
	r.LastName = diff("lastname", acc.LastName, u.LastName, exact)
	// The phone is free text in CS-Cart; the same digits written another way are the
	// same phone, and rewriting them would be churn.
	r.Phone = diff("phone", acc.Phone, u.Phone, func(a, b string) bool { return digits(a) == digits(b) })
	r.Status = diff("status", acc.Status, statusOf(u), strings.EqualFold)
	if !u.LoginGenerated {
		r.Login = diff("user_login", acc.Login, u.Login, strings.EqualFold)
	}
	if c.policy.SendPassword(u) {
		r.Password1, r.Password2 = u.Password, u.Password
		ch = append(ch, targets.PasswordChange())
	}
	r.Birthday = birthdayOf(u)
	return r, ch
}

// planUpdate is what an update of acc to u does under the Policy: the body to send and
// the plan (Updated with its changes, or Unchanged). An error (CodeIdentity) means
// nothing may be sent. With UpdateMissing the body keeps only the fields the Policy
// kept, the account's own company_id (so that Ultimate does not move it), and no
// birthday (the list does not show whether the store has one).
func (c *Client) planUpdate(acc *account, u *validate.User) (updateRequest, targets.Plan, error) {
	r, changes := c.updateBody(acc, u)
	if len(changes) == 0 {
		return r, targets.Plan{Outcome: targets.Unchanged, ID: acc.ID}, nil
	}
	pl, err := c.policy.Apply(targets.Plan{Outcome: targets.Updated, ID: acc.ID, Changes: changes})
	if err != nil {
		return updateRequest{}, targets.Plan{}, err
	}
	if pl.Outcome != targets.Updated || len(pl.Changes) == 0 {
		return updateRequest{}, targets.Plan{Outcome: targets.Unchanged, ID: acc.ID}, nil
	}
	if c.policy.UpdateFields == targets.UpdateMissing {
		keep := func(field, v string) string {
			if targets.Keeps(pl.Changes, field) {
				return v
			}
			return ""
		}
		if !targets.Keeps(pl.Changes, "company_id") && acc.CompanyID != "" {
			r.CompanyID = acc.CompanyID
		}
		r.Status = keep("status", r.Status)
		r.FirstName = keep("firstname", r.FirstName)
		r.LastName = keep("lastname", r.LastName)
		r.Phone = keep("phone", r.Phone)
		r.Login = keep("user_login", r.Login)
		r.Password1 = keep(targets.PasswordField, r.Password1)
		r.Password2 = r.Password1
		r.Birthday = 0
	}
	return r, pl, nil
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// scopeOf is the storefront u's lookups are limited to: the row's company_id, else
// --company-id; "" (every storefront) when neither is given, or for company 0
// (Multi-Vendor's customers, whose e-mails are unique in the whole store).
func (c *Client) scopeOf(u *validate.User) string {
	s := orDefault(u.CompanyID, c.companyID)
	if s == "0" {
		return ""
	}
	return s
}

// elsewhere explains a create refused as a duplicate when the scoped lookup finds
// nobody: the e-mail (or the login) belongs to an account of another storefront, or of
// another user type, which the run must not touch. refused is the create's error,
// returned with its message when no such account is found.
func (c *Client) elsewhere(ctx context.Context, u *validate.User, refused error) error {
	if c.scopeOf(u) == "" {
		return refused
	}
	other, err := c.find(ctx, u.Email, c.userTypeOf(u), "")
	if err != nil || other == nil {
		return refused
	}
	return &targets.Error{Kind: targets.Permanent, Code: targets.CodeConflict, Messages: []string{
		"email: a user of storefront " + orDefault(other.CompanyID, "?") + " has this e-mail (user_id " + other.ID +
			"), and the store shares users between storefronts: this run's storefront is " + c.scopeOf(u)}}
}

// find looks email up among users of userType, in storefront company when it is not
// "", and returns the one whose e-mail is exactly it (case-insensitively), or nil.
// The store's filter is a substring match. Its errors never name the e-mail: the
// lookup's query holds it, and targets.Do drops the query from transport errors for
// the same reason.
func (c *Client) find(ctx context.Context, email, userType, company string) (*account, error) {
	seen := 0
	read := func(page int) ([]account, bool, error) {
		q := url.Values{"email": {email}, "user_type": {userType}, "items_per_page": {strconv.Itoa(pageSize)}}
		if company != "" {
			// Ultimate reads company_id (fn_ult_get_users); company_ids[] is the
			// generic filter of fn_get_users, which Multi-Vendor has too.
			q.Set("company_id", company)
			q.Set("company_ids[]", company)
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		resp, err := c.api.Call(ctx, http.MethodGet, "/users?"+q.Encode(), nil, http.StatusOK)
		if err != nil {
			return nil, false, fmt.Errorf("cscart: look up user: %w", err)
		}
		list, total, err := parseUsers(resp.Body)
		if err != nil {
			return nil, false, fmt.Errorf("cscart: look up user: %w", &targets.Error{
				Kind: targets.Permanent, Status: resp.Status, Code: targets.CodeHTTP, Err: err})
		}
		seen += len(list)
		return list, len(list) >= pageSize && (total <= 0 || seen < total), nil
	}
	ids := map[string]bool{} // a store that ignores page answers the same page again
	exact := func(a account) bool {
		if !strings.EqualFold(strings.TrimSpace(a.Email), email) || ids[a.ID] {
			return false
		}
		ids[a.ID] = true
		return true
	}
	return targets.FindOne(maxPages, read, exact, func(found []account) error {
		list := make([]string, len(found))
		for i, a := range found {
			list[i] = a.ID
		}
		return &targets.Error{Kind: targets.Permanent, Code: targets.CodeConflict,
			Messages: []string{"email: several users have this e-mail (user_id " + strings.Join(list, ", ") + ")"}}
	})
}

// create sends POST /users and returns the new user's id.
func (c *Client) create(ctx context.Context, u *validate.User) (string, error) {
	company := ""
	if u.CompanyID == "" && c.companyID == "" {
		var err error
		if company, err = c.defaultCompany(ctx); err != nil {
			return "", err
		}
	}
	resp, err := c.api.Call(ctx, http.MethodPost, "/users", c.createBody(u, company), http.StatusCreated, http.StatusOK)
	if err != nil {
		return "", targets.WithIntent(fmt.Errorf("cscart: create user: %w", err), targets.Created)
	}
	// An answer we cannot read still means the user landed; only the id is lost.
	return parseUserID(resp.Body), nil
}

// update sends PUT /users/{id}.
func (c *Client) update(ctx context.Context, id string, r updateRequest) error {
	if _, err := c.api.Call(ctx, http.MethodPut, "/users/"+url.PathEscape(id), r); err != nil {
		return fmt.Errorf("cscart: update user %s: %w", id, err)
	}
	return nil
}

// Codes of rows the store's password rules refuse (results.csv shows them).
const (
	// CodePassword: the password breaks a rule of the store (its minimum length, letters
	// and digits); the message names the rule.
	CodePassword = "password_rule"
	// CodePasswordUsed: the account has had this password (the current one or one of
	// the four before). Upsert retries without it; it reaches a row only when the
	// retry fails too.
	CodePasswordUsed = "password_used"
)

// statusError classifies a non-success answer with CS-Cart's own messages. A refusal
// because the e-mail or login is taken is a conflict: the row names an account that
// belongs to someone else (or appeared since the lookup, which the caller checks). A
// refusal by the password rules is CodePassword, its message prefixed with the field.
// Messages are matched in English, which every request asks for, and in Russian.
func statusError(method string, r *targets.Response) *targets.Error {
	msgs := parseErrors(r.Status, r.Body)
	e := targets.StatusError(method, r, msgs)
	if e.Kind != targets.Permanent {
		return e
	}
	switch {
	case matches(msgs, duplicateTexts):
		e.Code = targets.CodeConflict
	case matches(msgs, passwordUsedTexts):
		e.Code = CodePasswordUsed
		e.Messages = []string{"password: the store refuses a password this account has had (the current one or one of the four before): " + strings.Join(msgs, " ")}
	case matches(msgs, passwordRuleTexts):
		e.Code = CodePassword
		e.Messages = []string{"password: the store's password rules refuse it: " + strings.Join(msgs, " ")}
	}
	return e
}

// The stores' messages the client tells apart (docs/platforms/cscart.md, "Errors"),
// lower case, English and Russian: error_user_exists; error_password_was_used;
// error_password_min_symbols, error_password_content and error_passwords_dont_match.
var (
	duplicateTexts    = []string{"already exists", "уже существуют"}
	passwordUsedTexts = []string{"must not coincide", "не должен совпадать"}
	passwordRuleTexts = []string{"the password must contain", "passwords do not match",
		"пароль должен содержать", "пароли не совпадают"}
)

func matches(msgs, texts []string) bool {
	for _, m := range msgs {
		m = strings.ToLower(m)
		for _, t := range texts {
			if strings.Contains(m, t) {
				return true
			}
		}
	}
	return false
}
