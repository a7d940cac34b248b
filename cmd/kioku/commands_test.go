package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
)

// demoOn returns the address of a store of the engine holding the demo wiki, entered through
// package edit as the site's forms enter edits.
func demoOn(t *testing.T, engine store.Engine) string {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, engine)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, &edit.Service{Store: st}, auth.Params{Time: 1, Memory: 1024, Threads: 1}); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// count runs a query that counts rows in the store at dsn.
func count(t *testing.T, dsn, query string) int {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestMigrateCommand migrates a new store, named by its data folder or by --database, and then
// again: both times it says the store is up to date, and the store holds the site's tables.
func TestMigrateCommand(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, engine)
			args := []string{"migrate", "--database", dsn}
			if engine == store.SQLite {
				// The data folder's default file, in a folder that does not exist yet.
				dir := filepath.Join(t.TempDir(), "data")
				args, dsn = []string{"migrate", "--data", dir}, filepath.Join(dir, "kioku.db")
			}
			for range 2 {
				var stdout, stderr bytes.Buffer
				if err := run(context.Background(), args, nil, &stdout, &stderr); err != nil {
					t.Fatalf("migrate: %v\n%s", err, stderr.String())
				}
				if got := stdout.String(); got != "store is up to date\n" {
					t.Errorf("migrate printed %q", got)
				}
			}
			if n := count(t, dsn, `SELECT COUNT(*) FROM entities`); n != 0 {
				t.Errorf("a new store holds %d entities", n)
			}
		})
	}
}

// TestReindexCommand rebuilds the projections of the demo wiki after they were lost: they are
// as they were, and the command says how many entities it indexed. With --background it only
// queues the work for a serving instance.
func TestReindexCommand(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			dsn := demoOn(t, engine)
			projections := `SELECT (SELECT COUNT(*) FROM links) * 1000000 + (SELECT COUNT(*) FROM works) * 1000 + (SELECT COUNT(*) FROM external_ids)`
			before, entities := count(t, dsn, projections), count(t, dsn, `SELECT COUNT(*) FROM entities`)
			if before == 0 || entities == 0 {
				t.Fatalf("the demo has %d entities and projections %d", entities, before)
			}
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			for _, table := range []string{"links", "works", "external_ids"} {
				if _, err := st.DB().Exec(`DELETE FROM ` + table); err != nil {
					t.Fatal(err)
				}
			}
			st.Close()

			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), []string{"reindex", "--database", dsn}, nil, &stdout, &stderr); err != nil {
				t.Fatalf("reindex: %v\n%s", err, stderr.String())
			}
			if got, want := stdout.String(), "rebuilt the projections of "+strconv.Itoa(entities)+" entities\n"; got != want {
				t.Errorf("reindex printed %q, want %q", got, want)
			}
			if after := count(t, dsn, projections); after != before {
				t.Errorf("projections %d after reindexing, want %d as before", after, before)
			}

			stdout.Reset()
			if err := run(context.Background(), []string{"reindex", "--background", "--database", dsn}, nil, &stdout, &stderr); err != nil {
				t.Fatalf("reindex --background: %v\n%s", err, stderr.String())
			}
			if !regexp.MustCompile(`^queued job \d+: a serving instance will rebuild the projections\n$`).MatchString(stdout.String()) {
				t.Errorf("reindex --background printed %q", stdout.String())
			}
			if n := count(t, dsn, `SELECT COUNT(*) FROM jobs WHERE kind = 'reindex'`); n != 1 {
				t.Errorf("%d reindex jobs queued, want 1", n)
			}
		})
	}
}

// TestCommandUsage gives kioku no command, help, an unknown command and bad flags: help goes to
// standard output and succeeds; the others fail with the usage or the flag's error, and touch
// no store.
func TestCommandUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		wantErr    string // "" for success
		wantStdout string
		wantStderr string
	}{
		{"no command", nil, "no command given", "", "Usage:"},
		{"help", []string{"help"}, "", "Usage:", ""},
		{"-h", []string{"-h"}, "", "kioku serve", ""},
		{"--help", []string{"--help"}, "", "kioku reindex", ""},
		{"unknown", []string{"frobnicate"}, `unknown command "frobnicate"`, "", "Usage:"},
		{"serve, unknown flag", []string{"serve", "--port", "80", "--data", dir}, "flag provided but not defined: -port", "", "-addr"},
		{"serve, bad number", []string{"serve", "--trust-after", "many", "--data", dir}, "invalid value", "", ""},
		{"migrate, flag without value", []string{"migrate", "--data"}, "flag needs an argument", "", ""},
		{"reindex, serve's flag", []string{"reindex", "--demo", "--data", dir}, "flag provided but not defined: -demo", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, nil, &stdout, &stderr)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("run(%q) = %v, want success", tt.args, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("run(%q) = %v, want an error saying %q", tt.args, err, tt.wantErr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) || tt.wantStdout == "" && stdout.Len() > 0 {
				t.Errorf("run(%q) printed %q, want %q", tt.args, stdout.String(), tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("run(%q) wrote %q to standard error, want %q in it", tt.args, stderr.String(), tt.wantStderr)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("refused commands left %d files in the data folder", len(entries))
	}
}

// TestServeProcess runs `kioku serve --demo` as a process of its own, as a system's service
// manager would: it says where it listens, answers the health check and the pages with the
// site's headers, lets the demo account sign in with the password it printed and open the review
// queue, where the demo newcomer's edit waits, and on SIGTERM stops serving and exits with status 0.
func TestServeProcess(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			args := []string{"serve", "--addr", "127.0.0.1:0", "--demo"}
			if engine == store.SQLite {
				args = append(args, "--data", t.TempDir())
			} else {
				args = append(args, "--database", storetest.DSN(t, engine))
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "KIOKU_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			stdout := make(chan string, 10)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					stdout <- sc.Text()
				}
				close(stdout)
				exited <- cmd.Wait()
			}()
			t.Cleanup(func() { _ = cmd.Process.Kill() }) // done already, unless the test failed

			var base, password string
			serving := regexp.MustCompile(`^Kioku is serving (http://127\.0\.0\.1:\d+)/ \(store: ` + string(engine) + `\)$`)
			account := regexp.MustCompile(`^demo account: name "demo", password "(.+)"$`)
			for base == "" {
				select {
				case line, ok := <-stdout:
					if !ok {
						t.Fatalf("serve ended before serving: %v\n%s", <-exited, stderr.String())
					}
					if m := serving.FindStringSubmatch(line); m != nil {
						base = m[1]
					} else if m := account.FindStringSubmatch(line); m != nil {
						password = m[1]
					} else {
						t.Errorf("serve printed %q", line)
					}
				case <-time.After(2 * time.Minute):
					t.Fatalf("serve did not start\n%s", stderr.String())
				}
			}
			if password == "" {
				t.Error("serve --demo printed no demo account")
			}

			client := &http.Client{Timeout: 30 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			get := func(path string) (*http.Response, string) {
				res, err := client.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				body, _ := io.ReadAll(res.Body)
				return res, string(body)
			}
			if res, body := get("/healthz"); res.StatusCode != http.StatusOK || body != "ok\n" {
				t.Errorf("/healthz: %d %q", res.StatusCode, body)
			}
			res, body := get("/")
			works := regexp.MustCompile(`id="size">([1-9]\d*) works`).FindStringSubmatch(body)
			if res.StatusCode != http.StatusOK || works == nil ||
				!strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("/: status %d, policy %q, the demo's works counted: %q", res.StatusCode,
					res.Header.Get("Content-Security-Policy"), works)
			}
			res, err = client.PostForm(base+"/login", url.Values{"name": {demo.Account}, "password": {password}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
				t.Errorf("signing in with the demo account: status %d, %d cookies", res.StatusCode, len(res.Cookies()))
			}
			// The demo account is a moderator's, and the demo newcomer's edit waits for it.
			req, err := http.NewRequest(http.MethodGet, base+"/queue", nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Cookies() {
				req.AddCookie(c)
			}
			res, err = client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			queue, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(queue), ">"+demo.Newcomer+"</a>") {
				t.Errorf("the demo account's /queue: status %d, the newcomer's edit shown: %t", res.StatusCode,
					strings.Contains(string(queue), ">"+demo.Newcomer+"</a>"))
			}

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("serve exited with %v after SIGTERM\n%s", err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("serve did not stop after SIGTERM\n%s", stderr.String())
			}
			if _, err := client.Get(base + "/healthz"); err == nil {
				t.Error("still serving after exiting")
			}
			if strings.Contains(stderr.String(), "level=ERROR") {
				t.Errorf("serve logged errors:\n%s", stderr.String())
			}
		})
	}
}

// TestServeCannotListen starts `kioku serve` on an address it cannot listen on: it exits with
// status 1 and says why.
func TestServeCannotListen(t *testing.T) {
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:99999", "--data", t.TempDir())
	cmd.Env = append(os.Environ(), "KIOKU_MAIN=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 || !strings.Contains(string(out), "kioku: listen tcp") {
		t.Errorf("serve on port 99999: %v, want exit status 1 saying it cannot listen\n%s", err, out)
	}
}
