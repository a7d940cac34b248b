package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"kioku/internal/accounts"
	"kioku/internal/api"
	"kioku/internal/auth"
	"kioku/internal/client"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// checked is an HTTP transport that has kin-openapi check every request it sends against the
// site's OpenAPI document, and every answer it gets back.
type checked struct{ s *site }

func (c checked) RoundTrip(req *http.Request) (*http.Response, error) {
	c.s.t.Helper()
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, params, err := c.s.router.FindRoute(req)
	if err != nil {
		c.s.t.Errorf("%s %s: no operation in the OpenAPI document (%v)", req.Method, req.URL, err)
	} else {
		check := req.Clone(req.Context())
		check.Body = io.NopCloser(bytes.NewReader(body))
		in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
			Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			c.s.t.Errorf("%s %s: the request does not follow the OpenAPI document: %v\n%s", req.Method, req.URL, err, clip(body))
		}
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(data))
	c.s.validate(req, res, data)
	return res, nil
}

// client is an API client with token whose requests and answers are checked.
func (s *site) client(token string) *client.Client {
	c := client.New(s.URL, token)
	c.HTTP = &http.Client{Transport: checked{s}}
	return c
}

// account makes an account with a role and returns it.
func (s *site) account(name string, role auth.Role) store.User {
	s.t.Helper()
	id, err := s.Store.CreateUser(context.Background(), name, auth.Hash("correct horse battery", cheap), string(role))
	if err != nil {
		s.t.Fatal(err)
	}
	u, err := s.Store.UserByID(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// token makes an API token of u with the scopes.
func (s *site) token(u store.User, scopes ...string) (string, store.APIToken) {
	s.t.Helper()
	secret, tok, err := s.Accounts.CreateToken(context.Background(), u, "test", scopes)
	if err != nil {
		s.t.Fatal(err)
	}
	return secret, tok
}

// status is an error's HTTP status (0 for none).
func status(err error) int {
	var e *client.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

func TestWrites(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		kon := s.create(wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
		mod := s.account("Moderator", auth.RoleModerator)
		newbie := s.account("Newcomer", auth.RoleEditor)
		modToken, _ := s.token(mod, accounts.ScopeEdit)
		newToken, _ := s.token(newbie, accounts.ScopeEdit)
		readToken, _ := s.token(mod)
		trusted, queued, reader := s.client(modToken), s.client(newToken), s.client(readToken)

		// A new editor's edit waits for review: 202, and the page is as it was.
		res, err := queued.Put(ctx, "people", kon, 1, "Native name", &wiki.Person{Name: "Satoshi Kon", NativeName: "今 敏"})
		if err != nil || res.Status != store.StatusPending || !strings.HasPrefix(res.SiteURL, "/changes/") {
			t.Fatalf("new editor's write: %+v, %v", res, err)
		}
		if p, err := reader.Get(ctx, "people", kon); err != nil || p["native_name"] != nil || p["revision"] != float64(1) {
			t.Errorf("after a queued write the person is %v (%v)", p, err)
		}

		// A trusted editor's is accepted: 201, and the page shows it.
		res, err = trusted.Put(ctx, "people", kon, 1, "Birth date", &wiki.Person{Name: "Satoshi Kon", BirthDate: "1963-10-12"})
		if err != nil || res.Status != store.StatusAccepted || len(res.Entities) != 1 || res.Entities[0].ID != kon {
			t.Fatalf("moderator's write: %+v, %v", res, err)
		}
		if p, err := reader.Get(ctx, "people", kon); err != nil || p["birth_date"] != "1963-10-12" || p["revision"] != float64(2) {
			t.Errorf("after an accepted write the person is %v (%v)", p, err)
		}

		// A stale base that changes the same field differently: 409 with the current revision,
		// its document and the field in conflict; nothing saved.
		_, err = trusted.Put(ctx, "people", kon, 1, "Another date", &wiki.Person{Name: "Satoshi Kon", BirthDate: "1963-10-13"})
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Status != http.StatusConflict {
			t.Fatalf("stale write: %v, want 409", err)
		}
		conflict, err := ce.Conflict()
		if err != nil || conflict.Revision != 2 || len(conflict.Conflicts) != 1 || conflict.Conflicts[0].Theirs != "1963-10-12" ||
			conflict.Conflicts[0].Ours != "1963-10-13" || !strings.Contains(string(conflict.Current), `"birth_date":"1963-10-12"`) {
			t.Errorf("conflict: %+v (%v)", conflict, err)
		}
		// A stale base that changes another field is merged.
		res, err = trusted.Put(ctx, "people", kon, 1, "Birth place", &wiki.Person{Name: "Satoshi Kon", BirthPlace: "Sapporo"})
		if err != nil || res.Status != store.StatusAccepted {
			t.Fatalf("merged write: %+v, %v", res, err)
		}
		if p, _ := reader.Get(ctx, "people", kon); p["birth_date"] != "1963-10-12" || p["birth_place"] != "Sapporo" {
			t.Errorf("after a merged write the person is %v", p)
		}

		// One changeset makes a person and a work that credits them (-1: the first change's).
		res, err = trusted.Write(ctx, api.ChangesetWrite{Summary: "Perfect Blue", Changes: []api.ChangeWrite{
			{Kind: "person", Document: raw(t, wiki.Person{Name: "Sadayuki Murai"})},
			{Kind: "work", Document: raw(t, wiki.Work{Name: "Perfect Blue", Medium: wiki.MediumFilm,
				Credits: []wiki.Credit{{Person: -1, Role: "Screenplay"}, {Person: wiki.Ref(kon), Role: "Director"}}})},
		}})
		if err != nil || res.Status != store.StatusAccepted || len(res.Entities) != 2 {
			t.Fatalf("changeset: %+v, %v", res, err)
		}
		work, err := reader.Get(ctx, "works", res.Entities[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		credits, _ := work["credits"].([]any)
		if len(credits) != 2 || credits[0].(map[string]any)["person"].(map[string]any)["name"] != "Sadayuki Murai" {
			t.Errorf("the work's credits: %v", work["credits"])
		}

		// A read-only token cannot write (403); no token cannot (401); a revoked token cannot
		// even read (401).
		if _, err := reader.Put(ctx, "people", kon, 3, "", &wiki.Person{Name: "Kon"}); status(err) != http.StatusForbidden {
			t.Errorf("read-only token's write: %v, want 403", err)
		}
		if _, err := s.client("").Put(ctx, "people", kon, 3, "", &wiki.Person{Name: "Kon"}); status(err) != http.StatusUnauthorized {
			t.Errorf("write without a token: %v, want 401", err)
		}
		_, tok := s.token(mod, accounts.ScopeEdit)
		secret2, _ := s.token(mod, accounts.ScopeEdit)
		_ = tok
		list, _ := s.Accounts.Tokens(ctx, mod.ID)
		if err := s.Accounts.RevokeToken(ctx, mod.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.client(secret2).Put(ctx, "people", kon, 3, "", &wiki.Person{Name: "Kon"}); status(err) != http.StatusUnauthorized {
			t.Errorf("revoked token's write: %v, want 401", err)
		}
		if _, err := s.client(secret2).Get(ctx, "people", kon); status(err) != http.StatusUnauthorized {
			t.Errorf("revoked token's read: %v, want 401", err)
		}
		// A banned account's tokens stop working.
		if err := s.Store.Tx(ctx, func(tx *store.Tx) error { return tx.Ban(ctx, newbie.ID, "spam") }); err != nil {
			t.Fatal(err)
		}
		if _, err := queued.Get(ctx, "people", kon); status(err) != http.StatusForbidden {
			t.Errorf("banned account's read: %v, want 403", err)
		}
		if p, _ := reader.Get(ctx, "people", kon); p["name"] != "Satoshi Kon" || p["revision"] != float64(3) {
			t.Errorf("refused writes changed the person: %v", p)
		}
		if used, _ := s.Accounts.Tokens(ctx, mod.ID); used[len(used)-1].LastUsedAt == nil {
			t.Errorf("a used token has no last use: %+v", used)
		}
	})
}

func raw(t testing.TB, v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
