package reports

import (
	"fmt"
	"io"
	"strings"

	"userimport/lang"
)

// PrintSource tells people how the file was read: format, encoding, delimiter or
// sheet, the header row, what became of every column, and a few decoded rows. It is
// the first thing to check when the counts look wrong. The file's name, sheet, headers
// and cells are shown through Printable: a cell holding ESC ] 0 ; ... BEL must not
// retitle the window or clear the screen of the person checking it.
func PrintSource(w io.Writer, input string, si *SourceInfo, l lang.Lang) {
	input = Printable(input)
	var how []string
	switch si.Format {
	case "csv":
		how = append(how, "CSV", si.Encoding, delimiterName(si.Delimiter, l))
	case "xlsx":
		sheet := l.Pick(fmt.Sprintf("sheet %q", si.Sheet), fmt.Sprintf("лист «%s»", Printable(si.Sheet)))
		how = append(how, "XLSX", sheet)
	}
	how = append(how, fmt.Sprintf(l.Pick("header on row %d", "заголовок в строке %d"), si.HeaderRow))
	fmt.Fprintf(w, l.Pick("read %s: %s\n", "прочитан %s: %s\n"), input, strings.Join(how, ", "))
	var used, unused []string
	for _, c := range si.Columns {
		if c.Field != "" {
			used = append(used, fmt.Sprintf("%s → %s", Printable(c.Header), c.Field))
			continue
		}
		unused = append(unused, fmt.Sprintf("%s (%s)", Printable(c.Header), Printable(noteText(c.Note, l))))
	}
	label := l.Pick
	more := func(n int) string { return fmt.Sprintf(label(", and %d more", ", и ещё %d"), n) }
	fmt.Fprintf(w, "  %s: %s\n", label("columns", "столбцы"), listClipped(used, more))
	if len(unused) > 0 {
		fmt.Fprintf(w, "  %s: %s\n", label("not used", "не используются"), listClipped(unused, more))
	}
	for _, s := range si.Samples {
		cells := make([]string, len(s.Cells))
		for i, c := range s.Cells {
			cells[i] = clipRunes(Printable(c), shownCell)
		}
		fmt.Fprintf(w, "  %s %d: %s\n", label("row", "строка"), s.Row, clipRunes(strings.Join(cells, " | "), shownLine))
	}
}

// What the terminal shows of how the file was read stays a few lines whatever the
// file: a cell, a sample line and the lists of columns are clipped (summary.json has
// the samples in full, to their own bound).
const (
	shownCell    = 60
	shownLine    = 300
	shownColumns = 40
)

// listClipped joins items, the first shownColumns of them, saying how many more.
func listClipped(items []string, more func(int) string) string {
	if len(items) <= shownColumns {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:shownColumns], ", ") + more(len(items)-shownColumns)
}

func delimiterName(d string, l lang.Lang) string {
	names := map[string]struct{ en, ru string }{
		",":  {"comma-separated", "через запятую"},
		";":  {"semicolon-separated", "через точку с запятой"},
		"\t": {"tab-separated", "через табуляцию"},
		"|":  {"separated by |", "через |"},
	}
	n, ok := names[d]
	if !ok {
		return fmt.Sprintf("%q", d)
	}
	return l.Pick(n.en, n.ru)
}

func noteText(note string, l lang.Lang) string {
	texts := map[string]struct{ en, ru string }{
		"unknown":   {"unknown column; --map 'Header=field' to use it", "неизвестный столбец; --map 'Заголовок=поле', чтобы использовать"},
		"duplicate": {"a second column for the same field", "второй столбец для того же поля"},
		"ignored":   {"ignored by --map", "пропущен по --map"},
	}
	t, ok := texts[note]
	if !ok {
		return note
	}
	return l.Pick(t.en, t.ru)
}
