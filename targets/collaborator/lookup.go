package collaborator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"userimport/columns"
	"userimport/outcome"
	"userimport/targets"
	"userimport/validate"
)

// maxPages bounds the pages of one lookup. A lookup by e-mail or login matches a handful
// of accounts; more than maxPages pages (100 accounts at the documented 10 a page)
// means the filter is not doing what it should, and the row is treated as one that
// cannot be looked up rather than read the whole directory.
const maxPages = 10

// account is one item of the user list: the fields it showed, by their import names
// (docs/platforms/collaborator.md, "User list"). A key missing from fields is a field
// the list does not show, which can be neither compared nor updated.
type account struct {
	uid    string
	hasUID bool // the item had a uid key, even null or empty (an account made by hand)
	fields map[string]string
}

func (a *account) get(key string) (string, bool) {
	v, ok := a.fields[key]
	return v, ok
}

// itemKeys are the spellings of each field an item may use. The import's names come
// first: the login answer of the same API spells names so (firstname, secondname); the
// others are accepted because the list's item is not documented.
var itemKeys = []struct {
	key   string
	names []string
}{
	{"uid", []string{"uid", "external_id"}},
	{"secondname", []string{"secondname", "second_name", "lastname", "last_name"}},
	{"firstname", []string{"firstname", "first_name"}},
	{"patronymic", []string{"patronymic", "middlename", "middle_name"}},
	{"login", []string{"login"}},
	{"email", []string{"email"}},
	{"birth_date", []string{"birth_date", "birthdate"}},
	{"gender", []string{"gender"}},
	{"is_active", []string{"is_active"}},
	{"city", []string{"city"}},
	{"department", []string{"department"}},
	{"position", []string{"position"}},
	{"phone", []string{"phone"}},
	{"tags", []string{"tags"}},
	{"date_of_employment", []string{"date_of_employment"}},
	{"work_contact", []string{"work_contact"}},
	{"date_of_assignment_current_position", []string{"date_of_assignment_current_position"}},
	{"user_field1", []string{"user_field1"}},
	{"user_field2", []string{"user_field2"}},
	{"user_field3", []string{"user_field3"}},
	{"user_field4", []string{"user_field4"}},
	{"user_field5", []string{"user_field5"}},
}

// userList is one page of the user list.
type userList struct {
	items []account
	// paged is true when the answer had a pager; current and pages are from it.
	paged          bool
	current, pages int
}

// parseList reads a list answer: {"data":[...],"pager":{"current":1,"count":16,
// "total":155,"countPerPage":10}}. data may also come as an object keyed by position
// (what PHP makes of a filtered array) or null (no items). ok is false for anything
// else: a login page, another API's answer.
func parseList(body []byte) (l userList, ok bool) {
	var env struct {
		Data  json.RawMessage `json:"data"`
		Pager *struct {
			Current      targets.FlexInt `json:"current"`
			Count        targets.FlexInt `json:"count"`
			Total        targets.FlexInt `json:"total"`
			CountPerPage targets.FlexInt `json:"countPerPage"`
		} `json:"pager"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Data == nil {
		return userList{}, false
	}
	var raw []map[string]json.RawMessage
	switch d := bytes.TrimSpace(env.Data); {
	case bytes.Equal(d, []byte("null")):
	case len(d) > 0 && d[0] == '[':
		if err := json.Unmarshal(d, &raw); err != nil {
			return userList{}, false
		}
	case len(d) > 0 && d[0] == '{':
		var byKey map[string]map[string]json.RawMessage
		if err := json.Unmarshal(d, &byKey); err != nil {
			return userList{}, false
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, aerr := strconv.Atoi(keys[i])
			b, berr := strconv.Atoi(keys[j])
			if aerr == nil && berr == nil {
				return a < b
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			raw = append(raw, byKey[k])
		}
	default:
		return userList{}, false
	}
	for _, item := range raw {
		if item == nil {
			continue
		}
		l.items = append(l.items, parseItem(item))
	}
	if p := env.Pager; p != nil {
		l.paged, l.current, l.pages = true, int(p.Current), int(p.Count)
		if l.pages == 0 && p.Total > 0 && p.CountPerPage > 0 {
			l.pages = int(math.Ceil(float64(p.Total) / float64(p.CountPerPage)))
		}
	}
	return l, true
}

func parseItem(item map[string]json.RawMessage) account {
	a := account{fields: map[string]string{}}
	for _, k := range itemKeys {
		for _, name := range k.names {
			raw, ok := item[name]
			if !ok {
				continue
			}
			v, ok := scalar(raw)
			if !ok {
				continue // an object or a list: not a value this client can compare
			}
			if k.key == "uid" {
				a.uid, a.hasUID = v, true
			} else {
				a.fields[k.key] = v
			}
			break
		}
	}
	return a
}

// scalar renders a JSON string, number, boolean or null as text; ok is false for an
// object or a list.
func scalar(raw json.RawMessage) (string, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return strings.TrimSpace(v), true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

// lookup is the outcome of looking a row up.
type lookup struct {
	acc  *account  // the account whose uid is the row's, or nil
	seen []account // every item the lookups listed, for the conflict checks
	// blind, when not "", says why the row cannot be looked up: the decision is then
	// the import's own (an upsert by uid), under the rules of Client.blind.
	blind string
}

// find looks u up: by e-mail, then by login when that found no account with u's uid
// (login first on the old API, whose only documented filter it is), then, on the new
// API, by surname and first name: an account whose e-mail and login both changed on
// the platform is still found before it could be taken for a new one and sent a
// generated password. The list's filters are fuzzy, so the account is the item whose
// uid is u's, compared here.
func (c *Client) find(ctx context.Context, u *validate.User) (lookup, error) {
	if why := c.noLookup.Load(); why != nil {
		return lookup{blind: *why}, nil
	}
	// A best-effort stage (the name) adds a chance to find the account; a list it
	// cannot read to the end (a common name matches hundreds) is no reason to give up.
	type stage struct {
		key, value string
		bestEffort bool
	}
	var stages []stage
	if c.version == APIv2 {
		stages = []stage{{"filter[fullname]", u.Email, false}, {"filter[fullname]", u.Login, false}}
		if u.LastName != "" && u.FirstName != "" {
			stages = append(stages, stage{"filter[fullname]", u.LastName + " " + u.FirstName, true})
		}
	} else {
		stages = []stage{{"filter[login]", u.Login, false}, {"filter[email]", u.Email, false}}
	}
	var l lookup
	asked := false
	for _, st := range stages {
		if st.value == "" {
			continue
		}
		asked = true
		pages := maxPages
		if st.bestEffort {
			pages = 1 // a common name matches hundreds: one page is the chance it adds
		}
		items, found, why, err := c.search(ctx, st.key, st.value, u.UID, pages)
		if err != nil {
			return lookup{}, err
		}
		if why != "" && st.bestEffort && c.noLookup.Load() == nil {
			continue
		}
		if why != "" {
			return lookup{blind: why}, nil
		}
		l.seen = append(l.seen, items...)
		if found != nil {
			l.acc = found
			break
		}
	}
	if !asked {
		return lookup{blind: "the row has neither an e-mail nor a login to look it up by"}, nil
	}
	return l, nil
}

// search reads the pages of one filtered list until an item with uid turns up or the
// pages end. why, when not "", says the list cannot answer: it does not exist for this
// token (remembered for the run), it shows no uids, or it matched more than maxPages
// pages or ignored the page asked for.
func (c *Client) search(ctx context.Context, key, value, uid string, pages int) (items []account, found *account, why string, err error) {
	for page := 1; ; page++ {
		q := url.Values{key: {value}}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		resp, err := c.call(ctx, http.MethodGet, c.list+"?"+q.Encode(), nil)
		if err != nil {
			return nil, nil, "", fmt.Errorf("look up: %w", err)
		}
		switch s := resp.Status; {
		case s == http.StatusForbidden || s == http.StatusNotFound || s == http.StatusMethodNotAllowed:
			why := fmt.Sprintf("Collaborator's user list answers HTTP %d to this token", s)
			c.noLookup.CompareAndSwap(nil, &why)
			return nil, nil, why, nil
		case s < 200 || s > 299:
			msgs, _ := parseErrors(resp.Body)
			return nil, nil, "", fmt.Errorf("look up: %w", targets.StatusError(http.MethodGet, resp, msgs))
		}
		l, ok := parseList(resp.Body)
		if !ok {
			return nil, nil, "", fmt.Errorf("look up: %w", &targets.Error{Kind: targets.Permanent, Status: resp.Status, Code: targets.CodeHTTP,
				Messages: []string{"the user list answered something that is not a list: " + snippet(resp.Body)}})
		}
		if len(l.items) > 0 && !slices.ContainsFunc(l.items, func(a account) bool { return a.hasUID }) {
			return nil, nil, "Collaborator's user list does not show uids", nil
		}
		if page > 1 && l.paged && l.current != 0 && l.current != page {
			return nil, nil, "Collaborator's user list does not page", nil
		}
		for i := range l.items {
			items = append(items, l.items[i])
			if sameUID(l.items[i].uid, uid) {
				return items, &l.items[i], "", nil
			}
		}
		if !l.paged || len(l.items) == 0 || page >= l.pages {
			return items, nil, "", nil
		}
		if page >= pages {
			return nil, nil, fmt.Sprintf("the user list matched more than %d pages of accounts", pages), nil
		}
	}
}

func sameUID(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// conflict returns the CodeConflict error for the first listed account, other than the
// row's own, that holds value in key (e-mail or login), or nil.
func conflict(seen []account, uid, key, value string) error {
	if value == "" {
		return nil
	}
	for _, a := range seen {
		if sameUID(a.uid, uid) {
			continue
		}
		if v, ok := a.get(key); !ok || !strings.EqualFold(v, value) {
			continue
		}
		what := "login"
		if key == "email" {
			what = "e-mail"
		}
		holder := fmt.Sprintf("the account with uid %q", a.uid)
		if strings.TrimSpace(a.uid) == "" {
			holder = "an account with no uid (made by hand, or by another tool)"
		}
		return &targets.Error{Kind: targets.Permanent, Code: targets.CodeConflict,
			Messages: []string{fmt.Sprintf("%s: this %s belongs to %s", key, what, holder)}}
	}
	return nil
}

// diff is one field an update would change: the Change to report, the import's name
// of the field and the value to send.
type diff struct {
	change outcome.Change
	key    string
	value  string
}

// compare lists the fields of u that differ from what the list shows of acc, in a
// stable order. A field u leaves empty is never sent, so it never differs; a field the
// list does not show cannot be compared and is left alone; a login the importer made up
// is not the file's, so the account keeps its own.
func compare(acc *account, u *validate.User) []diff {
	var out []diff
	add := func(field columns.Field, key, value string, same func(a, b string) bool, show func(string) string) {
		if value == "" {
			return
		}
		old, ok := acc.get(key)
		if !ok || same(old, value) {
			return
		}
		if show == nil {
			show = func(s string) string { return s }
		}
		out = append(out, diff{change: outcome.Change{Field: string(field), Old: show(old), New: show(value)}, key: key, value: value})
	}
	exact := func(a, b string) bool { return strings.TrimSpace(a) == strings.TrimSpace(b) }
	fold := func(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }
	add(columns.Email, "email", u.Email, fold, nil)
	add(columns.LastName, "secondname", u.LastName, exact, nil)
	add(columns.FirstName, "firstname", u.FirstName, exact, nil)
	add(columns.MiddleName, "patronymic", u.MiddleName, exact, nil)
	if !u.LoginGenerated {
		add(columns.Login, "login", u.Login, fold, nil)
	}
	add(columns.Position, "position", u.Position, exact, nil)
	add(columns.Department, "department", u.Department, exact, nil)
	add(columns.City, "city", u.City, exact, nil)
	add(columns.Phone, "phone", u.Phone, samePhone, nil)
	add(columns.Tags, "tags", u.Tags, sameTags, nil)
	add(columns.BirthDate, "birth_date", u.BirthDate.DMY(), sameDate, nil)
	add(columns.HireDate, "date_of_employment", u.HireDate.DMY(), sameDate, nil)
	add(columns.PositionDate, "date_of_assignment_current_position", u.PositionDate.DMY(), sameDate, nil)
	field := columns.WorkContact
	if u.WorkContact == "" {
		field = columns.Phone // the extension, sent as the work contacts
	}
	add(field, "work_contact", workContact(u), exact, nil)
	for i, f := range []columns.Field{columns.UserField1, columns.UserField2, columns.UserField3, columns.UserField4, columns.UserField5} {
		add(f, fmt.Sprintf("user_field%d", i+1), u.UserFields[i], exact, nil)
	}
	add(columns.Gender, "gender", genderWire(u.Gender), sameFlag, showGender)
	add(columns.Active, "is_active", activeWire(u.Active), sameFlag, showActive)
	return out
}

func genderWire(g validate.Gender) string {
	switch g {
	case validate.Male:
		return "0"
	case validate.Female:
		return "1"
	}
	return ""
}

func activeWire(t validate.Tristate) string {
	switch t {
	case validate.Yes:
		return "1"
	case validate.No:
		return "0"
	}
	return ""
}

func showGender(v string) string {
	switch flagValue(v) {
	case "0":
		return "male"
	case "1":
		return "female"
	}
	return v
}

func showActive(v string) string {
	switch flagValue(v) {
	case "1":
		return "yes"
	case "0":
		return "no"
	}
	return v
}

// flagValue reads a 0/1 value as the list may write it.
func flagValue(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "0", "false", "0.0":
		return "0"
	case "1", "true", "1.0":
		return "1"
	}
	return strings.TrimSpace(v)
}

func sameFlag(a, b string) bool { return flagValue(a) == flagValue(b) }

// samePhone compares the digits and a leading plus: "+7 912 345-67-89" is
// +79123456789.
func samePhone(a, b string) bool { return phoneKey(a) == phoneKey(b) }

func phoneKey(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	if strings.HasPrefix(s, "+") {
		b.WriteByte('+')
	}
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sameTags compares comma-separated tags as sets.
func sameTags(a, b string) bool { return slices.Equal(tagSet(a), tagSet(b)) }

func tagSet(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sameDate compares dates written DD.MM.YYYY or YYYY-MM-DD, with or without a time.
func sameDate(a, b string) bool { return dateKey(a) == dateKey(b) }

func dateKey(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 10 {
		s = s[:10]
	}
	if s == "" || strings.HasPrefix(s, "0000-00-00") || strings.HasPrefix(s, "00.00.0000") {
		return ""
	}
	for _, layout := range []string{"02.01.2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("02.01.2006")
		}
	}
	return s
}
