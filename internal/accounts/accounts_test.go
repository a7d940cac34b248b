package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

var cheap = auth.Params{Time: 1, Memory: 1024, Threads: 1}

func forEachEngine(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, engine))
		})
	}
}

func TestNamesAreTakenBySkeleton(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := New(st, Options{Password: cheap})
		if _, err := s.Add(ctx, "demo", "correct horse", auth.RoleEditor); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Add(ctx, "Jose\u0301", "correct horse", auth.RoleEditor); err != nil {
			t.Fatal(err)
		}
		for i, name := range []string{"Demo", "ｄｅｍｏ", "dеmo" /* Cyrillic е */, " DEMO ", "Jos\u00e9", "JOSÉ"} {
			_, err := s.SignUp(ctx, name, "correct horse", fmt.Sprintf("192.0.2.%d", i))
			if !errors.Is(err, ErrTaken) {
				t.Errorf("sign up as %q beside demo and José: %v, want ErrTaken", name, err)
			}
		}
		for _, tt := range []struct{ name, password string }{
			{"x", "correct horse"},            // too short
			{"\u200b\u200b", "correct horse"}, // nothing visible
			{"Nul\x00byte", "correct horse"},  // a NUL
			{"a\xffb", "correct horse"},       // invalid UTF-8
			{"rock<script>", "correct horse"}, // not a letter
			{"\u202ex", "correct horse"},      // too short once the override is gone
			{"fine name", "short"},            // password too short
		} {
			var ve *wiki.ValidationError
			if _, err := s.SignUp(ctx, tt.name, tt.password, "198.51.100.1"); !errors.As(err, &ve) {
				t.Errorf("sign up as %q: %v, want a validation error", tt.name, err)
			}
		}
		u, err := s.SignIn(ctx, "ＤＥＭＯ", "correct horse", "198.51.100.2")
		if err != nil || u.Name != "demo" {
			t.Errorf("sign in by a full-width spelling: %v %v, want demo", u.Name, err)
		}
	})
}

func TestSignUpLimit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := New(st, Options{Password: cheap})
		if _, err := s.SignUp(ctx, "taken", "correct horse", "203.0.113.1"); err != nil {
			t.Fatal(err)
		}
		// A sign-up refused for its name does not count.
		if _, err := s.SignUp(ctx, "Taken", "correct horse", "203.0.113.1"); !errors.Is(err, ErrTaken) {
			t.Fatalf("taken name: %v", err)
		}
		for i := 1; i < SignUpLimit.PerAddress; i++ {
			if _, err := s.SignUp(ctx, fmt.Sprintf("user %d", i), "correct horse", "203.0.113.1"); err != nil {
				t.Fatalf("sign-up %d: %v", i+1, err)
			}
		}
		var le *LimitError
		if _, err := s.SignUp(ctx, "one more", "correct horse", "203.0.113.1"); !errors.As(err, &le) || le.RetryAfter <= 0 {
			t.Errorf("a sign-up past the limit: %v, want a LimitError", err)
		}
		if _, err := s.SignUp(ctx, "one more", "correct horse", "203.0.113.2"); err != nil {
			t.Errorf("a sign-up from another address: %v", err)
		}
	})
}

// TestSignInLimitsHoldExactly makes many concurrent wrong sign-ins: exactly as many reach the
// password check as the limits allow, per address and per account.
func TestSignInLimitsHoldExactly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := New(st, Options{Password: cheap, Hashing: 4})
		if _, err := s.Add(ctx, "aoi", "correct horse", auth.RoleEditor); err != nil {
			t.Fatal(err)
		}
		count := func(n int, attempt func(i int) error) (mismatch, limited int) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					err := attempt(i)
					mu.Lock()
					defer mu.Unlock()
					var le *LimitError
					switch {
					case errors.Is(err, ErrMismatch):
						mismatch++
					case errors.As(err, &le):
						limited++
					default:
						t.Errorf("attempt %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			return mismatch, limited
		}
		// One address, many names.
		m, l := count(3*SignInLimit.PerAddress, func(i int) error {
			_, err := s.SignIn(ctx, fmt.Sprintf("nobody %d", i), "wrong password", "192.0.2.7")
			return err
		})
		if m != SignInLimit.PerAddress || l != 2*SignInLimit.PerAddress {
			t.Errorf("one address: %d checked and %d refused, want %d and %d", m, l, SignInLimit.PerAddress, 2*SignInLimit.PerAddress)
		}
		// One account, many addresses.
		m, l = count(6*SignInLimit.PerAccount, func(i int) error {
			_, err := s.SignIn(ctx, "aoi", "wrong password", fmt.Sprintf("198.51.100.%d", i))
			return err
		})
		if m != SignInLimit.PerAccount || l != 5*SignInLimit.PerAccount {
			t.Errorf("one account: %d checked and %d refused, want %d and %d", m, l, SignInLimit.PerAccount, 5*SignInLimit.PerAccount)
		}
		// The account's owner waits too; another account from a fresh address does not.
		var le *LimitError
		if _, err := s.SignIn(ctx, "aoi", "correct horse", "203.0.113.9"); !errors.As(err, &le) {
			t.Errorf("the right password during the account's lock: %v, want a LimitError", err)
		}
		if _, err := s.Add(ctx, "bea", "correct horse", auth.RoleEditor); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(ctx, "bea", "correct horse", "203.0.113.9"); err != nil {
			t.Errorf("another account from a fresh address: %v", err)
		}
	})
}

// TestBusy: a sign-in that cannot get its turn to hash answers ErrBusy, and is not counted.
func TestBusy(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := New(st, Options{Password: cheap, Hashing: 1, HashWait: 20 * time.Millisecond})
		if _, err := s.Add(ctx, "aoi", "correct horse", auth.RoleEditor); err != nil {
			t.Fatal(err)
		}
		s.hashing <- struct{}{} // every slot taken
		for range SignInLimit.PerAccount + 1 {
			if _, err := s.SignIn(ctx, "aoi", "wrong password", "192.0.2.1"); !errors.Is(err, ErrBusy) {
				t.Fatalf("sign-in with no slot: %v, want ErrBusy", err)
			}
		}
		<-s.hashing
		if _, err := s.SignIn(ctx, "aoi", "correct horse", "192.0.2.1"); err != nil {
			t.Errorf("after the busy spell, the right password: %v (busy attempts counted as failures?)", err)
		}
	})
}
