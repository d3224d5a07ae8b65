package importer_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"userimport/columns"
	"userimport/importer"
	"userimport/reports"
	"userimport/targets"
	"userimport/targets/collaborator"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/targets/cscart"
	"userimport/targets/cscart/cscarttest"
	"userimport/targets/inskill"
	"userimport/targets/inskill/inskilltest"
	"userimport/targets/ispring"
	"userimport/targets/ispring/ispringtest"
	"userimport/targets/sandbox"
	"userimport/targets/targettest"
	"userimport/validate"
)

// TestResumeSkipsWhatIsDone stops a run part-way (credentials refused after some
// rows), then resumes it: rows finished before are skipped, the rest are sent once,
// and the resumed run's report covers the whole file.
func TestResumeSkipsWhatIsDone(t *testing.T) {
	const n = 600
	in := writeCSV(t, n)
	var (
		mu    sync.Mutex
		sent  = map[string]int{}
		calls atomic.Int64
	)
	refuseAfter := int64(200)
	fake := &targettest.Target{UpsertFunc: func(ctx context.Context, u *validate.User) (targets.Result, error) {
		if calls.Add(1) > refuseAfter {
			return targets.Result{}, &targets.Error{Kind: targets.Fatal, Status: 401, Code: targets.CodeAuth}
		}
		mu.Lock()
		sent[u.UID]++
		mu.Unlock()
		return targets.Result{Outcome: targets.Created, ID: "id-" + u.UID}, nil
	}}
	opts := options(in)
	sum1, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake})
	if _, ok := errors.AsType[*importer.AbortError](err); !ok {
		t.Fatalf("first run: err %v", err)
	}
	checkInvariants(t, sum1)

	refuseAfter = 1 << 40
	opts.Resume = true
	sum2, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, sum2)
	if sum2.Rows != n || sum2.Skipped != sum1.Created || sum2.Created != n-sum1.Created {
		t.Errorf("resumed: %+v after %+v", *sum2, *sum1)
	}
	for uid, c := range sent {
		if c != 1 {
			t.Errorf("%s sent %d times", uid, c)
		}
	}
	if len(sent) != n {
		t.Errorf("%d people sent, want %d", len(sent), n)
	}
	skipped := 0
	for _, rec := range results(t, sum2) {
		if rec[2] == string(reports.Skipped) {
			skipped++
			if rec[3] == "" {
				t.Errorf("skipped row %s lost its platform id", rec[0])
			}
		}
	}
	if skipped != sum2.Skipped {
		t.Errorf("results.csv has %d skipped rows, summary %d", skipped, sum2.Skipped)
	}
}

// TestResumeRedoesChangedRows: a row whose content changed since the journal was
// written is sent again, not skipped.
func TestResumeRedoesChangedRows(t *testing.T) {
	in := writeCSV(t, 3)
	fake := &targettest.Target{}
	opts := options(in)
	if _, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake}); err != nil {
		t.Fatal(err)
	}
	// Same people, one with a new position.
	in2 := writeCSV(t, 2, "T00002;Иванов Иван Иванович;ivan2@example.ru;Старший инженер;8 (912) 345-00-02\n")
	opts.Input, opts.ReportDir, opts.Resume = in2, in+".report", true
	sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: fake})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != 2 || sum.Created != 1 {
		t.Errorf("summary = %+v, want 2 skipped and the changed row sent", *sum)
	}
}

func TestVerifyingLooksBeforeResending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		landed := &fakePlanner{outcome: targets.Unchanged}
		v := &importer.Verifying{Target: &targettest.Target{UpsertFunc: func(context.Context, *validate.User) (targets.Result, error) {
			return targets.Result{}, &targets.Error{Kind: targets.Unknown, Code: targets.CodeUnreachable, Intent: targets.Created}
		}}, Planner: landed}
		res, err := v.Upsert(context.Background(), &validate.User{})
		if err != nil || res.Outcome != targets.Created {
			t.Errorf("landed write: %v %v, want created", res, err)
		}

		lost := &fakePlanner{outcome: targets.Created}
		v.Planner = lost
		_, err = v.Upsert(context.Background(), &validate.User{})
		if targets.KindOf(err) != targets.Retryable {
			t.Errorf("a write that did not land: kind %v, want retryable", targets.KindOf(err))
		}

		// The lookup fails too: the row stays unknown, and says why.
		v.Planner = &fakePlanner{err: &targets.Error{Kind: targets.Fatal, Code: targets.CodeAuth, Status: 401}}
		_, err = v.Upsert(context.Background(), &validate.User{})
		if targets.KindOf(err) != targets.Unknown || !strings.Contains(err.Error(), "looking the account up afterwards failed too: auth (HTTP 401)") {
			t.Errorf("lookup failed: %v (kind %v), want unknown with the lookup's error", err, targets.KindOf(err))
		}
	})
}

// TestVerifyingLooksAsOftenAsItIsTold: a lookup that fails in a retryable way is
// tried Tries times (lookTries by default) before the row is left unknown.
func TestVerifyingLooksAsOftenAsItIsTold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, tt := range []struct {
			tries, failures int
			landed          bool
		}{
			{0, 5, true}, {0, 6, false}, {16, 15, true}, {16, 16, false},
		} {
			p := &flakyPlanner{failures: tt.failures}
			v := &importer.Verifying{Target: &targettest.Target{UpsertFunc: func(context.Context, *validate.User) (targets.Result, error) {
				return targets.Result{}, &targets.Error{Kind: targets.Unknown, Code: targets.CodeUnreachable, Intent: targets.Created}
			}}, Planner: p, Tries: tt.tries}
			res, err := v.Upsert(context.Background(), &validate.User{})
			if landed := err == nil && res.Outcome == targets.Created; landed != tt.landed {
				t.Errorf("tries %d, %d failed lookups: %v %v, want landed %v", tt.tries, tt.failures, res, err, tt.landed)
			}
		}
	})
}

// flakyPlanner fails its first lookups with a 500, then finds the account as sent.
type flakyPlanner struct{ failures, calls int }

func (p *flakyPlanner) Plan(context.Context, *validate.User) (targets.Plan, error) {
	if p.calls++; p.calls <= p.failures {
		return targets.Plan{}, &targets.Error{Kind: targets.Retryable, Code: targets.CodeHTTP, Status: 500}
	}
	return targets.Plan{Outcome: targets.Unchanged}, nil
}

type fakePlanner struct {
	outcome targets.Outcome
	err     error
}

func (p *fakePlanner) Plan(context.Context, *validate.User) (targets.Plan, error) {
	return targets.Plan{Outcome: p.outcome}, p.err
}

func TestAdaptiveSlowsDownOn429AndRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var refuse atomic.Bool
		fake := &targettest.Target{UpsertFunc: func(context.Context, *validate.User) (targets.Result, error) {
			if refuse.Load() {
				return targets.Result{}, &targets.Error{Kind: targets.Retryable, Status: 429}
			}
			return targets.Result{Outcome: targets.Created}, nil
		}}
		a := importer.NewAdaptive(fake, 20, time.Now)
		call := func() { a.Upsert(context.Background(), &validate.User{}) }
		call()
		refuse.Store(true)
		call()
		call() // a second 429 within the cooldown: no second cut
		if got := a.Rate(); got < 16.9 || got > 17.1 {
			t.Fatalf("rate after 429 = %v, want 17 (20 cut by 15%%)", got)
		}
		refuse.Store(false)
		for range 200 {
			call()
		}
		if got := a.Rate(); got != 20 {
			t.Errorf("rate after recovery = %v, want back at the ceiling 20", got)
		}
	})
}

// TestFaultsLoseNothing runs 5,000 rows into each sandbox with lookups while the
// sandbox fails 10% of requests (a 500, not applied), drops 3% after applying them,
// and answers 429 above a rate: every valid row must end in the sandbox exactly once,
// created, and the counts must reconcile.
func TestFaultsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 rows per platform")
	}
	const n = 5000
	in := writeCSV(t, n)
	for _, name := range []string{"collaborator", "cscart", "inskill", "ispring"} {
		t.Run(name, func(t *testing.T) {
			var (
				h      http.Handler
				count  func() int
				target func(url string) (targets.Target, error)
				schema *validate.Schema
			)
			switch name {
			case "collaborator":
				s := collaboratortest.New("")
				h, count, schema = s, s.Len, collaborator.Schema()
				target = func(url string) (targets.Target, error) {
					return collaborator.New(collaborator.Config{BaseURL: url, Token: "t"})
				}
			case "cscart":
				s := cscarttest.New("", "")
				h, count, schema = s, s.Len, cscart.Schema()
				target = func(url string) (targets.Target, error) {
					return cscart.New(cscart.Config{BaseURL: url, Email: "a@b.c", APIKey: "k"})
				}
			case "inskill":
				s := inskilltest.New("")
				h, count, schema = s, s.Len, inskill.Schema()
				target = func(url string) (targets.Target, error) {
					return inskill.New(inskill.Config{BaseURL: url, Token: "t"})
				}
			case "ispring":
				s := ispringtest.New("", "")
				h, count, schema = s, s.Len, ispring.Schema()
				target = func(url string) (targets.Target, error) {
					return ispring.New(ispring.Config{BaseURL: url, ClientID: "client", ClientSecret: "secret-value"})
				}
			}
			faults := sandbox.Wrap(h, sandbox.Faults{FailRate: 0.10, DropRate: 0.03, RateLimit: 3000, Seed: 7})
			srv := httptest.NewServer(faults)
			defer srv.Close()
			tgt, err := target(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			opts := options(in)
			// Enough retries that a row failing on every try (10% of each of several calls)
			// is out of reach: the test is about losing nothing, not about giving up.
			opts.Schema, opts.Concurrency, opts.Retries, opts.RetryBase = schema, 16, 15, 20*time.Millisecond
			if name == "ispring" {
				opts.Sets = map[columns.Field]string{columns.Department: "Бухгалтерия"}
			}
			sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: tgt})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, sum)
			created := sum.Created
			if sum.Failed != 0 || created != n || count() != n {
				t.Errorf("summary %+v, sandbox holds %d; want all %d created once", *sum, count(), n)
			}
			if faults.Failed() == 0 || faults.Dropped() == 0 {
				t.Errorf("the faults did not fire: failed %d dropped %d refused %d", faults.Failed(), faults.Dropped(), faults.Refused())
			}
		})
	}
}
