package reports

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"userimport/fileformat"
	"userimport/lang"
)

// Writer writes the per-row reports of a run as rows arrive, in row order, holding no
// more than a batch of them: results.csv, the annotated copy of the input,
// the file of failed rows, and (at Finish) report.html. It is not safe for concurrent
// use: the importer calls it from the one goroutine that puts rows back in order. The
// annotated copy and the failed rows are written on a goroutine of their own (the
// second core does the spreadsheet work while the first validates), so Write keeps
// each *Row until Finish or Close: the caller must not change a row after writing it.
type Writer struct {
	dir  string
	in   Input
	lang lang.Lang

	results *os.File
	rbuf    *bufio.Writer
	rcsv    *csvWriter

	record []string

	failedName string   // this run's failed file, see failedFiles
	keptFailed []string // failed files a person edited, left alone

	html *htmlReport

	// The sheet goroutine: batches of rows in, its first error out.
	batch      []*Row
	batchBytes int // the cells' bytes in batch
	// onDone hears of each row once no report holds it any more (SetOnRowDone).
	onDone   func(*Row)
	sheetCh  chan []*Row
	sheetErr chan error
	sheetRes error
	closed   bool
}

// sheetBatch is how many rows travel together to the sheet goroutine: channel
// hand-offs stay rare next to the work, and a batch is a few kilobytes. A batch of long
// rows goes at sheetBatchBytes, so the rows waiting for the sheet goroutine (a batch
// being filled and the channel's four) stay a few megabytes whatever the file.
const (
	sheetBatch      = 256
	sheetBatchBytes = 2 << 20
)

// Input describes the file a run reads, for reports that copy it (the annotated copy,
// the file of failed rows).
type Input struct {
	Path      string          // the input file
	Info      fileformat.Info // how it was read: format, encoding, delimiter, sheet
	HeaderRow int             // the row number of the header
	Header    []string        // the header row's cells as read
	// Columns says which field each column was read as, in column order.
	Columns []Column
	// NoCopies leaves out the copies of the input (the annotated copy and the failed
	// file): the browser UI's check shows its rows in its own grid and writes the
	// corrected file itself, and a 200,000-row workbook takes seconds to write.
	NoCopies bool
}

// NewWriter creates results.csv in dir (which must exist, and pass MkdirReport's
// checks: a *FolderError otherwise).
func NewWriter(dir string, in Input, l lang.Lang) (*Writer, error) {
	if err := checkFolder(dir); err != nil {
		return nil, err
	}
	f, err := Create(dir, "results.csv")
	if err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, in: in, lang: l, results: f, rbuf: bufio.NewWriterSize(f, 64<<10)}
	w.rcsv = newCSVWriter(w.rbuf, ',')
	if err := w.rcsv.Write([]string{"row", "key", "status", "target_id", "errors", "warnings", "changes"}); err != nil {
		f.Close()
		return nil, fmt.Errorf("write results.csv: %w", err)
	}
	// Remove the files an earlier run left, so the folder never mixes two runs; a run
	// with no failed rows writes no failed file. Two kinds of file are never removed:
	// passwords.csv (see Passwords) and a failed file a person has edited (see
	// failedFiles).
	ext := "csv"
	if in.Info.Format == "xlsx" {
		ext = "xlsx"
	}
	stale, kept, failedName, err := failedFiles(dir, ext)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.failedName, w.keptFailed = failedName, kept
	if err := removeStale(dir, append([]string{annotatedCSV, annotatedXLSX, reportHTML}, stale...)...); err != nil {
		f.Close()
		return nil, err
	}
	w.html = newHTMLReport(l)
	if len(in.Header) > 0 && !in.NoCopies {
		sr, err := newSheetReports(dir, failedName, in, l)
		if err != nil {
			f.Close()
			return nil, err
		}
		w.sheetCh = make(chan []*Row, 4)
		w.sheetErr = make(chan error, 1)
		go sr.run(w.sheetCh, w.sheetErr, w.rowDone)
	}
	return w, nil
}

// SetOnRowDone has f called for each row once the writer holds it no more (its
// workbook rows written, or at once when there are none), from any goroutine: the
// importer counts the bytes of rows in flight until then. Call it before the first
// Write.
func (w *Writer) SetOnRowDone(f func(*Row)) { w.onDone = f }

func (w *Writer) rowDone(r *Row) {
	if w.onDone != nil {
		w.onDone(r)
	}
}

// Write records one row.
func (w *Writer) Write(r *Row) error {
	w.record = append(w.record[:0],
		strconv.Itoa(r.Num),
		Neutralize(clip(r.Key, maxShown)),
		string(r.Status),
		Neutralize(clip(r.TargetID, maxShown)),
		Neutralize(ErrorsText(r, w.lang)),
		Neutralize(WarningsText(r, w.lang)),
		Neutralize(ChangesText(r)),
	)
	if err := w.rcsv.Write(w.record); err != nil {
		return fmt.Errorf("write results.csv: %w", err)
	}
	w.html.add(r)
	if w.sheetCh == nil {
		w.rowDone(r)
	} else {
		w.batch = append(w.batch, r)
		for _, c := range r.Cells {
			w.batchBytes += len(c)
		}
		if len(w.batch) == sheetBatch || w.batchBytes >= sheetBatchBytes {
			w.sheetCh <- w.batch
			w.batch, w.batchBytes = make([]*Row, 0, sheetBatch), 0
		}
	}
	return nil
}

// Finish completes the annotated copy and the failed rows, writes report.html from the
// run's summary, then flushes and closes every file; it reports the first error.
func (w *Writer) Finish(s *Summary) error {
	err := w.stopSheets(true)
	s.KeptFailed = w.keptFailed
	if _, serr := os.Stat(filepath.Join(w.dir, w.failedName)); err == nil && serr == nil {
		s.FailedFile = w.failedName
		err = recordWritten(w.dir, w.failedName)
	}
	if e := w.writeHTML(s); err == nil {
		err = e
	}
	if e := w.Close(); err == nil {
		err = e
	}
	return err
}

// stopSheets hands the last rows to the sheet goroutine and waits for it: with save
// it completes the files, without it (Close before Finish) it drops the workbooks.
func (w *Writer) stopSheets(save bool) error {
	if w.sheetCh == nil {
		return w.sheetRes
	}
	if save && len(w.batch) > 0 {
		w.sheetCh <- w.batch
	}
	w.batch = nil
	if !save {
		w.sheetCh <- nil // a nil batch means: abandon
	}
	close(w.sheetCh)
	w.sheetCh = nil
	w.sheetRes = <-w.sheetErr
	return w.sheetRes
}

// run is the sheet goroutine: it writes batches until the channel closes, then
// completes the files. After an error it keeps draining, so Write never blocks, and
// reports the first error at the end.
func (s *sheetReports) run(in <-chan []*Row, out chan<- error, done func(*Row)) {
	var err error
	save := true
	for b := range in {
		if b == nil {
			save = false
		}
		for _, r := range b {
			if err == nil {
				err = s.write(r)
			}
			done(r)
		}
	}
	if err != nil || !save {
		s.abandon()
		out <- err
		return
	}
	out <- s.finish()
}

// writeHTML writes report.html, listing the report files the folder holds.
func (w *Writer) writeHTML(s *Summary) error {
	var files []string
	for _, n := range []string{annotatedXLSX, annotatedCSV, s.FailedFile, "results.csv", "summary.json"} {
		if n == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(w.dir, n)); err == nil || n == "summary.json" {
			files = append(files, n)
		}
	}
	f, err := Create(w.dir, reportHTML)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = w.html.write(bw, bounded(s), files)
	if e := bw.Flush(); err == nil {
		err = e
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", reportHTML, err)
	}
	return nil
}

// Close flushes and closes every file; it reports the first error. Called without
// Finish (a run that failed), it leaves no annotated workbook and no report.html.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	sheetErr := w.stopSheets(false)
	w.rcsv.Flush()
	err := w.rcsv.Error()
	if sheetErr != nil && err == nil {
		err = sheetErr
	}
	if e := w.rbuf.Flush(); err == nil {
		err = e
	}
	if e := w.results.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	return nil
}
