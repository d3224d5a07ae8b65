package importer_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"userimport/columns"
	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
	"userimport/targets"
	"userimport/targets/collaborator"
	"userimport/targets/targettest"
	"userimport/validate"
)

const header = "Табельный номер;ФИО;E-mail;Должность;Телефон\n"

// person renders a valid row for index i.
func person(i int) string {
	return fmt.Sprintf("T%05d;Иванов Иван Иванович;ivan%d@example.ru;Инженер;8 (912) 345-%02d-%02d\n", i, i, i/100%100, i%100)
}

// writeCSV writes a file of n valid people plus extra lines, returning its path.
func writeCSV(t *testing.T, n int, extra ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		b.WriteString(person(i))
	}
	for _, e := range extra {
		b.WriteString(e)
	}
	p := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func options(in string) importer.Options {
	opts := importer.DefaultOptions()
	opts.Input, opts.Schema, opts.Lang, opts.Concurrency = in, collaborator.Schema(), lang.English, 8
	return opts
}

// results reads results.csv as rows of cells, without the header.
func results(t *testing.T, sum *reports.Summary) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(sum.ReportDir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[1:]
}

func checkInvariants(t *testing.T, s *reports.Summary) {
	t.Helper()
	if s.Rows != s.Valid+s.Invalid {
		t.Errorf("rows %d != valid %d + invalid %d", s.Rows, s.Valid, s.Invalid)
	}
	if !s.DryRun && s.Rows != s.Invalid+s.Created+s.Updated+s.Unchanged+s.Failed+s.Skipped {
		t.Errorf("rows %d != invalid+created+updated+unchanged+failed+skipped: %+v", s.Rows, *s)
	}
}

func TestResultsComeOutInRowOrder(t *testing.T) {
	const n = 3000
	in := writeCSV(t, n)
	var calls atomic.Int64
	fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
		calls.Add(1)
		// Finish out of order.
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		return targets.Result{Outcome: targets.Created, ID: "id-" + u.UID}, nil
	}}
	opts := options(in)
	opts.Concurrency = 32
	sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, sum)
	if sum.Created != n || calls.Load() != n {
		t.Fatalf("created %d, calls %d, want %d", sum.Created, calls.Load(), n)
	}
	for i, rec := range results(t, sum) {
		if want := strconv.Itoa(i + 2); rec[0] != want {
			t.Fatalf("results.csv line %d is row %s, want %s", i+1, rec[0], want)
		}
		if want := fmt.Sprintf("id-T%05d", i); rec[3] != want {
			t.Fatalf("row %s target_id %q, want %q", rec[0], rec[3], want)
		}
	}
}

func TestRowOutcomes(t *testing.T) {
	in := writeCSV(t, 6,
		"T00001;Петров Пётр;petrov@example.ru;Инженер;89123456780\n",    // duplicate uid of row 3
		"T00100;Сидоров Сидор;IVAN2@example.ru ;Инженер;89123456781\n",  // duplicate e-mail of row 4
		"T00101;Кузнецов Олег;kuz@example.ru;;89123456782\n",            // position missing
		"T00102;Смирнов Олег;not-an-email;Инженер;89123456783\n",        // bad e-mail
		"T00103;Орлов Олег Олегович;orlov@example.ru;Инженер;8912345\n", // bad phone
	)
	fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
		switch u.UID {
		case "T00000":
			return targets.Result{Outcome: targets.Updated, Blocked: true}, nil
		case "T00001":
			return targets.Result{Outcome: targets.Unchanged}, nil
		case "T00002":
			return targets.Result{}, &targets.Error{Kind: targets.Permanent, Status: 400, Code: targets.CodeRejected, Messages: []string{"email: Invalid email"}}
		}
		return targets.Result{Outcome: targets.Created}, nil
	}}
	sum, err := importer.Run(context.Background(), options(in), importer.Deps{Target: fake})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, sum)
	got := map[string]string{}
	for _, rec := range results(t, sum) {
		got[rec[0]] = rec[2] + " " + rec[4]
	}
	want := map[string]string{
		"2":  "updated ",
		"3":  "unchanged ",
		"4":  "failed platform: rejected: email: Invalid email",
		"5":  "created ",
		"6":  "created ",
		"7":  "created ",
		"8":  `invalid uid: duplicate: the same as row 3 (staff.csv) ("T00001")`,
		"9":  `invalid email: duplicate: the same as row 4 (staff.csv) ("IVAN2@example.ru")`,
		"10": "invalid position: required: a value is required",
		"11": `invalid email: email_invalid: not a valid e-mail address ("not-an-email")`,
		"12": `invalid phone: phone_invalid: not a valid phone number ("8912345")`,
	}
	for row, w := range want {
		if got[row] != w {
			t.Errorf("row %s = %q, want %q", row, got[row], w)
		}
	}
	if sum.Blocked != 1 || sum.Created != 3 || sum.Updated != 1 || sum.Unchanged != 1 || sum.Failed != 1 || sum.Invalid != 5 {
		t.Errorf("summary = %+v", *sum)
	}
}

func TestFatalErrorAbortsTheRun(t *testing.T) {
	in := writeCSV(t, 5000)
	var calls atomic.Int64
	fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
		calls.Add(1)
		return targets.Result{}, &targets.Error{Kind: targets.Fatal, Status: 401, Code: targets.CodeAuth, Messages: []string{"bad token"}}
	}}
	sum, err := importer.Run(context.Background(), options(in), importer.Deps{Target: fake})
	if _, ok := errors.AsType[*importer.AbortError](err); !ok {
		t.Fatalf("err = %v, want an AbortError", err)
	}
	if sum == nil || sum.Aborted == "" {
		t.Fatalf("summary %+v does not say it aborted", sum)
	}
	checkInvariants(t, sum)
	if calls.Load() > 100 {
		t.Errorf("%d calls after the credentials were refused", calls.Load())
	}
	if _, err := os.Stat(filepath.Join(sum.ReportDir, "summary.json")); err != nil {
		t.Errorf("no summary.json after an abort: %v", err)
	}
}

func TestCancelStopsAndReports(t *testing.T) {
	in := writeCSV(t, 5000)
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	fake := &targettest.Target{UpsertFunc: func(c context.Context, u *validate.User) (targets.Result, error) {
		once.Do(cancel)
		return targets.Result{Outcome: targets.Created}, nil
	}}
	sum, err := importer.Run(ctx, options(in), importer.Deps{Target: fake})
	if _, ok := errors.AsType[*importer.AbortError](err); !ok {
		t.Fatalf("err = %v, want an AbortError", err)
	}
	checkInvariants(t, sum)
	if sum.Rows >= 5000 {
		t.Errorf("all %d rows handled after Ctrl-C", sum.Rows)
	}
}

func TestMissingColumnIsAFileError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, []byte("ФИО;Почта;Тел.\nИванов Иван;a@b.ru;89123456789\n"), 0o600)
	sum, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: p}, Checking: importer.Checking{Schema: collaborator.Schema()}}, importer.Deps{})
	ce, ok := errors.AsType[*importer.ColumnsError](err)
	if !ok || sum != nil {
		t.Fatalf("err = %v, sum = %v; want a ColumnsError and no summary", err, sum)
	}
	msg := ce.Error()
	for _, w := range []string{"uid", "position", "found: ФИО, Почта, Тел."} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q does not mention %q", msg, w)
		}
	}
	if _, err := os.Stat(p + ".report"); err == nil {
		t.Errorf("a report folder was made for a file-level error")
	}
}

func TestMapAndSet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, []byte("Код;ФИО;Адрес почты\n1;Иванов Иван;a@b.ru\n2;Петров Пётр;p@b.ru\n"), 0o600)
	opts := importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: p, Map: []columns.Override{{Header: "Код", Field: columns.UID}, {Header: "Адрес почты", Field: columns.Email}}}, Checking: importer.Checking{Schema: collaborator.Schema(), Sets: map[columns.Field]string{columns.Position: "Сотрудник"}}}
	sum, err := importer.Run(context.Background(), opts, importer.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Valid != 2 || sum.Invalid != 0 {
		t.Errorf("summary = %+v", *sum)
	}
}

// TestRetryHonoursRetryAfter runs the retry decorator on a fake clock: the second
// attempt comes no sooner than the platform's Retry-After.
func TestRetryHonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var times []time.Time
		fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
			times = append(times, time.Now())
			if len(times) < 3 {
				return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 429, RetryAfter: 7 * time.Second}
			}
			return targets.Result{Outcome: targets.Created}, nil
		}}
		r := &importer.Retrying{Target: fake, Retries: 4}
		res, err := r.Upsert(context.Background(), &validate.User{})
		if err != nil || res.Outcome != targets.Created {
			t.Fatalf("res %v err %v", res, err)
		}
		for i := 1; i < len(times); i++ {
			if d := times[i].Sub(times[i-1]); d < 7*time.Second {
				t.Errorf("attempt %d after %v, want ≥ 7s", i+1, d)
			}
		}
	})
}

func TestRetryGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tests := []struct {
			name      string
			kind      targets.Kind
			wantCalls int
		}{
			{"retryable", targets.Retryable, 4}, // the first try and three retries
			{"permanent", targets.Permanent, 1},
			{"unknown", targets.Unknown, 1}, // may have landed: never resent blindly
			{"fatal", targets.Fatal, 1},
		}
		for _, tt := range tests {
			calls := 0
			fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
				calls++
				return targets.Result{}, &targets.Error{Kind: tt.kind}
			}}
			r := &importer.Retrying{Target: fake, Retries: 3}
			if _, err := r.Upsert(context.Background(), &validate.User{}); err == nil {
				t.Errorf("%s: no error", tt.name)
			}
			if calls != tt.wantCalls {
				t.Errorf("%s: %d calls, want %d", tt.name, calls, tt.wantCalls)
			}
		}
	})
}

func TestHeaderBelowTitleAndHowTheFileWasRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, []byte("Список сотрудников на 01.11.2026;;\n\nТаб. №;ФИО;Почта;Должность;Примечание\n1;Иванов Иван;a@b.ru;Инженер;x\n2;Петров Пётр;p@b.ru;Инженер;y\n"), 0o600)
	var log strings.Builder
	sum, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: p}, Checking: importer.Checking{Schema: collaborator.Schema()}}, importer.Deps{Hooks: describeTo(&log, lang.English)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 2 || sum.Valid != 2 || sum.Source.HeaderRow != 3 {
		t.Errorf("rows %d valid %d header row %d", sum.Rows, sum.Valid, sum.Source.HeaderRow)
	}
	if len(sum.Source.Samples) != 2 || sum.Source.Samples[0].Row != 4 {
		t.Errorf("samples = %+v", sum.Source.Samples)
	}
	for _, want := range []string{"header on row 3", "semicolon-separated", "ФИО → full_name", "Примечание (unknown column", "row 4: 1 | Иванов Иван"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("description lacks %q:\n%s", want, log.String())
		}
	}
}

func TestGarbledHeaderSuggestsAnEncoding(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	// UTF-8 headers forced through cp1251 come out as mojibake that maps to nothing.
	os.WriteFile(p, []byte("ФИО;Почта\nИванов Иван;a@b.ru\n"), 0o600)
	opts := importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: p}, Checking: importer.Checking{Schema: collaborator.Schema()}}
	opts.Source.Encoding = "cp1251"
	_, err := importer.Run(context.Background(), opts, importer.Deps{})
	if err == nil || !strings.Contains(err.Error(), "--encoding utf-8") {
		t.Errorf("err = %v, want a hint to try --encoding utf-8", err)
	}
}

// TestProgressEstimatesTheTotal: a CSV says nothing of its rows, so the total the
// progress display shows is estimated from the bytes read; by the end it is close.
func TestProgressEstimatesTheTotal(t *testing.T) {
	const n = 20000
	in := writeCSV(t, n)
	var p importer.Progress
	sum, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: in}, Checking: importer.Checking{Schema: collaborator.Schema()}}, importer.Deps{Progress: &p})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Done.Load(); got != int64(sum.Rows) {
		t.Errorf("progress done %d, rows %d", got, sum.Rows)
	}
	if total := p.Total.Load(); total < n*8/10 || total > n*12/10 {
		t.Errorf("estimated total %d for %d rows", total, n)
	}
}

// TestRetry429DoesNotUseUpRetries: a platform refusing many calls with 429 slows the
// run down; it does not fail rows that a few more tries would have sent (issue 14).
func TestRetry429DoesNotUseUpRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
			calls++
			switch {
			case calls <= 12:
				return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 429, Code: targets.CodeUnreachable}
			case calls == 13:
				return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 503, Code: targets.CodeUnreachable}
			}
			return targets.Result{Outcome: targets.Created}, nil
		}}
		r := &importer.Retrying{Target: fake, Retries: 2}
		if res, err := r.Upsert(context.Background(), &validate.User{}); err != nil || res.Outcome != targets.Created {
			t.Fatalf("after 12 refusals and a 503: res %v err %v; want created", res, err)
		}
		// Other failures still count: three 503s with Retries 2 fail the row.
		calls = 0
		always503 := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
			calls++
			return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 503}
		}}
		r = &importer.Retrying{Target: always503, Retries: 2}
		if _, err := r.Upsert(context.Background(), &validate.User{}); err == nil || calls != 3 {
			t.Errorf("503s: err %v after %d calls, want a failure after 3", err, calls)
		}
	})
}

// TestRetryCountsPerCall: a row that needs a lookup and a write gets Retries for each,
// as a retry per call would, not Retries for the two together.
func TestRetryCountsPerCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const retries = 3
		lookups, writes := 0, 0
		fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
			if lookups++; lookups <= retries {
				return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 503, Code: targets.CodeUnreachable, Method: http.MethodGet}
			}
			if writes++; writes <= retries {
				return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 502, Code: targets.CodeUnreachable, Method: http.MethodPost}
			}
			return targets.Result{Outcome: targets.Created}, nil
		}}
		r := &importer.Retrying{Target: fake, Retries: retries}
		if res, err := r.Upsert(context.Background(), &validate.User{}); err != nil || res.Outcome != targets.Created {
			t.Fatalf("lookup and write each failing %d times: res %v err %v; want created", retries, res, err)
		}
		// One call failing once more than Retries still fails the row.
		calls := 0
		always := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
			calls++
			return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 503, Method: http.MethodGet}
		}}
		r = &importer.Retrying{Target: always, Retries: retries}
		if _, err := r.Upsert(context.Background(), &validate.User{}); err == nil || calls != retries+1 {
			t.Errorf("a lookup always failing: err %v after %d calls; want an error after %d", err, calls, retries+1)
		}
	})
}

// TestProgressTotalIsSteady: while 3,000 rows of shrinking length are validated, the
// total the progress display reads is never below the rows done and never falls; at
// the end it is the rows read (issue 17).
func TestProgressTotalIsSteady(t *testing.T) {
	const n = 3000
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		// Long rows first, short ones last: a guess from the bytes read falls short
		// and then shrinks.
		fmt.Fprintf(&b, "T%05d;Иванов Иван Иванович;ivan%d@example.ru;%s;8 (912) 345-%02d-%02d\n",
			i, i, strings.Repeat("Инженер ", (n-i)/100+1), i/100%100, i%100)
	}
	in := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var p importer.Progress
	stop, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		var last int64
		for {
			done := p.Done.Load()
			total := p.Total.Load()
			if total > 0 && total < done {
				t.Errorf("total %d below the %d rows done", total, done)
				return
			}
			if total < last && total != n {
				t.Errorf("total fell from %d to %d before the end of the file", last, total)
				return
			}
			last = total
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	sum, err := importer.Run(context.Background(), importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: in}, Checking: importer.Checking{Schema: collaborator.Schema()}}, importer.Deps{Progress: &p})
	close(stop)
	<-watched
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != n || p.Total.Load() != n {
		t.Errorf("rows %d, total at the end %d, want %d", sum.Rows, p.Total.Load(), n)
	}
}

// TestHeaderWithoutRows: a header with nothing under it is a NoRowsError naming the
// header's row, and no report folder is made (issue 17).
func TestHeaderWithoutRows(t *testing.T) {
	in := writeCSV(t, 0)
	opts := options(in)
	opts.Kind = importer.Validate
	sum, err := importer.Run(context.Background(), opts, importer.Deps{})
	var nr *importer.NoRowsError
	if !errors.As(err, &nr) || nr.Header != 1 || sum != nil {
		t.Fatalf("got %v, %v; want a NoRowsError for row 1", sum, err)
	}
	if _, err := os.Stat(in + ".report"); !os.IsNotExist(err) {
		t.Errorf("a report folder was made: %v", err)
	}
}
