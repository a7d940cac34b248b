package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"kioku/internal/auth"
)

// redirectCase is a value of a "next" parameter, as it stands in an address's query (so
// percent-encoded), and the Location the site must answer with after signing in.
type redirectCase struct {
	raw  string
	want string
}

// redirectCases are where a link to the sign-in form may ask to go afterwards: other sites in
// every disguise browsers see through (schemes, hosts, backslashes, tabs and newlines that
// browsers drop, percent-encoded once and twice), and the site's own pages.
var redirectCases = []redirectCase{
	{"https://evil.example", "/"},
	{"https://evil.example/account", "/"},
	{"http:evil.example", "/"},
	{"HTTPS://evil.example", "/"},
	{"javascript:alert(1)", "/"},
	{"JavaScript:alert(document.cookie)", "/"},
	{"data:text/html,%3Cscript%3Ealert(1)%3C/script%3E", "/"},
	{"evil.example", "/"},
	{"//evil.example", "/"},
	{"//evil.example/account", "/"},
	{"///evil.example", "/"},
	{`/\evil.example`, "/"},
	{`\/evil.example`, "/"},
	{`\\evil.example`, "/"},
	{"/%5Cevil.example", "/"},
	{"/%5C%5Cevil.example", "/"},
	{"%5C%5Cevil.example", "/"},
	{"%2F%2Fevil.example", "/"},
	{"/%2Fevil.example", "/"},
	{"/%252Fevil.example", "/"},
	{"/%25252F/evil.example", "/%252F/evil.example"}, // decoded once, a path of the site
	{"/%255Cevil.example", "/"},
	{"/%09/evil.example", "/"},
	{"/%0A/evil.example", "/"},
	{"/%0D/evil.example", "/"},
	{"/%0D%0A/evil.example", "/"},
	{"%09//evil.example", "/"},
	{"%20//evil.example", "/"},
	{"/%2509/evil.example", "/"},
	{"/%0D%0ALocation:%20http://evil.example", "/"},
	{"/%0D%0ASet-Cookie:%20kioku_session=x", "/"},
	{"/%7F/evil.example", "/"},
	{"/%C2%85/evil.example", "/"}, // NEL, a control character
	{"https%3A%2F%2Fevil.example", "/"},
	{"/foo@evil.example", "/foo@evil.example"},
	{"/%", "/"},
	{"", "/"},
	// Paths of the site stay as they are, but cleaned: dots cannot climb out of the site.
	{"/", "/"},
	{"/recent-changes", "/recent-changes"},
	{url.QueryEscape("/search?q=%E3%81%82&list=1"), "/search?q=%E3%81%82&list=1"},
	{"/queue?kind=work", "/queue?kind=work"},
	{"/.//evil.example", "/evil.example"},
	{"/..//evil.example", "/evil.example"},
}

// landsOnSite fails t unless the Location loc is a path of this site, for browsers too: no
// scheme, no host, nothing a browser drops or reads as a slash.
func landsOnSite(t *testing.T, what, loc string) {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") ||
		strings.ContainsFunc(loc, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		t.Errorf("%s: Location %q leaves the site", what, loc)
	}
}

// TestSignInGoesOnlyToThisSite signs in with every next value of redirectCases: posted as the
// form carries it from the sign-in page's address, and posted as it is. The answer is a 303 to
// the expected path of this site.
func TestSignInGoesOnlyToThisSite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		s.addUser(t, "aoi", "correct horse battery")
		for _, tc := range redirectCases {
			c := s.anonymous(t)
			doc := c.page("/login?next="+tc.raw, http.StatusOK)
			next, ok := doc.Find(`form[action="/login"] input[name=next]`).Attr("value")
			if !ok {
				t.Fatalf("/login?next=%s: the form carries no next", tc.raw)
			}
			landsOnSite(t, "the form's next for "+tc.raw, next)
			if href, _ := doc.Find(`a[href^="/signup"]`).Attr("href"); !strings.HasPrefix(href, "/signup?next=") {
				t.Errorf("/login?next=%s: the sign-up link is %q", tc.raw, href)
			}
			res := c.postOnce("/login", url.Values{"name": {"aoi"}, "password": {"correct horse battery"}, "next": {next}})
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || loc != tc.want {
				t.Errorf("sign in from /login?next=%s: %d to %q, want 303 to %q", tc.raw, res.StatusCode, loc, tc.want)
			}
			landsOnSite(t, "sign in from /login?next="+tc.raw, loc)

			// The same value posted as it is, not through the form.
			raw, err := url.QueryUnescape(tc.raw)
			if err != nil {
				raw = tc.raw
			}
			res = s.anonymous(t).postOnce("/login", url.Values{"name": {"aoi"}, "password": {"correct horse battery"}, "next": {raw}})
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != tc.want {
				t.Errorf("sign in posting next=%q: %d to %q, want 303 to %q", raw, res.StatusCode, loc, tc.want)
			}
			landsOnSite(t, "sign in posting "+raw, res.Header.Get("Location"))
		}
		// A failed sign-in keeps only a safe next in its form.
		doc := s.anonymous(t)
		res, body := doc.post("/login", url.Values{"name": {"aoi"}, "password": {"wrong"}, "next": {"/\t/evil.example"}})
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `name="next" value="/"`) {
			t.Errorf("a failed sign-in with a hostile next: status %d, form %q", res.StatusCode, problems(body))
		}
	})
}

// TestOtherRedirectsGoOnlyToThisSite posts hostile next values with the other forms that take
// one: a moderator's approval and rejection, and sign-up.
func TestOtherRedirectsGoOnlyToThisSite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		editor := s.signedInAs(t, "newbie", auth.RoleEditor)
		mod := s.signedInAs(t, "mod", auth.RoleModerator)
		hostile := []string{"/\t/evil.example", "//evil.example", `/\evil.example`, "https://evil.example", "/%2F/evil.example"}
		for i, next := range hostile {
			editor.save("/new/work", url.Values{"name": {"Pending " + strconv.Itoa(i)}, "medium": {"tv"}, "edit_summary": {"new"}})
			id := pendingID(t, s)
			action := "approve"
			if i%2 == 1 {
				action = "reject"
			}
			res := mod.postOnce("/changes/"+strconv.FormatInt(id, 10)+"/"+action, url.Values{"next": {next}, "reason": {"no source"}})
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/" {
				t.Errorf("%s with next=%q: %d to %q, want 303 to /", action, next, res.StatusCode, loc)
			}
		}
		res := mod.postOnce("/changes/"+strconv.FormatInt(newPending(t, s, editor), 10)+"/approve", url.Values{"next": {"/queue?kind=work"}})
		if loc := res.Header.Get("Location"); loc != "/queue?kind=work" {
			t.Errorf("approve with next=/queue?kind=work: %d to %q", res.StatusCode, loc)
		}
		res = s.anonymous(t).postOnce("/signup", url.Values{"name": {"Hikari"}, "password": {"a long enough password"},
			"password2": {"a long enough password"}, "next": {"/%09/evil.example"}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("sign-up with a hostile next: %d to %q, want 303 to /", res.StatusCode, loc)
		}
	})
}

// newPending makes one more edit by editor, waiting for review, and returns its changeset.
func newPending(t *testing.T, s *site, editor *client) int64 {
	t.Helper()
	editor.save("/new/work", url.Values{"name": {"One more"}, "medium": {"tv"}, "edit_summary": {"new"}})
	return pendingID(t, s)
}

// postOnce posts a form with the client's cookies and CSRF token and returns the answer as it
// is, body closed: without following or even reading a redirect, which Go's client refuses to
// do for a Location a browser would follow (one with a tab, say).
func (c *client) postOnce(path string, v url.Values) *http.Response {
	c.t.Helper()
	if c.csrf != "" && v.Get("csrf") == "" {
		v.Set("csrf", c.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	return res
}
