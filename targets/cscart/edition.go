package cscart

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"userimport/targets"
)

// editionCache keeps what the store said its edition is, so that it is asked once a
// run; a failure is kept too (it would fail again the same way).
type editionCache struct {
	mu      sync.Mutex
	done    bool
	company string
	err     error
}

// settingsPage is how many settings the edition question reads: all of a stock store
// (466 in 4.20.1 Ultimate) and its add-ons' in one answer.
const settingsPage = 1000

// defaultCompany is the company a new user goes to when neither the row nor
// --company-id says: 1 (the first storefront) in Ultimate, 0 in Multi-Vendor. The
// store says its edition in GET /settings: each setting's edition_type names the
// editions it belongs to ("ROOT,ULT:VENDOR" in Ultimate, "MVE:…" in Multi-Vendor), and
// the list holds only the running edition's (docs/platforms/cscart.md, "Edition").
// A store that does not say (no view_settings privilege, an answer without those
// marks) stops the run: the run must give --company-id.
func (c *Client) defaultCompany(ctx context.Context) (string, error) {
	c.edition.mu.Lock()
	defer c.edition.mu.Unlock()
	if c.edition.done {
		return c.edition.company, c.edition.err
	}
	company, why := c.askEdition(ctx)
	if ctx.Err() != nil {
		return "", ctx.Err() // not kept: a cancelled run says nothing of the store
	}
	c.edition.done = true
	if why != "" {
		c.edition.err = &targets.Error{Kind: targets.Fatal, Code: targets.CodeHTTP, Messages: []string{
			"CS-Cart: cannot tell whether the store is Ultimate or Multi-Vendor (" + why + "), so not which company new customers belong to: " +
				"give --company-id (the storefront's id in Ultimate, usually 1; 0 in Multi-Vendor)"}}
	}
	c.edition.company = company
	return company, c.edition.err
}

// askEdition reads the settings list and returns the default company, or why it
// cannot tell.
func (c *Client) askEdition(ctx context.Context) (company, why string) {
	resp, err := c.api.Send(ctx, http.MethodGet, fmt.Sprintf("/settings?items_per_page=%d", settingsPage), nil)
	if err != nil {
		return "", "GET /api/2.0/settings failed: " + err.Error()
	}
	if resp.Status != http.StatusOK {
		return "", fmt.Sprintf("GET /api/2.0/settings answered HTTP %d; the administrator needs the view_settings privilege", resp.Status)
	}
	switch editionOf(resp.Body) {
	case "ULT":
		return DefaultCompanyID, ""
	case "MVE":
		return MultiVendorCompanyID, ""
	}
	return "", "its settings name no edition"
}

// editionOf reads a settings list ({"settings":[…] or {id:…},"params":…}) and returns
// "ULT" or "MVE" from the settings' edition_type, "" when neither appears (or both).
func editionOf(body []byte) string {
	var env struct {
		Settings json.RawMessage `json:"settings"`
	}
	if json.Unmarshal(bytes.TrimSpace(body), &env) != nil {
		return ""
	}
	var items []json.RawMessage
	raw := bytes.TrimSpace(env.Settings)
	switch {
	case len(raw) == 0:
		return ""
	case raw[0] == '[':
		_ = json.Unmarshal(raw, &items)
	case raw[0] == '{':
		var byID map[string]json.RawMessage
		_ = json.Unmarshal(raw, &byID)
		for _, v := range byID {
			items = append(items, v)
		}
	}
	ult, mve := false, false
	for _, it := range items {
		var s struct {
			EditionType targets.FlexString `json:"edition_type"`
		}
		if json.Unmarshal(it, &s) != nil {
			continue
		}
		for _, part := range strings.Split(strings.ToUpper(string(s.EditionType)), ",") {
			ult = ult || strings.HasPrefix(strings.TrimSpace(part), "ULT:")
			mve = mve || strings.HasPrefix(strings.TrimSpace(part), "MVE:")
		}
	}
	switch {
	case ult && !mve:
		return "ULT"
	case mve && !ult:
		return "MVE"
	}
	return ""
}
