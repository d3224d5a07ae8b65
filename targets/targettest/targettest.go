// Package targettest provides a fake target for tests of the code that drives targets.
package targettest

import (
	"context"
	"errors"
	"testing"

	"userimport/targets"
	"userimport/validate"
)

// Target is a targets.Target whose behaviour is a function field, so a test sets only
// what it needs. UpsertFunc must be safe for concurrent use when the code under test
// calls concurrently.
type Target struct {
	NameValue  string
	UpsertFunc func(ctx context.Context, u *validate.User) (targets.Result, error)
}

var _ targets.Target = (*Target)(nil)

// Name returns NameValue, or "fake".
func (t *Target) Name() string {
	if t.NameValue == "" {
		return "fake"
	}
	return t.NameValue
}

// Upsert calls UpsertFunc, or reports every user created, with the password it has.
func (t *Target) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	if t.UpsertFunc == nil {
		return targets.Result{Outcome: targets.Created, ID: u.UID, PasswordSet: u.Password != ""}, nil
	}
	return t.UpsertFunc(ctx, u)
}

// Error is err as the *targets.Error a client returns, or fails the test.
func Error(t testing.TB, err error) *targets.Error {
	t.Helper()
	e, ok := errors.AsType[*targets.Error](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *targets.Error", err, err)
	}
	return e
}
