// Package inskilltest is an in-memory stand-in of an inSkill school's students API,
// for tests and `userimport sandbox`, as net/http/httptest stands beside net/http. It
// is written from docs/platforms/inskill.md, with its own paths and field names, and
// does not import the client: a path the client gets wrong fails against it.
package inskilltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"userimport/targets/sandbox"
)

// Sandbox is an in-memory stand-in for an inSkill school's students API, behaving as
// docs/platforms/inskill.md describes it: a token in a header, students unique by
// e-mail (case-insensitively), a fuzzy search over e-mail, name and phone, POST with
// force as an upsert and without it as a 422 that returns the existing student, phones
// in E.164, Laravel's 422 shape. Where the documentation is silent (the search answer,
// 404, 401) it answers as a stock Laravel API does. Its paths and header names are
// written here from the documentation, not taken from the client. It is safe for
// concurrent use.
//
// inSkill makes up a new student's password itself and its API takes none, so the
// sandbox holds no passwords. Its Stats count as a password reset what could set one
// on a student who exists: an update that carries a "password" (a field inSkill does
// not document), and a forced create of an existing student, whose effect on the
// password and the welcome e-mail is not documented.
type Sandbox struct {
	token  string // empty: any token, or none, is accepted
	header string
	scheme string
	shape  Shape // how a search is answered

	reads, writes atomic.Int64
	// counts counts the requests that created or changed a student, and those that
	// could have set a password on a student who existed (see Sandbox).
	counts sandbox.Counter

	mu       sync.Mutex
	students map[int64]*User
	byEmail  map[string]int64 // lower-cased e-mail → id
	nextID   int64
	// folded caches each student's e-mail and name lower-cased for search, with the
	// values it was made from: a search of thousands of students must not lower-case
	// every one of them again (tests import 5,000 people, each looked up).
	folded map[int64][4]string
}

// User is a student as the sandbox holds it.
type User struct {
	ID       int64
	Name     string
	Email    string
	Phone    string
	Products []int64
}

// sandboxPageSize is Laravel's default page size, so that the client's paging is
// exercised by a search that matches more than a handful of people.
const sandboxPageSize = 15

// New returns an empty school that accepts token as "Authorization: Bearer
// <token>"; an empty token accepts any request (what --sandbox uses).
func New(token string) *Sandbox {
	return &Sandbox{
		token: token, header: "Authorization", scheme: "Bearer",
		students: map[int64]*User{}, byEmail: map[string]int64{}, nextID: 1000,
	}
}

// WithAuth makes the sandbox read the token from header, after scheme (empty: the bare
// token), as Config.AuthHeader and AuthScheme make the client send it. Call it before
// serving.
func (s *Sandbox) WithAuth(header, scheme string) *Sandbox {
	s.header, s.scheme = header, scheme
	return s
}

// Put adds students as if they had been created earlier; a zero ID is assigned. It
// does not count as a write.
func (s *Sandbox) Put(list ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range list {
		if st.ID == 0 {
			s.nextID++
			st.ID = s.nextID
		}
		s.nextID = max(s.nextID, st.ID)
		st.Products = append([]int64(nil), st.Products...)
		s.students[st.ID] = &st
		s.byEmail[strings.ToLower(st.Email)] = st.ID
	}
}

// Users returns a snapshot of the students, sorted by id.
func (s *Sandbox) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.students))
	for _, st := range s.students {
		c := *st
		c.Products = append([]int64(nil), st.Products...)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Len is the number of students.
func (s *Sandbox) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.students)
}

// Reads counts the authenticated GET requests served.
func (s *Sandbox) Reads() int64 { return s.reads.Load() }

// Writes counts the authenticated POST, PATCH, PUT and DELETE requests served, whatever
// their answer: plan must leave it at zero.
func (s *Sandbox) Writes() int64 { return s.writes.Load() }

// Stats implements what every sandbox reports: the students held, the requests that
// created or changed one (a write that changed nothing is not counted, unlike
// Writes), and the password resets as Sandbox defines them.
func (s *Sandbox) Stats() sandbox.Stats {
	return s.counts.Stats(s.Len())
}

// e164 is the form the documentation asks phones in: "+" and up to 15 digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ServeHTTP implements http.Handler.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		sandbox.WriteJSON(w, http.StatusUnauthorized, map[string]any{"message": "Unauthenticated."})
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		s.reads.Add(1)
	} else {
		s.writes.Add(1)
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	const root = "/api/v3/students"
	switch {
	case path == root && r.Method == http.MethodGet:
		s.search(w, r)
	case path == root && r.Method == http.MethodPost:
		s.create(w, r)
	case strings.HasPrefix(path, root+"/") && !strings.Contains(path[len(root)+1:], "/"):
		id, err := strconv.ParseInt(path[len(root)+1:], 10, 64)
		if err != nil {
			notFoundJSON(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			s.show(w, id)
		case http.MethodPatch, http.MethodPut:
			s.update(w, r, id)
		default:
			sandbox.WriteJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "The " + r.Method + " method is not supported for this route."})
		}
	case path == root:
		sandbox.WriteJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "The " + r.Method + " method is not supported for this route."})
	default:
		notFoundJSON(w)
	}
}

func (s *Sandbox) authorized(r *http.Request) bool {
	if s.token == "" {
		return true
	}
	got, ok := sandbox.Token(r.Header.Get(s.header), s.scheme)
	return ok && sandbox.Same(got, s.token)
}

func (s *Sandbox) search(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	if q == "" {
		invalid(w, nil, map[string][]string{"search": {"The search field is required."}})
		return
	}
	withProducts := false
	if v, ok := r.URL.Query()["withProducts"]; ok {
		b, valid := laravelBool(v[0], false)
		if !valid {
			// Laravel's boolean rule: true, false, 1, 0, "1" and "0"; a query's
			// "true" is the string "true", which it refuses.
			invalid(w, nil, map[string][]string{"withProducts": {"The with products field must be true or false."}})
			return
		}
		withProducts = b
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)

	s.mu.Lock()
	var hits []User
	if s.folded == nil {
		s.folded = make(map[int64][4]string)
	}
	for id, st := range s.students {
		f := s.folded[id]
		if f[0] != st.Email || f[1] != st.Name {
			f = [4]string{st.Email, st.Name, strings.ToLower(st.Email), strings.ToLower(st.Name)}
			s.folded[id] = f
		}
		// Fuzzy like the real search: a substring of the e-mail, the name or the phone.
		if strings.Contains(f[2], q) || strings.Contains(f[3], q) ||
			(st.Phone != "" && strings.Contains(st.Phone, q)) {
			c := *st
			c.Products = append([]int64(nil), st.Products...)
			hits = append(hits, c)
		}
	}
	s.mu.Unlock()
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID < hits[j].ID })

	from := min((page-1)*sandboxPageSize, len(hits))
	if s.shape == CursorPaginator {
		// The cursor is the offset, as opaque to the client as Laravel's.
		if c := r.URL.Query().Get("cursor"); c != "" {
			n, _ := strconv.Atoi(strings.TrimPrefix(c, "o"))
			from = min(max(n, 0), len(hits))
		}
	}
	to := min(from+sandboxPageSize, len(hits))
	sandbox.WriteJSON(w, http.StatusOK, s.searchAnswer(r, hits, from, to, page, withProducts))
}

// Shape is how the sandbox answers a search. inSkill does not document it
// (docs/platforms/inskill.md, "Lookup"): ResourceCollection, the default, is what a
// Laravel API resource collection answers; the others are what a Laravel application
// plausibly answers instead, for tests that a client reads those it claims to and
// fails loudly on the rest, rather than take everyone for new.
type Shape int

const (
	// ResourceCollection: {"data":[…],"links":{…},"meta":{"current_page","last_page","total",…}}.
	ResourceCollection Shape = iota
	// Paginator: Laravel's length-aware paginator as it is, {"current_page":1,"data":[…],
	// "last_page":2,"total":20,"next_page_url":…,…}.
	Paginator
	// SimplePaginator: {"current_page":1,"data":[…],"next_page_url":…,"per_page":15,…},
	// with neither a last page nor a total.
	SimplePaginator
	// CursorPaginator: {"data":[…],"next_cursor":…,"next_page_url":…,"per_page":15,…},
	// paged by ?cursor=, not ?page=.
	CursorPaginator
	// ItemsList: {"status":"ok","items":[…],"total":20}, a list under another name.
	ItemsList
	// JSONAPI: {"data":[{"type":"students","id":"1","attributes":{…}}],"meta":{"total":20}},
	// each student's fields inside attributes.
	JSONAPI
)

// WithSearchShape makes the sandbox answer searches in shape sh. Call it before serving.
func (s *Sandbox) WithSearchShape(sh Shape) *Sandbox {
	s.shape = sh
	return s
}

// searchAnswer is the answer to a search whose matches are hits, showing hits[from:to]
// as page page, in the sandbox's Shape.
func (s *Sandbox) searchAnswer(r *http.Request, hits []User, from, to, page int, withProducts bool) map[string]any {
	last := max((len(hits)+sandboxPageSize-1)/sandboxPageSize, 1)
	data := make([]map[string]any, 0, to-from)
	for _, st := range hits[from:to] {
		m := st.wire(withProducts)
		if s.shape == JSONAPI {
			id := m["id"]
			delete(m, "id")
			m = map[string]any{"type": "students", "id": strconv.FormatInt(id.(int64), 10), "attributes": m}
		}
		data = append(data, m)
	}
	self := "http://" + r.Host + "/api/v3/students"
	pageURL := func(p int) any {
		if p < 1 || p > last {
			return nil
		}
		return self + "?page=" + strconv.Itoa(p)
	}
	switch s.shape {
	case Paginator:
		return map[string]any{"current_page": page, "data": data, "first_page_url": pageURL(1),
			"from": from + 1, "last_page": last, "last_page_url": pageURL(last), "links": []any{},
			"next_page_url": pageURL(page + 1), "path": self, "per_page": sandboxPageSize,
			"prev_page_url": pageURL(page - 1), "to": to, "total": len(hits)}
	case SimplePaginator:
		var next any
		if to < len(hits) {
			next = pageURL(page + 1)
		}
		return map[string]any{"current_page": page, "data": data, "first_page_url": pageURL(1),
			"from": from + 1, "next_page_url": next, "path": self, "per_page": sandboxPageSize,
			"prev_page_url": pageURL(page - 1), "to": to}
	case CursorPaginator:
		var next, nextURL any
		if to < len(hits) {
			next = "o" + strconv.Itoa(to)
			nextURL = self + "?cursor=" + next.(string)
		}
		return map[string]any{"data": data, "path": self, "per_page": sandboxPageSize,
			"next_cursor": next, "next_page_url": nextURL, "prev_cursor": nil, "prev_page_url": nil}
	case ItemsList:
		return map[string]any{"status": "ok", "items": data, "total": len(hits), "page": page}
	case JSONAPI:
		return map[string]any{"data": data, "links": map[string]any{"next": pageURL(page + 1)},
			"meta": map[string]any{"current_page": page, "last_page": last, "total": len(hits)}}
	}
	return map[string]any{
		"data":  data,
		"links": map[string]any{"first": pageURL(1), "last": pageURL(last), "prev": pageURL(page - 1), "next": pageURL(page + 1)},
		"meta": map[string]any{"current_page": page, "last_page": last, "per_page": sandboxPageSize,
			"total": len(hits), "from": from + 1, "to": to},
	}
}

func (s *Sandbox) show(w http.ResponseWriter, id int64) {
	s.mu.Lock()
	st, ok := s.students[id]
	var c User
	if ok {
		c = *st
	}
	s.mu.Unlock()
	if !ok {
		notFoundJSON(w)
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"data": c.wire(true), "status": "ok"})
}

// studentInput is a create or update body. Every value is decoded loosely, as PHP
// reads them: "true", 1 and true are all true.
type studentInput struct {
	Email   *json.RawMessage `json:"email"`
	Name    *json.RawMessage `json:"name"`
	Phone   *json.RawMessage `json:"phone"`
	Product *json.RawMessage `json:"product"`
	Force   *json.RawMessage `json:"force"`
	Notify  *json.RawMessage `json:"notify_about_product"`
	// Password is not in inSkill's API; the sandbox reads it only to count it.
	Password *json.RawMessage `json:"password"`
}

// readInput reads a create or update body. Laravel reads a body it cannot parse as
// no input at all.
func readInput(w http.ResponseWriter, r *http.Request) *studentInput {
	var in studentInput
	body, err := sandbox.ReadBody(w, r)
	if err != nil || json.Unmarshal(body, &in) != nil {
		return &studentInput{}
	}
	return &in
}

// hasPassword reports whether in carries a non-empty password.
func (in *studentInput) hasPassword() bool {
	p, _ := text(in.Password)
	return p != ""
}

func text(raw *json.RawMessage) (string, bool) {
	if raw == nil {
		return "", false
	}
	var f sandbox.Text
	if json.Unmarshal(*raw, &f) != nil {
		return "", true
	}
	return strings.TrimSpace(string(f)), true
}

// checkFields validates the fields present in in and returns Laravel's field errors.
func checkFields(in *studentInput) (name, phone string, product int64, errs map[string][]string) {
	errs = map[string][]string{}
	name, _ = text(in.Name)
	if len([]rune(name)) > 255 {
		errs["name"] = append(errs["name"], "The name may not be greater than 255 characters.")
	}
	phone, _ = text(in.Phone)
	if phone != "" && !e164.MatchString(phone) {
		errs["phone"] = append(errs["phone"], "The phone format is invalid.")
	}
	if p, ok := text(in.Product); ok && p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			errs["product"] = append(errs["product"], "The product must be an integer.")
		}
		product = n
	}
	return name, phone, product, errs
}

func (s *Sandbox) create(w http.ResponseWriter, r *http.Request) {
	in := readInput(w, r)
	email, _ := text(in.Email)
	name, phone, product, errs := checkFields(in)
	switch {
	case email == "":
		errs["email"] = append(errs["email"], "The email field is required.")
	case !strings.Contains(email, "@") || strings.ContainsAny(email, " \t"):
		errs["email"] = append(errs["email"], "The email must be a valid email address.")
	}
	if len(errs) > 0 {
		invalid(w, nil, errs)
		return
	}
	for field, raw := range map[string]*json.RawMessage{"force": in.Force, "notify_about_product": in.Notify} {
		if raw == nil {
			continue
		}
		if _, ok := laravelBool(string(*raw), true); !ok {
			invalid(w, nil, map[string][]string{field: {"The " + strings.ReplaceAll(field, "_", " ") + " field must be true or false."}})
			return
		}
	}
	force := false
	if in.Force != nil {
		force, _ = laravelBool(string(*in.Force), true)
	}

	s.mu.Lock()
	if id, ok := s.byEmail[strings.ToLower(email)]; ok {
		st := s.students[id]
		if !force {
			data := st.wire(false)
			s.mu.Unlock()
			invalid(w, data, map[string][]string{"email": {"Пользователь с таким email уже добавлен в проект."}})
			return
		}
		// force: the documentation says only that the student "will be updated". Count
		// it as a possible password reset: a new password and the welcome e-mail may
		// go out again.
		if st.apply(name, phone, product) {
			s.counts.Wrote()
		}
		s.counts.Reset()
		data := st.wire(false)
		s.mu.Unlock()
		sandbox.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "status": "ok", "message": "Пользователь успешно обновлён"})
		return
	}
	s.nextID++
	st := &User{ID: s.nextID, Email: email}
	st.apply(name, phone, product)
	s.students[st.ID] = st
	s.byEmail[strings.ToLower(email)] = st.ID
	s.counts.Wrote()
	data := st.wire(false)
	s.mu.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "status": "ok", "message": "Пользователь успешно добавлен"})
}

func (s *Sandbox) update(w http.ResponseWriter, r *http.Request, id int64) {
	in := readInput(w, r)
	name, phone, product, errs := checkFields(in)
	s.mu.Lock()
	st, ok := s.students[id]
	if !ok {
		s.mu.Unlock()
		notFoundJSON(w)
		return
	}
	if len(errs) > 0 {
		s.mu.Unlock()
		invalid(w, nil, errs)
		return
	}
	changed := st.apply(name, phone, product)
	if in.hasPassword() {
		// inSkill's update takes no password; a client that sends one means to
		// reset it, which is what the count is for.
		changed = true
		s.counts.Reset()
	}
	if changed {
		s.counts.Wrote()
	}
	data := st.wire(false)
	s.mu.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "status": "ok"})
}

// apply writes the non-empty values into st, and reports whether that changed it; an
// absent value leaves the field alone.
func (st *User) apply(name, phone string, product int64) (changed bool) {
	if name != "" && name != st.Name {
		st.Name, changed = name, true
	}
	if phone != "" && phone != st.Phone {
		st.Phone, changed = phone, true
	}
	if product != 0 {
		for _, p := range st.Products {
			if p == product {
				return changed
			}
		}
		st.Products, changed = append(st.Products, product), true
	}
	return changed
}

// wire is the student as the API answers it.
func (st *User) wire(withProducts bool) map[string]any {
	m := map[string]any{"id": st.ID, "name": st.Name, "email": st.Email, "phone": st.Phone, "avatar": ""}
	if withProducts {
		ps := make([]map[string]any, 0, len(st.Products))
		for _, p := range st.Products {
			ps = append(ps, map[string]any{"id": p, "name": fmt.Sprintf("Product %d", p)})
		}
		m["products"] = ps
	}
	return m
}

// laravelBool applies Laravel's boolean validation rule (docs/platforms/inskill.md):
// it accepts true, false, 1, 0, "1" and "0", and nothing else: not "true", not "yes".
// v is a query value, or a JSON value when json is set (where true and false are
// literals and "1" is a quoted string).
func laravelBool(v string, json bool) (value, ok bool) {
	v = strings.TrimSpace(v)
	if json {
		switch v {
		case "true", "1", `"1"`:
			return true, true
		case "false", "0", `"0"`:
			return false, true
		}
		return false, false
	}
	switch v {
	case "1":
		return true, true
	case "0", "":
		return false, true
	}
	return false, false
}

// invalid answers Laravel's 422; data, when given, is the existing student.
func invalid(w http.ResponseWriter, data map[string]any, errs map[string][]string) {
	body := map[string]any{"message": "The given data was invalid.", "errors": errs}
	if data != nil {
		body["data"] = data
	}
	sandbox.WriteJSON(w, http.StatusUnprocessableEntity, body)
}

func notFoundJSON(w http.ResponseWriter) {
	sandbox.WriteJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
}
