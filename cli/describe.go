package cli

import (
	"fmt"
	"io"
	"strings"

	"userimport/lang"
	"userimport/source"
)

// describeUnused says which reading options the file had no use for: the tool decides
// from the bytes whether a file is a CSV or a workbook, and --encoding given for a
// workbook (a script written for CSV exports, say) must not pass in silence.
func describeUnused(w io.Writer, o source.Options, format string, l lang.Lang) {
	var flags []string
	switch format {
	case "xlsx":
		if o.Encoding != "" {
			flags = append(flags, "--encoding")
		}
		if o.Delimiter != "" {
			flags = append(flags, "--delimiter")
		}
	case "csv":
		if o.Sheet != "" {
			flags = append(flags, "--sheet")
		}
	}
	if len(flags) == 0 {
		return
	}
	list := strings.Join(flags, ", ")
	switch {
	case l == lang.Russian && format == "xlsx":
		fmt.Fprintf(w, "  не использовано: %s — это параметры CSV-файлов, а этот файл — книга Excel\n", list)
	case l == lang.Russian:
		fmt.Fprintf(w, "  не использовано: %s — это параметр книг Excel, а этот файл — CSV\n", list)
	case format == "xlsx":
		verb := "applies"
		if len(flags) > 1 {
			verb = "apply"
		}
		fmt.Fprintf(w, "  not used: %s, which %s to CSV files; this file is an Excel workbook\n", list, verb)
	default:
		fmt.Fprintf(w, "  not used: %s, which applies to Excel workbooks; this file is a CSV\n", list)
	}
}
