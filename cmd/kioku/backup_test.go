package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// TestBackupCommand backs up the demo wiki with `kioku backup`, with the store named by its data
// folder or by --database, and checks that the copy holds every row and that a second backup to
// the same file is refused.
func TestBackupCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := demoStore(t)
	target := filepath.Join(t.TempDir(), "backups", "2026", "kioku.db") // the folders do not exist yet

	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"backup", "--data", filepath.Dir(src), target}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr.String())
	}
	info, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), fmt.Sprintf("wrote %s (%s)\n", target, byteSize(info.Size())); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
	if !strings.Contains(stdout.String(), fmt.Sprintf(", %d bytes)", info.Size())) {
		t.Errorf("output %q does not give the size in bytes", stdout.String())
	}
	if diff := cmp.Diff(checksums(t, src), checksums(t, target)); diff != "" {
		t.Errorf("the backup differs from the store (-store +backup):\n%s", diff)
	}

	// Again to the same file, the path now after the flag: refused, and the file is untouched.
	before, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	err = run(ctx, []string{"backup", target, "--database", src}, nil, &stdout, &stderr)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), target+" already exists") {
		t.Errorf("backup to an existing file: err = %v, want one saying it exists", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("a refused backup printed %q", stdout.String())
	}
	if after, _ := os.ReadFile(target); !bytes.Equal(before, after) {
		t.Error("a refused backup changed the existing file")
	}
}

func TestBackupCommandUsage(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	target := filepath.Join(t.TempDir(), "kioku.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no path", []string{"backup", "--data", empty}, "usage: kioku backup PATH"},
		{"two paths", []string{"backup", "--data", empty, target, target + "2"}, "usage: kioku backup PATH"},
		{"no store", []string{"backup", "--data", empty, target}, "no such file"},
		{"bad flag", []string{"backup", "--date", empty, target}, "flag provided but not defined"},
	}
	if pg := os.Getenv(storetest.EnvPostgres); pg != "" {
		tests = append(tests, struct {
			name string
			args []string
			want string
		}{"postgres", []string{"backup", "--database", pg, target}, "pg_dump: see docs/deploy.md"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error saying %q", tt.args, err, tt.want)
			}
		})
	}
	for _, p := range []string{target, filepath.Join(empty, "kioku.db")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("a failed backup left %s", p)
		}
	}
}

// TestBackupProcess runs `kioku backup` as a process of its own while this process keeps
// editing the store, as a server would: every edit acknowledged before the backup started is in
// the copy, and a second backup to the same file exits with status 1 and says why.
func TestBackupProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := demoStore(t)
	st, err := store.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := &edit.Service{Store: st}
	author, err := st.CreateUser(ctx, "writer", "x", string(auth.RoleTrusted))
	if err != nil {
		t.Fatal(err)
	}
	work, _, err := svc.Create(ctx, author, "new", wiki.KindWork, &wiki.Work{Name: "Backup Test", Medium: wiki.MediumTV})
	if err != nil {
		t.Fatal(err)
	}

	// The writer edits the work until stopped; acked is the work's last acknowledged revision.
	var (
		mu    sync.Mutex
		acked = 1
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	more := make(chan struct{}, 1) // a signal per acknowledged edit
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			base := acked
			mu.Unlock()
			_, err := svc.UpdateWork(ctx, author, "deck", work, base, func(_ context.Context, _ *edit.Changes, w *wiki.Work) error {
				w.Deck = fmt.Sprintf("Edit number %d.", i)
				return nil
			})
			if err != nil {
				t.Errorf("edit %d: %v", i, err)
				return
			}
			mu.Lock()
			acked = base + 1
			mu.Unlock()
			select {
			case more <- struct{}{}:
			default:
			}
		}
	})
	defer func() { close(stop); wg.Wait() }()
	nextEdit := func() {
		t.Helper()
		select {
		case <-more:
		case <-time.After(10 * time.Second):
			t.Fatal("the writer made no edit in 10 s")
		}
	}
	for range 3 {
		nextEdit()
	}

	target := filepath.Join(t.TempDir(), "kioku.db")
	backup := func() (string, error) {
		cmd := exec.Command(os.Args[0], "backup", "--database", src, target)
		cmd.Env = append(os.Environ(), "KIOKU_MAIN=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	mu.Lock()
	before := acked
	mu.Unlock()
	out, err := backup()
	if err != nil {
		t.Fatalf("kioku backup: %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, "wrote "+target+" (") {
		t.Errorf("kioku backup printed %q", out)
	}
	nextEdit() // the writer went on after the backup

	copied, err := store.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	var check string
	if err := copied.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check of the backup = %q, %v; want ok", check, err)
	}
	e, err := copied.Entity(ctx, work)
	if err != nil {
		t.Fatal(err)
	}
	if e.Head < before {
		t.Errorf("the backup holds revision %d of the work; revision %d was acknowledged before it started", e.Head, before)
	}
	revs, err := copied.Revisions(ctx, work)
	if err != nil || len(revs) != e.Head {
		t.Errorf("the backup holds %d revisions of the work at head %d (%v)", len(revs), e.Head, err)
	}
	t.Logf("revision %d acknowledged before the backup, %d in it", before, e.Head)

	out, err = backup()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second kioku backup to %s: %v, want exit status 1\n%s", target, err, out)
	}
	if want := "kioku: store: backup: " + target + " already exists"; !strings.Contains(out, want) {
		t.Errorf("second kioku backup said %q, want %q", out, want)
	}
}

// checksums sums every table of the SQLite store at path.
func checksums(t *testing.T, path string) map[string]store.TableSum {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sums, err := store.Checksum(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return sums
}
