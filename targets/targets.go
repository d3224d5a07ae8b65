// Package targets defines what the importer needs from a platform: one small interface,
// the outcome of a call, and the classes of failure. Each platform lives in its own
// sub-package (targets/collaborator, ...) and decides for itself which of its answers
// are retryable, permanent or fatal, because only it knows whether its calls are
// idempotent.
package targets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"userimport/outcome"
	"userimport/validate"
)

// Target puts one user into a platform. Implementations are safe for concurrent use.
type Target interface {
	// Name is the target's name as the command line spells it ("collaborator").
	Name() string
	// Upsert creates or updates u according to the client's mode. A failure that
	// concerns this row only is an *Error of kind Permanent; Fatal aborts the run.
	Upsert(ctx context.Context, u *validate.User) (Result, error)
}

// Mode says what an import may do to the platform.
type Mode string

const (
	ModeUpsert Mode = "upsert" // create who is missing, update who exists
	ModeCreate Mode = "create" // an existing account is left alone: the row is skipped (code exists)
	ModeUpdate Mode = "update" // a missing account is a failed row (code not_found)
)

// ParseMode checks a --mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeUpsert, nil
	case ModeUpsert, ModeCreate, ModeUpdate:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q: use upsert, create or update", s)
}

// Outcome is what a successful call did to the account.
type Outcome string

const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
)

// Result is the outcome of one successful call.
type Result struct {
	Outcome Outcome
	// Blocked and Unblocked are set when the platform reports that the call blocked an
	// active account or unblocked a blocked one.
	Blocked   bool
	Unblocked bool
	// ID is the platform's id of the account, where the platform tells it.
	ID string
	// Changes are the fields an update changes, where the target knows them (always
	// for a plan; see AsTarget).
	Changes []outcome.Change
	// PasswordSet is true when the call sent the user's password: with a create, or
	// with an update the Policy allowed. The importer records a generated password
	// only then, in passwords.csv.
	PasswordSet bool
}

// Kind classifies a failed call.
type Kind int8

const (
	// Permanent: the platform refused this row (validation, conflict); retrying will
	// not help. The row is failed with the platform's messages.
	Permanent Kind = iota
	// Retryable: the call did not reach the platform, or the platform asked us to come
	// back later (429, 502-504). Safe to send again.
	Retryable
	// Unknown: the call was sent and may have landed, but no answer came. The row must
	// be looked up before anything is sent again.
	Unknown
	// Fatal: nothing will work (credentials rejected); the run stops.
	Fatal
)

func (k Kind) String() string {
	switch k {
	case Permanent:
		return "permanent"
	case Retryable:
		return "retryable"
	case Unknown:
		return "unknown"
	case Fatal:
		return "fatal"
	}
	return fmt.Sprintf("kind(%d)", int8(k))
}

// Codes of failed rows, as results.csv shows them.
const (
	CodeRejected    = "rejected"    // the platform refused the row
	CodeExists      = "exists"      // --mode create and the account exists
	CodeNotFound    = "not_found"   // --mode update and the account does not exist
	CodeConflict    = "conflict"    // the login or e-mail belongs to another account
	CodeUnreachable = "unreachable" // no answer after the retries
	CodeAuth        = "auth"        // credentials rejected
	CodeHTTP        = "http_error"  // an answer the client does not understand
	// CodeIdentity: an update would change who the account is (Policy.Apply).
	CodeIdentity = "identity_change"
	// CodeRedirect: the platform answered with a redirect, which no client follows.
	CodeRedirect = "redirect"
	// CodeNoLookup: a generated password would go to an account that may exist,
	// and the platform cannot be asked whether it does.
	CodeNoLookup = "cannot_check"
)

// Error is a failed call, classified by the target that made it.
type Error struct {
	Kind   Kind
	Status int    // HTTP status, 0 when no answer came
	Code   string // one of the Code* constants
	// Messages are the platform's own words, each "field: message" where the platform
	// names a field, in a stable order.
	Messages []string
	// MessagesRU are Messages in Russian where the tool wrote them itself (the check
	// before the first row); empty means Messages, the platform's own words.
	MessagesRU []string
	// RetryAfter is the platform's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Intent is what the failed call was doing (Created for a create, Updated for an
	// update), where the target knows: when an Unknown write turns out to have
	// landed, it says which outcome the row had.
	Intent Outcome
	// Method is the HTTP method of the failed call, where it is known (Do and
	// StatusError set it): the importer counts a row's retries per call with it, so
	// that a lookup and a write each get their own.
	Method string
	Err    error // the underlying error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if len(e.Messages) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Messages, "; "))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf classifies any error from a target: an *Error says its own kind, a cancelled
// context is Retryable (the row was not finished, a resumed run does it), and anything
// else is Unknown, the safe assumption.
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	if errors.Is(err, context.Canceled) {
		return Retryable
	}
	return Unknown
}

// Planner is implemented by targets that can tell, with read-only calls, what Upsert
// would do to u. plan uses it; a Planner never writes.
type Planner interface {
	Plan(ctx context.Context, u *validate.User) (Plan, error)
}

// Plan is what an upsert would do to one account.
type Plan struct {
	Outcome Outcome          // Created, Updated or Unchanged
	ID      string           // the existing account's id, when there is one
	Changes []outcome.Change // for Updated: the fields that would change, in a stable order
}

// Change is one field an update would change. It is defined in outcome, below both
// this package and reports, so that reports never imports a platform's package; the
// name stays here for the code that reads a Result.
type Change = outcome.Change

// Checker is implemented by targets that can prove, with one cheap authenticated read
// (or the token request), that the address and the credentials work. The importer
// calls Check before the first row of an import or plan; an error is an *Error of
// kind Fatal whose one message names what to fix (see CheckFailed).
type Checker interface {
	Check(ctx context.Context) error
}

// Preparer is implemented by targets that need something once per run before the first
// row: a token, the department tree. An error from Prepare stops the run.
type Preparer interface {
	Prepare(ctx context.Context) error
}

// AsTarget makes a Planner look like a Target whose Upsert only plans, so plan runs
// through the same dispatch, rate limit and retries as import while writing nothing.
func AsTarget(name string, p Planner) Target { return planning{name: name, p: p} }

type planning struct {
	name string
	p    Planner
}

func (t planning) Name() string { return t.name }

func (t planning) Upsert(ctx context.Context, u *validate.User) (Result, error) {
	pl, err := t.p.Plan(ctx, u)
	if err != nil {
		return Result{}, err
	}
	return Result{Outcome: pl.Outcome, ID: pl.ID, Changes: pl.Changes}, nil
}

// WithIntent records in err's *Error, if it has one, what the failed call was doing,
// and returns err. Targets call it on the errors of their create calls.
func WithIntent(err error, o Outcome) error {
	if e, ok := errors.AsType[*Error](err); ok {
		e.Intent = o
	}
	return err
}
