package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kioku/internal/images/imagetest"
	"kioku/internal/store"
)

// TestBrowserUploadsPoster uploads a poster through the gallery's form in a real headless
// Chromium: the browser is told the upload was saved, and the work page shows the poster, loaded
// from one of its copies.
func TestBrowserUploadsPoster(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	c := s.signedIn(t, "ann")
	_, path := newWork(t, c, "Memories", nil)
	file := filepath.Join(t.TempDir(), "poster.jpg")
	if err := os.WriteFile(file, imagetest.JPEG(600, 850), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := browser(t, exe)
	if err := browserSignIn(ctx, s.URL); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+path+"/images"),
		chromedp.WaitVisible(chromedp.CSS(`#upload-file`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload-file`), []string{file}),
		chromedp.SendKeys(chromedp.CSS(`form.upload input[name=caption]`), "Theatrical poster"),
		chromedp.Click(chromedp.CSS(`form.upload input[name=main]`)),
		chromedp.Click(chromedp.CSS(`#upload-button`)),
		chromedp.WaitVisible(chromedp.CSS(`#uploaded`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#uploaded`)))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.URL+path),
		chromedp.WaitVisible(chromedp.CSS(`#image img.main-image`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector('#image img.main-image'); return i.complete && i.naturalWidth > 0; })()`))
	if err != nil {
		t.Fatal(err)
	}
	current, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#image img.main-image').currentSrc`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "Saved") {
		t.Errorf("after the upload the browser says %q", notice)
	}
	if !loaded || !strings.Contains(current, "/images/") {
		t.Errorf("the poster loaded %v from %q", loaded, current)
	}
}
