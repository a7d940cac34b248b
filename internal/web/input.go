package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// checkRequest refuses, before any handler reads it, a request whose address or form holds text
// that no field of the site may hold: invalid UTF-8, or a NUL byte, which PostgreSQL cannot store
// and SQLite would store silently. The domain checks every field's own rules; this guard keeps
// inputs that never reach the domain (a sign-in name, a search, a user's page) from reaching the
// database either. The error names the field. A body that is not a URL-encoded form is refused.
func checkRequest(r *http.Request) error {
	if bad(r.URL.Path) {
		return fmt.Errorf("%w: the address holds a character that is not allowed", ErrBadRequest)
	}
	if err := checkValues("", r.URL.Query()); err != nil {
		return err
	}
	if r.Method != http.MethodPost || strings.HasPrefix(r.URL.Path, "/api/v1/") {
		// The API's writes are JSON, which its handlers read strictly themselves.
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		// Every form of the site is URL-encoded, and handlers read no other body: refuse one
		// they would silently read as empty (multipart, plain text), whatever its size.
		if r.ContentLength != 0 {
			return fmt.Errorf("%w: forms are sent URL-encoded (application/x-www-form-urlencoded), not as %q", ErrBadRequest, ct)
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fmt.Errorf("%w: the form is larger than the site accepts", ErrTooLarge)
		}
		return fmt.Errorf("%w: the form could not be read", ErrBadRequest)
	}
	return checkValues("form ", r.PostForm)
}

func checkValues(where string, values url.Values) error {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if bad(name) {
			return fmt.Errorf("%w: a %sfield's name holds a character that is not allowed", ErrBadRequest, where)
		}
		for _, v := range values[name] {
			if bad(v) {
				return fmt.Errorf("%w: the %sfield %q holds a character that is not allowed (a NUL byte or invalid UTF-8)", ErrBadRequest, where, name)
			}
		}
	}
	return nil
}

func bad(s string) bool { return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 }
