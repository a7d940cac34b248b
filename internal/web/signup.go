package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"kioku/internal/auth"
	"kioku/internal/store"
)

type signupPage struct {
	Name     string
	Next     string
	Problems []string
}

// SignupForm shows the form that makes an account.
func (a *App) SignupForm(w http.ResponseWriter, r *http.Request) error {
	if sessionFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return a.render(w, r, http.StatusOK, "signup", "Sign up", signupPage{Next: safeNext(r.URL.Query().Get("next"))})
}

// Signup makes an editor's account and signs it in. Its edits wait for review until it has
// earned trust.
func (a *App) Signup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badRequest("the form could not be read: %v", err)
	}
	if sessionFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	name := strings.Join(strings.Fields(r.PostFormValue("name")), " ")
	password := r.PostFormValue("password")
	page := signupPage{Name: name, Next: safeNext(r.PostFormValue("next"))}
	if problem := accountNameProblem(name); problem != "" {
		page.Problems = append(page.Problems, problem)
	}
	if err := auth.CheckPassword(password); err != nil {
		page.Problems = append(page.Problems, sentence(err.Error()))
	} else if password != r.PostFormValue("password2") {
		page.Problems = append(page.Problems, "The two passwords differ.")
	}
	if len(page.Problems) == 0 {
		id, err := a.store.CreateUser(r.Context(), name, auth.Hash(password, a.password), string(auth.RoleEditor))
		switch {
		case errors.Is(err, store.ErrExists):
			page.Problems = append(page.Problems, "The name “"+name+"” is taken. Choose another.")
		case err != nil:
			return err
		default:
			if err := a.startSession(w, r, id); err != nil {
				return err
			}
			http.Redirect(w, r, page.Next, http.StatusSeeOther)
			return nil
		}
	}
	return a.render(w, r, http.StatusBadRequest, "signup", "Sign up", page)
}

// accountNameProblem says what is wrong with an account name, or nothing: a name has 2 to 40
// letters of any script, digits, spaces and _ - .
func accountNameProblem(name string) string {
	if n := utf8.RuneCountInString(name); n < 2 || n > 40 {
		return "A name has 2 to 40 characters."
	}
	for _, c := range name {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune(" _-.", c) {
			return "A name has only letters, digits, spaces and _ - ."
		}
	}
	return ""
}

// sentence turns an error message into a sentence for a page: capital first letter, full stop.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[n:] + "."
}
