// Command screenshots writes PNG pictures of Kioku's main pages, at a desktop's width and a
// phone's, from the demo data: it starts a Kioku of its own on a temporary SQLite file with the
// demo loaded, opens each page in a headless Chromium and captures the whole page. `make
// screenshots` runs it into docs/screenshots/; it is not part of `make test`.
//
//	go run ./internal/screenshots [-out docs/screenshots] [-chromium PATH] [-pages work,person] [-dark]
//
// -dark captures the pages in their dark colours, as a system set to dark shows them, into
// files whose names end in -dark.
// The browser is -chromium, else $KIOKU_CHROMIUM, else chromium on the PATH. Pictures are
// reduced to 256 colours and compressed as well as the standard library can, so that the two
// kept in the repository stay small.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

// width is one width pages are captured at, named in the files' names.
type width struct {
	Name   string
	Width  int64
	Height int64 // the window's; the picture is as tall as the page
}

var widths = []width{{"desktop", 1280, 800}, {"phone", 390, 844}}

// shot is one page to capture: its name in the files' names, and its address on the demo wiki
// (found once the demo is loaded, since ids are the store's).
type shot struct {
	Name string
	Path func(ctx context.Context, st *store.Store) (string, error)
}

// fixed is a shot's address that needs no lookup.
func fixed(path string) func(context.Context, *store.Store) (string, error) {
	return func(context.Context, *store.Store) (string, error) { return path, nil }
}

// named is the address of the page of kind and name, plus suffix.
func named(kind wiki.Kind, name, suffix string) func(context.Context, *store.Store) (string, error) {
	return func(ctx context.Context, st *store.Store) (string, error) {
		list, err := st.EntitiesByName(ctx, kind, name)
		if err != nil {
			return "", err
		}
		if len(list) == 0 {
			return "", fmt.Errorf("the demo has no %s named %s", kind, name)
		}
		return list[0].Path() + suffix, nil
	}
}

var shots = []shot{
	{"work", named(wiki.KindWork, "Memories", "")},
	{"person", named(wiki.KindPerson, "Katsuhiro Otomo", "")},
	{"search", fixed("/search?list=1&q=" + url.QueryEscape("memories"))},
	{"history", named(wiki.KindWork, "Memories", "/history")},
	{"diff", named(wiki.KindWork, "Memories", "/diff?to=2")},
	{"recent-changes", fixed("/recent-changes")},
	{"home", fixed("/")},
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("screenshots", flag.ContinueOnError)
	out := fs.String("out", "docs/screenshots", "folder to write the pictures to")
	exe := fs.String("chromium", getenv("KIOKU_CHROMIUM"), "the Chromium to capture with (default: chromium on the PATH)")
	dark := fs.Bool("dark", false, "capture the pages' dark colours")
	only := fs.String("pages", "", "comma-separated names of the pages to capture (default: all: "+names()+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *exe == "" {
		p, err := exec.LookPath("chromium")
		if err != nil {
			return errors.New("no chromium on the PATH: name one with -chromium or KIOKU_CHROMIUM")
		}
		*exe = p
	}
	var todo []shot
	for _, s := range shots {
		if *only == "" || slices.Contains(strings.Split(*only, ","), s.Name) {
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return fmt.Errorf("no page among %q; the pages are %s", *only, names())
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "kioku-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	base, st, stopSite, err := startDemo(ctx, filepath.Join(tmp, "kioku.db"))
	if err != nil {
		return err
	}
	defer stopSite()

	browser, cancel := startBrowser(ctx, *exe, filepath.Join(tmp, "chromium"))
	defer cancel()
	// The browser starts now, with the browser context: started by the first capture, it
	// would end with that capture's own context.
	if err := chromedp.Do(browser); err != nil {
		return err
	}
	suffix := ""
	if *dark {
		suffix = "-dark"
		scheme := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
		if _, err := chromedp.Call(browser, emulation.SetEmulatedMedia, scheme); err != nil {
			return err
		}
	}
	for _, s := range todo {
		path, err := s.Path(ctx, st)
		if err != nil {
			return err
		}
		for _, w := range widths {
			file := filepath.Join(*out, s.Name+"-"+w.Name+suffix+".png")
			if err := capture(browser, base+path, w, file); err != nil {
				return fmt.Errorf("%s at %s: %w", s.Name, w.Name, err)
			}
			info, err := os.Stat(file)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s (%d KB)\n", file, (info.Size()+1023)/1024)
		}
	}
	return nil
}

func names() string {
	var n []string
	for _, s := range shots {
		n = append(n, s.Name)
	}
	return strings.Join(n, ",")
}

// startDemo serves a new wiki on the SQLite file at path, with the demo loaded, on a free port
// of the loopback interface. It returns the site's address and its store, and a function that
// stops it.
func startDemo(ctx context.Context, path string) (string, *store.Store, func(), error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return "", nil, nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return "", nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The demo account's password is never used here: hash it cheaply.
	in, err := server.NewInstance(st, log, web.Settings{Password: auth.Params{Time: 1, Memory: 1024, Threads: 1}})
	if err != nil {
		st.Close()
		return "", nil, nil, err
	}
	if _, err := demo.Load(ctx, in.App.Edits(), auth.Params{Time: 1, Memory: 1024, Threads: 1}); err != nil {
		st.Close()
		return "", nil, nil, err
	}
	if err := demo.LoadSlice(ctx, in.App.Edits()); err != nil {
		st.Close()
		return "", nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return "", nil, nil, err
	}
	srv := &http.Server{Handler: in.Handler, ReadHeaderTimeout: 10 * time.Second}
	background, stopBackground := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { in.Run(background); close(done) }()
	go srv.Serve(ln)
	stop := func() {
		srv.Close()
		stopBackground()
		<-done
		st.Close()
	}
	return "http://" + ln.Addr().String(), st, stop, nil
}

// startBrowser starts a headless Chromium with a profile of its own in dir.
func startBrowser(ctx context.Context, exe, dir string) (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("hide-scrollbars", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	return browser, func() { cancelBrowser(); cancelAlloc() }
}

// capture opens address in a window of width w and writes a picture of the whole page to file.
func capture(browser context.Context, address string, w width, file string) error {
	ctx, cancel := context.WithTimeout(browser, time.Minute)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(w.Width, w.Height),
		chromedp.Navigate(address),
		chromedp.WaitReady(chromedp.CSS("footer.site")),
	)
	if err != nil {
		return err
	}
	raw, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, paletted(img)); err != nil {
		return err
	}
	if buf.Len() > len(raw) {
		buf.Reset()
		buf.Write(raw)
	}
	return os.WriteFile(file, buf.Bytes(), 0o644)
}
