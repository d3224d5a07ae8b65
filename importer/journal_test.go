package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/validate"
)

func TestJournalRoundTripAndTornLine(t *testing.T) {
	dir := t.TempDir()
	j, err := openJournal(dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	j.add(Entry{Row: 2, Key: "a", Hash: "h1", Status: "created", ID: "1", Attempts: 1})
	j.add(Entry{Row: 3, Key: "b", Hash: "h2", Status: "failed", Code: "rejected"})
	j.add(Entry{Row: 4, Key: "a", Hash: "h3", Status: "updated", Attempts: 2})
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of a line.
	f, _ := os.OpenFile(filepath.Join(dir, JournalName), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"row":5,"key":"c","ha`)
	f.Close()

	got, err := readJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Entry{
		"a": {Row: 4, Key: "a", Hash: "h3", Status: "updated", Attempts: 2},
		"b": {Row: 3, Key: "b", Hash: "h2", Status: "failed", Code: "rejected"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("journal (-want +got):\n%s", diff)
	}
	if got["b"].done() || !got["a"].done() {
		t.Errorf("done() wrong: %+v", got)
	}

	// Resuming appends.
	j, _ = openJournal(dir, true, nil)
	j.add(Entry{Row: 3, Key: "b", Hash: "h2", Status: "created"})
	j.close()
	got, err = readJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got["b"].Status != "created" || len(got) != 2 {
		t.Errorf("after resuming: %+v", got)
	}
	data, _ := os.ReadFile(filepath.Join(dir, JournalName))
	if n := strings.Count(string(data), "\n"); n != 4 || strings.Contains(string(data), `"ha{`) {
		t.Errorf("journal after resuming:\n%s", data)
	}
}

func TestJournalRejectsAForeignFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, JournalName), []byte("not json\n{\"row\":1,\"key\":\"a\"}\n"), 0o600)
	if _, err := readJournal(dir); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("err = %v, want an error naming line 1", err)
	}
}

func TestRowHash(t *testing.T) {
	u := validate.User{UID: "1", Email: "a@b.ru", Password: "gen1", PasswordGenerated: true}
	v := u
	v.Password = "gen2"
	if rowHash("x", &u) != rowHash("x", &v) {
		t.Error("a newly generated password changed the hash")
	}
	w := u
	w.Phone = "+79123456789"
	if rowHash("x", &u) == rowHash("x", &w) {
		t.Error("a changed phone kept the hash")
	}
	if rowHash("x", &u) == rowHash("y", &u) {
		t.Error("another target kept the hash")
	}
	a, b := validate.User{LastName: "ab", FirstName: "c"}, validate.User{LastName: "a", FirstName: "bc"}
	if rowHash("x", &a) == rowHash("x", &b) {
		t.Error("field boundaries are not in the hash")
	}
	// Collaborator's later fields count, so --resume sends a row whose only change is
	// one of them; a row without them hashes as journals of older versions recorded
	// it (the value pinned here).
	for _, change := range []func(*validate.User){
		func(u *validate.User) { u.WorkContact = "доб. 123" },
		func(u *validate.User) { u.UserFields[4] = "x" },
	} {
		c := u
		change(&c)
		if rowHash("x", &u) == rowHash("x", &c) {
			t.Errorf("a changed later field kept the hash: %+v", c)
		}
	}
	if got, want := rowHash("x", &u), "66623d2c7199d1ce889c9cb80dbd12cf"; got != want {
		t.Errorf("rowHash of a row without the later fields = %s, want %s as before them", got, want)
	}
}
