package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"

	"userimport/internal/chromiumtest"
	"userimport/lang"
	"userimport/platforms"
	"userimport/targets"
	"userimport/web"
)

// update rewrites the screenshots of docs/ui/ (go test ./web/ -run Chromium -update).
var update = flag.Bool("update", false, "write the screenshots of docs/ui/")

// slowWrites holds every write to the platform back a little, so that the import runs
// long enough for the test to watch it and press Stop; lookups go at full speed.
type slowWrites struct{ delay time.Duration }

func (s slowWrites) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost {
		time.Sleep(s.delay)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// sandboxConnect is the command line's way to a platform, for the page's built-in
// sandbox: the platform's own client at the sandbox's loopback address, any
// credentials accepted. It remembers the address so that the test can read what the
// sandbox holds.
type sandboxConnect struct {
	mu  sync.Mutex
	url string
}

func (c *sandboxConnect) connect(ctx context.Context, r web.ConnectRequest) (targets.Target, func(), error) {
	p, ok := platforms.Lookup(r.Platform)
	if !ok {
		return nil, nil, fmt.Errorf("no platform %q", r.Platform)
	}
	c.mu.Lock()
	c.url = r.URL
	c.mu.Unlock()
	creds := func(targets.Credential) string { return "sandbox" }
	t, err := p.New(targets.Settings{BaseURL: r.URL, Credential: creds, Mode: r.Mode, Policy: r.Policy,
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: slowWrites{delay: 400 * time.Millisecond}}})
	return t, func() {}, err
}

// person is one account of the collaborator sandbox, as its list answers.
type person struct {
	UID   string `json:"uid"`
	Email string `json:"email"`
	City  string `json:"city"`
	Tags  string `json:"tags"`
}

// people reads every account of the collaborator sandbox at base, page by page.
func people(t *testing.T, base string) []person {
	t.Helper()
	var all []person
	for page := 1; ; page++ {
		resp, err := http.Get(fmt.Sprintf("%s/api/v2/users/list?page=%d", base, page))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Data  []person `json:"data"`
			Pager struct {
				Count int `json:"count"`
			} `json:"pager"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, body.Data...)
		if page >= body.Pager.Count {
			return all
		}
	}
}

// staffRows reads testdata/staff.xlsx as a spreadsheet: rows[0] is the header (row 1).
func staffRows(t *testing.T) [][]string {
	t.Helper()
	f, err := excelize.OpenFile("../testdata/staff.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// cellOf is column col of spreadsheet row num (1-based, as the page numbers rows).
func cellOf(rows [][]string, num, col int) string {
	if num-1 >= len(rows) || col >= len(rows[num-1]) {
		return ""
	}
	return rows[num-1][col]
}

// The sample's columns the test touches, and its rows with errors (testdata/
// staff.expected.json): row 5 has a bad e-mail, which the test corrects in the grid;
// row 15's e-mail domain is a typo, which the test mends with the page's suggestion.
const (
	colUID   = 0
	colName  = 1
	colEmail = 3
	colCity  = 7
	fixedRow = 5
	newEmail = "egor.ivanov@romashka-group.ru"
	typoRow  = 15
	typoFix  = "liubov.makarova@gmail.com"
	tags     = "onboarding-2026"
)

var stillInvalid = []int{12, 19, 26, 33, 40, 47}

// browser drives one headless Chromium tab; its helpers stop the test on an error.
type browser struct {
	t   *testing.T
	ctx context.Context
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// wait waits until the JavaScript expression is true; what says what for the error.
func (b *browser) wait(what, js string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(20*time.Second),
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s (%s): %v; the page says %q %q", what, js, err, b.text("#error"), b.text("#missing"))
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector(%q) || {}).textContent || ""`, sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) eval(js string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
}

// shot writes the screen as docs/ui/<name>.png with -update.
func (b *browser) shot(name string) {
	b.t.Helper()
	if !*update {
		return
	}
	// No hover left where the last click was; let the last answer's rendering settle.
	b.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1, 1))
	time.Sleep(150 * time.Millisecond)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "ui", name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// count is the number a count box of the page shows.
func (b *browser) count(box, name string) string {
	return b.text(fmt.Sprintf(`#%s [data-count="%s"] .n`, box, name))
}

// TestPageInChromium walks the whole flow of the page in headless Chromium on
// testdata/staff.xlsx into the collaborator sandbox: upload, map a column (Город is
// not sent), check, correct a bad e-mail in the grid, connect, preview, import (stop
// and resume), results; then the failed file and the sandbox's accounts. With
// -update it writes a screenshot of each step to docs/ui/.
func TestPageInChromium(t *testing.T) {
	bctx := chromiumtest.Start(t, 1280, 800, 120*time.Second)
	staff := staffRows(t)
	sb := &sandboxConnect{}
	cfgPath := filepath.Join(t.TempDir(), "config.toml")
	srv, err := web.New(web.Config{Lang: lang.English, WorkDir: t.TempDir(), ReportDir: filepath.Join(t.TempDir(), "report"),
		ConfigPath: cfgPath, Connect: sb.connect})
	if err != nil {
		t.Fatal(err)
	}
	sctx, stopServer := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx) }()
	defer func() {
		stopServer()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	b := &browser{t: t, ctx: bctx}

	// 1. The file and the platform.
	b.do(chromedp.EmulateViewport(1280, 800), chromedp.Navigate(srv.URL()), chromedp.WaitVisible(chromedp.CSS("#step-file")))
	b.wait("the platforms", `document.querySelectorAll("#platform option").length === 4`)
	b.shot("1-file")
	abs, err := filepath.Abs("../testdata/staff.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{abs}))

	// 2. How it was read; Город is not sent.
	b.wait("the reading", `!document.getElementById("step-read").hidden && document.querySelectorAll("#read-table tbody tr").length === 3`)
	if n := b.text(`#map-table`); !strings.Contains(n, "Город") {
		t.Errorf("the mapping has no Город column:\n%s", n)
	}
	b.mapColumn(colCity, "-")
	b.wait("the column skipped", fmt.Sprintf(`document.querySelector('#map-table tr.skipped select.map-field[data-col="%d"]') !== null`, colCity))
	b.wait("the check allowed", `!document.getElementById("to-check").disabled`)
	b.shot("2-read")
	// Without a column for a required field the check waits, and says why.
	b.mapColumn(colUID, "-")
	b.wait("the missing field", `document.getElementById("to-check").disabled && !document.getElementById("missing").hidden`)
	b.mapColumn(colUID, "uid")
	b.wait("the check allowed again", `!document.getElementById("to-check").disabled && document.getElementById("missing").hidden`)
	// One value for a field the file has no column for, given to every row (--set).
	b.eval(fmt.Sprintf(`(() => { const i = document.getElementById("set-tags");
		i.value = %q; i.dispatchEvent(new Event("change", {bubbles: true})); })()`, tags))
	b.wait("the value kept", fmt.Sprintf(`document.getElementById("sets-box").open && document.getElementById("set-tags").value === %q &&
		document.getElementById("busy").hidden`, tags))
	// The choice saved as a profile the command line reads (--profile monthly).
	b.eval(`(() => { document.querySelector("details.profile").open = true;
		document.getElementById("profile-name").value = "monthly"; })()`)
	b.do(chromedp.Click(chromedp.CSS("#save-profile")))
	b.wait("the profile saved", `!document.getElementById("profile-message").hidden`)
	saved, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatalf("no settings file after saving the profile: %v", err)
	}
	for _, want := range []string{"[profiles.monthly]", `target = "collaborator"`, `"Город" = "-"`, tags} {
		if !strings.Contains(string(saved), want) {
			t.Errorf("the saved profile lacks %q:\n%s", want, saved)
		}
	}

	// 3. Check; correct row 5's e-mail in the grid.
	b.do(chromedp.Click(chromedp.CSS("#to-check")))
	bad := fmt.Sprintf(`#grid td.bad[data-row="%d"][data-col="%d"]`, fixedRow, colEmail)
	b.wait("the grid", fmt.Sprintf(`document.querySelector(%q) !== null`, bad))
	if got := b.count("check-counts", "invalid"); got != "7" {
		t.Errorf("%s rows with errors, want 7", got)
	}
	// Every row with a problem, and row 15's suggested e-mail taken in one click.
	b.eval(`(() => { const s = document.getElementById("check-filter");
		s.value = "all"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	fix := fmt.Sprintf(`#grid button.fix[data-row="%d"]`, typoRow)
	b.wait("the suggestion", fmt.Sprintf(`document.querySelector(%q) !== null`, fix))
	if got := b.text(fix); got != "→ "+typoFix {
		t.Errorf("the fix button says %q, want → %s", got, typoFix)
	}
	b.scrollTo("#check-filter")
	b.shot("3-check")
	b.do(chromedp.Click(chromedp.CSS(fix)))
	b.wait("the suggestion taken", fmt.Sprintf(`document.querySelector(%q) === null && !document.getElementById("check-status").hidden`, fix))
	b.do(chromedp.DoubleClick(chromedp.CSS(bad)), chromedp.WaitVisible(chromedp.CSS("#grid input.cell-edit")))
	b.eval(fmt.Sprintf(`document.querySelector("#grid input.cell-edit").value = %q`, newEmail))
	b.do(chromedp.SendKeys(chromedp.CSS("#grid input.cell-edit"), kb.Enter))
	b.wait("the row fixed", fmt.Sprintf(`document.querySelector('#grid tr.fixed[data-row="%d"]') !== null`, fixedRow))
	if got := b.count("check-counts", "invalid"); got != "6" {
		t.Errorf("after the edit: %s rows with errors, want 6", got)
	}
	if got := b.text(fmt.Sprintf(`#grid td[data-row="%d"][data-col="%d"]`, fixedRow, colEmail)); got != newEmail {
		t.Errorf("the edited cell shows %q, want %q", got, newEmail)
	}
	b.scrollTo("#check-filter")
	b.shot("3-check-fixed")

	// 4. Connect to the built-in sandbox.
	b.do(chromedp.Click(chromedp.CSS("#to-connect")), chromedp.WaitVisible(chromedp.CSS("#step-connect")))
	b.do(chromedp.Click(chromedp.CSS("#sandbox")), chromedp.Click(chromedp.CSS("#connect")))
	b.wait("the connection", `!document.getElementById("to-preview").disabled`)
	b.shot("4-connect")

	// 5. Preview.
	b.do(chromedp.Click(chromedp.CSS("#to-preview")))
	b.wait("the preview", `!document.getElementById("import").disabled && document.querySelectorAll("#preview-grid tbody tr[data-row]").length > 0`)
	if got := b.count("preview-counts", "create"); got != "44" {
		t.Errorf("the preview creates %s, want 44", got)
	}
	if got := b.text("#import"); got != "Create 44 accounts" {
		t.Errorf("the import button says %q", got)
	}
	b.shot("5-preview")

	// 6. Import: watch it, stop it, resume it.
	b.do(chromedp.Click(chromedp.CSS("#import")))
	b.wait("some progress", `!document.getElementById("step-import").hidden && document.getElementById("progress").value >= 8`)
	b.shot("6-import")
	b.do(chromedp.Click(chromedp.CSS("#stop")))
	b.wait("the stop", `!document.getElementById("resume").hidden || !document.getElementById("step-results").hidden`)
	if !b.visible("#resume") {
		t.Errorf("no Resume after Stop: the import had finished")
	} else {
		b.shot("6-import-stopped")
		b.do(chromedp.Click(chromedp.CSS("#resume")))
	}

	// 7. Results.
	b.wait("the results", `!document.getElementById("step-results").hidden && document.querySelector('#downloads a[data-name="failed.xlsx"]') !== null`)
	b.wait("the rows not imported", `document.querySelectorAll("#results-grid tbody tr[data-row]").length === 6`)
	b.shot("7-results")

	// The page in Russian: its own words and the server's.
	b.eval(`(() => { const s = document.getElementById("lang");
		s.value = "ru"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	b.wait("the Russian page", `document.documentElement.lang === "ru" &&
		Array.from(document.querySelectorAll("#downloads .note")).some((n) => n.textContent.includes("строки"))`)
	if got := b.text("#step-results h1"); got != "Готово" {
		t.Errorf("the results' title in Russian is %q", got)
	}
	b.shot("8-results-ru")

	// The failed file has the rows still wrong, not the one corrected in the grid.
	data64, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.querySelector('#downloads a[data-name="failed.xlsx"]').href, {credentials: "same-origin"});
		if (!r.ok) throw new Error("status " + r.status);
		const bytes = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (const x of bytes) s += String.fromCharCode(x);
		return btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	data, err := base64.StdEncoding.DecodeString(data64)
	if err != nil {
		t.Fatal(err)
	}
	checkFailed(t, data, staff)
	checkSandbox(t, people(t, sb.address()), staff)
}

func (c *sandboxConnect) address() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.url
}

// mapColumn chooses the field of column col in the mapping, as a person does.
func (b *browser) mapColumn(col int, field string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { const s = document.querySelector('select.map-field[data-col="%d"]');
		s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, col, field))
}

// scrollTo brings the element near the top of the window, below the sticky bar, for
// a screenshot.
func (b *browser) scrollTo(sel string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		for (const s of document.querySelectorAll(".scroll")) s.scrollLeft = 0;
		window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 76); })()`, sel))
}

func (b *browser) visible(sel string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](fmt.Sprintf(
		`(() => { const e = document.querySelector(%q); return !!e && !e.hidden && e.offsetParent !== null; })()`, sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// checkFailed reads failed.xlsx: the full names in it are those of the rows still
// invalid, and not the corrected row's.
func checkFailed(t *testing.T, data []byte, staff [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("failed.xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) == 0 {
		t.Fatalf("failed.xlsx: %d rows, %v", len(rows), err)
	}
	name := slices.Index(rows[0], staff[0][colName])
	if name < 0 {
		t.Fatalf("failed.xlsx has no %q column: %q", staff[0][colName], rows[0])
	}
	var got, want []string
	for _, r := range rows[1:] {
		if name < len(r) && r[name] != "" {
			got = append(got, r[name])
		}
	}
	for _, n := range stillInvalid {
		want = append(want, cellOf(staff, n, colName))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("failed.xlsx holds %q, want the rows still invalid %q", got, want)
	}
	if slices.Contains(got, cellOf(staff, fixedRow, colName)) {
		t.Errorf("failed.xlsx still holds the row corrected in the grid")
	}
}

// checkSandbox: the sandbox holds exactly the valid rows and the corrected one, with
// the corrected e-mail, and no city (the column was not sent).
func checkSandbox(t *testing.T, got []person, staff [][]string) {
	t.Helper()
	var want, have []string
	for num := 2; num <= len(staff); num++ {
		if !slices.Contains(stillInvalid, num) {
			want = append(want, cellOf(staff, num, colUID))
		}
	}
	for _, p := range got {
		have = append(have, p.UID)
		if p.Tags != tags {
			t.Errorf("%s has the tags %q, want the value given for every row %q", p.UID, p.Tags, tags)
		}
		if p.City != "" {
			t.Errorf("%s has the city %q: the column was not to be sent", p.UID, p.City)
		}
		if p.UID == cellOf(staff, fixedRow, colUID) && p.Email != newEmail {
			t.Errorf("the corrected row's e-mail is %q, want %q", p.Email, newEmail)
		}
		if p.UID == cellOf(staff, typoRow, colUID) && p.Email != typoFix {
			t.Errorf("row %d's e-mail is %q, want the suggestion %q", typoRow, p.Email, typoFix)
		}
	}
	slices.Sort(want)
	slices.Sort(have)
	if !slices.Equal(have, want) {
		t.Errorf("the sandbox holds %d people %q,\nwant %d %q", len(have), have, len(want), want)
	}
}
