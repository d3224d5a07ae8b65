// Package collaboratortest is an in-memory stand-in of Collaborator's single-user
// import, user list and login, for tests and `userimport sandbox`, as net/http/httptest
// stands beside net/http. It is written from docs/platforms/collaborator.md, with its
// own paths and field names, and does not import the client: a path the client gets
// wrong fails against it.
package collaboratortest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"userimport/targets/sandbox"
)

// User is an account as the sandbox stores it. Dates are DD.MM.YYYY whichever form
// they arrived in.
type User struct {
	UID        string
	SecondName string
	FirstName  string
	Patronymic string
	Login      string
	Email      string
	Password   string
	BirthDate  string
	Gender     string // "" not set, "0" male, "1" female
	// Blocked is is_active 0. An account created without is_active is active, so the
	// zero User is an active one.
	Blocked    bool
	City       string
	Department string
	Position   string
	Phone      string
	Tags       string
	HireDate   string // date_of_employment
	// WorkContact is work_contact, PositionDate date_of_assignment_current_position,
	// UserFields user_field1..user_field5.
	WorkContact  string
	PositionDate string
	UserFields   [5]string
}

// Sandbox is an in-memory stand-in of Collaborator's single-user import, user list and
// login, both API generations, behaving as docs/platforms/collaborator.md describes: an
// upsert keyed by uid, required fields on create, field errors as
// {"field":{"rule":"message"}}, a login or e-mail taken by another uid refused, counts
// that say what happened, and a list filtered by substring and paged ten at a time. It
// is an http.Handler, safe for concurrent use. Its paths and headers are written here
// from the documentation, not taken from the client.
//
// Credentials, on every path of either generation: an API token in
// X-Cbr-Authorization: Bearer <token>, or a session JWT that POST
// /api/rest.php/auth/session issued, in Authorization: Bearer <jwt>. A token in the
// other header, an unknown or expired JWT, or none answers 401.
//
// Choices where the documentation is silent: an update that changes nothing answers
// all counts zero; a create with is_active 0 answers created_count 1 and blocked_count
// 0 (blocked_count counts active accounts that became blocked, and a new account never
// was active); a block or unblock is also an update (updated_count 1); a field sent
// empty erases it, except the required ones, which answer "required"; a list item
// carries the import's field names plus the account's numeric id, with null for a
// missing uid or gender; the page is chosen with page=N; a refused credential answers
// 401 {"error":"..."}.
type Sandbox struct {
	cfg Config

	mu     sync.Mutex
	users  map[string]*User  // by uid
	ids    map[string]int64  // uid → the platform's own id
	nextID int64             // the last id given
	logins map[string]string // lower-cased login → uid
	emails map[string]string // lower-cased e-mail → uid
	// names holds each account's full name as the fullname filter reads it, lower-cased
	// and with single spaces, by uid: worked out on each write, not on each list call.
	names map[string]string
	jwts  map[string]*jwt // the session JWTs issued
	nJWT  int64           // JWTs issued

	// counts counts the imports that created or changed an account, and those that
	// carried a password for a uid that already existed.
	counts sandbox.Counter
}

// Config is what a Sandbox accepts.
type Config struct {
	// Token is the API token accepted in X-Cbr-Authorization.
	Token string
	// Email and Password are the login auth/session accepts.
	Email, Password string
	// JWTUses, when positive, expires a JWT after that many requests made with it: the
	// next one answers 401, as a real session's end does in a long import.
	JWTUses int
	// JWTLifetime, when positive, expires a JWT that long after it was issued.
	JWTLifetime time.Duration
	// AccessToken makes auth/session answer the JWT as access_token, as older servers
	// do, instead of jwt_token.
	AccessToken bool
}

// jwt is one issued session token.
type jwt struct {
	issued time.Time
	uses   int
}

// New returns an empty sandbox that accepts token as the API token, and no login.
// An empty token accepts any API token and any login: that is what `--sandbox` uses.
func New(token string) *Sandbox { return NewConfig(Config{Token: token}) }

// NewConfig returns an empty sandbox that accepts the credentials cfg gives. With
// neither a token nor an e-mail it accepts any API token, any login, or no credentials
// at all; a credential that is sent must still be in its documented header.
func NewConfig(cfg Config) *Sandbox {
	return &Sandbox{
		cfg:    cfg,
		users:  map[string]*User{},
		ids:    map[string]int64{},
		logins: map[string]string{},
		emails: map[string]string{},
		names:  map[string]string{},
		jwts:   map[string]*jwt{},
	}
}

// ExpireSessions ends every JWT issued so far, as a session's end does in the middle
// of a long import: their next request answers 401.
func (s *Sandbox) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.jwts)
}

// Logins is the number of JWTs auth/session issued.
func (s *Sandbox) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(s.nJWT)
}

// Users is a snapshot of the stored accounts, sorted by uid.
func (s *Sandbox) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out
}

// Len is the number of stored accounts.
func (s *Sandbox) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.users)
}

// Writes is the number of imports that created or changed an account. An import
// that changes nothing, one refused, a list request and Put do not count: a plan must
// leave it unchanged.
func (s *Sandbox) Writes() int64 { return s.counts.Writes() }

// Stats are what the sandbox counts: accounts, writes (Writes), and password resets,
// which are imports carrying a password for a uid that already existed, whether or not
// the password differed.
func (s *Sandbox) Stats() sandbox.Stats {
	return s.counts.Stats(s.Len())
}

// Put stores u as it is, replacing the account with the same uid, without checking any
// rule: it preloads accounts for a test.
func (s *Sandbox) Put(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.users[u.UID]; ok {
		s.unindex(old)
	} else {
		s.nextID++
		s.ids[u.UID] = s.nextID
	}
	s.users[u.UID] = &u
	s.index(&u)
}

func (s *Sandbox) index(u *User) {
	s.names[u.UID] = strings.ToLower(strings.Join(strings.Fields(u.SecondName+" "+u.FirstName+" "+u.Patronymic), " "))
	if u.Login != "" {
		s.logins[strings.ToLower(u.Login)] = u.UID
	}
	if u.Email != "" {
		s.emails[strings.ToLower(u.Email)] = u.UID
	}
}

func (s *Sandbox) unindex(u *User) {
	if k := strings.ToLower(u.Login); s.logins[k] == u.UID {
		delete(s.logins, k)
	}
	if k := strings.ToLower(u.Email); s.emails[k] == u.UID {
		delete(s.emails, k)
	}
}

// ServeHTTP answers the single-user import, POST
// /api/rest.php/imports-user?action=single-import (v1) and POST
// /api/v2/users-import/single (v2), the user list, GET /api/rest.php/auth/users (v1)
// and GET /api/v2/users/list (v2), and the login, POST /api/rest.php/auth/session.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var method string
	switch {
	case r.URL.Path == "/api/rest.php/imports-user" && r.URL.Query().Get("action") == "single-import",
		r.URL.Path == "/api/v2/users-import/single", r.URL.Path == "/api/rest.php/auth/session":
		method = http.MethodPost
	case r.URL.Path == "/api/rest.php/auth/users", r.URL.Path == "/api/v2/users/list":
		method = http.MethodGet
	default:
		sandbox.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		sandbox.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
		return
	}
	if r.URL.Path == "/api/rest.php/auth/session" {
		s.serveLogin(w, r)
		return
	}
	if why := s.authorize(r); why != "" {
		sandbox.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": why})
		return
	}
	if method == http.MethodGet {
		s.serveList(w, r)
		return
	}
	body, err := sandbox.ReadBody(w, r)
	if err != nil {
		if sandbox.TooLarge(err) {
			sandbox.WriteJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "request too large"})
			return
		}
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "unreadable request"})
		return
	}
	in, errs, ok := decodeImport(body)
	if !ok {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON"})
		return
	}
	res, errs := s.upsert(in, errs)
	if len(errs) > 0 {
		sandbox.WriteJSON(w, http.StatusBadRequest, errs)
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, res)
}

// open reports whether the sandbox accepts any credentials.
func (s *Sandbox) open() bool { return s.cfg.Token == "" && s.cfg.Email == "" }

// authorize checks a request's credentials and says why they are refused, "" when
// they are not. X-Cbr-Authorization carries the API token, Authorization a JWT from
// auth/session; a request with both is judged by X-Cbr-Authorization.
func (s *Sandbox) authorize(r *http.Request) string {
	if h := r.Header.Get("X-Cbr-Authorization"); h != "" {
		tok, ok := sandbox.Token(h, "Bearer")
		if !ok || (!s.open() && (s.cfg.Token == "" || !sandbox.Same(tok, s.cfg.Token))) {
			return "invalid API token in X-Cbr-Authorization"
		}
		return ""
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		if s.open() {
			return ""
		}
		return "no credentials: send an API token in X-Cbr-Authorization"
	}
	tok, ok := sandbox.Token(h, "Bearer")
	if !ok {
		return "invalid session token in Authorization"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jwts[tok]
	switch {
	case j == nil:
		// An API token sent here lands in this case too: Authorization takes only a
		// session JWT.
		return "invalid session token in Authorization"
	case s.cfg.JWTUses > 0 && j.uses >= s.cfg.JWTUses,
		s.cfg.JWTLifetime > 0 && time.Since(j.issued) > s.cfg.JWTLifetime:
		delete(s.jwts, tok)
		return "session token expired"
	}
	j.uses++
	return ""
}

// serveLogin answers POST /api/rest.php/auth/session {"email","password"}: the account
// and a new JWT, or 400 {"error":"User with this email does not exists"}.
func (s *Sandbox) serveLogin(w http.ResponseWriter, r *http.Request) {
	body, err := sandbox.ReadBody(w, r)
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err != nil || json.Unmarshal(body, &in) != nil {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON"})
		return
	}
	if in.Email == "" || in.Password == "" || (!s.open() &&
		(s.cfg.Email == "" || !strings.EqualFold(in.Email, s.cfg.Email) || !sandbox.Same(in.Password, s.cfg.Password))) {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "User with this email does not exists"})
		return
	}
	s.mu.Lock()
	s.nJWT++
	tok := fmt.Sprintf("eyJhbGciOiJIUzI1NiJ9.sandbox-%d.%x", s.nJWT, rand.Uint64())
	s.jwts[tok] = &jwt{issued: time.Now()}
	s.mu.Unlock()
	key := "jwt_token"
	if s.cfg.AccessToken {
		key = "access_token"
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]string{"id": "1", "login": in.Email, "firstname": "API",
		"secondname": "Import", key: tok, "site_id": "1"})
}

// perPage is the list's page size: the documentation's example answers countPerPage 10.
const perPage = 10

// listFilters are the list's filters; fullname matches the full name, the e-mail or
// the login. Each is a case-insensitive substring match; several must all match.
var listFilters = []string{"fullname", "login", "email", "position", "department", "city", "tags"}

// listItem is one account as the list shows it.
type listItem struct {
	ID               int64   `json:"id"`
	UID              *string `json:"uid"`
	Login            string  `json:"login"`
	Email            string  `json:"email"`
	SecondName       string  `json:"secondname"`
	FirstName        string  `json:"firstname"`
	Patronymic       string  `json:"patronymic"`
	BirthDate        string  `json:"birth_date"`
	Gender           *int    `json:"gender"`
	IsActive         int     `json:"is_active"`
	City             string  `json:"city"`
	Department       string  `json:"department"`
	Position         string  `json:"position"`
	Phone            string  `json:"phone"`
	Tags             string  `json:"tags"`
	DateOfEmployment string  `json:"date_of_employment"`
	WorkContact      string  `json:"work_contact"`
	PositionDate     string  `json:"date_of_assignment_current_position"`
	UserField1       string  `json:"user_field1"`
	UserField2       string  `json:"user_field2"`
	UserField3       string  `json:"user_field3"`
	UserField4       string  `json:"user_field4"`
	UserField5       string  `json:"user_field5"`
}

type listPager struct {
	Current      int `json:"current"`
	Count        int `json:"count"` // pages
	Total        int `json:"total"`
	CountPerPage int `json:"countPerPage"`
}

// serveList answers one page of the filtered list, accounts in the order of their id.
func (s *Sandbox) serveList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			sandbox.WriteJSON(w, http.StatusBadRequest, fieldErrors{"page": {"integer": "Must be a positive integer"}})
			return
		}
		page = n
	}
	want := map[string]string{}
	for _, f := range listFilters {
		if v := strings.ToLower(strings.TrimSpace(q.Get("filter[" + f + "]"))); v != "" {
			want[f] = v
		}
	}
	s.mu.Lock()
	var items []listItem
	for uid, u := range s.users {
		if matches(u, s.names[uid], want) {
			items = append(items, item(s.ids[uid], u))
		}
	}
	s.mu.Unlock()
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	pager := listPager{Current: page, Count: (len(items) + perPage - 1) / perPage, Total: len(items), CountPerPage: perPage}
	from, to := min((page-1)*perPage, len(items)), min(page*perPage, len(items))
	sandbox.WriteJSON(w, http.StatusOK, struct {
		Data  []listItem `json:"data"`
		Pager listPager  `json:"pager"`
	}{append([]listItem{}, items[from:to]...), pager})
}

// matches reports whether u passes every filter of want; name is u's full name as
// index keeps it.
func matches(u *User, name string, want map[string]string) bool {
	has := func(s, sub string) bool { return strings.Contains(strings.ToLower(s), sub) }
	for f, v := range want {
		var ok bool
		switch f {
		case "fullname":
			ok = strings.Contains(name, v) || has(u.Email, v) || has(u.Login, v)
		case "login":
			ok = has(u.Login, v)
		case "email":
			ok = has(u.Email, v)
		case "position":
			ok = has(u.Position, v)
		case "department":
			ok = has(u.Department, v)
		case "city":
			ok = has(u.City, v)
		case "tags":
			ok = has(u.Tags, v)
		}
		if !ok {
			return false
		}
	}
	return true
}

func item(id int64, u *User) listItem {
	it := listItem{ID: id, Login: u.Login, Email: u.Email, SecondName: u.SecondName, FirstName: u.FirstName,
		Patronymic: u.Patronymic, BirthDate: u.BirthDate, IsActive: 1, City: u.City, Department: u.Department,
		Position: u.Position, Phone: u.Phone, Tags: u.Tags, DateOfEmployment: u.HireDate,
		WorkContact: u.WorkContact, PositionDate: u.PositionDate, UserField1: u.UserFields[0],
		UserField2: u.UserFields[1], UserField3: u.UserFields[2], UserField4: u.UserFields[3], UserField5: u.UserFields[4]}
	if uid := u.UID; uid != "" {
		it.UID = &uid
	}
	if g, err := strconv.Atoi(u.Gender); err == nil {
		it.Gender = &g
	}
	if u.Blocked {
		it.IsActive = 0
	}
	return it
}

// fieldErrors is the 400 body: field → rule → message.
type fieldErrors map[string]map[string]string

func (e fieldErrors) add(field, rule, msg string) {
	if e[field] == nil {
		e[field] = map[string]string{}
	}
	e[field][rule] = msg
}

// importCounts is the 200 body.
type importCounts struct {
	Created   int `json:"created_count"`
	Updated   int `json:"updated_count"`
	Blocked   int `json:"blocked_count"`
	Unblocked int `json:"unblocked_count"`
}

// Fields the sandbox stores; others (facebook_id, google_id, ...) are accepted and
// ignored, as "the order of the fields does not matter" and unknown ones do no harm.
var (
	stringFields = []string{"uid", "secondname", "firstname", "patronymic", "login", "email", "password",
		"birth_date", "city", "department", "position", "phone", "tags", "date_of_employment", "work_contact",
		"date_of_assignment_current_position", "user_field1", "user_field2", "user_field3", "user_field4", "user_field5"}
	flagFields     = []string{"gender", "is_active"}
	requiredFields = []string{"uid", "secondname", "firstname", "login", "email", "password", "position"}
	allFields      = append(append([]string(nil), stringFields...), flagFields...)
)

// decodeImport reads the body into field → text for the fields that were sent (a null
// counts as not sent). Strings and numbers are taken as text, since PHP servers take
// "0" and 0 alike; any other type is a field error. ok is false when the body is not a
// JSON object.
func decodeImport(body []byte) (in map[string]string, errs fieldErrors, ok bool) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return nil, nil, false
	}
	in, errs = map[string]string{}, fieldErrors{}
	for _, f := range allFields {
		v, sent := raw[f]
		if !sent {
			continue
		}
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, nil, false
		}
		switch x := x.(type) {
		case nil:
		case string:
			in[f] = strings.TrimSpace(x)
		case float64:
			in[f] = strings.TrimSpace(string(v))
		default:
			errs.add(f, "type", "Must be a string or a number")
		}
	}
	return in, errs, true
}

// upsert applies one import under the lock.
func (s *Sandbox) upsert(in map[string]string, errs fieldErrors) (importCounts, fieldErrors) {
	s.mu.Lock()
	defer s.mu.Unlock()

	uid := in["uid"]
	old, exists := s.users[uid]
	for _, f := range requiredFields {
		v, sent := in[f]
		// On create every required field must be there; on update only uid, but a
		// required field sent empty cannot erase the value.
		if v == "" && errs[f] == nil && (sent || !exists || f == "uid") {
			errs.add(f, "required", "Field cannot be empty")
		}
	}
	if v := in["email"]; v != "" && !validEmail(v) {
		errs.add("email", "email", "Invalid email")
	}
	for _, f := range flagFields {
		if v, sent := in[f]; sent && v != "0" && v != "1" {
			errs.add(f, "in", "Must be 0 or 1")
		}
	}
	dates := map[string]string{}
	for _, f := range []string{"birth_date", "date_of_employment", "date_of_assignment_current_position"} {
		v := in[f]
		if v == "" {
			continue
		}
		d, ok := normalizeDate(v)
		if !ok {
			errs.add(f, "date", "Invalid date, use DD.MM.YYYY or YYYY-MM-DD")
		}
		dates[f] = d
	}
	if v := in["login"]; v != "" {
		if owner, ok := s.logins[strings.ToLower(v)]; ok && owner != uid {
			errs.add("login", "unique", "Login already taken by another user")
		}
	}
	if v := in["email"]; v != "" {
		if owner, ok := s.emails[strings.ToLower(v)]; ok && owner != uid {
			errs.add("email", "unique", "Email already taken by another user")
		}
	}
	if len(errs) > 0 {
		return importCounts{}, errs
	}

	var u User
	if exists {
		u = *old
	}
	u.UID = uid
	set := func(f string, dst *string) {
		if v, sent := in[f]; sent {
			*dst = v
		}
	}
	set("secondname", &u.SecondName)
	set("firstname", &u.FirstName)
	set("patronymic", &u.Patronymic)
	set("login", &u.Login)
	set("email", &u.Email)
	set("password", &u.Password)
	set("city", &u.City)
	set("department", &u.Department)
	set("position", &u.Position)
	set("phone", &u.Phone)
	set("tags", &u.Tags)
	set("gender", &u.Gender)
	set("work_contact", &u.WorkContact)
	for i := range u.UserFields {
		set("user_field"+strconv.Itoa(i+1), &u.UserFields[i])
	}
	if _, sent := in["date_of_assignment_current_position"]; sent {
		u.PositionDate = dates["date_of_assignment_current_position"]
	}
	if _, sent := in["birth_date"]; sent {
		u.BirthDate = dates["birth_date"]
	}
	if _, sent := in["date_of_employment"]; sent {
		u.HireDate = dates["date_of_employment"]
	}
	if v, sent := in["is_active"]; sent {
		u.Blocked = v == "0"
	}

	var res importCounts
	if exists && in["password"] != "" {
		s.counts.Reset()
	}
	switch {
	case !exists:
		res.Created = 1
		s.nextID++
		s.ids[uid] = s.nextID
	case u != *old:
		res.Updated = 1
		if u.Blocked && !old.Blocked {
			res.Blocked = 1
		}
		if !u.Blocked && old.Blocked {
			res.Unblocked = 1
		}
	default:
		return res, nil
	}
	s.counts.Wrote()
	if exists {
		s.unindex(old)
	}
	s.users[uid] = &u
	s.index(&u)
	return res, nil
}

// validEmail is the sandbox's syntax check: one bare address with a dotted domain.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// normalizeDate takes DD.MM.YYYY or YYYY-MM-DD, a real calendar date, and gives
// DD.MM.YYYY.
func normalizeDate(s string) (string, bool) {
	for _, layout := range []string{"02.01.2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("02.01.2006"), true
		}
	}
	return "", false
}
