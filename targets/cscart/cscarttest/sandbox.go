// Package cscarttest is an in-memory stand-in of a CS-Cart store's users API, for
// tests and `userimport sandbox`, as net/http/httptest stands beside net/http. It is
// written from docs/platforms/cscart.md, with its own paths and field names, and does
// not import the client: a path the client gets wrong fails against it.
package cscarttest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"userimport/targets/sandbox"
)

// Sandbox is an in-memory stand-in for a CS-Cart Ultimate store's users API, behaving
// as docs/platforms/cscart.md describes the 4.20.1 code: HTTP Basic (401 with WWW-Authenticate);
// GET /users requires user_type and filters e-mails with a case-insensitive substring
// match, answering {"users":[...],"params":{...}} with every number as a string; an
// unknown id answers 200 with an empty list; POST requires email, user_type and
// company_id to be present and reports only the last one missing; names take letters,
// apostrophes and dashes; a taken e-mail or login is a 400; an empty login becomes
// user_<id>; PUT writes only what it is sent. Passwords behave as in 4.20.1: API 2.0's
// "password" is kept as sent, unchecked; "password1"/"password2" (and "password" on
// /api/users or /api/2.1) go through the store's rules (minimum length 5, equal, not
// one of the account's last passwords) and are kept hashed. Messages come in ?sl=,
// then Accept-Language, then Language (English or Russian). Customers are unique per
// storefront unless ShareUsers; the list filters company_id (Ultimate) and
// company_ids[]. GET /settings says the edition. Stats counts passwords set on existing
// accounts. It is safe for concurrent use; set the exported fields before serving.
type Sandbox struct {
	email, apiKey string // both empty: any credentials, or none, are accepted

	// Edition is Ultimate (the default) or MultiVendor.
	Edition Edition
	// ShareUsers is Ultimate's "Share users among stores" (off on a fresh install):
	// off, a customer's e-mail and login are unique within its storefront only.
	ShareUsers bool
	// Language is the admin's default language, "en" (default) or "ru".
	Language string
	// HideSettings answers GET /settings with 403, as for an administrator without
	// the view_settings privilege.
	HideSettings bool

	reads, writes atomic.Int64
	// counts counts the requests that created, changed or deleted an account, and the
	// PUTs that carried a password (Stats).
	counts sandbox.Counter

	mu     sync.Mutex
	users  map[int64]*User
	nextID int64
	// previous are each account's passwords before its current one, newest last.
	previous map[int64][]string
}

// User is a user as the sandbox holds it.
type User struct {
	ID        int64
	Login     string
	Email     string
	FirstName string
	LastName  string
	Phone     string
	Status    string
	UserType  string
	CompanyID string
	Birthday  int64
	// HasPassword is true when a password was set.
	HasPassword bool
	// Password is the password column: what API 2.0's "password" sent, as it was
	// sent, or a hash (HashPrefix…) of one that went through the store's rules.
	Password string
}

// Edition is a CS-Cart edition.
type Edition string

// The editions the sandbox stands in for.
const (
	Ultimate    Edition = "ULT"
	MultiVendor Edition = "MVE"
)

// HashPrefix starts a password the store hashed (PHP's password_hash gives "$2y$").
const HashPrefix = "$2y$"

// MinPasswordLength is the store's min_account_password_length on a fresh install.
const MinPasswordLength = 5

func hashPassword(p string) string {
	sum := sha256.Sum256([]byte(p))
	return HashPrefix + hex.EncodeToString(sum[:])
}

// sandboxPageSize is CS-Cart's default admin_elements_per_page, used when a list
// request does not say items_per_page.
const sandboxPageSize = 10

// New returns an empty store that accepts email and apiKey as HTTP Basic; both
// empty accept any request (what --sandbox uses).
func New(email, apiKey string) *Sandbox {
	return &Sandbox{email: email, apiKey: apiKey, users: map[int64]*User{}, previous: map[int64][]string{}}
}

// Put adds accounts as if they had been created earlier; a zero ID is assigned, an
// empty login becomes user_<id>, an empty status "A". It does not count as a write.
func (s *Sandbox) Put(list ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range list {
		if a.ID == 0 {
			s.nextID++
			a.ID = s.nextID
		}
		s.nextID = max(s.nextID, a.ID)
		if a.Login == "" {
			a.Login = "user_" + strconv.FormatInt(a.ID, 10)
		}
		if a.Status == "" {
			a.Status = "A"
		}
		s.users[a.ID] = &a
	}
}

// Users returns a snapshot of the accounts, sorted by id.
func (s *Sandbox) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, a := range s.users {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Len is the number of accounts.
func (s *Sandbox) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.users)
}

// Reads counts the authenticated GET requests served.
func (s *Sandbox) Reads() int64 { return s.reads.Load() }

// Writes counts the authenticated POST, PUT and DELETE requests served, whatever their
// answer: plan must leave it at zero.
func (s *Sandbox) Writes() int64 { return s.writes.Load() }

// Stats implements what `userimport sandbox` serves: the accounts held, the requests
// that created, changed or deleted one (a PUT that sends what the account already
// holds is not counted, unless it carries a password), and the PUTs that carried a
// password, each of which sets a new one on an account that existed.
func (s *Sandbox) Stats() sandbox.Stats {
	return s.counts.Stats(s.Len())
}

// route matches /api/users, /api/2.0/users and /api/2.1/users, with an optional id:
// [1] the version, [2] the entity, [3] the id.
var route = regexp.MustCompile(`^/api(?:/([0-9]+\.[0-9]+))?/(users|settings)(?:/([^/]*))?/?$`)

// messages are the store's texts the sandbox answers, by language.
var messages = map[string]map[string]string{
	"en": {
		"exists":   UserExists,
		"min":      "The password must contain at least <b>5</b> characters.",
		"mismatch": "The passwords do not match.",
		"used":     "Your new password must not coincide with any of those four passwords used before. Please use another password.",
		"denied":   "Access denied",
	},
	"ru": {
		"exists":   UserExistsRu,
		"min":      "Пароль должен содержать как минимум <b>5</b> символов.",
		"mismatch": "Введенные пароли не совпадают",
		"used":     "Ваш новый пароль не должен совпадать с четырьмя паролями, которые использовались до этого. Пожалуйста, используйте другой пароль.",
		"denied":   "Доступ запрещен",
	},
}

// lang is the language an answer to r is in: ?sl=, then Accept-Language, then the
// store's Language, among those it has.
func (s *Sandbox) lang(r *http.Request) string {
	for _, l := range []string{r.URL.Query().Get("sl"), r.Header.Get("Accept-Language")} {
		l = strings.ToLower(strings.TrimSpace(l))
		if len(l) >= 2 && messages[l[:2]] != nil {
			return l[:2]
		}
	}
	if messages[s.Language] != nil {
		return s.Language
	}
	return "en"
}

// ServeHTTP implements http.Handler.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="User email/API key"`)
		Fail(w, http.StatusUnauthorized, nil, nil)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		s.reads.Add(1)
	} else {
		s.writes.Add(1)
	}
	m := route.FindStringSubmatch(r.URL.Path)
	if m == nil {
		Fail(w, http.StatusNotFound, nil, nil)
		return
	}
	version, id := m[1], m[3]
	if m[2] == "settings" {
		s.settings(w, r)
		return
	}
	lang := s.lang(r)
	// API 2.0 passes "password" through as it is; 2.1, the current version that
	// /api/users is, copies it to password1 and password2.
	plain := version == "2.0"
	switch {
	case r.Method == http.MethodGet && id == "":
		s.list(w, r.URL.Query())
	case r.Method == http.MethodGet:
		s.show(w, id)
	case r.Method == http.MethodPost && id == "":
		s.create(w, r, lang, plain)
	case r.Method == http.MethodPut && id != "":
		s.update(w, r, id, lang, plain)
	case r.Method == http.MethodDelete && id != "":
		s.remove(w, id)
	case r.Method == http.MethodPut || r.Method == http.MethodDelete:
		Fail(w, http.StatusMethodNotAllowed, nil, []string{"Object ID undefined"})
	default:
		Fail(w, http.StatusMethodNotAllowed, nil, []string{"Method not allowed"})
	}
}

func (s *Sandbox) authorized(r *http.Request) bool {
	if s.email == "" && s.apiKey == "" {
		return true
	}
	user, pass, ok := r.BasicAuth()
	return ok && strings.EqualFold(user, s.email) && sandbox.Same(pass, s.apiKey)
}

func (s *Sandbox) list(w http.ResponseWriter, q url.Values) {
	userType := strings.TrimSpace(q.Get("user_type"))
	if userType == "" {
		Fail(w, http.StatusBadRequest, nil, []string{"The user_type field is required"})
		return
	}
	company := strings.TrimSpace(q.Get("company_id"))
	if s.Edition == MultiVendor {
		company = "" // fn_ult_get_users' filter; Multi-Vendor has company_ids[] only
	}
	companies := q["company_ids[]"]
	email := strings.ToLower(strings.TrimSpace(q.Get("email")))
	login := strings.ToLower(strings.TrimSpace(q.Get("user_login")))
	status := strings.TrimSpace(q.Get("status"))
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	per, err := strconv.Atoi(q.Get("items_per_page"))
	if err != nil || per <= 0 {
		per = sandboxPageSize
	}

	s.mu.Lock()
	var hits []User
	for _, a := range s.users {
		// LIKE '%x%' under MySQL's case-insensitive collation.
		if a.UserType != userType ||
			(email != "" && !strings.Contains(strings.ToLower(a.Email), email)) ||
			(login != "" && !strings.Contains(strings.ToLower(a.Login), login)) ||
			(status != "" && a.Status != status) ||
			(company != "" && a.CompanyID != company) ||
			(len(companies) > 0 && !slices.Contains(companies, a.CompanyID)) {
			continue
		}
		hits = append(hits, *a)
	}
	s.mu.Unlock()
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID < hits[j].ID })

	from := min((page-1)*per, len(hits))
	to := min(from+per, len(hits))
	users := make([]map[string]any, 0, to-from)
	for _, a := range hits[from:to] {
		users = append(users, a.wire())
	}
	params := map[string]any{
		"page": strconv.Itoa(page), "items_per_page": strconv.Itoa(per),
		"total_items": strconv.Itoa(len(hits)), "user_type": userType,
	}
	for k, v := range q {
		if _, ok := params[k]; !ok && len(v) > 0 {
			params[k] = v[0]
		}
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"users": users, "params": params})
}

func (s *Sandbox) show(w http.ResponseWriter, id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	a, ok := s.users[n]
	var c User
	if ok {
		c = *a
	}
	s.mu.Unlock()
	if !ok {
		// 4.20.1 answers an unknown id with 200 and an empty list
		// (docs/platforms/cscart.md, "Lookup").
		sandbox.WriteJSON(w, http.StatusOK, map[string]any{"users": []any{}, "params": map[string]any{"user_id": id}})
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, c.wire())
}

func (s *Sandbox) remove(w http.ResponseWriter, id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	_, ok := s.users[n]
	delete(s.users, n)
	s.mu.Unlock()
	if !ok {
		Fail(w, http.StatusNotFound, nil, nil)
		return
	}
	s.counts.Wrote()
	w.WriteHeader(http.StatusNoContent)
}

// readBody reads a JSON or form-style body (CS-Cart's default is text/plain read as a
// query string) into text values. It reports false for a content type CS-Cart refuses.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]string, bool) {
	raw, _ := sandbox.ReadBody(w, r)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	out := map[string]string{}
	switch ct {
	case "application/json", "application/javascript":
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return out, true
		}
		for k, v := range m {
			var f sandbox.Text
			if json.Unmarshal(v, &f) == nil && string(v) != "null" {
				out[k] = strings.TrimSpace(string(f))
			}
		}
	case "", "text/plain", "application/x-www-form-urlencoded":
		q, _ := url.ParseQuery(string(raw))
		for k, v := range q {
			out[k] = strings.TrimSpace(v[0])
		}
	default:
		return nil, false
	}
	return out, true
}

// validName is fn_validate_text_field: letters, apostrophes and dashes (and, INFERRED,
// the spaces of a two-word name).
func validName(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '\'' && r != '-' && r != '’' && r != ' ' {
			return false
		}
	}
	return true
}

// UserExists is the message CS-Cart answers a create or an update with when another
// account has the e-mail or the login; UserExistsRu is the same in Russian.
const (
	UserExists   = "The username or email you have chosen already exists. Please try another one."
	UserExistsRu = "Такое имя пользователя или email уже существуют. Пожалуйста, попробуйте другой вариант."
)

// checkNames returns the errors for names that fn_validate_text_field refuses. The
// label in bold is INFERRED; it lets tests see that the client strips HTML.
func checkNames(in map[string]string) []string {
	var errs []string
	for _, f := range []struct{ key, label string }{{"firstname", "First name"}, {"lastname", "Last name"}} {
		if v, ok := in[f.key]; ok && !validName(v) {
			errs = append(errs, "<b>"+f.label+"</b>: Only letters, apostrophes and dashes allowed")
		}
	}
	return errs
}

// takenLocked reports whether another account than self has email or login; s.mu held.
// In Ultimate without ShareUsers, a customer clashes only with customers of its own
// storefront (company) and with administrators and vendors (fn_ult_user_exist).
func (s *Sandbox) takenLocked(self int64, email, login, userType, company string) bool {
	perStore := s.Edition != MultiVendor && !s.ShareUsers && (userType == "" || userType == "C")
	for _, a := range s.users {
		if a.ID == self {
			continue
		}
		if perStore && a.UserType == "C" && a.CompanyID != company {
			continue
		}
		if (email != "" && strings.EqualFold(a.Email, email)) || (login != "" && strings.EqualFold(a.Login, login)) {
			return true
		}
	}
	return false
}

func (s *Sandbox) create(w http.ResponseWriter, r *http.Request, lang string, plain bool) {
	in, ok := readBody(w, r)
	if !ok {
		Fail(w, http.StatusUnsupportedMediaType, nil, nil)
		return
	}
	// Presence, not emptiness, as isset() checks; only the last missing field is told.
	missing := ""
	for _, f := range []string{"email", "user_type", "company_id"} {
		if _, ok := in[f]; !ok {
			missing = f
		}
	}
	if missing != "" {
		Fail(w, http.StatusBadRequest, nil, []string{"The " + missing + " field is required"})
		return
	}
	if s.Edition != MultiVendor && in["user_type"] == "C" && (in["company_id"] == "" || in["company_id"] == "0") {
		Fail(w, http.StatusBadRequest, nil, []string{messages[lang]["denied"]})
		return
	}
	if !strings.Contains(in["email"], "@") {
		Fail(w, http.StatusBadRequest, []string{"The email address in the <b>E-mail</b> field is invalid."}, nil)
		return
	}
	if errs := checkNames(in); len(errs) > 0 {
		Fail(w, http.StatusBadRequest, errs, nil)
		return
	}
	s.mu.Lock()
	if s.takenLocked(0, in["email"], in["user_login"], in["user_type"], in["company_id"]) {
		s.mu.Unlock()
		// A create reports its refusals in "messages" (OperationResult), an update in
		// "errors" (notifications), as 4.20.1 does.
		Fail(w, http.StatusBadRequest, nil, []string{messages[lang]["exists"]})
		return
	}
	a := &User{Email: in["email"], UserType: in["user_type"], CompanyID: in["company_id"], Status: "A"}
	var none []string
	if msg := a.setPassword(in, lang, plain, &none); msg != "" {
		s.mu.Unlock()
		Fail(w, http.StatusBadRequest, nil, []string{msg})
		return
	}
	s.nextID++
	a.ID = s.nextID
	a.apply(in)
	if a.Login == "" {
		a.Login = "user_" + strconv.FormatInt(a.ID, 10)
	}
	s.users[a.ID] = a
	id := a.ID
	s.mu.Unlock()
	s.counts.Wrote()
	sandbox.WriteJSON(w, http.StatusCreated, map[string]any{"user_id": id, "profile_id": strconv.FormatInt(id, 10)})
}

func (s *Sandbox) update(w http.ResponseWriter, r *http.Request, id, lang string, plain bool) {
	in, ok := readBody(w, r)
	if !ok {
		Fail(w, http.StatusUnsupportedMediaType, nil, nil)
		return
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	a, found := s.users[n]
	if !found {
		Fail(w, http.StatusNotFound, nil, nil)
		return
	}
	if errs := checkNames(in); len(errs) > 0 {
		Fail(w, http.StatusBadRequest, errs, nil)
		return
	}
	company := in["company_id"]
	if company == "" && s.Edition != MultiVendor && a.UserType == "C" {
		// fn_update_user: an Ultimate customer updated without a company goes to its
		// own storefront when users are shared, else to storefront 1.
		company = "1"
		if s.ShareUsers {
			company = a.CompanyID
		}
	} else if company == "" {
		company = a.CompanyID
	}
	if s.takenLocked(a.ID, in["email"], in["user_login"], a.UserType, company) {
		Fail(w, http.StatusBadRequest, []string{messages[lang]["exists"]}, nil)
		return
	}
	before := *a
	prev := slices.Clone(s.previous[a.ID])
	if msg := a.setPassword(in, lang, plain, &prev); msg != "" {
		*a = before
		Fail(w, http.StatusBadRequest, []string{msg}, nil)
		return
	}
	if v, ok := in["email"]; ok && v != "" {
		a.Email = v
	}
	s.previous[a.ID] = prev
	a.CompanyID = company
	a.apply(in)
	password := a.Password != before.Password
	if password {
		s.counts.Reset()
	}
	if password || *a != before {
		s.counts.Wrote()
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"user_id": strconv.FormatInt(a.ID, 10), "profile_id": false})
}

// apply writes the fields present in in, as UPDATE ... SET does with the keys it gets.
func (a *User) apply(in map[string]string) {
	for k, dst := range map[string]*string{
		"user_login": &a.Login, "firstname": &a.FirstName, "lastname": &a.LastName,
		"phone": &a.Phone, "status": &a.Status,
	} {
		if v, ok := in[k]; ok {
			*dst = v
		}
	}
	if v, ok := in["birthday"]; ok {
		a.Birthday, _ = strconv.ParseInt(v, 10, 64)
	}
}

// setPassword sets the password in, if any, as fn_update_user does, and returns the
// refusal, in lang, of one that breaks a rule. With plain (API 2.0) "password" is kept
// as sent, unchecked; otherwise it stands for password1 and password2, which must be
// equal, at least MinPasswordLength long, and none of the account's current and four
// previous passwords.
func (a *User) setPassword(in map[string]string, lang string, plain bool, previous *[]string) string {
	p1, p2 := in["password1"], in["password2"]
	if v := in["password"]; v != "" && !plain {
		p1, p2 = v, v
	} else if v != "" && p1 == "" && p2 == "" {
		a.remember(previous)
		a.Password, a.HasPassword = v, true
		return ""
	}
	if p1 == "" && p2 == "" {
		return ""
	}
	var bad []string
	if p1 != p2 {
		bad = append(bad, messages[lang]["mismatch"])
	}
	if utf8.RuneCountInString(p1) < MinPasswordLength || utf8.RuneCountInString(p2) < MinPasswordLength {
		bad = append(bad, messages[lang]["min"])
	}
	if len(bad) > 0 {
		return strings.Join(bad, "<br />")
	}
	h := hashPassword(p1)
	if a.ID != 0 && (a.Password == h || slices.Contains(*previous, h)) {
		return messages[lang]["used"]
	}
	a.remember(previous)
	a.Password, a.HasPassword = h, true
	return ""
}

// remember keeps the current password among the previous ones (the last four).
func (a *User) remember(previous *[]string) {
	if a.Password == "" {
		return
	}
	*previous = append(*previous, a.Password)
	if len(*previous) > 4 {
		*previous = (*previous)[len(*previous)-4:]
	}
}

// settings answers GET /settings with a few settings of the store's edition, each
// with the edition_type that says which editions it belongs to, as 4.20.1 lists them.
func (s *Sandbox) settings(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		Fail(w, http.StatusMethodNotAllowed, nil, nil)
		return
	}
	if s.HideSettings {
		Fail(w, http.StatusForbidden, nil, nil)
		return
	}
	mark := "ULT"
	if s.Edition == MultiVendor {
		mark = "MVE"
	}
	share := "N"
	if s.ShareUsers {
		share = "Y"
	}
	list := []map[string]any{
		{"object_id": "31", "name": "company_name", "section_id": "5", "edition_type": "ROOT," + mark + ":VENDOR", "value": "Sandbox"},
		{"object_id": "139", "name": "timezone", "section_id": "4", "edition_type": "ROOT", "value": "America/Los_Angeles"},
		{"object_id": "174", "name": "min_account_password_length", "section_id": "15", "edition_type": "ROOT", "value": strconv.Itoa(MinPasswordLength)},
	}
	if s.Edition != MultiVendor {
		list = append(list, map[string]any{"object_id": "2000", "name": "share_users", "section_id": "17", "edition_type": "ROOT", "value": share})
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"settings": list,
		"params": map[string]any{"section_id": 0, "section_tab_id": 0, "page": 1, "total_items": len(list)}})
}

// wire is the account as a list row: every number a string, as MySQL gives them.
func (a *User) wire() map[string]any {
	return map[string]any{
		"user_id": strconv.FormatInt(a.ID, 10), "user_login": a.Login, "is_root": "N",
		"timestamp": "1700000000", "user_type": a.UserType, "status": a.Status,
		"firstname": a.FirstName, "lastname": a.LastName, "email": a.Email,
		"company": "", "company_id": a.CompanyID, "phone": a.Phone, "last_login": "0",
		"company_name": nil,
	}
}

// Fail answers CS-Cart's error envelope: message is the reason phrase followed by the
// errors and messages joined with ". ", as Response::send builds it. Tests use it to
// stand a failing store in front of the sandbox.
func Fail(w http.ResponseWriter, status int, errs, msgs []string) {
	msg := http.StatusText(status)
	if all := append(append([]string(nil), errs...), msgs...); len(all) > 0 {
		msg += ": " + strings.Join(all, ". ")
	}
	body := map[string]any{"message": msg, "status": status}
	if len(msgs) > 0 {
		body["messages"] = msgs
	}
	if len(errs) > 0 {
		body["errors"] = errs
	}
	sandbox.WriteJSON(w, status, body)
}
