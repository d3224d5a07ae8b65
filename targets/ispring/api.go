package ispring

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"userimport/targets"
)

// call sends one authorized request. A 401 is answered once by fetching a new token
// and sending the request again (a 401 means the platform did nothing, so even a write
// is safe to repeat); a second 401 comes back as the Response for the caller to
// classify, which StatusError makes Fatal.
func (c *Client) call(ctx context.Context, method, path string, body []byte) (*targets.Response, error) {
	var stale string
	for attempt := 0; ; attempt++ {
		tok, err := c.tok.get(ctx, stale)
		if err != nil {
			return nil, err
		}
		resp, err := c.bearer(tok).Send(ctx, method, path, body)
		if err != nil {
			return nil, err
		}
		if resp.Status == http.StatusUnauthorized && attempt == 0 {
			stale = tok
			continue
		}
		return resp, nil
	}
}

// bearer is the API with tok as its credentials.
func (c *Client) bearer(tok string) targets.API {
	return c.api.WithAuth(targets.Header("Authorization", "Bearer "+tok))
}

// statusError classifies a non-success answer with the platform's own messages, with
// the secret and the given passwords taken out. A 401 that survived a token refresh
// gets a sentence saying so.
func (c *Client) statusError(method string, r *targets.Response, passwords ...string) *targets.Error {
	msgs := c.scrub(errorMessages(r.Body), passwords...)
	e := targets.StatusError(method, r, msgs)
	if r.Status == http.StatusUnauthorized {
		e.Messages = append(e.Messages, "the access token was rejected even after a refresh")
	}
	if e.Kind == targets.Permanent && r.Status == http.StatusBadRequest {
		for _, m := range e.Messages {
			if strings.Contains(strings.ToLower(m), "must be unique") {
				e.Code = targets.CodeConflict
			}
		}
	}
	return e
}

// maxMessage caps a message taken from a plain-text error body.
const maxMessage = 300

// errorMessages reads the platform's error shape: JSON {"code":..,"message":..} as the
// spec says, OAuth's {"error":..,"error_description":..} from the token endpoint, XML
// <response><message>..</message></response> when a server ignores Accept, or a short
// plain-text body. HTML pages and empty bodies give nothing, and the caller falls back
// to the status text.
func errorMessages(body []byte) []string {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return nil
	}
	var msgs []string
	add := func(s string) {
		s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
		if s != "" && !slices.Contains(msgs, s) {
			msgs = append(msgs, truncate(s, maxMessage))
		}
	}
	switch b[0] {
	case '{':
		var e struct {
			Message          any    `json:"message"`
			Error            any    `json:"error"`
			ErrorDescription string `json:"error_description"`
		}
		if json.Unmarshal(b, &e) != nil {
			return nil
		}
		for _, v := range []any{e.Message, e.ErrorDescription, e.Error} {
			switch v := v.(type) {
			case string:
				add(v)
			case []any:
				for _, m := range v {
					if s, ok := m.(string); ok {
						add(s)
					}
				}
			}
			if len(msgs) > 0 {
				break
			}
		}
		return msgs
	case '<':
		var e struct {
			Message string `xml:"message"`
		}
		if xml.Unmarshal(b, &e) == nil {
			add(e.Message)
		}
		return msgs
	}
	if utf8.Valid(b) {
		add(string(b))
	}
	return msgs
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// Fields is a user's profile fields keyed by lower-case system name (login, email,
// first_name, ...). The spec declares `fields` as an object, but real servers send a
// list of {"name":"EMAIL","value":"..."} with upper-case names; UnmarshalJSON reads
// both, so a server that follows either wins.
type Fields map[string]string

// UnmarshalJSON reads fields as an object or as a list of {name, value}. Names are
// lower-cased; values that are not strings (numbers, booleans) keep their JSON text,
// and null is an empty value.
func (f *Fields) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	out := Fields{}
	switch {
	case len(b) == 0:
		return errors.New("fields: empty value")
	case string(b) == "null":
		*f = nil
		return nil
	case b[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("fields: %w", err)
		}
		// In key order, so that "email" and "EMAIL" resolve the same way every time.
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out[strings.ToLower(k)] = scalar(m[k])
		}
	case b[0] == '[':
		var l []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(b, &l); err != nil {
			return fmt.Errorf("fields: %w", err)
		}
		for _, kv := range l {
			if kv.Name == "" {
				continue
			}
			out[strings.ToLower(kv.Name)] = scalar(kv.Value)
		}
	default:
		return fmt.Errorf("fields: want an object or a list, got %.20q", b)
	}
	*f = out
	return nil
}

// scalar turns a JSON value into the string a profile field holds.
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// groupIDs reads a user's groups: the spec says a list of ids; objects with groupId
// are read too.
type groupIDs []string

func (g *groupIDs) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		if string(bytes.TrimSpace(b)) == "null" {
			*g = nil
			return nil
		}
		return fmt.Errorf("groups: %w", err)
	}
	var out groupIDs
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		var o struct {
			GroupID string `json:"groupId"`
			ID      string `json:"id"`
		}
		if json.Unmarshal(r, &o) == nil {
			if o.GroupID != "" {
				out = append(out, o.GroupID)
			} else if o.ID != "" {
				out = append(out, o.ID)
			}
		}
	}
	*g = out
	return nil
}

// apiUser is the part of a user profile (UserV2) this client reads.
type apiUser struct {
	UserID       string   `json:"userId"`
	DepartmentID string   `json:"departmentId"`
	Fields       Fields   `json:"fields"`
	Groups       groupIDs `json:"groups"`
	// Role is the UserRoleEnum (learner, administrator, department_administrator,
	// publisher, custom), RoleID the role's id in GET /role.
	Role                    string             `json:"role"`
	RoleID                  string             `json:"roleId"`
	ManageableDepartmentIDs []string           `json:"manageableDepartmentIds"`
	Status                  targets.FlexString `json:"status"` // 1 active, 3 inactive, 5 employment ended
}

// usersPage is the answer of GET /users/v2.
type usersPage struct {
	UserProfiles  []apiUser `json:"userProfiles"`
	NextPageToken string    `json:"nextPageToken"`
}

// parseUsers reads GET /users/v2; a bare list is accepted too.
func parseUsers(body []byte) ([]apiUser, error) {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '[' {
		var l []apiUser
		err := json.Unmarshal(b, &l)
		return l, err
	}
	var p usersPage
	err := json.Unmarshal(b, &p)
	return p.UserProfiles, err
}

// maxIDLen bounds an id read from a create answer; iSpring ids are 36-character uuids.
const maxIDLen = 128

// parseCreatedID reads the id of a new user from a 201: a bare JSON string "uuid" as the
// spec implies, XML <response>uuid</response> when the server ignored Accept, an
// object with userId (or id), or the bare id as text.
func parseCreatedID(body []byte) (string, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return "", errors.New("empty answer")
	}
	var id string
	switch b[0] {
	case '"':
		if err := json.Unmarshal(b, &id); err != nil {
			return "", fmt.Errorf("read id: %w", err)
		}
	case '{':
		var o struct {
			UserID   string          `json:"userId"`
			ID       string          `json:"id"`
			Response json.RawMessage `json:"response"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return "", fmt.Errorf("read id: %w", err)
		}
		id = o.UserID
		if id == "" {
			id = o.ID
		}
		if id == "" && len(o.Response) > 0 && !bytes.Equal(o.Response, b) {
			return parseCreatedID(o.Response)
		}
	case '<':
		var x struct {
			Text   string `xml:",chardata"`
			UserID string `xml:"userId"`
		}
		if err := xml.Unmarshal(b, &x); err != nil {
			return "", fmt.Errorf("read id: %w", err)
		}
		id = x.UserID
		if id == "" {
			id = x.Text
		}
	default:
		id = string(b)
	}
	id = strings.TrimSpace(id)
	if id == "" || len(id) > maxIDLen || !utf8.ValidString(id) || strings.IndexFunc(id, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '"' || r == '/'
	}) >= 0 {
		return "", fmt.Errorf("read id: not an id: %.40q", id)
	}
	return id, nil
}
