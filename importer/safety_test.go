package importer_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
	"userimport/targets"
	"userimport/targets/collaborator"
	"userimport/targets/cscart"
	"userimport/targets/targettest"
	"userimport/validate"
)

// checking is a fake target with a preflight check.
type checking struct {
	targettest.Target
	check func(context.Context) error
}

func (c *checking) Check(ctx context.Context) error { return c.check(ctx) }

// TestPreflightStopsBeforeAnyRow: a failed check stops the run before a row is sent
// or reported, with a PreflightError and a summary.json that says why.
func TestPreflightStopsBeforeAnyRow(t *testing.T) {
	in := writeCSV(t, 50)
	var calls, checks atomic.Int64
	fake := &checking{
		Target: targettest.Target{UpsertFunc: func(context.Context, *validate.User) (targets.Result, error) {
			calls.Add(1)
			return targets.Result{Outcome: targets.Created}, nil
		}},
		check: func(context.Context) error {
			checks.Add(1)
			return &targets.Error{Kind: targets.Fatal, Status: 401, Code: targets.CodeAuth,
				Messages: []string{"Collaborator refused the credentials (HTTP 401): check USERIMPORT_COLLABORATOR_TOKEN"}}
		},
	}
	sum, err := importer.Run(context.Background(), options(in), importer.Deps{Target: fake})
	pe, ok := errors.AsType[*importer.PreflightError](err)
	if !ok {
		t.Fatalf("err = %v, want a PreflightError", err)
	}
	if !strings.Contains(pe.Error(), "USERIMPORT_COLLABORATOR_TOKEN") || strings.Contains(pe.Error(), "HTTP 401): check USERIMPORT_COLLABORATOR_TOKEN:") {
		t.Errorf("message %q", pe.Error())
	}
	if calls.Load() != 0 || checks.Load() != 1 {
		t.Errorf("%d rows sent, %d checks; want 0 and 1", calls.Load(), checks.Load())
	}
	if sum == nil || sum.Aborted == "" || sum.Rows != 0 {
		t.Fatalf("summary %+v: want an aborted run with no rows", sum)
	}
	for _, name := range []string{"results.csv", "failed.csv", "journal.jsonl"} {
		if _, err := os.Stat(filepath.Join(sum.ReportDir, name)); err == nil {
			t.Errorf("%s written after a failed check", name)
		}
	}
	data, err := os.ReadFile(filepath.Join(sum.ReportDir, "summary.json"))
	if err != nil || !strings.Contains(string(data), "USERIMPORT_COLLABORATOR_TOKEN") {
		t.Errorf("summary.json does not say what stopped the run: %v\n%s", err, data)
	}
}

// TestPreflightRetriesABusyPlatform: a 503 to the check is tried again.
func TestPreflightRetriesABusyPlatform(t *testing.T) {
	in := writeCSV(t, 3)
	var checks atomic.Int64
	fake := &checking{check: func(context.Context) error {
		if checks.Add(1) == 1 {
			return &targets.Error{Kind: targets.Retryable, Status: 503, Code: targets.CodeUnreachable}
		}
		return nil
	}}
	opts := options(in)
	opts.RetryBase = 1
	sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake})
	if err != nil || sum.Created != 3 || checks.Load() != 2 {
		t.Fatalf("err %v, created %d, checks %d", err, sum.Created, checks.Load())
	}
}

// TestModeCreateSkipsExisting: --mode create leaves an existing account alone, and
// that is a skipped row, not a failure: exit 0, nothing in the failed file.
func TestModeCreateSkipsExisting(t *testing.T) {
	in := writeCSV(t, 4)
	fake := &targettest.Target{UpsertFunc: func(_ context.Context, u *validate.User) (targets.Result, error) {
		if u.UID == "T00001" {
			return targets.Result{}, &targets.Error{Kind: targets.Permanent, Code: targets.CodeExists, Messages: []string{"uid: the account exists"}}
		}
		return targets.Result{Outcome: targets.Created}, nil
	}}
	opts := options(in)
	opts.Mode = targets.ModeCreate
	sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, sum)
	if sum.Skipped != 1 || sum.Failed != 0 || sum.Created != 3 {
		t.Errorf("summary %+v: want 3 created, 1 skipped, 0 failed", *sum)
	}
	if got := results(t, sum)[1]; got[2] != "skipped" || !strings.Contains(got[4], "exists") {
		t.Errorf("row 3 = %q, want skipped with the reason exists", got)
	}
	if sum.FailedFile != "" {
		t.Errorf("a failed file (%s) for a run where nothing failed", sum.FailedFile)
	}
}

// TestGeneratedPasswordsOnlyWhereTaken: passwords.csv lists a generated password only
// where the target says it sent it (a create), and a later run adds to the file.
func TestGeneratedPasswordsOnlyWhereTaken(t *testing.T) {
	in := writeCSV(t, 4)
	existing := map[string]bool{"T00001": true, "T00003": true}
	fake := &targettest.Target{UpsertFunc: func(_ context.Context, u *validate.User) (targets.Result, error) {
		if !u.PasswordGenerated || u.Password == "" {
			t.Errorf("row %s: no generated password to send", u.UID)
		}
		if existing[u.UID] {
			return targets.Result{Outcome: targets.Unchanged}, nil
		}
		return targets.Result{Outcome: targets.Created, PasswordSet: true}, nil
	}}
	sum, err := importer.Run(context.Background(), options(in), importer.Deps{Target: fake})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := reports.ReadPasswords(sum.ReportDir)
	if err != nil {
		t.Fatal(err)
	}
	// Lines are written as the platform answers, not in row order.
	slices.SortFunc(lines, func(a, b reports.PasswordLine) int { return a.Row - b.Row })
	if len(lines) != 2 || lines[0].Key != "T00000" || lines[1].Key != "T00002" {
		t.Fatalf("passwords.csv = %+v, want the two created rows", lines)
	}
	// Run again: everyone exists now; the first passwords stay.
	existing["T00000"], existing["T00002"] = true, true
	if _, err := importer.Run(context.Background(), options(in), importer.Deps{Target: fake}); err != nil {
		t.Fatal(err)
	}
	again, _ := reports.ReadPasswords(sum.ReportDir)
	slices.SortFunc(again, func(a, b reports.PasswordLine) int { return a.Row - b.Row })
	if len(again) != 2 || again[0] != lines[0] || again[1] != lines[1] {
		t.Errorf("after a second run passwords.csv = %+v, want the first run's two lines", again)
	}
}

// TestFailedFileDuplicateStaysADuplicate: a failed file's row whose Repeats column
// names a key it still holds is invalid as a duplicate of the original row; once the
// person changes the key, it is valid.
func TestFailedFileDuplicateStaysADuplicate(t *testing.T) {
	dir := t.TempDir()
	failed := filepath.Join(dir, "failed.csv")
	content := "Исходная строка/Source row;Повторяет/Repeats;" + header +
		"8 (staff.csv);3 (staff.csv): uid=T00001;T00001;Петров Пётр Петрович;petrov@example.ru;Инженер;89123456780\n" +
		"9 (staff.csv);4 (staff.csv): email=ivan2@example.ru;T00200;Сидоров Сидор;sidorov@example.ru;Инженер;89123456781\n"
	if err := os.WriteFile(failed, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := options(failed)
	opts.Kind = importer.Validate
	sum, err := importer.Run(context.Background(), opts, importer.Deps{})
	if err == nil && sum.Invalid != 1 {
		t.Fatalf("summary %+v: want the uid duplicate invalid and the fixed e-mail valid", sum)
	}
	rows := results(t, sum)
	if rows[0][2] != "invalid" || !strings.Contains(rows[0][4], "the same as row 3 (staff.csv)") {
		t.Errorf("row 2 = %q, want a duplicate of row 3 of staff.csv", rows[0])
	}
	if rows[1][2] != "valid" {
		t.Errorf("row 3 = %q, want valid: its e-mail is no longer the repeated one", rows[1])
	}
	// The next failed file keeps the same identity, in the same columns.
	data, err := os.ReadFile(filepath.Join(sum.ReportDir, sum.FailedFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "8 (staff.csv);3 (staff.csv): uid=T00001;T00001") {
		t.Errorf("the failed file lost the row's identity:\n%s", data)
	}
}

// TestEchoedCredentialsReachNoFile: a platform whose error answers repeat the
// request's Authorization header (as a misconfigured proxy or a debug page does) puts
// the API key in no report and no log line (issue 14).
func TestEchoedCredentialsReachNoFile(t *testing.T) {
	const key = "k3y-that-must-not-leak"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Write([]byte(`{"users":[],"params":{"items_per_page":10,"page":1,"total_items":0}}`))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"message":"bad request from %s"}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	client, err := cscart.New(cscart.Config{BaseURL: srv.URL, Email: "admin@shop.example", APIKey: key, CompanyID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	in := writeCSV(t, 5)
	opts := options(in)
	opts.Schema = cscart.Schema()
	var log strings.Builder
	sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: client, Hooks: describeTo(&log, lang.English)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 5 {
		t.Fatalf("summary %+v: want the 5 rows failed", *sum)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("admin@shop.example:" + key))
	files, _ := os.ReadDir(sum.ReportDir)
	for _, f := range files {
		data, _ := os.ReadFile(filepath.Join(sum.ReportDir, f.Name()))
		if strings.Contains(string(data), key) || strings.Contains(string(data), basic) {
			t.Errorf("%s holds the credentials", f.Name())
		}
	}
	if strings.Contains(log.String(), key) || strings.Contains(log.String(), basic) {
		t.Error("the log holds the credentials")
	}
	if !strings.Contains(results(t, sum)[0][4], "[redacted]") {
		t.Errorf("results.csv row %q: want the echoed credential shown as [redacted]", results(t, sum)[0])
	}
}

// TestNoHeaderNamesTheFile: a file whose first rows hold no known column says which
// file, not "userimport: : no header row" (issue 15).
func TestNoHeaderNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "odd.csv")
	os.WriteFile(p, []byte("a;b;c\n1;2;3\n"), 0o600)
	_, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: p}, Checking: importer.Checking{Schema: collaborator.Schema()}}, importer.Deps{})
	if err == nil || !strings.HasPrefix(err.Error(), p+": no header row") {
		t.Errorf("err = %v, want it to start with the file's path", err)
	}
}

// TestApostropheBelongsToItsWriter: in a person's own CSV an apostrophe before "=" is
// theirs and stays (the value is never sent as a formula-like "=..."); in a failed
// file the tool wrote, the apostrophe is the tool's and is taken back (issue 14).
func TestApostropheBelongsToItsWriter(t *testing.T) {
	dir := t.TempDir()
	own := filepath.Join(dir, "own.csv")
	os.WriteFile(own, []byte(header+"T1;Иванов Иван Иванович;ivan@example.ru;'=1+1;'+7 912 345-67-89\n"), 0o600)
	var got *validate.User
	fake := &targettest.Target{UpsertFunc: func(_ context.Context, u *validate.User) (targets.Result, error) {
		cp := *u
		got = &cp
		return targets.Result{Outcome: targets.Created}, nil
	}}
	opts := options(own)
	opts.Concurrency = 1
	if _, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Position != "'=1+1" {
		t.Fatalf("a person's own apostrophe: position %+v, want \"'=1+1\" as typed", got)
	}
	failed := filepath.Join(dir, "failed.csv")
	os.WriteFile(failed, []byte("Исходная строка/Source row;Повторяет/Repeats;"+header+
		"2 (own.csv);;T1;Иванов Иван Иванович;ivan@example.ru;'=1+1;'+7 912 345-67-89\n"), 0o600)
	got = nil
	if _, err := importer.Run(context.Background(), options(failed), importer.Deps{Target: fake}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Position != "=1+1" || got.Phone != "+79123456789" {
		t.Fatalf("the tool's own failed file: %+v, want position =1+1 and phone +79123456789", got)
	}
}

// TestNoHeaderInRussian: the no-header message is said in the run's language, with the
// encoding to try for a CSV (issue 17).
func TestNoHeaderInRussian(t *testing.T) {
	p := filepath.Join(t.TempDir(), "odd.csv")
	os.WriteFile(p, []byte("a;b;c\n1;2;3\n"), 0o600)
	_, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: p}, Checking: importer.Checking{Schema: collaborator.Schema()}}, importer.Deps{})
	he, ok := errors.AsType[*importer.HeaderError](err)
	if !ok {
		t.Fatalf("err = %v, want a *HeaderError", err)
	}
	if got := he.Text(lang.Russian); !strings.HasPrefix(got, p+": нет строки заголовков") || !strings.Contains(got, "--encoding cp1251") {
		t.Errorf("Russian text = %q", got)
	}
}

// TestAbortInRussian: why a run stopped is said in the run's language, with what the
// platform said underneath kept as it was (issue 17).
func TestAbortInRussian(t *testing.T) {
	under := &targets.Error{Kind: targets.Fatal, Code: targets.CodeAuth, Messages: []string{"Unauthorized"}}
	e := &importer.AbortError{Reason: "the platform refused the credentials", ReasonRU: "платформа не приняла учётные данные", Err: under}
	if got, want := e.Text(lang.Russian), "платформа не приняла учётные данные: auth: Unauthorized"; got != want {
		t.Errorf("Russian = %q, want %q", got, want)
	}
	if got := e.Text(lang.English); got != e.Error() {
		t.Errorf("English = %q, want Error() %q", got, e.Error())
	}
}
