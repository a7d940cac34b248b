package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"kioku/internal/accounts"
	"kioku/internal/wiki"
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
	if sessionFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	name := strings.Join(strings.Fields(r.PostFormValue("name")), " ")
	password := r.PostFormValue("password")
	page := signupPage{Name: name, Next: safeNext(r.PostFormValue("next"))}
	if password != r.PostFormValue("password2") {
		page.Problems = append(page.Problems, "The two passwords differ.")
		return a.render(w, r, http.StatusBadRequest, "signup", "Sign up", page)
	}
	u, err := a.accounts.SignUp(r.Context(), name, password, a.clientAddress(r))
	var ve *wiki.ValidationError
	var limit *accounts.LimitError
	switch {
	case errors.As(err, &ve):
		page.Problems = append(page.Problems, ve.Problems...)
		return a.render(w, r, http.StatusBadRequest, "signup", "Sign up", page)
	case errors.Is(err, accounts.ErrTaken):
		page.Problems = append(page.Problems, "The name “"+name+"”, or one too like it, is taken. Choose another.")
		return a.render(w, r, http.StatusBadRequest, "signup", "Sign up", page)
	case errors.As(err, &limit):
		w.Header().Set("Retry-After", strconv.Itoa(int(limit.RetryAfter.Seconds())+1))
		page.Problems = append(page.Problems, limit.Message)
		return a.render(w, r, http.StatusTooManyRequests, "signup", "Sign up", page)
	case err != nil:
		return err
	}
	if err := a.startSession(w, r, u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
	return nil
}
