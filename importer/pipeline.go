package importer

import (
	"cmp"
	"context"
	"errors"
	"io"
	"sync"

	"golang.org/x/sync/semaphore"

	"userimport/columns"
	"userimport/reports"
	"userimport/source"
	"userimport/template"
	"userimport/validate"
)

// inFlightBytes bounds the bytes of cells read but not yet done with by the reports:
// rows are counted as well as batches, so that forty 15 MB lines do not take a
// gigabyte between the reader and the reports. With the reader's own cap on a line,
// it keeps a run within its memory budget whatever the file.
//
// One row counts at most inFlightBytes less 3 MB: the report writer holds a partly
// filled batch of rows (under 2 MB, see reports.Writer) until more rows come, so the
// reader must always find room for the next row beside them, or it would wait for
// itself; and no two rows of over 13 MB are ever in flight together.
const inFlightBytes = 16 << 20

// rowCost is what a row counts against inFlightBytes: its cells and their headers.
func rowCost(cells []string) int64 {
	n := int64(32 * len(cells))
	for _, c := range cells {
		n += int64(len(c))
	}
	return min(n, inFlightBytes-3<<20)
}

// batchSize is how many rows travel together from the reader to a validating worker:
// enough to make channel hand-offs cheap next to the work, few enough that memory
// held in flight stays small (workers × 2 batches of raw rows).
const batchSize = 256

// item is one row on its way through the pipeline.
type item struct {
	row    source.Row
	user   validate.User
	issues []validate.Issue
	// hashes are keyHash of each of the schema's key fields (0 for an empty value),
	// computed by the validating worker so the sequential stage only does map work.
	hashes [maxKeys]uint64
}

type batch struct {
	seq   int
	items []item
}

// run is the state of one Run: what it reads and how, what it writes (files), the
// duplicate check (dedupe), and what it shows people as it goes (screen and
// deps.Progress).
type run struct {
	opts    Options
	deps    Deps
	in      *input
	val     *validate.Validator
	workers int
	// inFlight holds rowCost for each row from when it is read until its reports are
	// written.
	inFlight *semaphore.Weighted

	dedupe *dedupe
	// uids looks across rows for a табельный номер that lost its zeros.
	uids    validate.PaddedIDs
	files   files
	summary *reports.Summary
	screen  screen
}

// run reads, validates, settles and (unless a dry run) dispatches every row, writing
// each row's outcome in row order.
func (r *run) run(ctx context.Context) error {
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	done, readErr := r.startReading(readCtx)

	out := newSequencer(r.write, windowFor(r.opts.Concurrency))
	var disp *dispatcher
	if r.opts.Kind != Validate {
		disp = newDispatcher(ctx, r.deps.Target, &r.opts, out, r.files.journal, r.files.passwords, r.deps.Now, r.deps.Progress)
	}
	settleErr := r.settleInOrder(ctx, done, out, disp, stopReading)
	r.screen.describe() // for files with fewer rows than the sample

	err := cmp.Or(r.endSending(disp), settleErr, out.err())
	if err == nil && ctx.Err() != nil {
		return &AbortError{Reason: "interrupted", ReasonRU: "прервано", Err: context.Cause(ctx)}
	}
	return cmp.Or(err, readErr())
}

// startReading starts the reader and the validating workers. It returns the channel
// of validated batches, in any order, closed once the reader and every worker are
// done, and the reader's error, to be asked for only after that.
func (r *run) startReading(ctx context.Context) (done <-chan *batch, readErr func() error) {
	jobs := make(chan *batch, r.workers)
	validated := make(chan *batch, r.workers)
	var err error
	go func() {
		defer close(jobs)
		err = r.read(ctx, jobs)
	}()
	var wg sync.WaitGroup
	for range r.workers {
		wg.Go(func() { r.validate(jobs, validated) })
	}
	go func() {
		wg.Wait()
		close(validated)
	}()
	return validated, func() error { return err }
}

// settleInOrder puts the validated batches back in file order and settles each row
// there, then hands it on: duplicates and generated logins depend on the rows
// before, so this stage is sequential. Once the run must stop it stops the reader
// and drains done, so the workers can finish. It returns the duplicate check's error.
func (r *run) settleInOrder(ctx context.Context, done <-chan *batch, out *sequencer, disp *dispatcher, stopReading func()) error {
	batches := newReorder[*batch]()
	stopped := false
	var err error
	for b := range done {
		if stopped {
			continue
		}
		batches.put(b.seq, b)
		for nb, ok := batches.take(); ok && !stopped; nb, ok = batches.take() {
			stopped, err = r.settleBatch(ctx, nb, out, disp)
		}
		if stopped {
			stopReading()
		}
	}
	return err
}

// settleBatch settles each row of b and hands it on, until the run must stop; it
// reports whether it must, and the duplicate check's error.
func (r *run) settleBatch(ctx context.Context, b *batch, out *sequencer, disp *dispatcher) (stopped bool, err error) {
	r.dedupe.warm(b)
	for i := range b.items {
		if r.stopping(ctx, disp, out) {
			return true, nil
		}
		row, err := r.settle(&b.items[i])
		if err != nil {
			return true, err
		}
		r.screen.sample(row)
		r.hand(row, out, disp)
	}
	return false, nil
}

// endSending waits for the calls in flight, if the run sends rows, and puts in the
// summary how the sending went.
func (r *run) endSending(disp *dispatcher) error {
	if disp == nil {
		return nil
	}
	st, err := disp.wait()
	r.summary.Rate, r.summary.Retries = st.rate, st.retries
	return err
}

// validate checks the rows of each batch from jobs and hashes their keys, then hands
// the batch to done. Each worker runs it; batches come out in any order.
func (r *run) validate(jobs <-chan *batch, done chan<- *batch) {
	w := r.val.Worker()
	for b := range jobs {
		for i := range b.items {
			it := &b.items[i]
			if r.in.ours {
				// A CSV the tool wrote (a failed file) has an apostrophe before each
				// value a spreadsheet would run: take it back, so the value is the one
				// the original file had.
				for c, v := range it.row.Cells {
					it.row.Cells[c] = reports.Unneutralize(v)
				}
			}
			it.user, it.issues = w.Row(it.row.Cells, validate.Marks{NoValue: it.row.NoValue, Rounded: it.row.Rounded})
			it.hashes = r.dedupe.hashes(&it.user)
		}
		done <- b
	}
}

// hand passes a settled row on: to the report in its turn, when it is invalid, the run
// sends nothing or a resumed run finished it with the same content; else to the
// target.
func (r *run) hand(row *reports.Row, out *sequencer, disp *dispatcher) {
	idx := out.reserve()
	if row.Status == reports.Invalid || disp == nil {
		out.put(idx, row)
		return
	}
	hash := rowHash(r.opts.Schema.Target, row.User)
	if e, ok := r.files.prev[row.Key]; ok && e.done() && e.Hash == hash {
		row.Status, row.TargetID = reports.Skipped, e.ID
		out.put(idx, row)
		return
	}
	disp.send(idx, row, hash)
}

// stopping reports whether the run must take no more rows: Ctrl-C, an abort from the
// dispatcher, or a report that cannot be written.
func (r *run) stopping(ctx context.Context, disp *dispatcher, out *sequencer) bool {
	if ctx.Err() != nil {
		if disp != nil && r.deps.Hooks.Interrupted != nil {
			r.deps.Hooks.Interrupted(r.opts.Grace)
		}
		return true
	}
	if out.err() != nil {
		return true
	}
	return disp != nil && disp.aborted()
}

// read sends the file's rows to jobs in batches. It returns a file-level error, or
// nil at the end of the file or when ctx is cancelled.
func (r *run) read(ctx context.Context, jobs chan<- *batch) error {
	seq := 0
	var rows int64 // rows read so far
	b := &batch{items: make([]item, 0, batchSize)}
	send := func() bool {
		// Before the rows can be done: the total shown never falls below them.
		r.estimateTotal(rows)
		select {
		case jobs <- b:
		case <-ctx.Done():
			return false
		}
		seq++
		b = &batch{seq: seq, items: make([]item, 0, batchSize)}
		return true
	}
	first := true
	for {
		row, err := r.in.next()
		if errors.Is(err, io.EOF) {
			// The whole file is read: the total is known, no longer a guess.
			r.deps.Progress.Total.Store(rows)
			break
		}
		if err != nil {
			if len(b.items) > 0 {
				send()
			}
			return err
		}
		if first {
			first = false
			if r.isExample(row) {
				r.screen.example = row.Num
				continue
			}
		}
		if cost := rowCost(row.Cells); !r.inFlight.TryAcquire(cost) {
			// Hand on what this batch holds before waiting, so that the rows the
			// wait is for can get written.
			if len(b.items) > 0 && !send() {
				return nil
			}
			if r.inFlight.Acquire(ctx, cost) != nil {
				return nil
			}
		}
		b.items = append(b.items, item{row: row})
		rows++
		if len(b.items) == batchSize {
			if !send() {
				return nil
			}
		}
	}
	if len(b.items) > 0 {
		send()
	}
	return nil
}

// isExample reports whether row is a template's example row, left as it was written:
// never a person to import (template.IsExample).
func (r *run) isExample(row source.Row) bool {
	return template.IsExample(func(f columns.Field) string { return r.in.mapping.Get(row.Cells, f) })
}

// positioner is a source that can say how far into the file it is (a CSV).
type positioner interface {
	Position() (read, size int64)
}

// estimateTotal guesses the rows from the bytes read so far, for the progress
// display's ETA, unless the sheet's dimension said; read's end replaces the guess with
// the rows read. The guess is refreshed with every batch (rows is how many were read).
func (r *run) estimateTotal(rows int64) {
	p, ok := r.in.src.(positioner)
	if !ok || r.in.src.Info().LastRow > 1 {
		return
	}
	read, size := p.Position()
	if read <= 0 || size <= 0 {
		return
	}
	t := &r.deps.Progress.Total
	t.Store(steadyTotal(t.Load(), rows, rows*size/read))
}

// steadyTotal is the total the progress display shows after guess, a new estimate
// from the bytes read, when it showed prev and rows are read: never fewer than the rows
// read (so never fewer than the rows done), and never less than it showed before. The
// bytes counted include what the reader buffered ahead of the rows, so guesses tend to
// fall short and then shrink as rows get longer or shorter; a total that went 2994,
// 2959, 2829 for 3,000 rows looked broken (issue 17). Only growing, it keeps the bar
// still, and the real count replaces it at the end of the file.
func steadyTotal(prev, rows, guess int64) int64 {
	return max(prev, rows, guess)
}

// settle finishes a validated row in file order: duplicates of earlier rows, generated
// logins and passwords. It returns the row's report, Invalid or ready to send, or the
// duplicate check's error.
func (r *run) settle(it *item) (*reports.Row, error) {
	s := r.val.Schema()
	u := &it.user
	row := &reports.Row{Num: it.row.Num, Cells: it.row.Cells, Issues: it.issues}
	valid := !validate.HasErrors(row.Issues)
	dup, err := r.dedupe.check(it, row)
	if err != nil {
		return nil, err
	}
	valid = valid && !dup
	if iss, ok := r.uids.Check(u.UID); ok {
		iss.Field, iss.Column = string(columns.UID), r.in.mapping.Header(columns.UID)
		row.Issues = append(row.Issues, iss)
	}
	if valid && s.GenerateLogin && u.Login == "" {
		if err := r.generateLogin(row, u); err != nil {
			return nil, err
		}
	}
	row.Key = r.dedupe.key(u)
	// A dry run or a plan makes no passwords: nobody would receive them. A password
	// made here goes to the platform only with a create (or --reset-passwords): the
	// target decides, and says so in its Result (see targets.Policy).
	if valid && s.GeneratePassword && u.Password == "" && r.opts.Kind == Import {
		valid = generatePassword(row, u)
	}
	if !valid {
		row.Status = reports.Invalid
		return row, nil
	}
	row.Status, row.User = reports.Valid, u
	return row, nil
}

// generatePassword gives u a generated password, or, in the unheard-of case that
// there is no randomness to make one, says so in row and reports false: the row must
// not go out with no password.
func generatePassword(row *reports.Row, u *validate.User) bool {
	p, err := validate.GeneratePassword()
	if err != nil {
		// crypto/rand does not fail on any supported system.
		row.Issues = append(row.Issues, validate.Issue{Field: string(columns.Password), Code: validate.CodeRequired, Detail: err.Error()})
		return false
	}
	u.Password, u.PasswordGenerated = p, true
	return true
}

// generateLogin makes a login by the run's rule (from the e-mail's local part, or from
// the transliterated name), numbered on from 2 when an earlier row already has it. The
// warning says which rule made it.
func (r *run) generateLogin(row *reports.Row, u *validate.User) error {
	base, from := "", u.Email
	if r.opts.LoginFrom == LoginFromName {
		base = validate.LoginFromName(u.LastName, u.FirstName, u.MiddleName, r.opts.Translit)
		from = u.FullName() + " (" + r.opts.Translit.String() + ")"
	}
	if base == "" {
		base, from = validate.LoginFromEmail(u.Email), u.Email
	}
	if base == "" {
		return nil
	}
	login, err := r.dedupe.uniqueLogin(base, row.Num)
	if err != nil {
		return err
	}
	u.Login, u.LoginGenerated = login, true
	row.Issues = append(row.Issues, validate.Issue{
		Field: string(columns.Login), Column: r.in.mapping.Header(columns.Login), Code: validate.CodeLoginGenerated,
		Severity: validate.Warning, Normalized: login, Detail: from,
	})
	return nil
}

// write records one finished row, in row order. Its bytes in flight are released when
// the reports are done with it (see Run's SetOnRowDone).
func (r *run) write(row *reports.Row) error {
	r.deps.Progress.Add(row, r.opts.Lang)
	if r.deps.Hooks.Row != nil {
		r.deps.Hooks.Row(row)
	}
	return r.files.writer.Write(row)
}
