package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSignInStorm starts `kioku serve` behind a trusted proxy and sends it 500 concurrent sign-ins
// with wrong passwords from five addresses: the server's peak memory stays under 150 MB (password
// hashes take 64 MiB each, and at most one runs at once), no attempt gets a 500, the limits per
// address and per account hold exactly, and a right password works after the storm.
func TestSignInStorm(t *testing.T) {
	if raceEnabled {
		t.Skip("password hashing under the race detector is too slow, and its memory too large, to measure; make test runs this without it")
	}
	if testing.Short() {
		t.Skip("a storm of real password hashes takes several seconds")
	}
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"aoi", "bea"} {
		var out strings.Builder
		if err := run(ctx, []string{"user", "add", "--name", name, "--data", dir}, strings.NewReader("correct horse battery\n"), &out, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "serve", "--addr", addr, "--data", dir, "--trust-proxy")
	cmd.Env = append(os.Environ(), "KIOKU_MAIN=1")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 500},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signIn := func(name, password, address string) (int, string) {
		form := url.Values{"name": {name}, "password": {password}}
		req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113.250, "+address)
		res, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}

	const attempts, addresses = 500, 5
	checked := map[string]int{} // per address: attempts that reached the password check
	account := 0                // of aoi
	var mu sync.Mutex
	var wg sync.WaitGroup
	statuses := map[int]int{}
	for i := range attempts {
		wg.Go(func() {
			address := fmt.Sprintf("192.0.2.%d", i%addresses)
			name := fmt.Sprintf("nobody %d", i)
			if i%10 == 0 {
				name = "aoi"
			}
			status, _ := signIn(name, "wrong password", address)
			mu.Lock()
			defer mu.Unlock()
			statuses[status]++
			if status == http.StatusUnauthorized {
				checked[address]++
				if name == "aoi" {
					account++
				}
			}
		})
	}
	wg.Wait()
	t.Logf("statuses of %d concurrent sign-ins: %v", attempts, statuses)
	for status := range statuses {
		if status != http.StatusUnauthorized && status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
			t.Errorf("%d sign-ins answered %d", statuses[status], status)
		}
	}
	if peak := peakRSS(t, cmd.Process.Pid); peak > 150<<20 {
		t.Errorf("the server's peak memory was %d MB, want under 150", peak>>20)
	} else {
		t.Logf("the server's peak memory: %d MB", peak>>20)
	}

	// After the storm, one at a time: each address reaches exactly its limit, and aoi exactly its.
	for a := range addresses {
		address := fmt.Sprintf("192.0.2.%d", a)
		for n := 0; n < 30; n++ {
			status, body := signIn(fmt.Sprintf("after %d", n), "wrong password", address)
			if status == http.StatusTooManyRequests && strings.Contains(body, "from your address") {
				break
			}
			if status == http.StatusUnauthorized {
				checked[address]++
			}
		}
		if checked[address] != 20 {
			t.Errorf("%s: %d sign-ins reached the password check, want exactly 20", address, checked[address])
		}
	}
	for n := 0; n < 10; n++ {
		status, body := signIn("aoi", "wrong password", fmt.Sprintf("198.51.100.%d", n))
		if status == http.StatusTooManyRequests && strings.Contains(body, "for this account") {
			break
		}
		if status == http.StatusUnauthorized {
			account++
		}
	}
	if account != 5 {
		t.Errorf("aoi: %d sign-ins reached the password check, want exactly 5", account)
	}
	if status, _ := signIn("bea", "correct horse battery", "198.51.100.200"); status != http.StatusSeeOther {
		t.Errorf("the right password after the storm: %d, want 303", status)
	}
}

// peakRSS reads a process's peak resident memory, in bytes, from Linux's /proc.
func peakRSS(t *testing.T, pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Skipf("no /proc to measure memory: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
