// Package web is the browser face of userimport (`userimport ui`): a server on
// loopback that walks an administrator through choosing a file, mapping its columns,
// fixing its rows, connecting, previewing and importing, on the same engine as the
// command line (package importer). See docs/ui.md.
//
// server.go owns the listener and the safety rules (the secret, the cookie, Host and
// Origin, the Content-Security-Policy) and serves the embedded page; api.go and the
// files beside it (workspace.go, check.go, send.go) answer the page's JSON calls.
package web

import (
	"context"
	"io"
	"time"

	"userimport/lang"
	"userimport/targets"
)

// Config is what the command line gives the server.
type Config struct {
	// Lang is the language the page starts in; the page can switch.
	Lang lang.Lang
	// File, when set, is opened at start (`userimport ui staff.xlsx`); it is read,
	// never written.
	File string
	// ReportDir is where an import's report folder goes: empty means beside File
	// ("<File>.report"), or for an uploaded file "<name>.report" in the folder the
	// server was started in.
	ReportDir string
	// WorkDir is the folder reports of uploaded files go to (the current directory).
	WorkDir string
	// ConfigPath is the settings file profiles are saved in.
	ConfigPath string
	// Env reads the environment: credentials set there are used and never sent to
	// the page.
	Env func(string) string
	// Connect builds the client of a platform at an address, or of a built-in
	// sandbox (stop ends it): the command line's own connect, so that the page and
	// `import` reach a platform the same way. The page starts its sandbox itself (one
	// per server, so that a preview and the import after it see the same accounts)
	// and asks for it as a URL on loopback with Sandbox set. Nil: the platform's
	// client built directly (tests).
	Connect func(ctx context.Context, r ConnectRequest) (t targets.Target, stop func(), err error)
	// Log hears one line per request (method, path without the query, status) and
	// the server's own events; never a cell, a header value or a secret.
	Log io.Writer
	// Idle is how long the server waits, once the last page has closed, before it
	// stops (0: DefaultIdle).
	Idle time.Duration
}

// DefaultIdle is how long the server lives on after its last page closed: long
// enough for a reload or a browser that throttles background tabs.
const DefaultIdle = 2 * time.Minute

// ConnectRequest is where to send the rows and with which credentials.
type ConnectRequest struct {
	Platform string
	URL      string
	// Sandbox says URL is the page's own sandbox on loopback: any credentials do.
	Sandbox bool
	// Credentials are typed in the page, by environment variable name: held in
	// memory for this run only. A typed value wins over the environment's, which is
	// used when nothing is typed.
	Credentials map[string]string
	Lang        lang.Lang
	// Options are the values of the platform's own flags (import's --api,
	// --default-department …), by flag name.
	Options targets.Options
	// Mode and Policy are what the client may do to accounts that exist, as the page's
	// policy chose (import's --mode and --update-fields).
	Mode   targets.Mode
	Policy targets.Policy
}
