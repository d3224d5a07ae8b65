// Package chromiumtest starts headless Chromium for the tests that look at a page as a
// person would: report.html (package reports) and the page of `userimport ui`
// (package web). It is imported by tests only.
package chromiumtest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Find returns a Chromium to drive, or "" when the machine has none (a plain clone on
// a laptop); CI installs Debian's chromium.
func Find() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Start starts a headless Chromium with a window of width × height, with no network
// of its own (no updates, no sync, no extensions), and returns the context to drive
// it with chromedp for at most timeout; the browser is stopped when t ends. It skips
// t when there is no Chromium, or with -short.
func Start(t *testing.T, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	chromium := Find()
	if chromium == "" {
		t.Skip("no Chromium installed")
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(width, height),
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	return bctx
}
