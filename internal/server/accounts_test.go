package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
)

// signIn posts the sign-in form and returns the response.
func signIn(c *client, name, password string) *http.Response {
	res := c.postRaw("/login", url.Values{"name": {name}, "password": {password}})
	res.Body.Close()
	return res
}

// canEdit tells whether the client is signed in, by opening a form only editors may.
func canEdit(c *client) bool {
	res := c.get("/new/work")
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

func TestSignup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.anonymous(t)
		if loc := c.save("/signup", url.Values{"name": {"Hikari"}, "password": {"a long enough password"},
			"password2": {"a long enough password"}, "next": {"/new/work"}}); loc != "/new/work" {
			t.Errorf("sign-up went to %q", loc)
		}
		if !canEdit(c) {
			t.Fatal("not signed in after signing up")
		}
		u, err := s.Store.UserByName(context.Background(), "hikari")
		if err != nil || u.Role != string(auth.RoleEditor) {
			t.Errorf("the new account: role %q (%v), want editor", u.Role, err)
		}
		if res := c.get("/signup"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a signed-in reader opening /signup: status %d, want a redirect", res.StatusCode)
		}
		for _, tc := range []struct {
			name, password, again, want string
		}{
			{"HIKARI", "a long enough password", "a long enough password", "is taken"},
			{"x", "a long enough password", "a long enough password", "2 to 40 characters"},
			{"<script>", "a long enough password", "a long enough password", "only letters"},
			{"光の子", "short", "short", "at least"},
			{"光の子", "a long enough password", "another long password", "differ"},
		} {
			res, body := s.anonymous(t).post("/signup", url.Values{"name": {tc.name}, "password": {tc.password}, "password2": {tc.again}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
				t.Errorf("sign-up as %q: status %d, want 400 saying %q", tc.name, res.StatusCode, tc.want)
			}
		}
		users, err := s.Store.ListUsers(context.Background(), "", 10)
		if err != nil || len(users) != 1 {
			t.Errorf("%d accounts after one good and five bad sign-ups (%v)", len(users), err)
		}
		// Names in any script are welcome.
		s.anonymous(t).save("/signup", url.Values{"name": {"光の子"}, "password": {"a long enough password"}, "password2": {"a long enough password"}})
	})
}

func TestPasswordAndSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		const old = "correct horse battery"
		here := s.signedIn(t, "aoi")
		there := s.anonymous(t)
		signIn(there, "aoi", old)
		third := s.anonymous(t)
		signIn(third, "aoi", old)
		if !canEdit(there) || !canEdit(third) {
			t.Fatal("the other browsers are not signed in")
		}
		page := here.page("/account", http.StatusOK)
		if n := page.Find("tr.session").Length(); n != 3 {
			t.Errorf("the account lists %d sessions, want 3", n)
		}

		// Revoke one other session from the account page.
		var victim string
		page.Find("tr.session").Each(func(i int, row *goquery.Selection) {
			if v, ok := row.Find("input[name=session]").Attr("value"); ok && victim == "" {
				victim = v
			}
		})
		here.save("/account/sessions", url.Values{"session": {victim}})
		if canEdit(there) == canEdit(third) {
			t.Errorf("revoking one session left both other browsers in the same state")
		}
		if res, _ := here.post("/account/sessions", url.Values{"session": {"not-a-session"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("revoking a session that is not the account's: status %d, want 404", res.StatusCode)
		}

		// Password change: the current one must be right; then every other session ends.
		signIn(there, "aoi", old)
		if res, body := here.post("/account/password", url.Values{"current": {"wrong"}, "password": {"a new long password"}, "password2": {"a new long password"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not right") {
			t.Errorf("password change with a wrong current password: status %d", res.StatusCode)
		}
		here.save("/account/password", url.Values{"current": {old}, "password": {"a new long password"}, "password2": {"a new long password"}})
		if !canEdit(here) {
			t.Error("changing the password signed this browser out")
		}
		if canEdit(there) || canEdit(third) {
			t.Error("changing the password left another session signed in")
		}
		if res := signIn(s.anonymous(t), "aoi", old); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("the old password: status %d, want 401", res.StatusCode)
		}
		if res := signIn(s.anonymous(t), "aoi", "a new long password"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the new password: status %d, want 303", res.StatusCode)
		}

		// An expired session is refused.
		expire := `UPDATE sessions SET expires_at = '2000-01-01 00:00:00+00:00'`
		if _, err := s.Store.DB().ExecContext(context.Background(), expire); err != nil {
			t.Fatal(err)
		}
		if canEdit(here) {
			t.Error("an expired session still works")
		}
	})
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "aoi")
		for _, path := range []string{"/signup", "/login", "/account/password", "/account/sessions", "/logout"} {
			req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(url.Values{"csrf": {c.csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			res, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site POST %s: status %d, want 403", path, res.StatusCode)
			}
		}
		if !canEdit(c) {
			t.Error("a forged sign-out went through")
		}
	})
}

func TestSignInLimits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		const password = "correct horse battery"
		for i := range 5 {
			s.addUser(t, fmt.Sprint("user", i), password)
		}
		for range 5 {
			if res := signIn(s.anonymous(t), "user0", "wrong"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("a wrong password: status %d, want 401", res.StatusCode)
			}
		}
		res, body := s.anonymous(t).post("/login", url.Values{"name": {"USER0"}, "password": {password}})
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins for this account") || res.Header.Get("Retry-After") == "" {
			t.Errorf("the sixth attempt, with the right password: status %d, want 429 saying why\n%s", res.StatusCode, body)
		}
		// Other accounts from the same address are still let in, until the address has 20 failures.
		if res := signIn(s.anonymous(t), "user1", password); res.StatusCode != http.StatusSeeOther {
			t.Errorf("another account: status %d, want 303", res.StatusCode)
		}
		for i := range 15 {
			signIn(s.anonymous(t), fmt.Sprint("user", 1+i%4), "wrong")
		}
		res, body = s.anonymous(t).post("/login", url.Values{"name": {"user2"}, "password": {password}})
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "from your address") {
			t.Errorf("after 20 failures from one address: status %d, want 429\n%s", res.StatusCode, body)
		}
	})
}

func TestBans(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		admin := s.signedInAs(t, "root", auth.RoleAdmin)
		editor := s.signedInAs(t, "troll", auth.RoleEditor)
		admin.save("/admin/users/troll/ban", url.Values{"reason": {"Vandalism of many pages"}})
		if canEdit(editor) {
			t.Error("a banned account's session still opens the edit form")
		}
		res, body := s.anonymous(t).post("/login", url.Values{"name": {"troll"}, "password": {"correct horse battery"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "banned: Vandalism of many pages") {
			t.Errorf("a banned account signing in: status %d, want 403 with the reason\n%s", res.StatusCode, body)
		}
		res, body = s.anonymous(t).post("/login", url.Values{"name": {"troll"}, "password": {"wrong"}})
		if res.StatusCode != http.StatusUnauthorized || strings.Contains(body, "banned") {
			t.Errorf("a banned account with a wrong password: status %d; the ban must not show", res.StatusCode)
		}
		list := admin.page("/admin/users", http.StatusOK)
		if got := text(list.Find("#user-troll .state")); got != "banned: Vandalism of many pages" {
			t.Errorf("the account list says %q", got)
		}
		if res, _ := admin.post("/admin/users/troll/ban", url.Values{}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a ban without a reason: status %d, want 400", res.StatusCode)
		}
		admin.save("/admin/users/troll/unban", url.Values{})
		if res := signIn(s.anonymous(t), "troll", "correct horse battery"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("after the unban, signing in: status %d, want 303", res.StatusCode)
		}
		u, err := s.Store.UserByName(context.Background(), "troll")
		if err != nil || u.BannedAt != nil {
			t.Errorf("after the unban the account is %+v (%v)", u, err)
		}
	})
}

func TestRoleAdministration(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		admin := s.signedInAs(t, "root", auth.RoleAdmin)
		moderator := s.signedInAs(t, "mika", auth.RoleModerator)
		s.addUserAs(t, "eri", "correct horse battery", auth.RoleEditor)
		role := func(name string) string {
			u, err := s.Store.UserByName(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			return u.Role
		}
		moderator.save("/admin/users/eri/role", url.Values{"role": {"trusted"}})
		if got := role("eri"); got != "trusted" {
			t.Errorf("after a moderator trusted eri, role %q", got)
		}
		moderator.save("/admin/users/eri/role", url.Values{"role": {"editor"}})
		for _, tc := range []struct {
			who  *client
			path string
			form url.Values
			want int
		}{
			{moderator, "/admin/users/eri/role", url.Values{"role": {"moderator"}}, http.StatusForbidden},
			{moderator, "/admin/users/eri/ban", url.Values{"reason": {"x"}}, http.StatusForbidden},
			{moderator, "/admin/users/root/role", url.Values{"role": {"editor"}}, http.StatusForbidden},
			{moderator, "/admin/users/mika/role", url.Values{"role": {"admin"}}, http.StatusForbidden},
			{admin, "/admin/users/root/role", url.Values{"role": {"editor"}}, http.StatusForbidden},
			{admin, "/admin/users/root/ban", url.Values{"reason": {"x"}}, http.StatusForbidden},
			{admin, "/admin/users/eri/role", url.Values{"role": {"owner"}}, http.StatusBadRequest},
			{admin, "/admin/users/nobody/role", url.Values{"role": {"editor"}}, http.StatusNotFound},
		} {
			if res, _ := tc.who.post(tc.path, tc.form); res.StatusCode != tc.want {
				t.Errorf("POST %s %v: status %d, want %d", tc.path, tc.form, res.StatusCode, tc.want)
			}
		}
		if role("eri") != "editor" || role("root") != "admin" || role("mika") != "moderator" {
			t.Error("a refused role change changed a role")
		}
		admin.save("/admin/users/eri/role", url.Values{"role": {"moderator"}})
		if got := role("eri"); got != "moderator" {
			t.Errorf("after the admin made eri a moderator, role %q", got)
		}
		for _, role := range []auth.Role{auth.RoleEditor, auth.RoleTrusted} {
			c := s.signedInAs(t, "as-"+string(role), role)
			if res := c.get("/admin/users"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s opening /admin/users: status %d, want 403", role, res.StatusCode)
			}
		}
	})
}

func TestSecureCookieBehindProxy(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	direct, proxied := startSite(t, st), startSiteWith(t, st, os.Stderr, web.Settings{Password: cheap, TrustProxy: true})
	direct.addUser(t, "aoi", "correct horse battery")
	s := direct
	login := func(proto string) *http.Cookie {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/login", strings.NewReader("name=aoi&password=correct+horse+battery"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", proto)
		res, err := (&http.Transport{}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, c := range res.Cookies() {
			if c.Name == web.SessionCookie {
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Errorf("session cookie %+v is not HttpOnly and SameSite=Lax", c)
				}
				return c
			}
		}
		t.Fatalf("no session cookie (status %d)", res.StatusCode)
		return nil
	}
	if login("https").Secure {
		t.Error("without --trust-proxy, a forwarded https header made the cookie Secure")
	}
	s = proxied
	if !login("https").Secure {
		t.Error("behind a trusted TLS proxy the cookie is not Secure")
	}
	if login("http").Secure {
		t.Error("over plain HTTP the cookie is Secure")
	}
}
