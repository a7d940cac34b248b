package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

func TestTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := New(st, Options{Password: cheap})
		u, err := s.Add(ctx, "aoi", "correct horse", auth.RoleEditor)
		if err != nil {
			t.Fatal(err)
		}
		secret, tok, err := s.CreateToken(ctx, u, "  my   script ", []string{ScopeEdit, ScopeEdit})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, TokenPrefix) || len(secret) < len(TokenPrefix)+43 || tok.Name != "my script" || tok.Scopes != "read,edit" {
			t.Errorf("token %q: %+v", secret, tok)
		}
		if tok.TokenHash == secret || strings.Contains(tok.TokenHash, secret[len(TokenPrefix):]) {
			t.Error("the token is kept as it is")
		}
		got, err := s.Authenticate(ctx, secret)
		if err != nil || got.User.ID != u.ID || !got.Can(ScopeEdit) || !got.Can(ScopeRead) || got.LastUsedAt == nil {
			t.Fatalf("authenticate: %+v, %v", got, err)
		}
		for _, bad := range []string{"", "kioku_", secret + "x", strings.TrimPrefix(secret, TokenPrefix), TokenPrefix + strings.Repeat("a", 300)} {
			if _, err := s.Authenticate(ctx, bad); !errors.Is(err, ErrBadToken) {
				t.Errorf("authenticate %q: %v, want ErrBadToken", bad, err)
			}
		}
		for _, c := range []struct {
			name   string
			scopes []string
		}{{"", nil}, {"   ", nil}, {strings.Repeat("x", 61), nil}, {"a\x00b", nil}, {"ok", []string{"admin"}}} {
			if _, _, err := s.CreateToken(ctx, u, c.name, c.scopes); !errors.As(err, new(*wiki.ValidationError)) {
				t.Errorf("token %q %v: %v, want a validation error", c.name, c.scopes, err)
			}
		}
		for range MaxTokens - 1 {
			if _, _, err := s.CreateToken(ctx, u, "more", nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.CreateToken(ctx, u, "one too many", nil); !errors.As(err, new(*wiki.ValidationError)) {
			t.Errorf("token %d: %v", MaxTokens+1, err)
		}
		// A ban stops the tokens; lifting it lets them work again.
		if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.Ban(ctx, u.ID, "spam") }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, secret); !errors.As(err, new(*wiki.RefusedError)) {
			t.Errorf("a banned account's token: %v", err)
		}
		if err := st.Unban(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, secret); err != nil {
			t.Errorf("after the ban is lifted: %v", err)
		}
		if err := s.RevokeToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, secret); !errors.Is(err, ErrBadToken) {
			t.Errorf("a revoked token: %v", err)
		}
		if err := s.RevokeToken(ctx, u.ID, tok.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking it again: %v", err)
		}
	})
}
