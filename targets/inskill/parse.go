package inskill

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"userimport/targets"
)

// # The search answers the client reads
//
// inSkill documents the search's request (GET /students?search=) but not its answer,
// nor its paging (docs/platforms/inskill.md, "Lookup"). What the client accepts is
// INFERRED from the backend being Laravel, and it is all in this table and the rules
// below it, so that there is one place to change when a real answer is seen.
//
// An answer matches the first shape whose list path leads to a JSON list. The paging
// is then read from that shape's paths, the first one present winning.
//
//	shape                        list       last page                  total               example
//	resource collection, or      data       meta.last_page, last_page  meta.total, total   {"data":[…],"links":{…},"meta":{"current_page":1,"last_page":3,"total":40}}
//	  a paginator at the top                                                               {"current_page":1,"data":[…],"last_page":3,"total":40}
//	paginator inside data        data.data  data.last_page             data.total          {"status":"ok","data":{"current_page":1,"data":[…],"last_page":3}}
//	bare list                    (all)      -                          -                   […]
//
// Each entry of the list is a student: an object with "id" and "email" (a number or a
// string), and "name", "phone" and "products" (wireStudent) when present.
//
// The rules, each of which makes an answer one the client cannot read (an error that
// stops the run, because reading it as "nobody" would create everyone again):
//   - it is not JSON, or no shape's list is in it ({"status":"ok"}, {"items":[…]});
//   - an entry is not an object with an id and an e-mail (JSON:API's {"id","attributes"});
//   - it says students match (total > 0) but lists none, on a page up to the last;
//   - it pages by cursor (a non-null next_cursor) without a last page: the client
//     cannot follow that. A next page without a last page (a non-null next_page_url or
//     links.next: Laravel's simple paginator) is asked for as page=N+1.
var searchShapes = []searchShape{
	{name: "resource collection or paginator", list: "data",
		lastPage: []string{"meta.last_page", "last_page"}, total: []string{"meta.total", "total"},
		next: []string{"links.next", "next_page_url"}, cursor: []string{"meta.next_cursor", "next_cursor"}},
	{name: "paginator inside data", list: "data.data",
		lastPage: []string{"data.last_page"}, total: []string{"data.total"},
		next: []string{"data.next_page_url"}, cursor: []string{"data.next_cursor"}},
	{name: "bare list", list: ""},
}

// searchShape is one row of searchShapes: dotted paths into the answer.
type searchShape struct {
	name     string
	list     string   // the list of students; "" is the whole answer
	lastPage []string // the number of the last page
	total    []string // the number of students matching, on all pages
	next     []string // a marker of another page, when not null
	cursor   []string // a marker that the pages go by cursor, when not null
}

// searchPage is one page of a search answer.
type searchPage struct {
	students []student
	lastPage int  // 0: the answer does not say
	total    int  // -1: the answer does not say
	next     bool // the answer says there is another page
}

// more reports whether there is a page after page.
func (p searchPage) more(page int) bool {
	if p.lastPage > 0 {
		return p.lastPage > page
	}
	return p.next
}

// errShape is an answer the client cannot read: why, and the answer's top-level keys
// (names only, never values), so that a changed shape can be told at a glance.
type errShape struct {
	why  string
	keys []string
}

func (e *errShape) Error() string {
	msg := "inSkill answered the search in a shape this tool cannot read (" + e.why
	if len(e.keys) > 0 {
		msg += "; the answer's keys: " + strings.Join(e.keys, ", ")
	}
	return msg + "). inSkill does not document this answer, so it may have changed; the run stops " +
		"rather than take everyone for new (docs/platforms/inskill.md, \"Lookup\")"
}

// parseSearch reads the answer to the search for page page, by searchShapes and its
// rules.
func parseSearch(body []byte, page int) (searchPage, error) {
	body = bytes.TrimSpace(body)
	if !json.Valid(body) {
		return searchPage{}, &errShape{why: "not JSON"}
	}
	for _, sh := range searchShapes {
		raw, ok := at(body, sh.list)
		if !ok || !bytes.HasPrefix(raw, []byte("[")) {
			continue
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			continue
		}
		p := searchPage{students: make([]student, 0, len(items)), total: -1}
		for i, it := range items {
			st, ok := decodeStudent(it)
			if !ok || st.ID == "" || strings.TrimSpace(st.Email) == "" {
				return searchPage{}, &errShape{why: fmt.Sprintf("student %d of the list has no id or no e-mail", i+1), keys: keysOf(it)}
			}
			p.students = append(p.students, st)
		}
		var err error
		if p.lastPage, err = number(body, sh.lastPage); err != nil {
			return searchPage{}, &errShape{why: "last_page: " + err.Error(), keys: keysOf(body)}
		}
		if _, found := first(body, sh.total); found {
			if p.total, err = number(body, sh.total); err != nil {
				return searchPage{}, &errShape{why: "total: " + err.Error(), keys: keysOf(body)}
			}
		}
		_, p.next = first(body, sh.next)
		if _, cursor := first(body, sh.cursor); cursor && p.lastPage == 0 {
			return searchPage{}, &errShape{why: "it pages by cursor (next_cursor), which this tool cannot follow", keys: keysOf(body)}
		}
		if p.total > 0 && len(p.students) == 0 && (p.lastPage == 0 || page <= p.lastPage) {
			return searchPage{}, &errShape{why: fmt.Sprintf("it says %d students match, but its list is empty", p.total), keys: keysOf(body)}
		}
		return p, nil
	}
	return searchPage{}, &errShape{why: "no list of students where this tool looks: data, data.data or the whole answer", keys: keysOf(body)}
}

// at is the value at a dotted path of objects in raw ("" is raw itself), trimmed; false
// when a step is missing or not an object.
func at(raw []byte, path string) ([]byte, bool) {
	raw = bytes.TrimSpace(raw)
	if path == "" {
		return raw, true
	}
	for step := range strings.SplitSeq(path, ".") {
		var obj map[string]json.RawMessage
		if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
			return nil, false
		}
		v, ok := obj[step]
		if !ok {
			return nil, false
		}
		raw = bytes.TrimSpace(v)
	}
	return raw, true
}

// first is the first value among paths that is present and not null.
func first(raw []byte, paths []string) ([]byte, bool) {
	for _, p := range paths {
		if v, ok := at(raw, p); ok && string(v) != "null" {
			return v, true
		}
	}
	return nil, false
}

// number reads the first of paths present as a count (0 when none is).
func number(raw []byte, paths []string) (int, error) {
	v, ok := first(raw, paths)
	if !ok {
		return 0, nil
	}
	var n targets.FlexInt
	if err := json.Unmarshal(v, &n); err != nil {
		return 0, err
	}
	return int(n), nil
}

// keysOf lists an object's keys, sorted; nothing for anything else.
func keysOf(raw []byte) []string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(obj))
}

// wireStudent is a student on the wire, with every field tolerant of its type.
type wireStudent struct {
	ID       targets.FlexString `json:"id"`
	Name     targets.FlexString `json:"name"`
	Email    targets.FlexString `json:"email"`
	Phone    targets.FlexString `json:"phone"`
	Products json.RawMessage    `json:"products"`
}

func decodeStudent(raw []byte) (student, bool) {
	var w wireStudent
	if err := json.Unmarshal(raw, &w); err != nil {
		return student{}, false
	}
	s := student{ID: string(w.ID), Name: string(w.Name), Email: string(w.Email), Phone: string(w.Phone)}
	s.Products, s.HasProducts = decodeProducts(w.Products)
	return s, true
}

// decodeProducts reads a student's products: a list of ids, or of objects with an id
// (or product_id). It reports false when there is no list at all.
func decodeProducts(raw json.RawMessage) ([]int64, bool) {
	var items []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	var ids []int64
	for _, it := range items {
		var n targets.FlexString
		if json.Unmarshal(it, &n) != nil || n == "" {
			var o struct {
				ID        targets.FlexString `json:"id"`
				ProductID targets.FlexString `json:"product_id"`
			}
			if json.Unmarshal(it, &o) != nil {
				continue
			}
			n = o.ProductID
			if n == "" {
				n = o.ID
			}
		}
		if v, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			ids = append(ids, v)
		}
	}
	return ids, true
}

// parseOne reads {"data":{...}} or a bare student object.
func parseOne(body []byte) (student, error) {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return student{}, errors.New("answer is not JSON")
	}
	raw := bytes.TrimSpace(env.Data)
	if len(raw) == 0 || raw[0] != '{' {
		raw = body
	}
	s, ok := decodeStudent(raw)
	if !ok || s.ID == "" {
		return student{}, errors.New("answer has no student id")
	}
	return s, nil
}

// parseDuplicate recognizes inSkill's "already added" refusal: a 422 whose errors name
// the e-mail and whose data is the existing student (docs/platforms/inskill.md). Both are
// required, so an e-mail refused for its format is not mistaken for a duplicate.
func parseDuplicate(body []byte) (student, bool) {
	var env struct {
		Data   json.RawMessage            `json:"data"`
		Errors map[string]json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil {
		return student{}, false
	}
	if _, ok := env.Errors["email"]; !ok {
		return student{}, false
	}
	s, ok := decodeStudent(env.Data)
	if !ok || s.ID == "" {
		return student{}, false
	}
	return s, true
}

// parseErrors reads Laravel's validation shape {"message":"The given data was
// invalid.","errors":{"field":["msg",...]}} into "field: msg" lines, sorted by field.
// Without field errors it falls back to "message" (or "error"); an unreadable body
// gives nothing, and the caller uses the HTTP status text.
func parseErrors(body []byte) []string {
	var env struct {
		Message targets.FlexString `json:"message"`
		Error   targets.FlexString `json:"error"`
		Errors  json.RawMessage    `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	var out []string
	var byField map[string]json.RawMessage
	if json.Unmarshal(env.Errors, &byField) == nil {
		for _, f := range slices.Sorted(maps.Keys(byField)) {
			for _, m := range messageList(byField[f]) {
				out = append(out, f+": "+m)
			}
		}
	} else {
		out = messageList(env.Errors)
	}
	if len(out) > 0 {
		return out
	}
	for _, m := range []targets.FlexString{env.Message, env.Error} {
		if s := strings.TrimSpace(string(m)); s != "" {
			return []string{s}
		}
	}
	return nil
}

// messageList reads a message or a list of messages.
func messageList(raw json.RawMessage) []string {
	var list []targets.FlexString
	if json.Unmarshal(raw, &list) != nil {
		var one targets.FlexString
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []targets.FlexString{one}
	}
	var out []string
	for _, m := range list {
		if s := strings.TrimSpace(string(m)); s != "" {
			out = append(out, s)
		}
	}
	return out
}
