// Package ispringtest is an in-memory stand-in of the iSpring Learn REST API, for
// tests and `userimport sandbox`, as net/http/httptest stands beside net/http. It is
// written from docs/platforms/ispring.md, with its own paths and field names, and does
// not import the client: a path the client gets wrong fails against it.
package ispringtest

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"userimport/targets/sandbox"
)

// Sandbox is an in-memory stand-in for the iSpring Learn REST API, as
// docs/platforms/ispring.md describes it: client-credentials tokens that expire, 401 on
// an expired or unknown token, a department tree (with two departments of the same
// name) and groups, users whose login and e-mail are unique, profile fields answered
// as the upper-case {name, value} list real servers send, passwords set by
// POST /user/{id}/password, JSON only when Accept asks for it and XML otherwise. Its
// paths and field names are written from the documentation, not taken from the
// client. It is safe for concurrent use. Latency, failures and rate limits are added
// by wrapping it (package targets/sandbox).
type Sandbox struct {
	clientID, clientSecret string

	mu       sync.Mutex
	now      func() time.Time
	ttl      time.Duration
	pageSize int
	tokens   map[string]time.Time // token → expiry
	depts    []Department
	groups   []Group
	roles    []Role
	profile  []ProfileField
	users    map[string]*User // by id
	nextID   int

	reads, writes, tokensIssued, unauthorized, xmlAnswers atomic.Int64
	// counts counts the requests that created or changed an account, and the
	// passwords set on accounts that existed (Stats).
	counts sandbox.Counter
}

// The API as the sandbox serves it, from the documentation (docs/platforms/ispring.md):
// the token path, the documented token lifetime, and the default and largest page.
const (
	tokenPath       = "/api/v3/token"
	tokenTTL        = 1800 * time.Second
	defaultPageSize = 1000
)

// User is an account held by the sandbox. Fields are keyed by lower-case system
// name (login, email, first_name, last_name, phone, job_title).
type User struct {
	ID           string
	DepartmentID string
	Fields       map[string]string
	GroupIDs     []string
	// Role is learner, administrator, department_administrator, or (for a role given
	// by RoleID) publisher or custom, the type of that role in GET /role.
	Role   string
	RoleID string
	// ManageableDepartmentIDs are the departments a department administrator, a
	// publisher or a custom role manages.
	ManageableDepartmentIDs []string
	Status                  int // 1 active, 3 inactive, as the API numbers them
	HasPassword             bool
	SendLoginEmail          bool
}

// Ids of the departments and groups a new sandbox holds, for tests.
const (
	RootID        = "10000000-0000-4000-8000-000000000001"
	MoscowID      = "10000000-0000-4000-8000-000000000002"
	KazanID       = "10000000-0000-4000-8000-000000000003"
	MoscowSalesID = "10000000-0000-4000-8000-000000000004"
	KazanSalesID  = "10000000-0000-4000-8000-000000000005"
	AccountingID  = "10000000-0000-4000-8000-000000000006"
	NewcomersID   = "20000000-0000-4000-8000-000000000001"
	ManagersID    = "20000000-0000-4000-8000-000000000002"
	EveryoneID    = "20000000-0000-4000-8000-000000000003"

	LearnerRoleID       = "40000000-0000-4000-8000-000000000001"
	AdministratorRoleID = "40000000-0000-4000-8000-000000000002"
	DeptAdminRoleID     = "40000000-0000-4000-8000-000000000003"
	PublisherRoleID     = "40000000-0000-4000-8000-000000000004"
	CuratorRoleID       = "40000000-0000-4000-8000-000000000005" // the custom role Куратор
	MentorRoleID        = "40000000-0000-4000-8000-000000000006" // the custom role Наставник
)

// Role is a role as GET /role lists it: the standard ones, the publisher and the
// account's custom roles, each with its type.
type Role struct {
	RoleID      string `json:"roleId"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// ProfileField is a profile field as GET /user/profile/fields lists it. The sandbox
// refuses a new account without a Required field (a country field aside, as the
// documentation says) and a value a Unique field already holds on another account.
type ProfileField struct {
	ID       string
	Name     string // the key in a request's fields: login, email, first_name, city
	Label    string
	Type     string // login, email, first_name, last_name, job_title, string, country, phone, birthdate
	Unique   bool
	Required bool
}

// defaultProfile is the profile of a new account: the system fields, login required
// and unique, e-mail unique.
var defaultProfile = []ProfileField{
	{ID: "1", Name: "login", Label: "Login", Type: "login", Unique: true, Required: true},
	{ID: "2", Name: "email", Label: "E-mail", Type: "email", Unique: true},
	{ID: "3", Name: "first_name", Label: "First Name", Type: "first_name"},
	{ID: "4", Name: "last_name", Label: "Last Name", Type: "last_name"},
	{ID: "5", Name: "job_title", Label: "Job Title", Type: "job_title"},
	{ID: "6", Name: "phone", Label: "Phone", Type: "phone"},
}

// defaultRoles are the roles of a new account: the four standard ones an API user may
// give, and two custom roles.
var defaultRoles = []Role{
	{RoleID: LearnerRoleID, Type: "learner", Title: "Learner"},
	{RoleID: AdministratorRoleID, Type: "administrator", Title: "Account Administrator"},
	{RoleID: DeptAdminRoleID, Type: "department_administrator", Title: "Department Administrator"},
	{RoleID: PublisherRoleID, Type: "publisher", Title: "Publisher"},
	{RoleID: CuratorRoleID, Type: "custom", Title: "Куратор", Description: "Curates courses"},
	{RoleID: MentorRoleID, Type: "custom", Title: "Наставник"},
}

// commonDepartments are the units most Russian companies have, under Компания in the
// sandbox's tree, so that a typical staff file (the project's sample among them)
// imports into `--sandbox` without mapping its departments away.
var commonDepartments = []string{
	"Отдел продаж", "Отдел кадров", "Юридический отдел", "ИТ-отдел", "Служба безопасности",
	"Отдел закупок", "Логистика", "Склад", "Производство", "Отдел маркетинга", "Финансовый отдел",
	"Отдел качества", "Служба поддержки клиентов", "Административно-хозяйственный отдел",
	"Отдел обучения и развития", "Планово-экономический отдел",
}

// New returns a sandbox that accepts the given API key; an empty id and secret
// accept any key (what --sandbox uses). It holds the department tree
// Компания/{Москва/Продажи, Казань/Продажи, Бухгалтерия (code ACC), and the common
// departments}, the groups Новички, Менеджеры and the smart group Все, and no users.
func New(clientID, clientSecret string) *Sandbox {
	s := newSandbox(clientID, clientSecret)
	for i, name := range commonDepartments {
		s.depts = append(s.depts, Department{
			DepartmentID:       fmt.Sprintf("10000000-0000-4000-8000-%012d", 100+i),
			Name:               name,
			ParentDepartmentID: RootID,
		})
	}
	return s
}

func newSandbox(clientID, clientSecret string) *Sandbox {
	return &Sandbox{
		clientID: clientID, clientSecret: clientSecret,
		now: time.Now, ttl: tokenTTL, pageSize: defaultPageSize,
		tokens: map[string]time.Time{},
		users:  map[string]*User{},
		depts: []Department{
			{DepartmentID: RootID, Name: "Компания"},
			{DepartmentID: MoscowID, Name: "Москва", ParentDepartmentID: RootID, Code: "MSK"},
			{DepartmentID: KazanID, Name: "Казань", ParentDepartmentID: RootID, Code: "KZN"},
			{DepartmentID: MoscowSalesID, Name: "Продажи", ParentDepartmentID: MoscowID, Code: "MSK-SALES"},
			{DepartmentID: KazanSalesID, Name: "Продажи", ParentDepartmentID: KazanID},
			{DepartmentID: AccountingID, Name: "Бухгалтерия", ParentDepartmentID: RootID, Code: "ACC"},
		},
		groups: []Group{
			{GroupID: NewcomersID, Name: "Новички"},
			{GroupID: ManagersID, Name: "Менеджеры"},
			{GroupID: EveryoneID, Name: "Все", IsSmart: true},
		},
		roles:   slices.Clone(defaultRoles),
		profile: slices.Clone(defaultProfile),
	}
}

// SetRoles replaces the roles GET /role lists.
func (s *Sandbox) SetRoles(r []Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles = slices.Clone(r)
}

// SetProfileFields replaces the account's profile fields.
func (s *Sandbox) SetProfileFields(f []ProfileField) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profile = slices.Clone(f)
}

// AddProfileField adds a profile field to the account's.
func (s *Sandbox) AddProfileField(f ProfileField) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profile = append(s.profile, f)
}

// SetClock sets the clock tokens expire by; nil means time.Now.
func (s *Sandbox) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	s.now = now
}

// SetTokenTTL sets the lifetime of the tokens issued from now on (1800 s by default).
func (s *Sandbox) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ttl = d
}

// SetPageSize caps the pages of departments, groups and users, so that tests can make
// the client follow page tokens.
func (s *Sandbox) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}

// SetDepartments replaces the department tree.
func (s *Sandbox) SetDepartments(d []Department) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.depts = slices.Clone(d)
}

// SetGroups replaces the groups.
func (s *Sandbox) SetGroups(g []Group) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups = slices.Clone(g)
}

// Departments returns a copy of the department tree.
func (s *Sandbox) Departments() []Department {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.depts)
}

// Groups returns a copy of the groups.
func (s *Sandbox) Groups() []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.groups)
}

// Put stores u as if it had been created through the API and returns its id. It
// applies the same checks as POST /user.
func (s *Sandbox) Put(u User) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if msg := s.checkNew(u.DepartmentID, u.Fields, u.GroupIDs, ""); msg != "" {
		return "", fmt.Errorf("ispring sandbox: put user: %s", msg)
	}
	u.Fields = copyFields(u.Fields)
	u.GroupIDs = slices.Clone(u.GroupIDs)
	u.ManageableDepartmentIDs = slices.Clone(u.ManageableDepartmentIDs)
	if u.Status == 0 {
		u.Status = 1
	}
	if u.ID == "" {
		u.ID = s.newUserID()
	} else if _, dup := s.users[u.ID]; dup {
		return "", fmt.Errorf("ispring sandbox: put user: id %s exists", u.ID)
	}
	s.users[u.ID] = &u
	return u.ID, nil
}

// SetField sets one profile field of the account id without any check, as an edit
// the API would refuse (an e-mail another account has) may have been made some other
// way. It reports whether the account exists.
func (s *Sandbox) SetField(id, field, value string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if ok {
		u.Fields[field] = value
	}
	return ok
}

// DeleteAll removes every account, as if someone had deleted them behind the
// importer's back.
func (s *Sandbox) DeleteAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.users)
}

// Users returns a copy of every account, sorted by login.
func (s *Sandbox) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		c := *u
		c.Fields = copyFields(u.Fields)
		c.GroupIDs = slices.Clone(u.GroupIDs)
		c.ManageableDepartmentIDs = slices.Clone(u.ManageableDepartmentIDs)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Fields["login"] < out[j].Fields["login"] })
	return out
}

// Len is the number of accounts.
func (s *Sandbox) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.users)
}

// Reads counts the GET requests answered (token requests aside).
func (s *Sandbox) Reads() int64 { return s.reads.Load() }

// Writes counts the requests that could change an account (POST /user...), whatever
// their answer.
func (s *Sandbox) Writes() int64 { return s.writes.Load() }

// Stats is what `userimport sandbox` serves: the accounts held, the requests that
// created or changed one (an update that sends what the account already holds is not
// counted, unless it carries a password), and the passwords set on accounts that
// existed (POST /user/{id}/password, or a password in an update's body).
func (s *Sandbox) Stats() sandbox.Stats {
	return s.counts.Stats(s.Len())
}

// Tokens counts the tokens issued.
func (s *Sandbox) Tokens() int64 { return s.tokensIssued.Load() }

// Unauthorized counts the requests refused with 401.
func (s *Sandbox) Unauthorized() int64 { return s.unauthorized.Load() }

// XMLAnswers counts the answers sent as XML because the request did not ask for JSON.
func (s *Sandbox) XMLAnswers() int64 { return s.xmlAnswers.Load() }

// ServeHTTP answers one API request.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimRight(r.URL.Path, "/")
	if path == tokenPath {
		if r.Method != http.MethodPost {
			s.fail(w, r, http.StatusMethodNotAllowed, "Method not allowed")
			return
		}
		s.token(w, r)
		return
	}
	if !s.authorized(r) {
		s.unauthorized.Add(1)
		s.fail(w, r, http.StatusUnauthorized, "Access token is invalid or expired")
		return
	}
	switch {
	case r.Method == http.MethodGet:
		s.reads.Add(1)
	case r.Method == http.MethodPost && (path == "/user" || strings.HasPrefix(path, "/user/")):
		s.writes.Add(1)
	}
	switch {
	case path == "/departments" && r.Method == http.MethodGet:
		writePage(s, w, r, "departments", s.Departments())
	case path == "/groups" && r.Method == http.MethodGet:
		writePage(s, w, r, "groups", s.Groups())
	case path == "/users/v2" && r.Method == http.MethodGet:
		s.listUsers(w, r)
	case path == "/role" && r.Method == http.MethodGet:
		s.listRoles(w, r)
	case path == "/user/profile/fields" && r.Method == http.MethodGet:
		s.listProfileFields(w, r)
	case path == "/user" && r.Method == http.MethodPost:
		s.createUser(w, r)
	case strings.HasPrefix(path, "/user/") && r.Method == http.MethodPost && !strings.Contains(path[len("/user/"):], "/"):
		s.updateUser(w, r, path[len("/user/"):])
	case strings.HasPrefix(path, "/user/") && strings.HasSuffix(path, "/password") && r.Method == http.MethodPost &&
		!strings.Contains(strings.TrimSuffix(path[len("/user/"):], "/password"), "/"):
		s.setPassword(w, r, strings.TrimSuffix(path[len("/user/"):], "/password"))
	case strings.HasPrefix(path, "/user/") && strings.HasSuffix(path, "/status") && r.Method == http.MethodPost &&
		!strings.Contains(strings.TrimSuffix(path[len("/user/"):], "/status"), "/"):
		s.setStatus(w, r, strings.TrimSuffix(path[len("/user/"):], "/status"))
	case path == "/role" || path == "/departments" || path == "/groups" || path == "/users/v2" || path == "/user" || strings.HasPrefix(path, "/user/"):
		s.fail(w, r, http.StatusMethodNotAllowed, "Method not allowed")
	default:
		s.fail(w, r, http.StatusNotFound, "Not found")
	}
}

func (s *Sandbox) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, sandbox.MaxBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "Invalid request body")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		s.fail(w, r, http.StatusBadRequest, "Unsupported grant type")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if id == "" || secret == "" {
		s.fail(w, r, http.StatusBadRequest, "client_id and client_secret are required")
		return
	}
	if s.clientID != "" || s.clientSecret != "" {
		okID, okSecret := sandbox.Same(id, s.clientID), sandbox.Same(secret, s.clientSecret)
		if !okID || !okSecret {
			s.fail(w, r, http.StatusUnauthorized, "Invalid client credentials")
			return
		}
	}
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	tok := hex.EncodeToString(raw[:])
	s.mu.Lock()
	ttl := s.ttl
	s.tokens[tok] = s.now().Add(ttl)
	s.mu.Unlock()
	s.tokensIssued.Add(1)
	s.answer(w, r, http.StatusOK, sandboxTokenAnswer{AccessToken: tok, ExpiresIn: int64(ttl / time.Second), TokenType: "bearer"})
}

// sandboxTokenAnswer is the token answer (TokenResponse in the spec).
type sandboxTokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// Department is a department as the sandbox holds it and GET /departments lists it,
// with the spec's JSON field names.
type Department struct {
	DepartmentID       string `json:"departmentId"`
	Name               string `json:"name"`
	ParentDepartmentID string `json:"parentDepartmentId,omitempty"`
	Code               string `json:"code,omitempty"`
}

// Group is a group as the sandbox holds it and GET /groups lists it. A smart group's
// members are chosen by its rules: the API refuses to add anyone to it.
type Group struct {
	GroupID string `json:"groupId"`
	Name    string `json:"name"`
	IsSmart bool   `json:"isSmart"`
}

func (s *Sandbox) authorized(r *http.Request) bool {
	tok, ok := sandbox.Token(r.Header.Get("Authorization"), "bearer")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && s.now().Before(exp)
}

// writePage answers one page of a listing; the page token is the offset of the next page.
func writePage[T any](s *Sandbox, w http.ResponseWriter, r *http.Request, key string, items []T) {
	s.mu.Lock()
	size := s.pageSize
	s.mu.Unlock()
	if n, err := strconv.Atoi(r.URL.Query().Get("pageSize")); err == nil && n > 0 && n < size {
		size = n
	}
	from := 0
	if t := r.URL.Query().Get("pageToken"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(items) {
			s.fail(w, r, http.StatusBadRequest, "Invalid page token")
			return
		}
		from = n
	}
	to := min(from+size, len(items))
	ans := map[string]any{key: items[from:to]}
	if to < len(items) {
		ans["nextPageToken"] = strconv.Itoa(to)
	}
	s.answer(w, r, http.StatusOK, ans)
}

// sandboxProfile is a user as GET /users/v2 answers it: fields as the upper-case
// {name, value} list.
type sandboxProfile struct {
	UserID                  string         `json:"userId"`
	DepartmentID            string         `json:"departmentId"`
	Role                    string         `json:"role"`
	RoleID                  string         `json:"roleId"`
	Status                  int            `json:"status"`
	Fields                  []sandboxField `json:"fields"`
	Groups                  []string       `json:"groups"`
	ManageableDepartmentIDs []string       `json:"manageableDepartmentIds,omitempty"`
}

type sandboxField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (s *Sandbox) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	emails, logins, ids := q["emails[]"], q["logins[]"], q["userIds[]"]
	s.mu.Lock()
	var found []sandboxProfile
	for _, u := range s.users {
		if len(emails) > 0 && !containsFold(emails, u.Fields["email"]) ||
			len(logins) > 0 && !containsFold(logins, u.Fields["login"]) ||
			len(ids) > 0 && !slices.Contains(ids, u.ID) {
			continue
		}
		p := sandboxProfile{UserID: u.ID, DepartmentID: u.DepartmentID, Role: cmp.Or(u.Role, "learner"),
			RoleID: u.RoleID, Status: u.Status, Groups: slices.Clone(u.GroupIDs),
			ManageableDepartmentIDs: slices.Clone(u.ManageableDepartmentIDs)}
		if p.RoleID == "" {
			p.RoleID = s.roleIDOfType(p.Role)
		}
		if p.Groups == nil {
			p.Groups = []string{}
		}
		keys := make([]string, 0, len(u.Fields))
		for k := range u.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p.Fields = append(p.Fields, sandboxField{Name: strings.ToUpper(k), Value: u.Fields[k]})
		}
		found = append(found, p)
	}
	s.mu.Unlock()
	sort.Slice(found, func(i, j int) bool { return found[i].UserID < found[j].UserID })
	writePage(s, w, r, "userProfiles", found)
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), v) {
			return true
		}
	}
	return false
}

// roleIDOfType is the id of the first role of type t, or "". s.mu is held.
func (s *Sandbox) roleIDOfType(t string) string {
	for _, r := range s.roles {
		if r.Type == t {
			return r.RoleID
		}
	}
	return ""
}

// listRoles answers GET /role: a bare list of Role.
func (s *Sandbox) listRoles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	roles := slices.Clone(s.roles)
	s.mu.Unlock()
	s.answer(w, r, http.StatusOK, roles)
}

// sandboxFieldInfo is UserFieldInfo, with isUnique and isRequired as 0 or 1.
type sandboxFieldInfo struct {
	UserFieldInfoID string         `json:"userFieldInfoId"`
	Name            string         `json:"name"`
	Label           string         `json:"label"`
	Type            string         `json:"type"`
	IsUnique        int            `json:"isUnique"`
	IsRequired      int            `json:"isRequired"`
	OrderPriority   int            `json:"orderPriority"`
	Values          []sandboxField `json:"values"`
}

// listProfileFields answers GET /user/profile/fields: a bare list of UserFieldInfo.
func (s *Sandbox) listProfileFields(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := make([]sandboxFieldInfo, 0, len(s.profile))
	for i, f := range s.profile {
		out = append(out, sandboxFieldInfo{UserFieldInfoID: f.ID, Name: f.Name, Label: f.Label, Type: f.Type,
			IsUnique: b2i(f.Unique), IsRequired: b2i(f.Required), OrderPriority: i, Values: []sandboxField{}})
	}
	s.mu.Unlock()
	s.answer(w, r, http.StatusOK, out)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sandboxBody is what POST /user and POST /user/{id} take.
type sandboxBody struct {
	DepartmentID            *string           `json:"departmentId"`
	Fields                  map[string]string `json:"fields"`
	GroupIDs                *[]string         `json:"groupIds"`
	Password                string            `json:"password"`
	Role                    string            `json:"role"`
	RoleID                  string            `json:"roleId"`
	ManageableDepartmentIDs []string          `json:"manageableDepartmentIds"`
	SendLoginEmail          bool              `json:"sendLoginEmail"`
	InvitationMessage       string            `json:"invitationMessage"`
}

// roles are the values of role the documentation's "Adding a User" lists: the standard
// roles but the owner and the publisher, and custom, which a publisher and every
// custom role are given as, with their roleId.
var roles = []string{"learner", "administrator", "department_administrator", "custom"}

// checkRole applies the documented rules of role, roleId and manageableDepartmentIds,
// and returns the platform's message (or "") and the role type to keep. s.mu is held.
func (s *Sandbox) checkRole(b *sandboxBody) (msg, kind string) {
	if !slices.Contains(roles, b.Role) {
		return fmt.Sprintf("Invalid value %s. Field role must be one of %s; a publisher or a custom role is given as custom with its roleId.",
			b.Role, strings.Join(roles, ", ")), ""
	}
	kind = b.Role
	if b.Role == "custom" {
		if b.RoleID == "" {
			return "Field roleId is required when role is custom", ""
		}
		i := slices.IndexFunc(s.roles, func(r Role) bool { return r.RoleID == b.RoleID })
		if i < 0 || (s.roles[i].Type != "custom" && s.roles[i].Type != "publisher") {
			return fmt.Sprintf("Role with id %s not found", b.RoleID), ""
		}
		kind = s.roles[i].Type
	}
	if kind == "department_administrator" || kind == "publisher" || kind == "custom" {
		if len(b.ManageableDepartmentIDs) == 0 {
			return "Field manageableDepartmentIds is required for this role", ""
		}
		for _, id := range b.ManageableDepartmentIDs {
			if msg := s.checkDepartment(id); msg != "" {
				return msg, ""
			}
		}
	}
	return "", kind
}

func (s *Sandbox) readBody(w http.ResponseWriter, r *http.Request) (*sandboxBody, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		s.fail(w, r, http.StatusBadRequest, "The sandbox takes JSON bodies only (Content-Type: application/json)")
		return nil, false
	}
	data, err := sandbox.ReadBody(w, r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "Invalid request body")
		return nil, false
	}
	var b sandboxBody
	if err := json.Unmarshal(data, &b); err != nil {
		s.fail(w, r, http.StatusBadRequest, "Invalid request body: "+err.Error())
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range b.Fields {
		if !slices.ContainsFunc(s.profile, func(f ProfileField) bool { return f.Name == k }) {
			s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("Unknown user profile field %s", k))
			return nil, false
		}
	}
	return &b, true
}

func (s *Sandbox) createUser(w http.ResponseWriter, r *http.Request) {
	b, ok := s.readBody(w, r)
	if !ok {
		return
	}
	if b.SendLoginEmail && strings.TrimSpace(b.InvitationMessage) == "" {
		s.fail(w, r, http.StatusBadRequest, "Field invitationMessage is required when sendLoginEmail is true")
		return
	}
	dept := ""
	if b.DepartmentID != nil {
		dept = *b.DepartmentID
	}
	var groups []string
	if b.GroupIDs != nil {
		groups = *b.GroupIDs
	}
	s.mu.Lock()
	msg := s.checkNew(dept, b.Fields, groups, "")
	kind := "learner"
	if msg == "" && b.Role != "" {
		msg, kind = s.checkRole(b)
	}
	if msg != "" {
		s.mu.Unlock()
		s.fail(w, r, http.StatusBadRequest, msg)
		return
	}
	u := &User{ID: s.newUserID(), DepartmentID: dept, Fields: copyFields(b.Fields),
		GroupIDs: slices.Clone(groups), Role: kind, Status: 1, HasPassword: b.Password != "",
		SendLoginEmail: b.SendLoginEmail}
	if b.Role == "custom" {
		u.RoleID = b.RoleID
	}
	if kind != "learner" && kind != "administrator" {
		u.ManageableDepartmentIDs = slices.Clone(b.ManageableDepartmentIDs)
	}
	s.users[u.ID] = u
	s.mu.Unlock()
	s.counts.Wrote()
	s.answer(w, r, http.StatusCreated, u.ID)
}

func (s *Sandbox) updateUser(w http.ResponseWriter, r *http.Request, id string) {
	b, ok := s.readBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, found := s.users[id]
	if !found {
		s.fail(w, r, http.StatusNotFound, "User not found")
		return
	}
	if b.Fields["login"] == "" {
		s.fail(w, r, http.StatusBadRequest, "Field login is required")
		return
	}
	if msg := s.checkFields(b.Fields, id); msg != "" {
		s.fail(w, r, http.StatusBadRequest, msg)
		return
	}
	if b.DepartmentID != nil {
		if msg := s.checkDepartment(*b.DepartmentID); msg != "" {
			s.fail(w, r, http.StatusBadRequest, msg)
			return
		}
	}
	if b.GroupIDs != nil {
		if msg := s.checkGroups(*b.GroupIDs); msg != "" {
			s.fail(w, r, http.StatusBadRequest, msg)
			return
		}
	}
	kind := ""
	if b.Role != "" {
		var msg string
		if msg, kind = s.checkRole(b); msg != "" {
			s.fail(w, r, http.StatusBadRequest, msg)
			return
		}
	}
	// Only what was sent changes. groupIds replaces the membership: the pessimistic
	// reading of the spec, which the client must cope with. The spec's update has no
	// password; one sent anyway is taken, again the pessimistic reading, and counted
	// as a reset.
	before := copyUser(u)
	for k, v := range b.Fields {
		u.Fields[k] = v
	}
	if b.DepartmentID != nil {
		u.DepartmentID = *b.DepartmentID
	}
	if b.GroupIDs != nil {
		u.GroupIDs = slices.Clone(*b.GroupIDs)
	}
	if kind != "" {
		u.Role, u.RoleID, u.ManageableDepartmentIDs = kind, "", nil
		if b.Role == "custom" {
			u.RoleID = b.RoleID
		}
		if kind != "learner" && kind != "administrator" {
			u.ManageableDepartmentIDs = slices.Clone(b.ManageableDepartmentIDs)
		}
	}
	if b.Password != "" {
		u.HasPassword = true
		s.counts.Reset()
	}
	if b.Password != "" || !sameUser(before, *u) {
		s.counts.Wrote()
	}
	w.WriteHeader(http.StatusOK)
}

// setPassword answers POST /user/{id}/password {"password": ...}: 200 with no body.
// The sandbox keeps no password, only that one was set.
func (s *Sandbox) setPassword(w http.ResponseWriter, r *http.Request, id string) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		s.fail(w, r, http.StatusBadRequest, "The sandbox takes JSON bodies only (Content-Type: application/json)")
		return
	}
	var b struct {
		Password string `json:"password"`
	}
	data, err := sandbox.ReadBody(w, r)
	if err != nil || json.Unmarshal(data, &b) != nil {
		s.fail(w, r, http.StatusBadRequest, "Invalid request body")
		return
	}
	if b.Password == "" {
		s.fail(w, r, http.StatusBadRequest, "Field password is required")
		return
	}
	s.mu.Lock()
	u, found := s.users[id]
	if found {
		u.HasPassword = true
	}
	s.mu.Unlock()
	if !found {
		s.fail(w, r, http.StatusNotFound, "User not found")
		return
	}
	s.counts.Reset()
	s.counts.Wrote()
	w.WriteHeader(http.StatusOK)
}

// setStatus answers POST /user/{id}/status {"status": 1|3}: 200 with no body. The
// documentation's own sample is XML, <request><status>1</status></request>; the
// sandbox takes JSON bodies only, as everywhere else.
func (s *Sandbox) setStatus(w http.ResponseWriter, r *http.Request, id string) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		s.fail(w, r, http.StatusBadRequest, "The sandbox takes JSON bodies only (Content-Type: application/json)")
		return
	}
	var b struct {
		Status json.RawMessage `json:"status"`
	}
	data, err := sandbox.ReadBody(w, r)
	if err != nil || json.Unmarshal(data, &b) != nil {
		s.fail(w, r, http.StatusBadRequest, "Invalid request body")
		return
	}
	st, err := strconv.Atoi(strings.Trim(string(b.Status), `"`))
	if err != nil || (st != 1 && st != 3) {
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("User status must be 1 or 3, %s given", b.Status))
		return
	}
	s.mu.Lock()
	u, found := s.users[id]
	changed := found && u.Status != st
	if found {
		u.Status = st
	}
	s.mu.Unlock()
	if !found {
		s.fail(w, r, http.StatusNotFound, "User not found")
		return
	}
	if changed {
		s.counts.Wrote()
	}
	w.WriteHeader(http.StatusOK)
}

func copyUser(u *User) User {
	c := *u
	c.Fields = maps.Clone(u.Fields)
	c.GroupIDs = slices.Clone(u.GroupIDs)
	c.ManageableDepartmentIDs = slices.Clone(u.ManageableDepartmentIDs)
	return c
}

func sameUser(a, b User) bool {
	return a.DepartmentID == b.DepartmentID && a.Role == b.Role && a.RoleID == b.RoleID &&
		maps.Equal(a.Fields, b.Fields) && slices.Equal(a.GroupIDs, b.GroupIDs) &&
		slices.Equal(a.ManageableDepartmentIDs, b.ManageableDepartmentIDs)
}

// checkNew applies POST /user's rules; it returns the platform's message, or "".
// s.mu is held.
func (s *Sandbox) checkNew(dept string, fields map[string]string, groups []string, self string) string {
	if dept == "" {
		return "Field departmentId is required"
	}
	if msg := s.checkDepartment(dept); msg != "" {
		return msg
	}
	if fields["login"] == "" {
		return "Field login is required"
	}
	if fields["email"] == "" {
		return "Field email is required"
	}
	for _, f := range s.profile {
		if f.Required && f.Type != "country" && strings.TrimSpace(fields[f.Name]) == "" {
			return fmt.Sprintf("Field %s is required", f.Name)
		}
	}
	if msg := s.checkFields(fields, self); msg != "" {
		return msg
	}
	return s.checkGroups(groups)
}

// checkFields enforces unique logins and e-mails, and the other fields the profile
// says are unique, compared without regard to case. s.mu is held.
func (s *Sandbox) checkFields(fields map[string]string, self string) string {
	unique := []string{"login", "email"}
	for _, f := range s.profile {
		if f.Unique && !slices.Contains(unique, f.Name) {
			unique = append(unique, f.Name)
		}
	}
	for _, f := range unique {
		v := fields[f]
		if v == "" {
			continue
		}
		for _, u := range s.users {
			if u.ID != self && strings.EqualFold(u.Fields[f], v) {
				return fmt.Sprintf("Invalid value %s. Field %s must be unique.", v, f)
			}
		}
	}
	return ""
}

func (s *Sandbox) checkDepartment(id string) string {
	for _, d := range s.depts {
		if d.DepartmentID == id {
			return ""
		}
	}
	return fmt.Sprintf("Department with id %s not found", id)
}

func (s *Sandbox) checkGroups(ids []string) string {
	for _, id := range ids {
		i := slices.IndexFunc(s.groups, func(g Group) bool { return g.GroupID == id })
		switch {
		case i < 0:
			return fmt.Sprintf("Group with id %s not found", id)
		case s.groups[i].IsSmart:
			return fmt.Sprintf("Users cannot be added to the smart group %s", id)
		}
	}
	return ""
}

// newUserID makes a deterministic uuid-shaped id. s.mu is held.
func (s *Sandbox) newUserID() string {
	s.nextID++
	return fmt.Sprintf("30000000-0000-4000-8000-%012d", s.nextID)
}

func copyFields(f map[string]string) map[string]string {
	out := make(map[string]string, len(f))
	for k, v := range f {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// fail answers the API's error shape {"code":..,"message":..}.
func (s *Sandbox) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.answer(w, r, status, map[string]any{"code": status, "message": msg})
}

// answer writes v as JSON when the request's Accept names JSON, and as XML under
// <response> otherwise, which is what the API does.
func (s *Sandbox) answer(w http.ResponseWriter, r *http.Request, status int, v any) {
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
		return
	}
	s.xmlAnswers.Add(1)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := writeXML(&buf, "response", v); err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeXML renders v (anything JSON can encode) as the API's XML: an object's keys are
// elements, a list under key "items" repeats an element named "item".
func writeXML(buf *bytes.Buffer, name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return err
	}
	xmlNode(buf, name, tree)
	return nil
}

func xmlNode(buf *bytes.Buffer, name string, v any) {
	buf.WriteString("<" + name + ">")
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			xmlNode(buf, k, v[k])
		}
	case []any:
		item := strings.TrimSuffix(name, "s")
		if item == name || item == "" {
			item = "item"
		}
		for _, e := range v {
			xmlNode(buf, item, e)
		}
	case nil:
	default:
		_ = xml.EscapeText(buf, []byte(fmt.Sprint(v)))
	}
	buf.WriteString("</" + name + ">")
}
