// Package accounts owns the rules of accounts: what a name may be, passwords, signing up and
// in with their limits, sessions, roles and bans. The web pages, the command line and the API
// call it; none of them holds a rule of its own.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Limits on attempts, per account name and per address, in their window. Each sign-in costs a
// password hash (64 MiB of memory), so the limits are taken before it.
var (
	SignInLimit = store.AttemptLimit{Kind: "sign-in", Window: 15 * time.Minute, PerAccount: 5, PerAddress: 20}
	SignUpLimit = store.AttemptLimit{Kind: "sign-up", Window: time.Hour, PerAddress: 5}
)

// HashingMemory bounds, in KiB, the memory that password hashes under way may take together
// unless Options.Hashing says otherwise: with the default cost, one hash at a time, which keeps a
// server under a flood of sign-ins within about 150 MB.
const HashingMemory = 96 * 1024

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 30 * 24 * time.Hour

// Service carries out account rules over a store. Build it with New.
type Service struct {
	store    *store.Store
	password auth.Params
	// hashing holds a token for each password hash under way: each takes the memory of the
	// hashing parameters, and a flood of sign-ins must not take all of the machine's.
	hashing  chan struct{}
	hashWait time.Duration
	// dummyHash is checked against when a sign-in names no account, so that the answer takes
	// as long as for a real one.
	dummyHash func() string
}

// Options are the settings of a Service.
type Options struct {
	// Password is the cost of hashing passwords.
	Password auth.Params
	// Hashing is how many passwords may be hashed at once; 0 means as many as fit in
	// HashingMemory, at least one and at most one per core.
	Hashing int
	// HashWait is how long a sign-in waits for its turn to hash before the server says it is
	// busy; 0 means two seconds.
	HashWait time.Duration
}

// New builds the service.
func New(st *store.Store, o Options) *Service {
	if o.Hashing <= 0 {
		o.Hashing = min(max(1, HashingMemory/max(1, int(o.Password.Memory))), runtime.NumCPU())
	}
	if o.HashWait <= 0 {
		o.HashWait = 2 * time.Second
	}
	s := &Service{store: st, password: o.Password, hashing: make(chan struct{}, o.Hashing), hashWait: o.HashWait}
	s.dummyHash = sync.OnceValue(func() string { return auth.Hash(auth.NewToken(), o.Password) })
	return s
}

// Errors of the service, besides *wiki.ValidationError for a name or password that breaks a rule.
var (
	// ErrMismatch: the name and password do not match an account.
	ErrMismatch = errors.New("accounts: that name and password do not match an account")
	// ErrBusy: too many passwords are being hashed; try again in a moment.
	ErrBusy = errors.New("accounts: too many sign-ins at once")
	// ErrTaken: the name, or one too like it, belongs to another account.
	ErrTaken = errors.New("accounts: the name is taken")
)

// LimitError refuses an attempt past its limit, saying when the next may be made.
type LimitError struct {
	Message    string
	RetryAfter time.Duration
}

func (e *LimitError) Error() string { return e.Message }

// BannedError refuses a sign-in to a banned account: only someone who knows its password learns
// of the ban, and why.
type BannedError struct{ Reason string }

func (e *BannedError) Error() string { return "This account is banned: " + e.Reason }

// Name checks an account name and returns it as it will be kept: spaces trimmed and runs of them
// made one, in NFC. A name has 2 to 40 letters of any script, digits, spaces and _ - . .
func Name(name string) (string, error) {
	name, problem := wiki.CleanText(name, false)
	if problem != "" {
		return "", wiki.Invalid("the name %s", problem)
	}
	name = strings.Join(strings.Fields(name), " ")
	if n := utf8.RuneCountInString(name); n < 2 || n > 40 {
		return "", wiki.Invalid("A name has 2 to 40 characters.")
	}
	for _, c := range name {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune(" _-.", c) {
			return "", wiki.Invalid("A name has only letters, digits, spaces and _ - .")
		}
	}
	return name, nil
}

// Password checks a new password.
func Password(password string) error {
	if err := auth.CheckPassword(password); err != nil {
		return wiki.Invalid("%s", sentence(err.Error()))
	}
	return nil
}

// Add makes an account with a role, as an administrator does from the command line: no limit
// on attempts, the same rules for the name and the password.
func (s *Service) Add(ctx context.Context, name, password string, role auth.Role) (store.User, error) {
	name, err := newAccount(name, password)
	if err != nil {
		return store.User{}, err
	}
	return s.create(ctx, name, password, role)
}

// SignUp makes an editor's account for someone at address. Sign-ups are limited per address.
func (s *Service) SignUp(ctx context.Context, name, password, address string) (store.User, error) {
	// A name or password that breaks a rule is no attempt: it is refused before one is counted.
	name, err := newAccount(name, password)
	if err != nil {
		return store.User{}, err
	}
	id, err := s.store.ReserveAttempt(ctx, SignUpLimit, "", address)
	if err != nil {
		return store.User{}, limited(err, "sign-ups")
	}
	u, err := s.create(ctx, name, password, auth.RoleEditor)
	if err != nil {
		// A sign-up that made no account does not count.
		return store.User{}, errors.Join(err, s.store.ForgetAttempt(context.WithoutCancel(ctx), id))
	}
	return u, nil
}

// newAccount checks the name and password of a new account, and returns the name as it is kept.
func newAccount(name, password string) (string, error) {
	name, err := Name(name)
	if err != nil {
		return "", err
	}
	return name, Password(password)
}

// create makes an account of a name and password newAccount checked.
func (s *Service) create(ctx context.Context, name, password string, role auth.Role) (store.User, error) {
	if role != auth.RoleImporter && !role.Valid() {
		return store.User{}, wiki.Invalid("there is no role called %q", role)
	}
	hash, err := s.hash(ctx, func() (string, error) { return auth.Hash(password, s.password), nil })
	if err != nil {
		return store.User{}, err
	}
	id, err := s.store.CreateUser(ctx, name, hash, string(role))
	if errors.Is(err, store.ErrExists) {
		return store.User{}, fmt.Errorf("%w: %q, or a name too like it, belongs to another account", ErrTaken, name)
	}
	if err != nil {
		return store.User{}, err
	}
	return s.store.UserByID(ctx, id)
}

// SignIn checks a name and password from address and returns the account. The attempt is counted
// against the limits before the password is hashed, and given back if it succeeds.
func (s *Service) SignIn(ctx context.Context, name, password, address string) (store.User, error) {
	name = strings.TrimSpace(name)
	key := store.UserKey(name)
	id, err := s.store.ReserveAttempt(ctx, SignInLimit, key, address)
	if err != nil {
		return store.User{}, limited(err, "failed sign-ins")
	}
	u, err := s.signIn(ctx, name, password)
	if errors.Is(err, ErrMismatch) {
		return store.User{}, err // the reservation stays: it is a failed sign-in
	}
	// Anything else is no failed sign-in: the attempt is given back, and on success the
	// account's earlier failures are forgotten.
	ctx = context.WithoutCancel(ctx)
	if ferr := s.store.ForgetAttempt(ctx, id); ferr != nil && err == nil {
		err = ferr
	}
	if err == nil {
		err = s.store.ClearLoginFailures(ctx, key)
	}
	if err != nil {
		return store.User{}, err
	}
	return u, nil
}

func (s *Service) signIn(ctx context.Context, name, password string) (store.User, error) {
	if bad(name) || bad(password) || len(password) > 1024 {
		return store.User{}, ErrMismatch
	}
	u, err := s.store.UserByName(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err
	}
	_, err = s.hash(ctx, func() (string, error) {
		hash := u.PasswordHash
		if u.ID == 0 {
			// Spend the same time on unknown names as on known ones. (Making the dummy hash
			// the first time is a hash too: it takes its turn.)
			hash = s.dummyHash()
		}
		return "", auth.Verify(password, hash)
	})
	switch {
	case errors.Is(err, auth.ErrMismatch) || err == nil && u.ID == 0:
		return store.User{}, ErrMismatch
	case err != nil:
		return store.User{}, err
	case u.BannedAt != nil:
		return store.User{}, &BannedError{Reason: u.BanReason}
	}
	return u, nil
}

// hash runs fn, a password hash, when a hashing slot is free: at once, or after waiting at most
// the service's HashWait; then it gives up with ErrBusy.
func (s *Service) hash(ctx context.Context, fn func() (string, error)) (string, error) {
	t := time.NewTimer(s.hashWait)
	defer t.Stop()
	select {
	case s.hashing <- struct{}{}:
	case <-t.C:
		return "", ErrBusy
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.hashing }()
	out, err := fn()
	if s.password.Memory >= bigHash {
		// The hash's memory is garbage now: collected before the next hash takes its turn, it
		// is reused by it instead of being added to it.
		runtime.GC()
	}
	return out, err
}

// bigHash is the memory, in KiB, from which a password hash is worth a collection after it.
const bigHash = 16 * 1024

// ChangePassword replaces an account's password, given its current one.
func (s *Service) ChangePassword(ctx context.Context, u store.User, current, next string) error {
	if err := Password(next); err != nil {
		return err
	}
	_, err := s.hash(ctx, func() (string, error) { return "", auth.Verify(current, u.PasswordHash) })
	if errors.Is(err, auth.ErrMismatch) {
		return wiki.Invalid("The current password is not right.")
	}
	if err != nil {
		return err
	}
	hash, err := s.hash(ctx, func() (string, error) { return auth.Hash(next, s.password), nil })
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, u.ID, hash)
}

// StartSession records a session for an account signed in at address with a browser, and
// returns its token (for the cookie) and when it ends.
func (s *Service) StartSession(ctx context.Context, userID int64, address, browser string) (string, time.Time, error) {
	token := auth.NewToken()
	expires := time.Now().Add(SessionLifetime)
	if len(browser) > 200 {
		browser = browser[:200]
	}
	browser = strings.ToValidUTF8(strings.ReplaceAll(browser, "\x00", ""), "")
	if bad(address) || len(address) > 100 {
		address = ""
	}
	if err := s.store.CreateSessionFrom(ctx, auth.TokenHash(token), userID, auth.NewToken(), expires, address, browser); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// limited turns a refused reservation into a LimitError, what names what was limited.
func limited(err error, what string) error {
	le, ok := errors.AsType[*store.LimitedError](err)
	if !ok {
		return err
	}
	if le.ByAccount {
		what += " for this account"
	} else {
		what += " from your address"
	}
	retry := max(time.Until(le.Until), time.Second)
	minutes, unit := max(1, int((retry+time.Minute-1)/time.Minute)), "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	return &LimitError{RetryAfter: retry, Message: fmt.Sprintf("Too many %s. Try again in about %d %s.", what, minutes, unit)}
}

func bad(s string) bool { return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 }

// sentence turns an error message into a sentence: capital first letter, full stop.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[n:] + "."
}
