package source

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"userimport/lang"
)

// TestRussianMessagesCoverEveryLiteral: every FileError message written as a literal
// in this package (a Msg: "..." or a string a message function returns) has its
// Russian, so --lang ru never shows an English file error (issue 17).
func TestRussianMessagesCoverEveryLiteral(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "messages_ru.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		check := func(lit *ast.BasicLit) {
			if lit.Kind != token.STRING {
				return
			}
			s, _ := strconv.Unquote(lit.Value)
			if s == "" || !strings.Contains(s, " ") || strings.HasSuffix(s, "; ") {
				return
			}
			if got := russianMsg(s); got == s {
				t.Errorf("%s: no Russian for %q", fset.Position(lit.Pos()), s)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Msg" {
					if lit, ok := n.Value.(*ast.BasicLit); ok {
						check(lit)
					}
				}
			case *ast.FuncDecl:
				if n.Name.Name != "notRegular" && n.Name.Name != "oleKind" && n.Name.Name != "notSpreadsheet" {
					return true
				}
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if r, ok := m.(*ast.ReturnStmt); ok && len(r.Results) == 1 {
						if lit, ok := r.Results[0].(*ast.BasicLit); ok {
							check(lit)
						}
					}
					return true
				})
			}
			return true
		})
	}
}

// TestFileErrorText: the messages issue 17 names, and the formatted ones, in Russian.
func TestFileErrorText(t *testing.T) {
	tests := []struct {
		err  *FileError
		want string
	}{
		{&FileError{Path: "staff.xlsx", Msg: "cannot open the file", Err: &fs.PathError{Op: "stat", Path: "staff.xlsx", Err: fs.ErrNotExist}},
			"staff.xlsx: не удаётся открыть файл: такого файла или папки нет"},
		{&FileError{Path: "old.xls", Msg: "this is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as .xlsx"},
			"old.xls: это старая книга Excel 97-2003 (.xls); откройте её в Excel и сохраните как .xlsx"},
		{&FileError{Path: "a.pdf", Msg: "this is a PDF document, not a spreadsheet; export the table as .xlsx or .csv"},
			"a.pdf: это документ PDF, а не таблица; сохраните таблицу как .xlsx или .csv"},
		{&FileError{Path: "a.ods", Msg: "this is an OpenDocument spreadsheet (.ods); save it as .xlsx"},
			"a.ods: это таблица OpenDocument (.ods); сохраните её как .xlsx"},
		{&FileError{Path: "dir", Msg: "this is a folder, not a file; give the path of the .xlsx or .csv file"},
			"dir: это папка, а не файл; укажите путь к файлу .xlsx или .csv"},
		{&FileError{Path: "a.csv", Line: 7, Msg: "column 3 has a cell longer than 65536 bytes"},
			"a.csv: строка 7: в столбце 3 ячейка длиннее 65536 байт"},
		{&FileError{Path: "b.xlsx", Msg: `there is no sheet "Штат"; the workbook has: Лист1, Лист2`},
			`b.xlsx: листа "Штат" нет; в книге есть: Лист1, Лист2`},
		{&FileError{Path: "c.csv", Msg: `unknown encoding "latin"; use one of utf-8, cp1251`},
			`c.csv: неизвестная кодировка "latin"; есть utf-8, cp1251`},
		{&FileError{Path: "d", Msg: "cannot read the file", Err: errors.New("odd")}, "d: не удаётся прочитать файл: odd"},
	}
	for _, tt := range tests {
		if got := tt.err.Text(lang.Russian); got != tt.want {
			t.Errorf("Text(ru)\n got %q\nwant %q", got, tt.want)
		}
		if got := tt.err.Text(lang.English); got != tt.err.Error() {
			t.Errorf("Text(en) = %q, want Error()", got)
		}
		if strings.IndexFunc(tt.err.Text(lang.Russian), func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) < 0 {
			t.Errorf("no Russian in %q", tt.err.Text(lang.Russian))
		}
	}
}
