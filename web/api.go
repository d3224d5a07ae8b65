package web

import (
	"net/http"
)

// api answers the page's JSON calls (docs/ui.md lists them). One api serves one
// server: one administrator, one file at a time.
type api struct {
	cfg Config
	// dir is the server's owner-only temporary folder: uploads and working copies.
	dir string
}

// newAPI prepares the answers to the page; dir is the server's temporary folder.
func newAPI(cfg Config, dir string) (*api, error) {
	return &api{cfg: cfg, dir: dir}, nil
}

// routes registers the JSON calls under /api/ (all but the lifecycle's ping and bye,
// which server.go answers).
func (a *api) routes(mux *http.ServeMux) {}

// busy reports whether an import is running: the server does not stop for an idle
// page then.
func (a *api) busy() bool { return false }

// close stops a running import as Ctrl-C does and waits for it, and ends a sandbox.
func (a *api) close() error { return nil }
