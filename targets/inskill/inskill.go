// Package inskill puts users into an inSkill school through its API v3 (students).
//
// What the documentation says and what is inferred is in targets.md §1. In short: the
// identity is the e-mail; POST /api/v3/students with force=true creates or updates;
// without force an existing e-mail is a 422 that carries the existing student in data;
// PATCH /api/v3/students/{id} updates name, phone and product; GET
// /api/v3/students?search= is a fuzzy search over e-mail, name and phone, so the client
// keeps only exact e-mail matches itself.
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
	"time"

	"userimport/targets"
	"userimport/validate"
)

// TokenEnv is the environment variable the CLI reads the API token from.
const TokenEnv = "USERIMPORT_INSKILL_TOKEN"

// defaultTimeout bounds one HTTP exchange when the caller gives no client: long enough
// for a slow school behind a proxy, short enough that a dead one fails the row.
const defaultTimeout = 30 * time.Second

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
	// documentation does not say which header inSkill reads (targets.md §1.2).
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
	// HTTPClient sends the requests; nil means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Mode is upsert (the default), create or update.
	Mode targets.Mode
}

// NoScheme as Config.AuthScheme sends the bare token, without "Bearer ".
const NoScheme = "none"

// Client is an inSkill target. It is safe for concurrent use.
type Client struct {
	base       string // ends without a slash: https://school.inskill.ru/api/v3
	authHeader string
	authValue  string
	product    string
	notify     bool
	hc         *http.Client
	mode       targets.Mode
}

var (
	_ targets.Target  = (*Client)(nil)
	_ targets.Planner = (*Client)(nil)
)

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	base, err := apiBase(cfg.BaseURL)
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
	mode := cfg.Mode
	if mode == "" {
		mode = targets.ModeUpsert
	}
	if _, err := targets.ParseMode(string(mode)); err != nil {
		return nil, fmt.Errorf("inskill: %w", err)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	return &Client{
		base: base, authHeader: header, authValue: value, product: product,
		notify: cfg.NotifyAboutProduct, hc: hc, mode: mode,
	}, nil
}

// apiBase turns the school's address into the API root, accepting it with or without
// the /api/v3 the user may have pasted from the documentation.
func apiBase(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("no URL: give the school's address, e.g. https://school.inskill.ru")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("URL %q: want an http or https address such as https://school.inskill.ru", raw)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v3")
	u.Path = p + "/api/v3"
	// Credentials pasted into the URL would show in every error that names it.
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String(), nil
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

// Upsert implements targets.Target.
func (c *Client) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	product, err := c.productOf(u)
	if err != nil {
		return targets.Result{}, err
	}
	if c.mode == targets.ModeCreate {
		// Create-only needs no lookup: without force inSkill refuses an existing e-mail
		// and tells us who holds it.
		id, dup, err := c.create(ctx, u, product, false)
		if err != nil {
			return targets.Result{}, err
		}
		if dup != nil {
			return targets.Result{}, exists(dup.ID, dup.msgs)
		}
		return targets.Result{Outcome: targets.Created, ID: id}, nil
	}
	st, err := c.find(ctx, u.Email, product != 0)
	if err != nil {
		return targets.Result{}, err
	}
	if st == nil {
		if c.mode == targets.ModeUpdate {
			return targets.Result{}, notFound(u.Email)
		}
		// force=true: if someone created the student since our search, inSkill updates
		// it instead of failing the row.
		id, dup, err := c.create(ctx, u, product, true)
		if err != nil {
			return targets.Result{}, err
		}
		if dup == nil {
			return targets.Result{Outcome: targets.Created, ID: id}, nil
		}
		// A server that ignores force answers 422 with the existing student; update
		// it as the search would have (targets.md §1.4 step 2).
		st = &dup.student
	}
	body, changes := patchBody(st, u, product)
	if len(changes) == 0 {
		return targets.Result{Outcome: targets.Unchanged, ID: st.ID}, nil
	}
	if err := c.patch(ctx, st.ID, body); err != nil {
		return targets.Result{}, err
	}
	return targets.Result{Outcome: targets.Updated, ID: st.ID}, nil
}

// Plan implements targets.Planner with one search and no write.
func (c *Client) Plan(ctx context.Context, u *validate.User) (targets.Plan, error) {
	product, err := c.productOf(u)
	if err != nil {
		return targets.Plan{}, err
	}
	st, err := c.find(ctx, u.Email, product != 0)
	if err != nil {
		return targets.Plan{}, err
	}
	switch {
	case st == nil && c.mode == targets.ModeUpdate:
		return targets.Plan{}, notFound(u.Email)
	case st == nil:
		return targets.Plan{Outcome: targets.Created}, nil
	case c.mode == targets.ModeCreate:
		return targets.Plan{}, exists(st.ID, nil)
	}
	_, changes := patchBody(st, u, product)
	if len(changes) == 0 {
		return targets.Plan{Outcome: targets.Unchanged, ID: st.ID}, nil
	}
	return targets.Plan{Outcome: targets.Updated, ID: st.ID, Changes: changes}, nil
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
	Force              bool   `json:"force,omitempty"`
}

// createBody maps u to the create request. notify_about_product only means something
// with a product, so it is sent only then.
func createBody(u *validate.User, product int64, notify, force bool) createRequest {
	r := createRequest{Email: u.Email, Name: u.FullName(), Phone: u.Phone, Product: product, Force: force}
	if product != 0 {
		r.NotifyAboutProduct = &notify
	}
	return r
}

// patchRequest is the body of PATCH /students/{id}: only what changes.
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
func patchBody(st *student, u *validate.User, product int64) (patchRequest, []targets.Change) {
	var r patchRequest
	var ch []targets.Change
	if n := u.FullName(); n != "" && n != strings.TrimSpace(st.Name) {
		r.Name = n
		ch = append(ch, targets.Change{Field: "name", Old: st.Name, New: n})
	}
	if u.Phone != "" && u.Phone != strings.TrimSpace(st.Phone) {
		r.Phone = u.Phone
		ch = append(ch, targets.Change{Field: "phone", Old: st.Phone, New: u.Phone})
	}
	if product != 0 && !(st.HasProducts && hasProduct(st.Products, product)) {
		r.Product = product
		old := "" // the student has other products, or none
		if !st.HasProducts {
			old = "?" // inSkill did not say which products the student has
		}
		ch = append(ch, targets.Change{Field: "product", Old: old, New: strconv.FormatInt(product, 10)})
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
func (c *Client) find(ctx context.Context, email string, withProducts bool) (*student, error) {
	var found []student
	for page := 1; page <= maxSearchPages; page++ {
		q := url.Values{"search": {email}}
		if withProducts {
			q.Set("withProducts", "true")
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		resp, err := c.do(ctx, http.MethodGet, c.base+"/students?"+q.Encode(), nil)
		if err != nil {
			return nil, fmt.Errorf("inskill: search %s: %w", email, err)
		}
		if resp.Status != http.StatusOK {
			return nil, fmt.Errorf("inskill: search %s: %w", email, statusError(http.MethodGet, resp))
		}
		list, last, err := parseSearch(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("inskill: search %s: %w", email, &targets.Error{
				Kind: targets.Permanent, Status: resp.Status, Code: targets.CodeHTTP, Err: err})
		}
		for _, s := range list {
			if strings.EqualFold(strings.TrimSpace(s.Email), email) {
				found = append(found, s)
			}
		}
		if last <= page || len(list) == 0 {
			break
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	}
	ids := make([]string, len(found))
	for i, s := range found {
		ids[i] = s.ID
	}
	return nil, &targets.Error{Kind: targets.Permanent, Code: targets.CodeConflict,
		Messages: []string{"email: several students have this e-mail (ids " + strings.Join(ids, ", ") + ")"}}
}

// duplicate is inSkill's refusal of an e-mail already taken: the existing student and
// the messages that came with it.
type duplicate struct {
	student
	msgs []string
}

// create sends POST /students and returns the new (or, with force, updated) student's
// id. When inSkill refuses the e-mail as taken, it returns the existing student instead.
func (c *Client) create(ctx context.Context, u *validate.User, product int64, force bool) (string, *duplicate, error) {
	body, err := json.Marshal(createBody(u, product, c.notify, force))
	if err != nil {
		return "", nil, targets.WithIntent(fmt.Errorf("inskill: create student: %w", err), targets.Created)
	}
	resp, err := c.do(ctx, http.MethodPost, c.base+"/students", body)
	if err != nil {
		return "", nil, targets.WithIntent(fmt.Errorf("inskill: create student: %w", err), targets.Created)
	}
	if resp.Status == http.StatusOK || resp.Status == http.StatusCreated {
		// An answer we cannot read still means the student landed; only the id is lost.
		st, _ := parseOne(resp.Body)
		return st.ID, nil, nil
	}
	if resp.Status == http.StatusUnprocessableEntity {
		if st, ok := parseDuplicate(resp.Body); ok {
			return "", &duplicate{student: st, msgs: parseErrors(resp.Body)}, nil
		}
	}
	return "", nil, targets.WithIntent(fmt.Errorf("inskill: create student: %w", statusError(http.MethodPost, resp)), targets.Created)
}

// patch sends PATCH /students/{id}.
func (c *Client) patch(ctx context.Context, id string, r patchRequest) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("inskill: update student %s: %w", id, err)
	}
	resp, err := c.do(ctx, http.MethodPatch, c.base+"/students/"+url.PathEscape(id), body)
	if err != nil {
		return fmt.Errorf("inskill: update student %s: %w", id, err)
	}
	if resp.Status < 200 || resp.Status > 299 {
		return fmt.Errorf("inskill: update student %s: %w", id, statusError(http.MethodPatch, resp))
	}
	return nil
}

func (c *Client) do(ctx context.Context, method, u string, body []byte) (*targets.Response, error) {
	req, err := targets.JSONRequest(method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set(c.authHeader, c.authValue)
	return targets.Do(ctx, c.hc, req)
}

// statusError classifies a non-success answer with inSkill's own messages.
func statusError(method string, r *targets.Response) *targets.Error {
	return targets.StatusError(method, r, parseErrors(r.Body))
}
