package cscart

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"maps"
	"net/http"
	"slices"
	"strings"

	"userimport/targets"
)

// parseUsers reads a list answer: {"users":[...],"params":{"total_items":"N",...}}
// (docs/platforms/cscart.md, "Lookup"), with the list also accepted as an object keyed
// by id (how PHP encodes an array whose keys are not 0..n-1), as a bare list, or as a
// single user object (GET /users/{id}). Numbers may be strings or numbers. total is
// params.total_items, 0 when absent. An empty list, or no list, is no users.
func parseUsers(body []byte) ([]account, int, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, 0, errors.New("empty answer")
	}
	if body[0] == '[' {
		list, err := decodeAccounts(body)
		return list, 0, err
	}
	var env struct {
		Users  json.RawMessage    `json:"users"`
		UserID targets.FlexString `json:"user_id"`
		Params struct {
			TotalItems targets.FlexString `json:"total_items"`
		} `json:"params"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, 0, errors.New("answer is not a JSON object")
	}
	total := env.Params.TotalItems.Int()
	if env.UserID != "" && len(env.Users) == 0 {
		a, ok := decodeAccount(body)
		if !ok {
			return nil, 0, nil
		}
		return []account{a}, 1, nil
	}
	list, err := decodeAccounts(env.Users)
	return list, max(total, 0), err
}

// isUserList reports whether body has the list answer's shape: an object with "users"
// (a list, or an object keyed by id) and "params". Check uses it to tell the API from
// a page that answers 200 at the same address (a storefront, a login page).
func isUserList(body []byte) bool {
	var env map[string]json.RawMessage
	if json.Unmarshal(bytes.TrimSpace(body), &env) != nil {
		return false
	}
	container := func(key string) bool {
		v := bytes.TrimSpace(env[key])
		return len(v) > 0 && (v[0] == '[' || v[0] == '{')
	}
	return container("users") && container("params")
}

// decodeAccounts reads a list of users or an object of users keyed by id (in key
// order, for a stable result); null or nothing is no users. Entries that are not user
// objects are skipped.
func decodeAccounts(raw json.RawMessage) ([]account, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	switch raw[0] {
	case '[':
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, errors.New("users is not a list")
		}
	case '{':
		var byID map[string]json.RawMessage
		if err := json.Unmarshal(raw, &byID); err != nil {
			return nil, errors.New("users is not a list")
		}
		for _, k := range slices.Sorted(maps.Keys(byID)) {
			items = append(items, byID[k])
		}
	default:
		return nil, errors.New("users is not a list")
	}
	return targets.DecodeEach(items, decodeAccount), nil
}

type wireAccount struct {
	UserID    targets.FlexString `json:"user_id"`
	Login     targets.FlexString `json:"user_login"`
	Email     targets.FlexString `json:"email"`
	FirstName targets.FlexString `json:"firstname"`
	LastName  targets.FlexString `json:"lastname"`
	Phone     targets.FlexString `json:"phone"`
	Status    targets.FlexString `json:"status"`
	UserType  targets.FlexString `json:"user_type"`
	CompanyID targets.FlexString `json:"company_id"`
}

func decodeAccount(raw []byte) (account, bool) {
	var w wireAccount
	if json.Unmarshal(raw, &w) != nil || w.UserID == "" {
		return account{}, false
	}
	return account{
		ID: string(w.UserID), Login: string(w.Login), Email: string(w.Email),
		FirstName: string(w.FirstName), LastName: string(w.LastName), Phone: string(w.Phone),
		Status: string(w.Status), UserType: string(w.UserType), CompanyID: string(w.CompanyID),
	}, true
}

// parseUserID reads the user_id of a create answer ({"user_id":11,"profile_id":"12"});
// "" when there is none.
func parseUserID(body []byte) string {
	var r struct {
		UserID targets.FlexString `json:"user_id"`
	}
	if json.Unmarshal(body, &r) != nil {
		return ""
	}
	return string(r.UserID)
}

// parseErrors reads CS-Cart's error envelope {"message":"Bad Request: ...","messages":
// [...],"errors":[...],"status":400}: the errors first (notifications such as "already
// exists"), then the messages, each stripped of HTML and once only; without either,
// the message without its "<HTTP reason>: " prefix. Older versions answer a bare
// {"message":"..."}, which reads the same way.
func parseErrors(status int, body []byte) []string {
	var env struct {
		Message  targets.FlexString `json:"message"`
		Messages json.RawMessage    `json:"messages"`
		Errors   json.RawMessage    `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(list []string) {
		for _, m := range list {
			if m = stripHTML(m); m != "" && !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	add(messageList(env.Errors))
	add(messageList(env.Messages))
	if len(out) > 0 {
		return out
	}
	m := stripHTML(string(env.Message))
	if reason := http.StatusText(status); reason != "" {
		if rest, ok := strings.CutPrefix(m, reason+":"); ok {
			m = strings.TrimSpace(rest)
		}
	}
	add([]string{m})
	return out
}

// messageList reads a message, a list of messages or an object of them (PHP's
// associative arrays), the object's in key order.
func messageList(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var list []targets.FlexString
	switch raw[0] {
	case '[':
		if json.Unmarshal(raw, &list) != nil {
			return nil
		}
	case '{':
		var byKey map[string]targets.FlexString
		if json.Unmarshal(raw, &byKey) != nil {
			return nil
		}
		for _, k := range slices.Sorted(maps.Keys(byKey)) {
			list = append(list, byKey[k])
		}
	default:
		var one targets.FlexString
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []targets.FlexString{one}
	}
	out := make([]string, 0, len(list))
	for _, m := range list {
		out = append(out, string(m))
	}
	return out
}

// stripHTML turns a CS-Cart notification into plain text: inline tags (<b>, <a>) go,
// tags that break a line (<br />, <p>, <li>) become spaces, entities (&quot;, &amp;)
// their characters, and runs of white space one space.
func stripHTML(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '>')
		// Only something that looks like a tag is one: "a < b" stays as it is.
		if j < 0 || !isTagStart(s[i+1:]) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		if breaksLine(s[i+1 : i+j]) {
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// breaksLine reports whether the tag whose text (between < and >) is tag separates
// words when rendered: a line break or a block.
func breaksLine(tag string) bool {
	name := strings.TrimLeft(tag, "/!")
	if i := strings.IndexAny(name, " \t\n/"); i >= 0 {
		name = name[:i]
	}
	switch strings.ToLower(name) {
	case "b", "i", "u", "em", "strong", "span", "a", "code", "small", "sup", "sub", "font":
		return false
	}
	return true
}

// isTagStart reports whether s (what follows a '<') starts a tag: a letter, '/' or '!'.
func isTagStart(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == '/' || c == '!' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
