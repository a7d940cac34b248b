// Package web serves Kioku's HTML pages: entity pages, history and diffs, edit forms and
// sign-in. Handlers return errors; one adapter turns them into status codes and pages.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"kioku/internal/accounts"
	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/images"
	"kioku/internal/lists"
	"kioku/internal/store"
	"kioku/internal/wiki"
	"kioku/internal/wikitext"
)

//go:embed templates static
var assets embed.FS

// App holds what every handler needs. Build it with New.
type App struct {
	store    *store.Store
	edits    *edit.Service
	text     *wikitext.Renderer
	pages    map[string]*template.Template
	log      *slog.Logger
	cache    *pageCache
	accounts *accounts.Service
	// lists keeps readers' lists and tracking; readers marks where a work page's readers' part
	// goes (see work_readers.go).
	lists   *lists.Service
	readers readerSlot
	parts   partCache
	// trustProxy trusts X-Forwarded-Proto and X-Forwarded-For (Settings.TrustProxy).
	trustProxy bool
	// dbTimeout bounds a request's work with PostgreSQL; see WithDeadline.
	dbTimeout time.Duration
	// topics keeps the genres and themes the search filters offer, until the next edit.
	topics atomic.Pointer[topicLists]
	set    Settings
	// pictures processes uploaded pictures, one at a time; thumbs keeps the copies served lately.
	pictures *images.Processor
	thumbs   *blobCache
}

// Settings are the choices a site is built with: made once, from the command line, and passed
// down.
type Settings struct {
	// Password is the cost of hashing passwords; Hashing how many may be hashed at once (0:
	// half the cores).
	Password auth.Params
	Hashing  int
	// TrustAfter is how many accepted changesets make an editor trusted (0: never);
	// EditsPerHour how many changesets an editor may save in an hour (0: no limit).
	TrustAfter   int
	EditsPerHour int
	// TrustProxy trusts a reverse proxy's X-Forwarded-Proto (cookies are marked Secure behind
	// TLS) and X-Forwarded-For (limits count the reader's address): only for a site whose every
	// request comes through such a proxy.
	TrustProxy bool
	// DatabaseTimeout bounds each request's work with PostgreSQL (see WithDeadline): 0 means
	// DefaultDatabaseTimeout, less than 0 no bound.
	DatabaseTimeout time.Duration
	// APIReads and APIWrites are how many API reads and writes a token, or an address without
	// one, may make a minute (0: DefaultAPIReads, DefaultAPIWrites).
	APIReads, APIWrites int
}

// New builds the web application over a migrated store.
func New(s *store.Store, log *slog.Logger, set Settings) (*App, error) {
	if set.DatabaseTimeout == 0 {
		set.DatabaseTimeout = DefaultDatabaseTimeout
	}
	if set.APIReads <= 0 {
		set.APIReads = DefaultAPIReads
	}
	if set.APIWrites <= 0 {
		set.APIWrites = DefaultAPIWrites
	}
	a := &App{store: s, text: wikitext.New(), log: log, cache: newPageCache(), trustProxy: set.TrustProxy,
		dbTimeout: set.DatabaseTimeout, set: set, pictures: images.NewProcessor(1), thumbs: newBlobCache(32 << 20),
		accounts: accounts.New(s, accounts.Options{Password: set.Password, Hashing: set.Hashing})}
	a.lists, a.readers = &lists.Service{Store: s, OnChange: a.parts.clear}, newReaderSlot()
	a.edits = &edit.Service{Store: s, TrustAfter: set.TrustAfter, EditsPerHour: set.EditsPerHour,
		OnAccept: func([]int64) { a.Invalidate() }}
	if err := a.parseTemplates(); err != nil {
		return nil, err
	}
	return a, nil
}

// Invalidate retires every cached page. Instances call it when another instance announces an
// accepted edit, and when they reconnect after missing announcements.
func (a *App) Invalidate() {
	a.cache.invalidate()
	a.parts.clear() // a merge moves readers' lists and scores to the kept page
}

// Store is the store the site reads and writes.
func (a *App) Store() *store.Store { return a.store }

// Edits is the edit service the pages save through.
func (a *App) Edits() *edit.Service { return a.edits }

// Accounts is the account service the pages use.
func (a *App) Accounts() *accounts.Service { return a.accounts }

// Settings are the choices the site was built with.
func (a *App) Settings() Settings { return a.set }

// ClientAddress is the address limits count a request under (see Settings.TrustProxy).
func (a *App) ClientAddress(r *http.Request) string { return a.clientAddress(r) }

// staticPaths maps the name of each embedded static file to its address with a version, a
// digest of its content: browsers keep the files for an hour, and a page must get the style
// sheet and script it was written for, not the ones of the version before.
func staticPaths() (map[string]string, error) {
	entries, err := fs.ReadDir(assets, "static")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		b, err := assets.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = "/static/" + e.Name() + "?v=" + hex.EncodeToString(sum[:6])
	}
	return out, nil
}

// Static serves the embedded style sheet and script.
func (a *App) Static() http.Handler {
	sub, _ := fs.Sub(assets, "static")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
}

func (a *App) parseTemplates() error {
	static, err := staticPaths()
	if err != nil {
		return err
	}
	funcs := template.FuncMap{
		"static":     func(name string) string { return static[name] },
		"kindLabel":  func(k wiki.Kind) string { return k.Label() },
		"date":       func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"join":       strings.Join,
		"titleKinds": func() []string { return wiki.TitleKinds },
		"sites": func() []wiki.Site {
			var out []wiki.Site
			for _, s := range wiki.Sites {
				if slices.Contains(s.Kinds, wiki.KindWork) {
					out = append(out, s)
				}
			}
			return out
		},
		"lower":     strings.ToLower,
		"sections":  func() []workSection { return workSections },
		"roles":     func() []string { return creditRoles },
		"seq":       func(n int) []int { return make([]int, n) },
		"dict":      dict,
		"can":       func(u *store.User, action string) bool { return auth.Role(u.Role).Can(auth.Action(action)) },
		"list":      func(v ...string) []string { return v },
		"hasKind":   func(list []wiki.Kind, k wiki.Kind) bool { return slices.Contains(list, k) },
		"hasMedium": func(list []wiki.Medium, m wiki.Medium) bool { return slices.Contains(list, m) },
		"inc":       func(n int) int { return n + 1 },
		"langOf":    langOf,
		"refs": func(id, title, noun string, list []store.Entity, path string) refList {
			return refList{ID: id, Title: title, Noun: noun, List: list, Path: path}
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return err
	}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return err
	}
	a.pages = make(map[string]*template.Template)
	for _, name := range names {
		base := strings.TrimPrefix(name, "templates/")
		if base == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, name)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", base, err)
		}
		a.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

// page is what every template receives: the page's own data plus the signed-in user. Body, when
// set, is the page's content already rendered, which the layout shows instead of the template's
// own "content".
type page struct {
	Title string
	User  *store.User
	CSRF  string
	Path  string
	Data  any
	Body  template.HTML
}

// render writes a full page with the given status.
func (a *App) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	body, err := a.renderBytes(r, name, title, data)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

func (a *App) renderBytes(r *http.Request, name, title string, data any) ([]byte, error) {
	return a.renderPage(r, name, title, data, "")
}

// renderPage renders the page template name in the layout for the request's reader, with body
// as its content when it is not empty.
func (a *App) renderPage(r *http.Request, name, title string, data any, body template.HTML) ([]byte, error) {
	t, ok := a.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	p := page{Title: title, Path: r.URL.Path, Data: data, Body: body}
	if s := sessionFrom(r.Context()); s != nil {
		p.User = &s.User
		p.CSRF = s.CSRFToken
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// renderContent renders only the content of the page template name, for no reader: the page it
// is given has no user, no token and no address, so what it makes may be served to anyone.
func (a *App) renderContent(name string, data any) (template.HTML, error) {
	t, ok := a.pages[name]
	if !ok {
		return "", fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", page{Data: data}); err != nil {
		return "", fmt.Errorf("web: render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil
}

// Handler is an HTTP handler that returns its error instead of writing it.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Errors a handler returns to get a particular page.
var (
	ErrForbidden  = errors.New("web: forbidden")
	ErrBadRequest = errors.New("web: bad request")
	ErrTooLarge   = errors.New("web: request too large")
	// ErrUnauthorized is an API request without the credentials it needs; the handler sets
	// WWW-Authenticate.
	ErrUnauthorized = errors.New("web: unauthorized")
	// ErrMethod is a request by a method the address does not answer; the address's handler
	// sets the Allow header.
	ErrMethod = errors.New("web: method not allowed")
)

// Wrap turns a Handler into an http.Handler, writing one friendly error page per kind of error:
// 404 for store.ErrNotFound, 400 listing problems for validation errors, 409 for conflicts, 403
// for refusals, and 500 (logged once) for anything else. A store that cannot be reached, or
// did not answer before the request's deadline, gives 503 with Retry-After.
func (a *App) Wrap(h Handler) http.Handler { return a.wrap(h, checkRequest) }

// WrapUpload is Wrap for the route that receives pictures, whose multipart form the handler
// reads itself (readUpload), checking its fields as checkRequest checks a form's.
func (a *App) WrapUpload(h Handler) http.Handler {
	return a.wrap(h, func(r *http.Request) error {
		if isUpload(r) {
			if bad(r.URL.Path) {
				return fmt.Errorf("%w: the address holds a character that is not allowed", ErrBadRequest)
			}
			return checkValues("", r.URL.Query())
		}
		return checkRequest(r)
	})
}

func (a *App) wrap(h Handler, check func(*http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := check(r)
		if err == nil {
			err = h(w, r)
		}
		if err == nil {
			return
		}
		var (
			ve     *wiki.ValidationError
			ce     *edit.ConflictError
			re     *wiki.RefusedError
			le     *edit.LimitError
			lie    *lists.ImportError
			ale    *accounts.LimitError
			status int
			data   = errorPage{}
		)
		switch {
		case errors.Is(err, context.Canceled):
			return
		case store.Unavailable(err):
			// Before the others: an error that also says "not found" or "invalid" because
			// a read failed on the way is still the database's fault, not the request's.
			status, data.Heading = http.StatusServiceUnavailable, "The wiki is briefly unavailable"
			data.Message = "The database cannot be reached just now, so this request could not be completed. " +
				"If you were saving an edit, it was not acknowledged: check the page's history once the wiki is back, and save it again if it is not there. " +
				"Please try again in a few seconds."
			w.Header().Set("Retry-After", "5")
			a.log.Warn("database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		case errors.As(err, &ve):
			status, data.Heading, data.Problems = http.StatusBadRequest, "That could not be saved", ve.Problems
			data.Message = "Nothing was saved. Go back, correct the form and save again."
		case errors.As(err, &ce):
			status, data.Heading, data.Conflicts = http.StatusConflict, "Someone else changed this meanwhile", ce.Conflicts
			data.Message = "Nothing was saved. The fields below were changed since you opened the form; reload it to see the page as it is now and make your edit again."
		case errors.As(err, &re):
			// Whichever package refused (an edit, a list, an account's role), the reason is
			// for the person.
			status, data.Heading, data.Message = http.StatusForbidden, "Not allowed", re.Reason
		case errors.As(err, &le):
			status, data.Heading, data.Message = http.StatusTooManyRequests, "Too many edits for now", le.Error()
			w.Header().Set("Retry-After", strconv.Itoa(max(60, int(le.RetryAfter.Seconds()))))
		case errors.As(err, &lie):
			status, data.Heading = http.StatusBadRequest, "That file could not be imported"
			data.Message = lie.Reason + ". Nothing was imported."
		case errors.As(err, &ale):
			status, data.Heading, data.Message = http.StatusTooManyRequests, "Too many attempts", ale.Message
			w.Header().Set("Retry-After", strconv.Itoa(int(ale.RetryAfter.Seconds())+1))
		case errors.Is(err, images.ErrBusy):
			status, data.Heading = http.StatusServiceUnavailable, "Busy"
			data.Message = "Other pictures are being processed just now. Please upload again in a minute."
			w.Header().Set("Retry-After", "30")
		case errors.Is(err, accounts.ErrBusy):
			status, data.Heading = http.StatusServiceUnavailable, "Busy"
			data.Message = "Too many people are signing in at this moment. Please try again in a few seconds."
			w.Header().Set("Retry-After", "2")
		case errors.Is(err, store.ErrNotFound):
			status, data.Heading = http.StatusNotFound, "No such page"
			data.Message = "There is no page at this address. It may never have existed; try searching for it."
		case errors.Is(err, ErrUnauthorized):
			status, data.Heading = http.StatusUnauthorized, "Unauthorized"
			data.Message = strings.TrimPrefix(err.Error(), ErrUnauthorized.Error()+": ")
		case errors.Is(err, ErrForbidden):
			status, data.Heading = http.StatusForbidden, "Not allowed"
			data.Message = strings.TrimPrefix(err.Error(), ErrForbidden.Error()+": ")
		case errors.Is(err, ErrBadRequest):
			status, data.Heading = http.StatusBadRequest, "Bad request"
			data.Message = strings.TrimPrefix(err.Error(), ErrBadRequest.Error()+": ")
		case errors.Is(err, ErrMethod):
			status, data.Heading = http.StatusMethodNotAllowed, "Method not allowed"
			data.Message = strings.TrimPrefix(err.Error(), ErrMethod.Error()+": ")
		case errors.Is(err, ErrTooLarge):
			status, data.Heading = http.StatusRequestEntityTooLarge, "Too large"
			data.Message = strings.TrimPrefix(err.Error(), ErrTooLarge.Error()+": ")
		default:
			status, data.Heading = http.StatusInternalServerError, "Something went wrong"
			data.Message = "The server could not complete this request. Nothing you saved before is lost; please try again."
			a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if rerr := writeProblem(w, status, data); rerr != nil {
				a.log.Error("error document failed", "err", rerr)
			}
			return
		}
		if rerr := a.render(w, r, status, "error", data.Heading, data); rerr != nil {
			a.log.Error("error page failed", "err", rerr)
			http.Error(w, data.Heading, status)
		}
	})
}

// dict builds a map from alternating keys and values, for passing several values to a template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("web: dict needs pairs of keys and values")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("web: dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// refList is the data of a section that lists references (genres, themes, ...).
type refList struct {
	ID, Title, Noun string
	List            []store.Entity
	Path            string
}

// creditRoles are suggested in the credit form; any other role may be typed.
var creditRoles = []string{"Director", "Original Creator", "Writer", "Screenplay", "Storyboard", "Character Artist/Designer",
	"Art Director", "Animation Director", "Key Animator", "Music", "Sound Director", "Producer", "Cinematography", "Editing", "Mechanical Design"}

type errorPage struct {
	Heading   string
	Message   string
	Problems  []string
	Conflicts []wiki.Conflict
}

// forbidden builds an ErrForbidden with a message for the reader.
func forbidden(msg string) error { return fmt.Errorf("%w: %s", ErrForbidden, msg) }

// badRequest builds an ErrBadRequest with a message for the reader.
func badRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadRequest, fmt.Sprintf(format, args...))
}

// NotFound is the page for addresses no route knows.
func (a *App) NotFound(w http.ResponseWriter, r *http.Request) error {
	return store.ErrNotFound
}

// langOf guesses the language of a name or title from its script, for marking it (lang) so that
// browsers and screen readers treat it as what it is: kana is Japanese, hangul Korean, Han alone
// Japanese (the wiki's titles and names in Han are mostly Japanese); text in other scripts gets
// "" and keeps the page's language.
func langOf(s string) string {
	han := false
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			return "ja"
		case unicode.Is(unicode.Hangul, r):
			return "ko"
		case unicode.Is(unicode.Han, r):
			han = true
		}
	}
	if han {
		return "ja"
	}
	return ""
}
