package reports

import "unicode/utf8"

// What the reports clip, and where. A small workbook can point a thousand cells at one
// 60 KB shared string; copied into every text the tool writes, that became a 179 MB
// summary.json. So the reports are bounded in bytes by what they add to the input, and
// the input itself is copied only where a copy of it is the point:
//
//   - Cells copied from the input stay whole in annotated.* and failed.*: they are the
//     person's data, to be fixed and run again (the failed file), or read beside the
//     marks (the annotated copy, which the tool also reads back). The reader caps a
//     cell at source.DefaultMaxCellBytes (64 KiB) as read, or refuses the file, and a
//     workbook cell holds at most Excel's 32,767 characters (appendCellText cuts
//     there). The failed file's Repeats column, which the next run parses, is whole too.
//   - Every text the tool generates for people is clipped, with an ellipsis: a message
//     (whose detail can quote a value of the file, and a platform's answer, which can
//     quote anything) to maxMessage characters, wherever it goes (results.csv's errors
//     and warnings, the annotated copy's Errors and Warnings columns and its notes,
//     report.html, summary.json's problem examples); a raw value quoted in results.csv's
//     errors to maxRawInText; a header named beside a message, or listed in the summary,
//     to maxHeader; and all of one row's errors, or warnings, or changes, to maxRowText.
//   - Values the tool shows rather than copies are clipped to maxShown: results.csv's
//     key and target_id and a plan's old → new values; report.html's raw and normalized
//     values (maxHTMLValue); summary.json's sample cells, and each sample row to
//     maxSampleBytes, the cells past it counted in omitted_cells.
//
// So a line of results.csv is at most about 6,400 characters (key, target_id, and
// three texts of maxRowText), summary.json a few hundred kilobytes plus the list of
// columns (at most 16,384 headers of maxHeader), and report.html's table of
// MaxHTMLProblems problems about 700 characters each.
const (
	maxMessage     = 300
	maxHeader      = 100
	maxShown       = 200
	maxRowText     = 2000
	maxSampleBytes = 16 << 10
	// maxSheetNames caps the workbook's sheet names listed in the summary.
	maxSheetNames = 256
	// maxAborted caps the reason a run stopped, which can carry an error's text.
	maxAborted = 2000
)

// clip shortens s to n runes for display, with an ellipsis. Short strings, nearly
// all of them, cost a comparison: clip is inlined.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return clipRunes(s, n)
}

func clipRunes(s string, n int) string {
	i, runes := 0, 0
	for i < len(s) {
		if runes == n {
			return s[:i] + "…"
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		runes++
	}
	return s
}

// bounded returns s as the reports write it: a shallow copy with the values that come
// from the file or the platform clipped (see above); s itself is left as it is.
func bounded(s *Summary) *Summary {
	c := *s
	c.Aborted = clip(s.Aborted, maxAborted)
	if s.Problems != nil {
		c.Problems = make([]Problem, len(s.Problems))
		for i, p := range s.Problems {
			c.Problems[i] = p.clipped()
		}
	}
	if s.Source != nil {
		si := *s.Source
		si.Sheet = clip(si.Sheet, maxHeader)
		if si.Sheets != nil {
			si.Sheets = make([]string, 0, min(len(s.Source.Sheets), maxSheetNames))
			for _, name := range s.Source.Sheets[:min(len(s.Source.Sheets), maxSheetNames)] {
				si.Sheets = append(si.Sheets, clip(name, maxHeader))
			}
		}
		if si.Columns != nil {
			si.Columns = make([]Column, len(s.Source.Columns))
			for i, col := range s.Source.Columns {
				col.Header = clip(col.Header, maxHeader)
				si.Columns[i] = col
			}
		}
		if si.Samples != nil {
			si.Samples = make([]Sample, len(s.Source.Samples))
			for i, sm := range s.Source.Samples {
				si.Samples[i] = sm.clipped()
			}
		}
		c.Source = &si
	}
	return &c
}

// clipped is p with its example and column clipped.
func (p Problem) clipped() Problem {
	p.Column = clip(p.Column, maxHeader)
	p.Example = clip(p.Example, maxMessage)
	return p
}

// clipped is sm with each cell clipped to maxShown and the row to maxSampleBytes;
// the cells left out past it are counted.
func (sm Sample) clipped() Sample {
	out := Sample{Row: sm.Row, Omitted: sm.Omitted}
	size := 0
	for i, cell := range sm.Cells {
		cell = clip(cell, maxShown)
		if size += len(cell) + 4; size > maxSampleBytes {
			out.Omitted += len(sm.Cells) - i
			break
		}
		out.Cells = append(out.Cells, cell)
	}
	if out.Cells == nil && sm.Cells != nil {
		out.Cells = []string{}
	}
	return out
}
