package config_test

import (
	"errors"
	"strings"
	"testing"

	"userimport/config"
	"userimport/lang"
)

// TestErrorsInBothLanguages: the settings file's mistakes, said in English and in
// Russian, with the key meant for a misspelt one and the type wanted for a value of
// the wrong type (issue 17).
func TestErrorsInBothLanguages(t *testing.T) {
	tests := []struct {
		name   string
		toml   string
		en, ru string
	}{
		{"misspelt key", "[profiles.lms]\nconcurency = 3\n",
			`config c.toml line 2: unknown key "profiles.lms.concurency"; did you mean concurrency?`,
			`файл настроек c.toml, строка 2: неизвестный ключ "profiles.lms.concurency"; может быть, concurrency?`},
		{"misspelt long key", "[profiles.lms]\ndefault_departmnet = \"Продажи\"\n",
			`config c.toml line 2: unknown key "profiles.lms.default_departmnet"; did you mean default_department?`,
			`файл настроек c.toml, строка 2: неизвестный ключ "profiles.lms.default_departmnet"; может быть, default_department?`},
		{"text for a number", "[profiles.lms]\nconcurrency = \"four\"\n",
			`config c.toml line 2: profiles.lms.concurrency wants a whole number (concurrency = 4), not text in quotes`,
			`файл настроек c.toml, строка 2: в profiles.lms.concurrency нужно целое число (concurrency = 4), а здесь текст в кавычках`},
		{"number for text", "[profiles.lms]\ntarget = 5\n",
			`config c.toml line 2: profiles.lms.target wants text in quotes (target = "inskill"), not a whole number`,
			`файл настроек c.toml, строка 2: в profiles.lms.target нужно текст в кавычках (target = "inskill"), а здесь целое число`},
		{"outside a profile", "target = \"inskill\"\n",
			`config c.toml line 1: unknown key "target": settings go in a profile, under [profiles.NAME]`,
			`файл настроек c.toml, строка 1: неизвестный ключ "target": настройки пишутся в профиль, под [profiles.ИМЯ]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.toml", []byte(tt.toml))
			se, ok := errors.AsType[*config.SyntaxError](err)
			if !ok {
				t.Fatalf("err = %v, want a *SyntaxError", err)
			}
			if got := se.Text(lang.English); got != tt.en {
				t.Errorf("en\n got %s\nwant %s", got, tt.en)
			}
			if got := se.Text(lang.Russian); got != tt.ru {
				t.Errorf("ru\n got %s\nwant %s", got, tt.ru)
			}
		})
	}
}

func TestNoProfileText(t *testing.T) {
	f, err := config.Parse("c.toml", []byte("[profiles.lms]\ntarget = \"inskill\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Profile("lsm")
	np, ok := errors.AsType[*config.NoProfileError](err)
	if !ok || !errors.Is(err, config.ErrNoProfile) {
		t.Fatalf("err = %v", err)
	}
	if got := np.Text(lang.Russian); !strings.Contains(got, "такого профиля нет; в файле есть lms") {
		t.Errorf("ru: %s", got)
	}
}
