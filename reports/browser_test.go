package reports_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"userimport/internal/chromiumtest"
	"userimport/lang"
	"userimport/source"
)

// TestReportHTMLInChromium opens report.html from disk in headless Chromium, with no
// network, and checks what a person sees: the counts, the error groups, and that the
// filter by code leaves only that code's rows. It saves a screenshot in the test's
// folder and, when USERIMPORT_SCREENSHOT names a file, there too.
func TestReportHTMLInChromium(t *testing.T) {
	bctx := chromiumtest.Start(t, 1280, 1000, 60*time.Second)
	dir := runWriter(t, source.Info{Format: "xlsx", Sheet: "Сотрудники"}, lang.Russian, fixtureRows())
	page := "file://" + filepath.Join(dir, "report.html")

	if err := chromedp.Do(bctx, chromedp.Navigate(page), chromedp.WaitVisible("#controls")); err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	count := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return n
	}
	rows, invalid, warnings := text(`[data-count="rows"] .n`), text(`[data-count="bad"] .n`), text(`[data-count="warnings"] .n`)
	groups := text("#groups tbody")
	visible := count(`document.querySelectorAll("#problems tbody tr:not([hidden])").length`)
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.SetValue("#code", "phone_invalid")); err != nil {
		t.Fatal(err)
	}
	count(`document.getElementById("code").dispatchEvent(new Event("change")); 0`)
	visibleAfter := count(`Array.from(document.querySelectorAll("#problems tbody tr")).filter(r => !r.hidden && r.dataset.code !== "phone_invalid").length`)
	shown := count(`document.querySelectorAll("#problems tbody tr:not([hidden])").length`)
	shownText := text("#shown")
	if rows != "8" || invalid != "3" || warnings != "2" {
		t.Errorf("counts: rows %q, invalid %q, warnings %q; want 8, 3, 2", rows, invalid, warnings)
	}
	if !strings.Contains(groups, "это не номер телефона") || !strings.Contains(groups, "Телефон") {
		t.Errorf("error groups do not name the phone problem:\n%s", groups)
	}
	if visible != 9 {
		t.Errorf("%d problem rows shown before filtering, want 9", visible)
	}
	if visibleAfter != 0 || shown != 1 || shownText != "1" {
		t.Errorf("after filtering by phone_invalid: %d other rows visible, %d shown, counter %q; want 0, 1, 1", visibleAfter, shown, shownText)
	}
	// The markup in a cell is text: no script element came from the data.
	if scripts := count(`document.scripts.length`); scripts != 1 {
		t.Errorf("%d script elements on the page, want only the page's own", scripts)
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(shot, png, 0o600); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("USERIMPORT_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot: %s", shot)
}
