// Package inskill puts users into an inSkill school through its API v3 (students).
//
// What the documentation says and what is inferred is in docs/platforms/inskill.md. In
// short: the identity is the e-mail; POST /api/v3/students creates a student, and an
// existing e-mail is a 422 that carries the existing student in data; PATCH
// /api/v3/students/{id} updates name, phone and product; GET /api/v3/students?search=
// is a fuzzy search over e-mail, name and phone, so the client keeps only exact e-mail
// matches itself. inSkill makes up a new student's password and e-mails it; the API
// takes none, so the client never sends one.
//
// The client never sends force=true, which makes the create an update of an existing
// student: that update would bypass the Policy (an identity check, --update-fields
// missing), and what else it does (a new password, the welcome e-mail again) is not
// documented. A student who appears between the search and the create comes back as
// the 422 and is updated through the Policy like any other.
package inskill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"userimport/outcome"
	"userimport/targets"
	"userimport/validate"
)

// TokenEnv is the environment variable the CLI reads the API token from.
const TokenEnv = "USERIMPORT_INSKILL_TOKEN"

// maxSearchPages caps how many result pages a search for one e-mail may walk. The search
// is fuzzy, so an e-mail's domain can match many people; 20 pages of Laravel's default 15
// is 300 people, far more than any real address matches, and the cap keeps a server
// that always claims another page from looping forever.
const maxSearchPages = 20

// Config configures a Client. Credentials are plain strings: the client never reads the
// environment, the CLI does.
type Config struct {
	// BaseURL is the school's address without the API path, e.g.
	// https://school.inskill.ru; the client adds /api/v3/.
	BaseURL string
	// Token is the API token (USERIMPORT_INSKILL_TOKEN).
	Token string
	// AuthHeader is the header the token goes in; empty means "Authorization". The
	// documentation does not say which header inSkill reads (docs/platforms/inskill.md).
	AuthHeader string
	// AuthScheme is the word before the token in that header. Empty means "Bearer" for
	// the Authorization header and no word (the raw token) for any other header;
	// NoScheme sends the raw token in the Authorization header too.
	AuthScheme string
	// Product is the id (an integer) of a product to grant every imported student;
	// a row's own Product wins. Empty grants none.
	Product string
	// NotifyAboutProduct makes inSkill send its "new product" e-mail when a product is
	// granted.
	NotifyAboutProduct bool
	// HTTPClient sends the requests; nil means a client with targets.DefaultTimeout.
	HTTPClient *http.Client
	// Mode is upsert (the default), create or update.
	Mode targets.Mode
	// Policy is what an update may change on a student who exists. Its
	// ResetPasswords changes nothing here: inSkill takes no password.
	Policy targets.Policy
}

// apiPath is the API root below the school's address; an address given with it is
// taken too.
const apiPath = "/api/v3"

// NoScheme as Config.AuthScheme sends the bare token, without "Bearer ".
const NoScheme = "none"

// Client is an inSkill target. It is safe for concurrent use.
type Client struct {
	site       *url.URL    // the school's address as given, without the API path
	api        targets.API // rooted at https://school.inskill.ru/api/v3, with the token
	authHeader string
	authScheme string // as sent, for messages: "" for the bare token
	product    string
	notify     bool
	mode       targets.Mode
	policy     targets.Policy
}

var (
	_ targets.Target  = (*Client)(nil)
	_ targets.Planner = (*Client)(nil)
	_ targets.Checker = (*Client)(nil)
)

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	site, err := targets.Site{Whose: "school", Example: "https://school.inskill.ru", APIPaths: []string{apiPath}}.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("inskill: %w", err)
	}
	tok := strings.TrimSpace(cfg.Token)
	if tok == "" {
		return nil, fmt.Errorf("inskill: no API token: set %s", TokenEnv)
	}
	header := strings.TrimSpace(cfg.AuthHeader)
	if header == "" {
		header = "Authorization"
	}
	scheme := strings.TrimSpace(cfg.AuthScheme)
	switch {
	case strings.EqualFold(scheme, NoScheme):
		scheme = ""
	case scheme == "" && strings.EqualFold(header, "Authorization"):
		scheme = "Bearer"
	}
	value := tok
	if scheme != "" {
		value = scheme + " " + tok
	}
	product := strings.TrimSpace(cfg.Product)
	if product != "" {
		if _, err := parseProduct(product); err != nil {
			return nil, fmt.Errorf("inskill: product %q: %w", product, err)
		}
	}
	mode, err := targets.ParseMode(string(cfg.Mode))
	if err != nil {
		return nil, fmt.Errorf("inskill: %w", err)
	}
	return &Client{
		site: site, authHeader: header, authScheme: scheme,
		api:     targets.NewAPI(targets.Below(site, apiPath), cfg.HTTPClient, targets.Header(header, value), statusError),
		product: product, notify: cfg.NotifyAboutProduct, mode: mode, policy: cfg.Policy,
	}, nil
}

// parseProduct checks that a product id is a positive integer, as inSkill's product
// parameter is.
func parseProduct(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("a product id is a positive whole number, from the admin page \"Моя страница\"")
	}
	return n, nil
}

// Name implements targets.Target.
func (c *Client) Name() string { return "inskill" }

// Upsert implements targets.Target. It never sends a password: inSkill makes up a new
// student's password itself and e-mails it, and its API takes none, so
// Result.PasswordSet stays false and no generated password is recorded.
func (c *Client) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	product, err := c.productOf(u)
	if err != nil {
		return targets.Result{}, err
	}
	// Create-only needs no lookup: inSkill refuses an existing e-mail and tells us who
	// holds it.
	d := decision{plan: targets.Plan{Outcome: targets.Created}}
	if c.mode != targets.ModeCreate {
		if d, err = c.decide(ctx, u, product); err != nil {
			return targets.Result{}, err
		}
	}
	if d.plan.Outcome == targets.Created {
		id, dup, err := c.create(ctx, u, product)
		if err != nil {
			return targets.Result{}, err
		}
		if dup == nil {
			return targets.Result{Outcome: targets.Created, ID: id}, nil
		}
		if c.mode == targets.ModeCreate {
			return targets.Result{}, exists(dup.ID, dup.msgs)
		}
		// Someone created the student since our search: inSkill answered 422 with the
		// student, who is updated, by the Policy, as if the search had found them.
		if d, err = c.update(&dup.student, u, product); err != nil {
			return targets.Result{}, err
		}
	}
	if d.plan.Outcome == targets.Unchanged {
		return targets.Result{Outcome: targets.Unchanged, ID: d.plan.ID}, nil
	}
	if err := c.patch(ctx, d.plan.ID, d.body); err != nil {
		return targets.Result{}, err
	}
	return targets.Result{Outcome: targets.Updated, ID: d.plan.ID}, nil
}

// Plan implements targets.Planner with one search and no write. It decides as Upsert
// does, the Policy included.
func (c *Client) Plan(ctx context.Context, u *validate.User) (targets.Plan, error) {
	product, err := c.productOf(u)
	if err != nil {
		return targets.Plan{}, err
	}
	d, err := c.decide(ctx, u, product)
	return d.plan, err
}

// decision is what a row comes to: the plan, and for an update the body that carries
// it out.
type decision struct {
	plan targets.Plan
	body patchRequest
}

// decide searches for u and says, by the mode and the Policy, what Upsert sends: a
// create, an update and its body, or nothing. An error is the row's: nothing may be
// sent.
func (c *Client) decide(ctx context.Context, u *validate.User, product int64) (decision, error) {
	st, err := c.find(ctx, u.Email, product != 0)
	if err != nil {
		return decision{}, err
	}
	switch {
	case st == nil && c.mode == targets.ModeUpdate:
		return decision{}, notFound(u.Email)
	case st == nil:
		return decision{plan: targets.Plan{Outcome: targets.Created}}, nil
	case c.mode == targets.ModeCreate:
		return decision{}, exists(st.ID, nil)
	}
	return c.update(st, u, product)
}

// update decides, by the Policy, what an update of the existing student st sends: the
// plan (Updated with the changes, or Unchanged) and the body, which holds only the
// fields among the plan's changes. An update the Policy refuses is the error, and
// nothing is to be sent.
func (c *Client) update(st *student, u *validate.User, product int64) (decision, error) {
	body, changes := patchBody(st, u, product)
	pl := targets.Plan{Outcome: targets.Unchanged, ID: st.ID}
	if len(changes) > 0 {
		pl.Outcome, pl.Changes = targets.Updated, changes
	}
	pl, err := c.policy.Apply(pl)
	if err != nil {
		return decision{}, err
	}
	if pl.Outcome != targets.Updated {
		return decision{plan: targets.Plan{Outcome: pl.Outcome, ID: pl.ID}}, nil
	}
	if !targets.Keeps(pl.Changes, fieldName) {
		body.Name = ""
	}
	if !targets.Keeps(pl.Changes, fieldPhone) {
		body.Phone = ""
	}
	if !targets.Keeps(pl.Changes, fieldProduct) {
		body.Product = 0
	}
	return decision{plan: pl, body: body}, nil
}

// Names of the fields in a Change. "name" is inSkill's one full name (ФИО), which
// targets.IdentityChange recognises as a full name.
const (
	fieldName    = "name"
	fieldPhone   = "phone"
	fieldProduct = "product"
)

// checkSearch is what Check searches for: a string no e-mail, name or phone contains,
// so that the answer is small and names nobody.
const checkSearch = "userimport-check-no-such-student"

// Check implements targets.Checker with one search, the cheapest authenticated read
// the API documents. It proves that --url leads to an inSkill API and that the token
// is taken in the configured header; an answer of another shape (a login page, a
// proxy's placeholder) is refused too.
func (c *Client) Check(ctx context.Context) error {
	fix := targets.Fix{Platform: "inSkill", URL: c.site, Credentials: TokenEnv}
	q := url.Values{"search": {checkSearch}}
	resp, err := c.api.Send(ctx, http.MethodGet, "/students?"+q.Encode(), nil)
	if err == nil && resp.Status == http.StatusOK {
		if _, err := parseSearch(resp.Body, 1); err != nil {
			e := fix.NotAPI(resp)
			if te, ok := errors.AsType[*targets.Error](e); ok && json.Valid(resp.Body) && len(te.Messages) == 1 {
				// JSON at the right address may be inSkill's answer in a shape it
				// does not document, changed since this tool was written.
				te.Messages[0] += "; if --url is right, " + err.Error()
			}
			return e
		}
		return nil
	}
	err = fix.Failed(resp, err)
	if e, ok := errors.AsType[*targets.Error](err); ok && e.Code == targets.CodeAuth && len(e.Messages) == 1 {
		// inSkill does not document where it reads the token: the header may be the
		// thing to fix, not the token.
		e.Messages[0] += fmt.Sprintf(", or where the token goes (%s): --auth-header and --auth-scheme", c.authDescription())
	}
	return err
}

// authDescription says how the token is sent, without the token.
func (c *Client) authDescription() string {
	if c.authScheme == "" {
		return "the bare token in " + c.authHeader
	}
	return c.authHeader + ": " + c.authScheme + " <token>"
}

// productOf is the product to grant u: the row's own, else the configured one, else 0.
// A row's product that is not a number fails the row before anything is sent.
func (c *Client) productOf(u *validate.User) (int64, error) {
	p := strings.TrimSpace(u.Product)
	if p == "" {
		p = c.product
	}
	if p == "" {
		return 0, nil
	}
	n, err := parseProduct(p)
	if err != nil {
		return 0, &targets.Error{Kind: targets.Permanent, Code: targets.CodeRejected,
			Messages: []string{"product: " + err.Error()}}
	}
	return n, nil
}

func notFound(email string) error {
	return &targets.Error{Kind: targets.Permanent, Code: targets.CodeNotFound,
		Messages: []string{"email: no student with e-mail " + email}}
}

func exists(id string, msgs []string) error {
	m := append([]string{"id: a student with this e-mail already exists (id " + id + ")"}, msgs...)
	return &targets.Error{Kind: targets.Permanent, Code: targets.CodeExists, Messages: m}
}

// student is a student as the API returns it. The id is a number in the documented
// create answer; a string is accepted too.
type student struct {
	ID       string
	Name     string
	Email    string
	Phone    string
	Products []int64
	// HasProducts is true when the answer listed the student's products at all, so
	// that a missing product can be told from an unknown one.
	HasProducts bool
}

// createRequest is the body of POST /students.
type createRequest struct {
	Email              string `json:"email"`
	Name               string `json:"name,omitempty"`
	Phone              string `json:"phone,omitempty"`
	Product            int64  `json:"product,omitempty"`
	NotifyAboutProduct *bool  `json:"notify_about_product,omitempty"`
}

// createBody maps u to the create request. notify_about_product only means something
// with a product, so it is sent only then. There is no force (see the package comment)
// and no password (inSkill takes none).
func createBody(u *validate.User, product int64, notify bool) createRequest {
	r := createRequest{Email: u.Email, Name: u.FullName(), Phone: u.Phone, Product: product}
	if product != 0 {
		r.NotifyAboutProduct = &notify
	}
	return r
}

// patchRequest is the body of PATCH /students/{id}: only what changes. inSkill's update
// takes no password, and none is ever sent.
type patchRequest struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Product int64  `json:"product,omitempty"`
}

// patchBody compares the student with u and returns the update to send and the changes
// it makes; no changes means nothing is to be sent. Empty values of u are never sent,
// so an update never erases. A product counts as a change unless the answer listed the
// student's products and the product was among them: granting a product inSkill did
// not tell us about is safer than silently skipping it.
func patchBody(st *student, u *validate.User, product int64) (patchRequest, []outcome.Change) {
	var r patchRequest
	var ch []outcome.Change
	if n := u.FullName(); n != "" && n != strings.TrimSpace(st.Name) {
		r.Name = n
		ch = append(ch, outcome.Change{Field: fieldName, Old: st.Name, New: n})
	}
	if u.Phone != "" && u.Phone != strings.TrimSpace(st.Phone) {
		r.Phone = u.Phone
		ch = append(ch, outcome.Change{Field: fieldPhone, Old: st.Phone, New: u.Phone})
	}
	if product != 0 && !(st.HasProducts && hasProduct(st.Products, product)) {
		r.Product = product
		old := "" // the student has other products, or none
		if !st.HasProducts {
			old = "?" // inSkill did not say which products the student has
		}
		ch = append(ch, outcome.Change{Field: fieldProduct, Old: old, New: strconv.FormatInt(product, 10)})
	}
	return r, ch
}

func hasProduct(list []int64, p int64) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}

// find searches for email and returns the one student whose e-mail is exactly it
// (case-insensitively), or nil. The search is fuzzy, so other people come back too.
// Its errors do not repeat the e-mail: a Fatal one stops the run and is shown on its
// own, and the row's report names the row.
func (c *Client) find(ctx context.Context, email string, withProducts bool) (*student, error) {
	read := func(page int) ([]student, bool, error) {
		q := url.Values{"search": {email}}
		if withProducts {
			// A Laravel boolean: "1", not "true" (docs/platforms/inskill.md).
			q.Set("withProducts", "1")
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		resp, err := c.api.Call(ctx, http.MethodGet, "/students?"+q.Encode(), nil, http.StatusOK)
		if err != nil {
			return nil, false, fmt.Errorf("inskill: search: %w", err)
		}
		p, err := parseSearch(resp.Body, page)
		if err != nil {
			// Fatal: an answer the client cannot read would be the same for every
			// row, and read as "nobody" it would create everyone again.
			return nil, false, fmt.Errorf("inskill: search: %w", &targets.Error{
				Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeHTTP, Messages: []string{err.Error()}})
		}
		return p.students, p.more(page) && len(p.students) > 0, nil
	}
	exact := func(s student) bool { return strings.EqualFold(strings.TrimSpace(s.Email), email) }
	return targets.FindOne(maxSearchPages, read, exact, func(found []student) error {
		ids := make([]string, len(found))
		for i, s := range found {
			ids[i] = s.ID
		}
		return &targets.Error{Kind: targets.Permanent, Code: targets.CodeConflict,
			Messages: []string{"email: several students have this e-mail (ids " + strings.Join(ids, ", ") + ")"}}
	})
}

// duplicate is inSkill's refusal of an e-mail already taken: the existing student and
// the messages that came with it.
type duplicate struct {
	student
	msgs []string
}

// create sends POST /students and returns the new student's id. When inSkill refuses
// the e-mail as taken, it returns the existing student instead.
func (c *Client) create(ctx context.Context, u *validate.User, product int64) (string, *duplicate, error) {
	resp, err := c.api.Call(ctx, http.MethodPost, "/students", createBody(u, product, c.notify), http.StatusOK, http.StatusCreated)
	if err != nil {
		if resp != nil && resp.Status == http.StatusUnprocessableEntity {
			if st, ok := parseDuplicate(resp.Body); ok {
				return "", &duplicate{student: st, msgs: parseErrors(resp.Body)}, nil
			}
		}
		return "", nil, targets.WithIntent(fmt.Errorf("inskill: create student: %w", err), targets.Created)
	}
	// An answer we cannot read still means the student landed; only the id is lost.
	st, _ := parseOne(resp.Body)
	return st.ID, nil, nil
}

// patch sends PATCH /students/{id}.
func (c *Client) patch(ctx context.Context, id string, r patchRequest) error {
	if _, err := c.api.Call(ctx, http.MethodPatch, "/students/"+url.PathEscape(id), r); err != nil {
		return fmt.Errorf("inskill: update student %s: %w", id, err)
	}
	return nil
}

// statusError classifies a non-success answer with inSkill's own messages.
func statusError(method string, r *targets.Response) *targets.Error {
	return targets.StatusError(method, r, parseErrors(r.Body))
}
