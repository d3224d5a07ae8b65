package ispring

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"userimport/targets"
)

// Department is a node of the account's department tree, as GET /departments gives it.
type Department struct {
	DepartmentID       string `json:"departmentId"`
	Name               string `json:"name"`
	ParentDepartmentID string `json:"parentDepartmentId,omitempty"`
	Code               string `json:"code,omitempty"`
}

// Group is a group of users, as GET /groups gives it. A smart group's members are
// chosen by its rules and cannot be added by hand.
type Group struct {
	GroupID string `json:"groupId"`
	Name    string `json:"name"`
	IsSmart bool   `json:"isSmart"`
}

const (
	// pageSize is the largest page the API documents (and its default).
	pageSize = 1000
	// maxPages stops a server that keeps sending new page tokens: a million departments
	// or groups is beyond any real account.
	maxPages = 1000
)

// directory is the department tree and the groups, loaded once per run. It is read-only
// once built, so rows share it without locks.
type directory struct {
	depts   []Department
	byID    map[string]*Department
	groups  []Group
	roles   []Role
	profile []FieldInfo
}

// directoryCache loads the directory once; rows that arrive while it loads wait for it.
// A failed load is not kept, so the next row tries again.
type directoryCache struct {
	sem chan struct{}
	mu  sync.Mutex
	dir *directory
}

func (d *directoryCache) init() { d.sem = make(chan struct{}, 1) }

func (d *directoryCache) loaded() *directory {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dir
}

// directory returns the department tree and the groups, loading them on first use.
func (c *Client) directory(ctx context.Context) (*directory, error) {
	if dir := c.dir.loaded(); dir != nil {
		return dir, nil
	}
	select {
	case c.dir.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.dir.sem }()
	if dir := c.dir.loaded(); dir != nil {
		return dir, nil
	}
	var depts []Department
	err := c.pages(ctx, "/departments", func(b []byte) (string, error) {
		var p struct {
			Departments   []Department `json:"departments"`
			NextPageToken string       `json:"nextPageToken"`
		}
		err := decodePage(b, &p, &p.Departments)
		depts = append(depts, p.Departments...)
		return p.NextPageToken, err
	})
	if err != nil {
		return nil, fmt.Errorf("ispring: load departments: %w", err)
	}
	var groups []Group
	err = c.pages(ctx, "/groups", func(b []byte) (string, error) {
		var p struct {
			Groups        []Group `json:"groups"`
			NextPageToken string  `json:"nextPageToken"`
		}
		err := decodePage(b, &p, &p.Groups)
		groups = append(groups, p.Groups...)
		return p.NextPageToken, err
	})
	if err != nil {
		return nil, fmt.Errorf("ispring: load groups: %w", err)
	}
	var roles []Role
	if err := c.list(ctx, rolesPath, "roles", &roles); err != nil {
		return nil, fmt.Errorf("ispring: load roles: %w", err)
	}
	var profile []FieldInfo
	if err := c.list(ctx, profileFieldsPath, "userFieldInfo", &profile); err != nil {
		return nil, fmt.Errorf("ispring: load profile fields: %w", err)
	}
	dir := newDirectory(depts, groups)
	dir.roles, dir.profile = roles, profile
	c.dir.mu.Lock()
	c.dir.dir = dir
	c.dir.mu.Unlock()
	return dir, nil
}

// The unpaged listings the directory reads besides departments and groups
// (docs/platforms/ispring.md, "Roles" and "Profile fields").
const (
	rolesPath         = "/role"
	profileFieldsPath = "/user/profile/fields"
)

// list reads an unpaged listing (a bare JSON list) into out.
func (c *Client) list(ctx context.Context, path, key string, out any) error {
	resp, err := c.call(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusOK {
		return c.statusError(http.MethodGet, resp)
	}
	if err := decodeList(resp.Body, key, out); err != nil {
		return &targets.Error{Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeHTTP,
			Messages: []string{"the answer is not the JSON the API documents"}, Err: err}
	}
	return nil
}

// decodePage reads a page object into page, or a bare list into list.
func decodePage(b []byte, page, list any) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, list)
	}
	return json.Unmarshal(b, page)
}

// pages walks a paged listing: read gets each page's body and returns the next page's
// token, "" on the last page.
func (c *Client) pages(ctx context.Context, path string, read func([]byte) (string, error)) error {
	seen := map[string]bool{}
	token := ""
	for range maxPages {
		q := url.Values{"pageSize": {fmt.Sprint(pageSize)}}
		if token != "" {
			q.Set("pageToken", token)
		}
		resp, err := c.call(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		if resp.Status != http.StatusOK {
			return c.statusError(http.MethodGet, resp)
		}
		next, err := read(resp.Body)
		if err != nil {
			return &targets.Error{Kind: targets.Fatal, Status: resp.Status, Code: targets.CodeHTTP,
				Messages: []string{"the answer is not the JSON the API documents"}, Err: err}
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return &targets.Error{Kind: targets.Fatal, Code: targets.CodeHTTP,
				Messages: []string{"the server sent the same page token twice"}}
		}
		seen[next] = true
		token = next
	}
	return &targets.Error{Kind: targets.Fatal, Code: targets.CodeHTTP,
		Messages: []string{fmt.Sprintf("more than %d pages", maxPages)}}
}

func newDirectory(depts []Department, groups []Group) *directory {
	d := &directory{depts: depts, groups: groups, byID: make(map[string]*Department, len(depts))}
	for i := range d.depts {
		d.byID[d.depts[i].DepartmentID] = &d.depts[i]
	}
	return d
}

// fold is the form names are compared in: case, ё/е and runs of spaces do not matter.
func fold(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.ReplaceAll(s, "ё", "е")
}

// path is a department's names from the root down, joined by "/".
func (d *directory) path(id string) string {
	var names []string
	seen := map[string]bool{}
	for dep := d.byID[id]; dep != nil && !seen[dep.DepartmentID]; dep = d.byID[dep.ParentDepartmentID] {
		seen[dep.DepartmentID] = true
		names = append(names, dep.Name)
	}
	if len(names) == 0 {
		return id
	}
	slices.Reverse(names)
	return strings.Join(names, "/")
}

func rowError(code, field, msg string) *targets.Error {
	return &targets.Error{Kind: targets.Permanent, Code: code, Messages: []string{field + ": " + msg}}
}

// department resolves what a row says (an id, a code, a name or a Parent/Child path,
// tried in that order) to one department. Codes and ids win over names because they are
// unique; a name two departments share is ambiguous, and the message lists their paths
// so that the user can write one of them.
func (d *directory) department(s string) (*Department, *targets.Error) {
	s = strings.TrimSpace(s)
	if dep, ok := d.byID[s]; ok {
		return dep, nil
	}
	want := fold(s)
	if want == "" {
		return nil, rowError(CodeUnknownDepartment, "department", "empty department")
	}
	var byCode, byName, byPath []*Department
	parts := splitPath(s)
	for i := range d.depts {
		dep := &d.depts[i]
		if dep.Code != "" && fold(dep.Code) == want {
			byCode = append(byCode, dep)
		}
		if fold(dep.Name) == want {
			byName = append(byName, dep)
		}
		if len(parts) > 1 && d.pathEndsWith(dep, parts) {
			byPath = append(byPath, dep)
		}
	}
	for _, found := range [][]*Department{byCode, byName, byPath} {
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], nil
		}
		paths := make([]string, len(found))
		for i, dep := range found {
			paths[i] = d.path(dep.DepartmentID)
		}
		slices.Sort(paths)
		return nil, rowError(CodeAmbiguousDepartment, "department", fmt.Sprintf(
			"%d departments are called %q (%s): write the path or the code", len(found), s, strings.Join(paths, "; ")))
	}
	return nil, rowError(CodeUnknownDepartment, "department", fmt.Sprintf("no department with the code, name or path %q", s))
}

// splitPath splits "Parent / Child" into its folded, non-empty parts.
func splitPath(s string) []string {
	var parts []string
	for p := range strings.SplitSeq(s, "/") {
		if p = fold(p); p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// pathEndsWith reports whether dep's path from the root ends with parts: "Москва/Продажи"
// matches Компания/Москва/Продажи.
func (d *directory) pathEndsWith(dep *Department, parts []string) bool {
	seen := map[string]bool{}
	for i := len(parts) - 1; i >= 0; i-- {
		if dep == nil || seen[dep.DepartmentID] || fold(dep.Name) != parts[i] {
			return false
		}
		seen[dep.DepartmentID] = true
		dep = d.byID[dep.ParentDepartmentID]
	}
	return true
}

// groupIDs resolves a comma-separated list of group names (or ids) to ids, in the
// order given and without repeats.
func (d *directory) groupIDs(list string) ([]string, *targets.Error) {
	var ids []string
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		var found []*Group
		for i := range d.groups {
			g := &d.groups[i]
			if g.GroupID == name {
				found = []*Group{g}
				break
			}
			if fold(g.Name) == fold(name) {
				found = append(found, g)
			}
		}
		switch {
		case len(found) == 0:
			return nil, rowError(CodeUnknownGroup, "groups", fmt.Sprintf("no group called %q", name))
		case len(found) > 1:
			return nil, rowError(CodeAmbiguousGroup, "groups", fmt.Sprintf("%d groups are called %q", len(found), name))
		case found[0].IsSmart:
			return nil, rowError(CodeSmartGroup, "groups", fmt.Sprintf("%q is a smart group: its rules choose its members", name))
		}
		if !slices.Contains(ids, found[0].GroupID) {
			ids = append(ids, found[0].GroupID)
		}
	}
	return ids, nil
}

// groupName is a group's name for plans, or its id when the group is unknown.
func (d *directory) groupName(id string) string {
	for _, g := range d.groups {
		if g.GroupID == id {
			return g.Name
		}
	}
	return id
}
