package importer

import (
	"cmp"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/sync/semaphore"

	"userimport/columns"
	"userimport/reports"
	"userimport/source"
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

// run is the state of one Run.
type run struct {
	opts    Options
	deps    Deps
	src     source.Reader
	mapping *columns.Mapping
	val     *validate.Validator
	writer  *reports.Writer
	summary *reports.Summary

	workers   int
	described bool // describeSource has run
	// prev is what the run being resumed finished, by key; journal records this run.
	prev    map[string]Entry
	journal *journal
	// passwords records generated passwords the platform took; nil unless importing.
	passwords *reports.Passwords
	// closers close what newRun opened (see lifecycle.go).
	closers []func() error
	// ours is set for a CSV the tool wrote itself (it has the failed file's
	// SourceRow column): its cells' leading apostrophes are the tool's.
	ours   bool
	dedupe *dedupe
	// inFlight holds rowCost for each row from when it is read until its reports are
	// written.
	inFlight *semaphore.Weighted
}

// run reads, validates, settles and (unless a dry run) dispatches every row, writing
// each row's outcome in row order.
func (r *run) run(ctx context.Context) error {
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()

	jobs := make(chan *batch, r.workers)
	done := make(chan *batch, r.workers)
	var readErr error
	go func() {
		defer close(jobs)
		readErr = r.read(readCtx, jobs)
	}()
	var wg sync.WaitGroup
	for range r.workers {
		wg.Go(func() { r.validate(jobs, done) })
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	out := newSequencer(r.write, windowFor(r.opts.Concurrency))
	var disp *dispatcher
	if r.opts.Kind != Validate {
		disp = newDispatcher(ctx, r.deps.Target, &r.opts, out, r.journal, r.passwords, r.deps.Now, r.deps.Progress)
	}

	// Put batches back in file order and settle each row there: duplicates and
	// generated logins depend on the rows before, so this stage is sequential.
	batches := newReorder[*batch]()
	stopped := false
	var settleErr error
	for b := range done {
		if stopped {
			continue // drain, so the workers can finish
		}
		batches.put(b.seq, b)
		for nb, ok := batches.take(); ok && !stopped; nb, ok = batches.take() {
			r.dedupe.warm(nb)
			for i := range nb.items {
				if stopped = r.stopping(ctx, disp, out); stopped {
					break
				}
				row, err := r.settle(&nb.items[i])
				if err != nil {
					settleErr, stopped = err, true
					break
				}
				r.sample(row)
				r.hand(row, out, disp)
			}
		}
		if stopped {
			stopReading()
		}
	}

	r.describe() // for files with fewer rows than the sample
	var err error
	if disp != nil {
		var st sendStats
		st, err = disp.wait()
		r.summary.Rate, r.summary.Retries = st.rate, st.retries
	}
	if err == nil {
		err = cmp.Or(settleErr, out.err())
	}
	if err == nil && ctx.Err() != nil {
		err = &AbortError{Reason: "interrupted", Err: context.Cause(ctx)}
	}
	if err == nil && readErr != nil {
		err = readErr
	}
	return err
}

// validate checks the rows of each batch from jobs and hashes their keys, then hands
// the batch to done. Each worker runs it; batches come out in any order.
func (r *run) validate(jobs <-chan *batch, done chan<- *batch) {
	w := r.val.Worker()
	for b := range jobs {
		for i := range b.items {
			it := &b.items[i]
			if r.ours {
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
	if e, ok := r.prev[row.Key]; ok && e.done() && e.Hash == hash {
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
	b := &batch{items: make([]item, 0, batchSize)}
	send := func() bool {
		select {
		case jobs <- b:
		case <-ctx.Done():
			return false
		}
		seq++
		b = &batch{seq: seq, items: make([]item, 0, batchSize)}
		return true
	}
	for {
		row, err := r.src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(b.items) > 0 {
				send()
			}
			return err
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
		if len(b.items) == batchSize {
			r.estimateTotal(seq)
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

// positioner is a source that can say how far into the file it is (a CSV).
type positioner interface {
	Position() (read, size int64)
}

// estimateTotal guesses the rows from the bytes read so far, for the progress
// display's ETA, unless the sheet's dimension said. The guess is refreshed with every
// batch, so it converges as the rows get read.
func (r *run) estimateTotal(batches int) {
	p, ok := r.src.(positioner)
	if !ok || r.src.Info().LastRow > 1 {
		return
	}
	read, size := p.Position()
	if read <= 0 || size <= 0 {
		return
	}
	rows := int64(batches+1) * batchSize
	r.deps.Progress.Total.Store(max(rows, rows*size/read))
}

// settle finishes a validated row in file order: duplicates of earlier rows, generated
// logins and passwords. It returns the row's report, Invalid or ready to send, or the
// duplicate check's error.
func (r *run) settle(it *item) (*reports.Row, error) {
	s := r.val.Schema()
	u := &it.user
	row := &reports.Row{Num: it.row.Num, Cells: it.row.Cells, Issues: it.issues}

	keys := r.dedupe.keys
	valid := !validate.HasErrors(row.Issues)
	if o := r.mapping.Get(it.row.Cells, columns.SourceRow); r.dedupe.remember(it.row.Num, o) {
		row.Origin = o
	}
	// A row of a failed file that still holds the key its Repeats column names is
	// still a duplicate of that earlier row, which is not in this file.
	for _, rep := range parseRepeats(r.mapping.Get(it.row.Cells, columns.Repeats)) {
		f := columns.Field(rep.field)
		v := validate.Value(u, f)
		if v == "" || !strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(rep.value)) {
			continue
		}
		valid = false
		row.Issues = append(row.Issues, r.duplicate(f, v, it.row.Cells, rep.origin))
	}
	for k, f := range keys {
		h := it.hashes[k]
		if h == 0 {
			continue
		}
		// One lookup-or-insert per key: a row's keys are registered whether or not
		// the row is valid, so that a later row with the same e-mail is reported
		// now rather than after the user fixes this one.
		detail, dup, err := r.dedupe.add(h, it.row.Num)
		if err != nil {
			return nil, err
		}
		if !dup {
			continue
		}
		valid = false
		row.Issues = append(row.Issues, r.duplicate(f, validate.Value(u, f), it.row.Cells, detail))
	}
	if valid && s.GenerateLogin && u.Login == "" {
		if err := r.generateLogin(row, u); err != nil {
			return nil, err
		}
	}
	if len(keys) > 0 {
		row.Key = validate.Value(u, keys[0])
		if row.Key == "" && len(keys) > 1 {
			row.Key = validate.Value(u, keys[1])
		}
	}
	// A dry run or a plan makes no passwords: nobody would receive them. A password
	// made here goes to the platform only with a create (or --reset-passwords): the
	// target decides, and says so in its Result (see targets.Policy).
	if valid && s.GeneratePassword && u.Password == "" && r.opts.Kind == Import {
		if p, err := validate.GeneratePassword(); err != nil {
			// crypto/rand does not fail on any supported system; if it does, the row
			// must not go out with no password.
			row.Issues = append(row.Issues, validate.Issue{Field: string(columns.Password), Code: validate.CodeRequired, Detail: err.Error()})
			valid = false
		} else {
			u.Password, u.PasswordGenerated = p, true
		}
	}
	if !valid {
		row.Status = reports.Invalid
		return row, nil
	}
	row.Status = reports.Valid
	row.User = u
	return row, nil
}

// duplicate is the issue of a row whose value v of key f an earlier row had: earlier
// names that row.
func (r *run) duplicate(f columns.Field, v string, cells []string, earlier string) validate.Issue {
	return validate.Issue{
		Field: string(f), Column: r.mapping.Header(f), Code: validate.CodeDuplicate,
		Severity: validate.Error, Raw: r.mapping.Get(cells, f), Normalized: v, Detail: earlier,
	}
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
		Field: string(columns.Login), Column: r.mapping.Header(columns.Login), Code: validate.CodeLoginGenerated,
		Severity: validate.Warning, Normalized: login, Detail: from,
	})
	return nil
}

// write records one finished row, in row order. Its bytes in flight are released when
// the reports are done with it (see Run's SetOnRowDone).
func (r *run) write(row *reports.Row) error {
	r.deps.Progress.Add(row, r.opts.Lang)
	return r.writer.Write(row)
}

// sample keeps the first data rows for the summary and, once it has them, tells people
// how the file was read.
func (r *run) sample(row *reports.Row) {
	si := r.summary.Source
	if len(si.Samples) >= sampleRows {
		return
	}
	si.Samples = append(si.Samples, reports.Sample{Row: row.Num, Cells: sampleCells(row.Cells)})
	if len(si.Samples) == sampleRows {
		r.describe()
	}
}

// Bounds of a sample row: enough to see how the file was read, never a copy of a
// hostile file's megabytes in summary.json or on the terminal.
const (
	sampleCellBytes = 200
	sampleMaxCells  = 100
)

// sampleCells copies cells for a sample, each clipped to sampleCellBytes (on a rune
// boundary, marked with an ellipsis), at most sampleMaxCells of them.
func sampleCells(cells []string) []string {
	out := make([]string, 0, min(len(cells), sampleMaxCells))
	for i, c := range cells {
		if i == sampleMaxCells {
			break
		}
		if len(c) > sampleCellBytes {
			cut := sampleCellBytes
			for cut > 0 && !utf8.RuneStart(c[cut]) {
				cut--
			}
			c = c[:cut] + "…"
		}
		out = append(out, strings.Clone(c))
	}
	return out
}

// describe prints how the file was read, once.
func (r *run) describe() {
	if r.described {
		return
	}
	r.described = true
	describeSource(r.deps.Log, r.opts.Input, r.summary.Source, r.opts.Lang)
	describeUnused(r.deps.Log, r.opts.Source, r.summary.Source.Format, r.opts.Lang)
}

// repeat is one entry of a failed file's Repeats cell: the earlier row (as Origin
// writes it) and the key it shares.
type repeat struct{ origin, field, value string }

// parseRepeats reads a Repeats cell, "2 (staff.xlsx): uid=T000001; 7 (staff.xlsx):
// email=a@b.ru". Entries that do not read so are ignored: the person may have
// cleared or rewritten the cell to say the row is not a duplicate.
func parseRepeats(cell string) []repeat {
	if strings.TrimSpace(cell) == "" {
		return nil
	}
	var out []repeat
	for part := range strings.SplitSeq(cell, ";") {
		origin, kv, ok := strings.Cut(part, "):")
		if !ok {
			continue
		}
		origin = strings.TrimSpace(origin) + ")"
		field, value, ok := strings.Cut(kv, "=")
		field = strings.TrimSpace(field)
		if !ok || !validOrigin(origin) || field == "" || strings.TrimSpace(value) == "" {
			continue
		}
		f, known := columns.Lookup(field)
		if !known {
			continue
		}
		out = append(out, repeat{origin: origin, field: string(f), value: strings.TrimSpace(value)})
	}
	return out
}

// validOrigin reports whether s reads as reports.Origin writes it: "5 (staff.xlsx)".
func validOrigin(s string) bool {
	num, rest, ok := strings.Cut(strings.TrimSpace(s), " (")
	if !ok || !strings.HasSuffix(rest, ")") || len(rest) < 2 {
		return false
	}
	n, err := strconv.Atoi(num)
	return err == nil && n > 0
}
