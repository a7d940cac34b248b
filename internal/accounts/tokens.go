package accounts

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Scopes of personal API tokens: ScopeRead reads (as anyone may, but counted against the token's
// own limit), ScopeEdit also writes through the edit path as the token's account.
const (
	ScopeRead = "read"
	ScopeEdit = "edit"
)

// TokenPrefix starts every personal API token, so that one pasted where it should not be is
// recognisable (and found by secret scanners).
const TokenPrefix = "kioku_"

// MaxTokens is how many API tokens one account may hold.
const MaxTokens = 20

// ErrBadToken: the token is not one of any account's (never made, or revoked).
var ErrBadToken = errors.New("accounts: unknown or revoked API token")

// Token is an API token's account and what it may do.
type Token struct {
	store.APIToken
	User store.User
}

// Can reports whether the token carries scope.
func (t Token) Can(scope string) bool {
	return slices.Contains(strings.Split(t.Scopes, ","), scope)
}

// CreateToken makes a personal API token for an account, named by its owner, with the given
// scopes (read, and edit for a token that writes). It returns the token, which is shown once:
// only its hash is kept. A token has 256 random bits.
func (s *Service) CreateToken(ctx context.Context, u store.User, name string, scopes []string) (string, store.APIToken, error) {
	if u.BannedAt != nil {
		return "", store.APIToken{}, wiki.Refused("A banned account cannot make API tokens.")
	}
	name, problem := wiki.CleanText(name, false)
	name = strings.Join(strings.Fields(name), " ")
	if problem != "" || name == "" || len([]rune(name)) > 60 {
		return "", store.APIToken{}, wiki.Invalid("A token's name has 1 to 60 characters.")
	}
	set := []string{ScopeRead}
	for _, sc := range scopes {
		switch sc {
		case ScopeRead:
		case ScopeEdit:
			if !auth.Role(u.Role).Can(auth.Edit) {
				return "", store.APIToken{}, wiki.Refused("This account may not edit, so its tokens cannot either.")
			}
			if !slices.Contains(set, ScopeEdit) {
				set = append(set, ScopeEdit)
			}
		default:
			return "", store.APIToken{}, wiki.Invalid("There is no scope %q: a token may read, or read and edit.", sc)
		}
	}
	n, err := s.store.CountAPITokens(ctx, u.ID)
	if err != nil {
		return "", store.APIToken{}, err
	}
	if n >= MaxTokens {
		return "", store.APIToken{}, wiki.Invalid("An account may hold %d tokens: revoke one you no longer use first.", MaxTokens)
	}
	secret := TokenPrefix + auth.NewToken()
	t := store.APIToken{UserID: u.ID, Name: name, TokenHash: auth.TokenHash(secret), Scopes: strings.Join(set, ","),
		CreatedAt: time.Now().UTC()}
	if t.ID, err = s.store.CreateAPIToken(ctx, t); err != nil {
		return "", store.APIToken{}, err
	}
	return secret, t, nil
}

// Tokens lists an account's API tokens, newest first.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]store.APIToken, error) {
	return s.store.APITokensOf(ctx, userID)
}

// RevokeToken deletes one of an account's tokens: it stops working at once, on every instance.
func (s *Service) RevokeToken(ctx context.Context, userID, id int64) error {
	return s.store.DeleteAPIToken(ctx, userID, id)
}

// touchEvery is how often a token's last use is written: not on every request.
const touchEvery = time.Minute

// Authenticate finds the account of an API token. An unknown or revoked token is ErrBadToken;
// a banned account's tokens are refused (*wiki.RefusedError) until the ban is lifted.
func (s *Service) Authenticate(ctx context.Context, secret string) (Token, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 200 {
		return Token{}, ErrBadToken
	}
	t, u, err := s.store.APITokenByHash(ctx, auth.TokenHash(secret))
	if errors.Is(err, store.ErrNotFound) {
		return Token{}, ErrBadToken
	}
	if err != nil {
		return Token{}, err
	}
	if u.BannedAt != nil {
		return Token{}, wiki.Refused("This account is banned: %s", u.BanReason)
	}
	now := time.Now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		if err := s.store.TouchAPIToken(ctx, t.ID, now); err != nil {
			return Token{}, err
		}
		t.LastUsedAt = &now
	}
	return Token{APIToken: t, User: u}, nil
}
