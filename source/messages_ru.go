package source

import (
	"errors"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"userimport/lang"
)

// Text is the error as people read it, in l: in Russian, the message, the line and the
// system's reason are said in Russian; the path stays as it is. Error() is the English.
func (e *FileError) Text(l lang.Lang) string {
	if l != lang.Russian {
		return e.Error()
	}
	s := ""
	if e.Path != "" {
		s = e.Path + ": "
	}
	if e.Line > 0 {
		s += "строка " + strconv.Itoa(e.Line) + ": "
	}
	s += russianMsg(e.Msg)
	if e.Err != nil {
		s += ": " + russianReason(e.Err)
	}
	return s
}

// russianReason is the operating system's reason in Russian where it is a common one,
// else as the system said it.
func russianReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "такого файла или папки нет"
	case errors.Is(err, fs.ErrPermission):
		return "нет прав на чтение"
	}
	return err.Error()
}

// ruWant is the advice that ends the messages about a file that is not a regular file.
const ruWant = "сохраните таблицу в файл и укажите путь к нему"

// ruMessages are the FileError messages with fixed text, in Russian.
var ruMessages = map[string]string{
	"cannot open the file": "не удаётся открыть файл",
	"cannot read the file": "не удаётся прочитать файл",
	"the file has no rows": "в файле нет строк", // importer's, for a file with nothing in it
	"the file is empty; save the spreadsheet again and check that it has rows":                          "файл пуст; сохраните таблицу ещё раз и проверьте, что в ней есть строки",
	"this is a folder, not a file; give the path of the .xlsx or .csv file":                             "это папка, а не файл; укажите путь к файлу .xlsx или .csv",
	"this is a named pipe (FIFO), not a regular file; save the spreadsheet as a file and give its path": "это именованный канал (FIFO), а не обычный файл; " + ruWant,
	"this is a socket, not a regular file; save the spreadsheet as a file and give its path":            "это сокет, а не обычный файл; " + ruWant,
	"this is a device, not a regular file; save the spreadsheet as a file and give its path":            "это устройство, а не обычный файл; " + ruWant,
	"this is not a regular file; save the spreadsheet as a file and give its path":                      "это не обычный файл; " + ruWant,
	"the workbook is damaged (it is not a valid .xlsx file); open it in Excel and save it again":        "книга повреждена (это не настоящий файл .xlsx); откройте её в Excel и сохраните заново",
	"this is an OpenDocument spreadsheet (.ods); save it as .xlsx":                                      "это таблица OpenDocument (.ods); сохраните её как .xlsx",
	"this is an OpenDocument file, not a spreadsheet; save the table as .xlsx":                          "это документ OpenDocument, а не таблица; сохраните таблицу как .xlsx",
	"this is a Word document, not a spreadsheet; save the table as .xlsx":                               "это документ Word, а не таблица; сохраните таблицу как .xlsx",
	"this is a ZIP archive, not an Excel workbook; unpack it or save the table as .xlsx":                "это ZIP-архив, а не книга Excel; распакуйте его или сохраните таблицу как .xlsx",
	"this is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as .xlsx":               "это старая книга Excel 97-2003 (.xls); откройте её в Excel и сохраните как .xlsx",
	"the workbook is password-protected; remove the password and save it again":                         "книга защищена паролем; снимите пароль и сохраните её заново",
	"this is an old Office document, not a spreadsheet; save the table as .xlsx":                        "это старый документ Office, а не таблица; сохраните таблицу как .xlsx",
	"this is an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx":                      "это таблица Excel 2003 XML; откройте её в Excel и сохраните как .xlsx",
	"this is a web page (HTML) with a spreadsheet name; open it in Excel and save it as .xlsx":          "это веб-страница (HTML) с именем таблицы; откройте её в Excel и сохраните как .xlsx",
	"this is not a spreadsheet (the file holds binary data); export the table as .xlsx or .csv":         "это не таблица (в файле двоичные данные); сохраните таблицу как .xlsx или .csv",
	"the workbook has no sheets":                                                  "в книге нет листов",
	"the sheet is damaged; open the workbook in Excel and save it again":          "лист повреждён; откройте книгу в Excel и сохраните заново",
	"cannot read the workbook's cell formats; open it in Excel and save it again": "не удаётся прочитать форматы ячеек книги; откройте её в Excel и сохраните заново",
	"cannot read the workbook's text; open it in Excel and save it again":         "не удаётся прочитать тексты книги; откройте её в Excel и сохраните заново",
	"the reader is closed": "чтение файла уже закончено",
	"the sheet has more rows than Excel allows; the file is damaged":                                  "на листе больше строк, чем допускает Excel; файл повреждён",
	"the sheet is damaged at this row; open the workbook in Excel and save it again":                  "лист повреждён в этой строке; откройте книгу в Excel и сохраните заново",
	"a quote (\") opened on this line is never closed; close it or remove it and save the file again": "кавычка (\") в этой строке не закрыта; закройте или удалите её и сохраните файл заново",
}

// ruPattern is a FileError message with values in it, and its Russian, where $1, $2
// are the values.
type ruPattern struct {
	en *regexp.Regexp
	ru string
}

var ruPatterns = []ruPattern{
	{regexp.MustCompile(`^unknown encoding ("(?:[^"\\]|\\.)*"); use one of (.*)$`), "неизвестная кодировка $1; есть $2"},
	{regexp.MustCompile(`^unknown delimiter ("(?:[^"\\]|\\.)*"); use one of (.*)$`), "неизвестный разделитель $1; есть $2"},
	{regexp.MustCompile(`^the (?:file|sheet) has more than (\d+) rows, the limit set for this run$`), "строк больше $1, предела для этого запуска"},
	{regexp.MustCompile(`^a line is longer than (\d+) MiB; this does not look like a CSV table$`), "строка длиннее $1 МиБ; это не похоже на таблицу CSV"},
	{regexp.MustCompile(`^a cell that starts with a quote on this line is longer than (\d+) bytes; .*$`), "ячейка, которая начинается с кавычки в этой строке, длиннее $1 байт; скорее всего, кавычка не закрыта: проверьте кавычки в этой строке"},
	{regexp.MustCompile(`^column (\d+) has a cell longer than (\d+) bytes$`), "в столбце $1 ячейка длиннее $2 байт"},
	{regexp.MustCompile(`^the row has more than (\d+) columns, more than Excel allows$`), "в строке больше $1 столбцов, больше, чем допускает Excel"},
	{regexp.MustCompile(`^the row holds more than (\d+) MiB of text; this is not a normal staff list$`), "в строке больше $1 МиБ текста; это не обычный список сотрудников"},
	{regexp.MustCompile(`^the workbook lists more parts than any real workbook has \(over (\d+), or a list over (\d+) MiB\); this is not a normal staff list$`), "в книге больше частей, чем в любой настоящей (больше $1 или список больше $2 МиБ); это не обычный список сотрудников"},
	{regexp.MustCompile(`^the workbook's table of texts has more than (\d+) entries; this is not a normal staff list$`), "в таблице текстов книги больше $1 записей; это не обычный список сотрудников"},
	{regexp.MustCompile(`^cannot read sheet (".*")$`), "не удаётся прочитать лист $1"},
	{regexp.MustCompile(`^there is no sheet (".*"); the workbook has: (.*)$`), "листа $1 нет; в книге есть: $2"},
	{regexp.MustCompile(`^the sheet is damaged: it breaks off after row (\d+); open the workbook in Excel and save it again$`), "лист повреждён: он обрывается после строки $1; откройте книгу в Excel и сохраните заново"},
	{regexp.MustCompile(`^this is (an? .+), not a spreadsheet; export the table as \.xlsx or \.csv$`), "это $1, а не таблица; сохраните таблицу как .xlsx или .csv"},
	{regexp.MustCompile(`^(.*); this is not a normal staff list$`), "$1; это не обычный список сотрудников"},
}

// ruWhat names the files people attach by mistake (foreignMagic) in Russian.
var ruWhat = map[string]string{
	"a PDF document": "документ PDF", "a PNG image": "картинка PNG", "a JPEG image": "картинка JPEG",
	"a GIF image": "картинка GIF", "a gzip archive": "архив gzip", "a RAR archive": "архив RAR",
	"a 7-Zip archive": "архив 7-Zip", "an RTF document": "документ RTF", "a program": "программа",
}

// russianMsg is a FileError message in Russian; one it does not know stays English.
func russianMsg(msg string) string {
	if ru, ok := ruMessages[msg]; ok {
		return ru
	}
	for _, p := range ruPatterns {
		if m := p.en.FindStringSubmatchIndex(msg); m != nil {
			out := string(p.en.ExpandString(nil, p.ru, msg, m))
			for en, ru := range ruWhat {
				out = strings.Replace(out, "это "+en+",", "это "+ru+",", 1)
			}
			return out
		}
	}
	return msg
}
