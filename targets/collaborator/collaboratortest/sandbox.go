// Package collaboratortest is an in-memory stand-in of Collaborator's single-user
// import and user list, for tests and `userimport sandbox`, as net/http/httptest
// stands beside net/http. It is written from docs/platforms/collaborator.md, with its
// own paths and field names, and does not import the client: a path the client gets
// wrong fails against it.
package collaboratortest

import (
	"encoding/json"
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
}

// Sandbox is an in-memory stand-in of Collaborator's single-user import and user list,
// both API generations, behaving as docs/platforms/collaborator.md describes: an upsert
// keyed by uid, required fields on create, field errors as {"field":{"rule":"message"}},
// a login or e-mail taken by another uid refused, counts that say what happened, and a
// list filtered by substring and paged ten at a time. It is an http.Handler, safe for
// concurrent use. Its paths and headers are written here from the documentation, not
// taken from the client.
//
// Choices where the documentation is silent: an update that changes nothing answers
// all counts zero; a create with is_active 0 answers created_count 1 and blocked_count
// 0 (blocked_count counts active accounts that became blocked, and a new account never
// was active); a block or unblock is also an update (updated_count 1); a field sent
// empty erases it, except the required ones, which answer "required"; a list item
// carries the import's field names plus the account's numeric id, with null for a
// missing uid or gender; the page is chosen with page=N.
type Sandbox struct {
	token string

	mu     sync.Mutex
	users  map[string]*User  // by uid
	ids    map[string]int64  // uid → the platform's own id
	nextID int64             // the last id given
	logins map[string]string // lower-cased login → uid
	emails map[string]string // lower-cased e-mail → uid

	// counts counts the imports that created or changed an account, and those that
	// carried a password for a uid that existed.
	counts sandbox.Counter
}

// New returns an empty sandbox that accepts token in the header of the API
// generation asked for (Authorization for v1, X-Cbr-Authorization for v2). An empty
// token accepts any token, or none: that is what `--sandbox` uses.
func New(token string) *Sandbox {
	return &Sandbox{
		token:  token,
		users:  map[string]*User{},
		ids:    map[string]int64{},
		logins: map[string]string{},
		emails: map[string]string{},
	}
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
// /api/rest.php/imports-user?action=single-import (v1, token in Authorization) and POST
// /api/v2/users-import/single (v2, token in X-Cbr-Authorization), and the user list,
// GET /api/rest.php/auth/users (v1) and GET /api/v2/users/list (v2).
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var header, method string
	switch {
	case r.URL.Path == "/api/rest.php/imports-user" && r.URL.Query().Get("action") == "single-import":
		header, method = "Authorization", http.MethodPost
	case r.URL.Path == "/api/v2/users-import/single":
		header, method = "X-Cbr-Authorization", http.MethodPost
	case r.URL.Path == "/api/rest.php/auth/users":
		header, method = "Authorization", http.MethodGet
	case r.URL.Path == "/api/v2/users/list":
		header, method = "X-Cbr-Authorization", http.MethodGet
	default:
		sandbox.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		sandbox.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
		return
	}
	if !s.authorized(r.Header.Get(header)) {
		sandbox.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid or missing API token in " + header})
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
		if matches(u, want) {
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

func matches(u *User, want map[string]string) bool {
	has := func(s, sub string) bool { return strings.Contains(strings.ToLower(s), sub) }
	for f, v := range want {
		var ok bool
		switch f {
		case "fullname":
			name := strings.Join(strings.Fields(u.SecondName+" "+u.FirstName+" "+u.Patronymic), " ")
			ok = has(name, v) || has(u.Email, v) || has(u.Login, v)
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
		Position: u.Position, Phone: u.Phone, Tags: u.Tags, DateOfEmployment: u.HireDate}
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

func (s *Sandbox) authorized(h string) bool {
	if s.token == "" {
		return true
	}
	tok, ok := sandbox.Token(h, "Bearer")
	return ok && sandbox.Same(tok, s.token)
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

// Fields the sandbox stores; others (facebook_id, work_contact, ...) are accepted and
// ignored, as "the order of the fields does not matter" and unknown ones do no harm.
var (
	stringFields = []string{"uid", "secondname", "firstname", "patronymic", "login", "email", "password",
		"birth_date", "city", "department", "position", "phone", "tags", "date_of_employment"}
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
	for _, f := range []string{"birth_date", "date_of_employment"} {
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
