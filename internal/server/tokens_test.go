package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// apiStatus sends an API request with a token (and the browser's cookies) and returns its
// status.
func apiStatus(t *testing.T, c *client, method, path, token, body string, header ...string) int {
	t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestAPITokens makes, uses and revokes API tokens from the account page, and checks that a
// signed-in browser's cookie neither writes through the API nor makes tokens from another site.
func TestAPITokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "aoi")
		page := c.page("/account", http.StatusOK)
		if page.Find("#tokens").Length() != 1 || page.Find("tr.token").Length() != 0 {
			t.Fatal("the account page has no empty list of tokens")
		}
		// newToken makes a token with the account page's form and returns the secret it shows.
		newToken := func(v url.Values) string {
			t.Helper()
			res, body := c.post("/account/tokens", v)
			if res.StatusCode != http.StatusCreated || res.Header.Get("Cache-Control") != "private, no-store" {
				t.Fatalf("make a token %q: status %d, caching %q", v.Get("name"), res.StatusCode, res.Header.Get("Cache-Control"))
			}
			i := strings.Index(body, `value="kioku_`)
			if i < 0 {
				t.Fatalf("the new token is not shown:\n%s", body)
			}
			token := body[i+len(`value="`):]
			return token[:strings.IndexByte(token, '"')]
		}
		token := newToken(url.Values{"name": {"my script"}, "edit": {"1"}})
		page = c.page("/account", http.StatusOK)
		if rows := page.Find("tr.token"); rows.Length() != 1 || text(rows.Find(".scopes")) != "read,edit" || strings.Contains(page.Text(), token) {
			t.Errorf("after making one, the account lists %d tokens (%q), or shows the token again", rows.Length(), text(rows.Find(".scopes")))
		}
		if res, _ := c.post("/account/tokens", url.Values{"name": {"  "}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a token without a name: status %d, want 400", res.StatusCode)
		}

		work := `{"changes":[{"kind":"genre","document":{"name":"Mecha"}}]}`
		if got := apiStatus(t, c, "POST", "/api/v1/changesets", token, work); got != http.StatusCreated {
			t.Errorf("a write with the token: %d, want 201", got)
		}
		// The browser's cookie alone does not write, and a token sent from another site's
		// page is refused like any cross-site form (a browser sends none without CORS anyway).
		if got := apiStatus(t, c, "POST", "/api/v1/changesets", "", work); got != http.StatusUnauthorized {
			t.Errorf("a write with only the session cookie: %d, want 401", got)
		}
		if got := apiStatus(t, c, "POST", "/account/tokens", "", "name=evil&edit=1&csrf="+c.csrf,
			"Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); got != http.StatusForbidden {
			t.Errorf("a cross-site form making a token: %d, want 403", got)
		}

		// Revoke one of three tokens, picked by its name: the one made between the other two, so
		// that it is neither first nor last in any order the page lists them in.
		nightly := newToken(url.Values{"name": {"nightly export"}})
		feed := newToken(url.Values{"name": {"feed reader"}})
		rows := c.page("/account", http.StatusOK).Find("tr.token")
		named := rows.FilterFunction(func(_ int, row *goquery.Selection) bool { return text(row.Find(".name")) == "nightly export" })
		id, _ := named.Find(`input[name=token]`).Attr("value")
		if rows.Length() != 3 || named.Length() != 1 || id == "" {
			t.Fatalf("the account lists %d tokens, %d named \"nightly export\" (id %q); want 3, 1", rows.Length(), named.Length(), id)
		}
		c.save("/account/tokens/revoke", url.Values{"token": {id}})
		if got := apiStatus(t, c, "GET", "/api/v1/", nightly, ""); got != http.StatusUnauthorized {
			t.Errorf("a revoked token reads: %d, want 401", got)
		}
		for name, secret := range map[string]string{"my script": token, "feed reader": feed} {
			if got := apiStatus(t, c, "GET", "/api/v1/", secret, ""); got != http.StatusOK {
				t.Errorf("%q, not revoked, reads: %d, want 200", name, got)
			}
		}
		left := texts(c.page("/account", http.StatusOK).Find("tr.token .name"))
		slices.Sort(left)
		if want := []string{"feed reader", "my script"}; !slices.Equal(left, want) {
			t.Errorf("after revoking \"nightly export\", the account lists %q, want %q", left, want)
		}
		if res, _ := c.post("/account/tokens/revoke", url.Values{"token": {id}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("revoking it again: %d, want 404", res.StatusCode)
		}
	})
}
