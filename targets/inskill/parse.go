package inskill

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"userimport/targets"
)

// The documentation shows only the create answer ({"data":{...},"status":"ok"}) and the
// 422 validation error. The shape of the search answer is not documented
// (docs/platforms/inskill.md): the parser below is INFERRED from the backend being Laravel, and accepts
// {"data":[...]} (an API resource collection, with or without Laravel's "links" and
// "meta" pagination), a bare list, and a paginator ({"current_page":1,"data":[...],
// "last_page":3}) either at the top or inside "data".

// parseSearch reads a search answer: the students on this page and the number of the
// last page (0 when the answer does not say).
func parseSearch(body []byte) ([]student, int, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		list, err := parseStudents(body)
		return list, 0, err
	}
	var env struct {
		Data     json.RawMessage    `json:"data"`
		LastPage targets.FlexString `json:"last_page"`
		Meta     struct {
			LastPage targets.FlexString `json:"last_page"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, 0, errors.New("search answer is not JSON")
	}
	last := max(env.LastPage.Int(), env.Meta.LastPage.Int())
	data := bytes.TrimSpace(env.Data)
	switch {
	case len(data) == 0 || string(data) == "null":
		return nil, last, nil
	case data[0] == '{':
		// A paginator inside data: {"data":{"current_page":1,"data":[...]}}.
		list, inner, err := parseSearch(data)
		return list, max(last, inner), err
	}
	list, err := parseStudents(data)
	return list, last, err
}

// searchShaped reports whether a 200 answer to a search is one parseSearch reads as a
// search: a list of students, or an object whose "data" is a list or a paginator. A
// login page, a proxy's placeholder or any other JSON object is not.
func searchShaped(body []byte) bool {
	if _, _, err := parseSearch(body); err != nil {
		return false
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		return true
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &env) != nil {
		return false
	}
	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 {
		return false
	}
	if data[0] == '[' {
		return true
	}
	if data[0] != '{' {
		return false
	}
	var inner struct {
		Data json.RawMessage `json:"data"`
	}
	return json.Unmarshal(data, &inner) == nil && bytes.HasPrefix(bytes.TrimSpace(inner.Data), []byte("["))
}

// parseStudents reads a JSON list of students, skipping entries that are not objects.
func parseStudents(raw []byte) ([]student, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errors.New("search answer: data is not a list")
	}
	return targets.DecodeEach(items, decodeStudent), nil
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
