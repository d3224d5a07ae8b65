package source

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// fixtureDir holds the fixtures and their goldens; TestGenerateFixtures remakes the
// fixtures with -update, and the goldens are rewritten by TestGolden -update.
var fixtureDir = filepath.Join("..", "testdata", "source")

// staff is one small staff sheet with Cyrillic text, a delimiter and quotes inside
// cells; the encoding and delimiter fixtures are all made from it, so they must
// read to the same rows.
var staff = [][]string{
	{"Табельный номер", "Фамилия", "Имя", "Отчество", "E-mail", "Телефон", "Подразделение"},
	{"00123", "Иванов", "Иван", "Иванович", "ivanov@example.ru", "8 (912) 345-67-89", "Отдел продаж; Москва"},
	{"00124", "Петрова", "Анна", "Сергеевна", "petrova@example.ru", "+7 912 000 11 22", `ООО "Ромашка"`},
	{"00125", "Сидоров", "Пётр", "", "sidorov@example.ru", "", "Бухгалтерия, Казань"},
}

// staffText writes staff as Excel does: CRLF lines, cells quoted only when needed.
func staffText(t *testing.T, delim rune) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = delim, true
	if err := w.WriteAll(staff); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func writeFixture(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(fixtureDir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGenerateFixtures writes the fixture files. It runs only with -update, so a
// normal test run reads the committed files.
func TestGenerateFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate the fixtures")
	}
	if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	crlf := staffText(t, ';')
	cp1251, err := charmap.Windows1251.NewEncoder().String(crlf)
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "cp1251_semicolon.csv", []byte(cp1251))
	writeFixture(t, "utf8_semicolon.csv", []byte(crlf))
	writeFixture(t, "utf8_bom_comma.csv", append([]byte{0xEF, 0xBB, 0xBF}, []byte(
		"Фамилия,Имя,E-mail\r\nИванов,Иван,ivanov@example.ru\r\n\"Петрова, в девичестве Смирнова\",Анна,petrova@example.ru\r\n")...))
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(staffText(t, '\t'))
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "utf16le_tab.csv", []byte(u16))
	writeFixture(t, "sep_line.csv", []byte("sep=;\r\nФамилия;Имя;Город\r\nИванов;Иван;Москва, Россия\r\nПетров;Пётр;Казань\r\n"))
	writeFixture(t, "title_above_header.csv", []byte("Список сотрудников на 01.03.2024;;;\n;;;\nФамилия;Имя;E-mail;Должность\nИванов;Иван;ivanov@example.ru;Инженер\n"))
	writeFixture(t, "blank_rows.csv", []byte("Фамилия;Имя\nИванов;Иван\n\n;\n \u00a0;\t\nПетров;Пётр\n\n"))
	writeFixture(t, "multiline.csv", []byte("Фамилия,Адрес,Комментарий\r\nИванов,\"г. Москва,\r\nул. Ленина, д. 1\",\"первая строка\r\nвторая \"\"строка\"\"\r\nтретья\"\r\nПетров,Казань,\r\n"))
	writeFixture(t, "unclosed_quote.csv", []byte("Фамилия;Имя\nИванов;Иван\nПетров;\"Пётр\nСидоров;Сидор\n"))
	writeFixture(t, "clean_spaces.csv", []byte("\uFEFFФамилия;Имя\nИва\u200bнов;Иван\u00a0Иванович\n\u2060Петров\u202F;Пётр\n"))
	writeFixture(t, "empty.csv", nil)
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i/3)
	}
	writeFixture(t, "garbage.bin", garbage)
	writeFixture(t, "scan.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"))
	// An OLE2 compound-file header is all a legacy .xls needs to be recognized.
	xls := make([]byte, 512)
	copy(xls, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	writeFixture(t, "legacy.xls", xls)
	writeFixture(t, "spreadsheet.ods", odsBytes(t))

	writeXLSX(t, "hidden_first_sheet.xlsx", func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Справочник")
		f.SetCellValue("Справочник", "A1", "lookup")
		f.NewSheet("Сотрудники")
		f.SetSheetRow("Сотрудники", "A1", &[]any{"Фамилия", "Имя"})
		f.SetSheetRow("Сотрудники", "A2", &[]any{"Иванов", "Иван"})
		f.SetActiveSheet(1)
		f.SetSheetVisible("Справочник", false)
	})
	writeXLSX(t, "numbers.xlsx", func(f *excelize.File) {
		s := "Sheet1"
		f.SetSheetRow(s, "A1", &[]any{"Телефон", "ИНН", "Длинный ID", "Сумма", "Табельный", "Доля", "Текст"})
		f.SetSheetRow(s, "A2", &[]any{89123456789, 770123456789, 123456789012345678, 1234567.891, 123, 0.125, "00123"})
		f.SetSheetRow(s, "A3", &[]any{79001234567, 500100732259, 1234567890123456, -42.5, 7, 1, "1E+5"})
		money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})  // 0.00%
		pad := "000000"
		padded, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &pad})
		sci, _ := f.NewStyle(&excelize.Style{NumFmt: 11}) // 0.00E+00
		f.SetCellStyle(s, "A2", "A3", sci)
		f.SetCellStyle(s, "D2", "D3", money)
		f.SetCellStyle(s, "E2", "E3", padded)
		f.SetCellStyle(s, "F2", "F3", pct)
	})
	dates := func(f *excelize.File) {
		s := "Sheet1"
		f.SetSheetRow(s, "A1", &[]any{"ФИО", "Дата рождения", "Принят", "Длинная дата", "ISO", "Время", "Текстом"})
		f.SetSheetRow(s, "A2", &[]any{"Иванов Иван", 32350, 45356, 45356, 45356.75, 0.375, "26.07.1988"})
		f.SetSheetRow(s, "A3", &[]any{"Петрова Анна", 1, 60, 61, 2958465, 0.5, "1988-07-26"})
		long, iso := "d mmmm yyyy", "yyyy-mm-dd hh:mm"
		custom := `[$-419]dd/mm/yyyy;@`
		st14, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		st22, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
		stLong, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &long})
		stISO, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &iso})
		stRU, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
		stTime, _ := f.NewStyle(&excelize.Style{NumFmt: 20})
		f.SetCellStyle(s, "B2", "B3", st14)
		f.SetCellStyle(s, "C2", "C3", stRU)
		f.SetCellStyle(s, "D2", "D3", stLong)
		f.SetCellStyle(s, "E2", "E2", stISO)
		f.SetCellStyle(s, "E3", "E3", st22)
		f.SetCellStyle(s, "F2", "F3", stTime)
		f.SetCellStyle(s, "G2", "G3", st14) // text stays text
	}
	writeXLSX(t, "dates.xlsx", dates)
	writeXLSX(t, "dates1904.xlsx", func(f *excelize.File) {
		dates(f)
		yes := true
		f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes})
	})
	writeXLSX(t, "formula_no_value.xlsx", func(f *excelize.File) {
		s := "Sheet1"
		f.SetSheetRow(s, "A1", &[]any{"Фамилия", "Имя", "ФИО"})
		f.SetSheetRow(s, "A2", &[]any{"Иванов", "Иван"})
		f.SetCellFormula(s, "C2", `A2&" "&B2`)
		f.SetSheetRow(s, "A3", &[]any{"Петров", "Пётр", "Петров Пётр"})
		f.SetCellFormula(s, "C4", `A4&B4`)
	})
	writeXLSX(t, "merged_header.xlsx", func(f *excelize.File) {
		s := "Sheet1"
		f.SetSheetRow(s, "A1", &[]any{"Сотрудник", "", "Телефон", ""})
		f.MergeCell(s, "A1", "B1")
		f.MergeCell(s, "C1", "D1")
		f.SetSheetRow(s, "A2", &[]any{"Фамилия", "Имя", "рабочий", "мобильный"})
		f.SetSheetRow(s, "A3", &[]any{"Иванов", "Иван", "", "89123456789"})
		f.SetSheetRow(s, "A5", &[]any{"Петров", "Пётр"})
		f.SetSheetRow(s, "E3", &[]any{"Отдел продаж"})
		f.MergeCell(s, "E3", "E5")
	})
	writeXLSX(t, "truncated.xlsx", func(f *excelize.File) {
		f.SetSheetRow("Sheet1", "A1", &[]any{"Фамилия", "Имя"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"Иванов", "Иван"})
		f.SetSheetDimension("Sheet1", "A1:B500")
	})
	enc := excelize.NewFile()
	enc.SetSheetRow("Sheet1", "A1", &[]any{"Фамилия"})
	if err := enc.SaveAs(filepath.Join(fixtureDir, "encrypted.xlsx"), excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	// A CSV file named .xlsx: the bytes decide, not the name.
	writeFixture(t, "csv_named.xlsx", []byte("Фамилия,Имя\nИванов,Иван\n"))
}

func writeXLSX(t *testing.T, name string, build func(*excelize.File)) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	if err := f.SaveAs(filepath.Join(fixtureDir, name)); err != nil {
		t.Fatal(err)
	}
}

// odsBytes builds the start of an OpenDocument spreadsheet: a ZIP whose first
// entry is the stored "mimetype".
func odsBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte(`<?xml version="1.0"?><office:document-content/>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
