package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// box is an element's place on the page, from getBoundingClientRect.
type box struct{ Left, Right, Top, Bottom float64 }

// TestBrowserLayout opens the main pages of the demo wiki in a real headless Chromium at a
// phone's width (360 px) and a desktop's (1280 px), as a reader and as a moderator: no page
// scrolls sideways, the infobox is beside the text on a desktop and above it on a phone, a work
// with nothing in it shows one line of sections to add and no empty section, and the colours
// follow the system's dark setting and print black on white.
func TestBrowserLayout(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.Instance.App.Edits(), cheap); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadSlice(ctx, s.Instance.App.Edits()); err != nil {
		t.Fatal(err)
	}
	c := s.signedIn(t, "ann")
	memories := entityNamed(t, s, wiki.KindWork, "Memories")
	id, _, _ := wiki.ParseRef(memories[strings.LastIndex(memories, "/")+1:])
	c.section(s, id, "aliases", url.Values{"aliases": {"Magnetic Rose"}, "edit_summary": {"alias"}})
	_, empty := newWork(t, c, "Nothing Yet", nil)
	s.addUserAs(t, "mika", "correct horse battery", auth.RoleModerator)
	list := seedReaders(t, c, id, memories)
	mikasList := seedReaders(t, s.signInWith(t, "mika", "correct horse battery"), id, memories)

	pages := []string{"/", memories, entityNamed(t, s, wiki.KindPerson, "Katsuhiro Otomo"), empty,
		memories + "/history", memories + "/diff?to=2", "/search?list=1&q=memories", "/search?list=1&q=otomo",
		"/recent-changes", "/leaderboard", "/season/1995", "/users/ann", "/changes/1", "/no-such-page", "/login", "/signup",
		list, "/users/ann/lists", "/users/ann/anime"}
	for _, kind := range []wiki.Kind{wiki.KindCharacter, wiki.KindCompany, wiki.KindEpisode, wiki.KindFranchise} {
		pages = append(pages, firstOfKind(t, s, kind))
	}
	b := browser(t, exe)
	check := func(who string, width int64, paths ...string) {
		t.Helper()
		if err := chromedp.Do(b, chromedp.EmulateViewport(width, 800)); err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			if err := chromedp.Do(b, chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("footer.site"))); err != nil {
				t.Fatalf("%s %s at %d px: %v", who, path, width, err)
			}
			got, err := chromedp.Run(b, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil {
				t.Fatal(err)
			}
			if got[0] > got[1] {
				wide, _ := chromedp.Run(b, chromedp.Evaluate[string](tooWide))
				t.Errorf("%s %s at %d px: the page is %v px wide, and scrolls sideways; too wide: %s", who, path, width, got[0], wide)
			}
		}
	}
	for _, width := range []int64{360, 1280} {
		check("reader", width, pages...)
	}

	// The infobox is a column on the right beside the text on a desktop, and above the text on
	// a phone.
	for _, path := range []string{memories, pages[2], empty} {
		beside := boxes(t, b, 1280, s.URL+path, ".infobox", ".page-text")
		if info, text := beside[0], beside[1]; info.Left < text.Right || info.Top >= text.Bottom || text.Top >= info.Bottom {
			t.Errorf("%s at 1280 px: infobox at %+v, text at %+v; want the infobox beside the text, on its right", path, info, text)
		}
		stacked := boxes(t, b, 360, s.URL+path, ".infobox", ".page-text")
		if info, text := stacked[0], stacked[1]; info.Bottom > text.Top || info.Right-info.Left < 300 {
			t.Errorf("%s at 360 px: infobox at %+v, text at %+v; want the infobox across the page above the text", path, info, text)
		}
	}

	// A work with nothing in it yet: one line of links to add sections, and no empty section.
	if err := chromedp.Do(b, chromedp.Navigate(s.URL+empty), chromedp.WaitReady(chromedp.CSS("h1#name"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[
		String(document.querySelectorAll("#add").length),
		String(document.querySelectorAll("#add a").length),
		String(document.querySelector("#add").getBoundingClientRect().height),
		Array.from(document.querySelectorAll("article.work section")).map(s => s.id).join(" "),
		String(document.querySelectorAll("article.work .empty").length)]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1", "16", got[2], "top-editors", "0"}; strings.Join(got, "|") != strings.Join(want, "|") || got[2] == "0" {
		t.Errorf("an empty work has [add lines, links to add, the line's height, sections, empty notes] = %q, want %q with a height", got, want)
	}

	// Dark colours when the system asks for them, black on white in print.
	colours := func(media string, features ...*emulation.MediaFeature) [4]float64 {
		t.Helper()
		if _, err := chromedp.Call(b, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media, Features: features}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(b, chromedp.Navigate(s.URL+memories), chromedp.WaitReady(chromedp.CSS("h1#name"))); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(b, chromedp.Evaluate[[]float64](luminances))
		if err != nil {
			t.Fatal(err)
		}
		return [4]float64(got)
	}
	dark := colours("", &emulation.MediaFeature{Name: "prefers-color-scheme", Value: "dark"})
	if bg, ink, link, header := dark[0], dark[1], dark[2], dark[3]; bg > 0.05 || ink < 0.6 || contrast(link, bg) < 4.5 || header > 0.05 {
		t.Errorf("dark: luminance of background %.3f, text %.3f, links %.3f, header %.3f; want a dark page, light text, links of contrast 4.5 or more",
			bg, ink, link, header)
	}
	light := colours("", &emulation.MediaFeature{Name: "prefers-color-scheme", Value: "light"})
	if bg, ink, link := light[0], light[1], light[2]; bg < 0.9 || ink > 0.05 || contrast(link, bg) < 4.5 {
		t.Errorf("light: luminance of background %.3f, text %.3f, links %.3f; want dark text on a light page", bg, ink, link)
	}
	printed := colours("print", &emulation.MediaFeature{Name: "prefers-color-scheme", Value: "dark"})
	if bg, ink := printed[0], printed[1]; bg != 1 || ink != 0 || printed[3] != -1 {
		t.Errorf("print: luminance of background %.3f, text %.3f, header %v; want black on white and no header", bg, ink, printed[3])
	}
	if _, err := chromedp.Call(b, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	// A moderator's header has more in it, and still fits.
	err = chromedp.Do(b,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "mika"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.user`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{360, 1280} {
		check("mika", width, "/", memories, empty, "/queue", "/account", "/watchlist", "/recent-changes", memories+"/history",
			memories+"/edit", "/new/work", mikasList, list, "/users/mika/lists", "/users/mika/anime", "/import/myanimelist")
	}
	// The search box in the header stays usable on a phone: at least 10rem wide.
	searchBox := boxes(t, b, 360, s.URL+memories, "header.site input[name=q]")[0]
	if w := searchBox.Right - searchBox.Left; w < 160 {
		t.Errorf("the header's search box is %v px wide at 360 px, want 160 or more", w)
	}
}

// luminances is a script that gives the relative luminance of the page's background, its text,
// a link in its text and the site header's background (-1 when the header is not shown).
const luminances = `(() => {
  const lum = c => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => {
      v = Number(v) / 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = sel => getComputedStyle(document.querySelector(sel));
  const header = document.querySelector("header.site");
  return [lum(style("body").backgroundColor), lum(style("body").color), lum(style("#credits td.person a").color),
    header.offsetParent === null && getComputedStyle(header).display === "none" ? -1 : lum(getComputedStyle(header).backgroundColor)];
})()`

// tooWide is a script that names the first elements that reach past the window's right edge,
// but for those inside the boxes that scroll on their own (where only what is positioned can
// escape).
const tooWide = `Array.from(document.querySelectorAll("body *"))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && 
    (!(e.parentElement && e.parentElement.closest(".table-scroll")) || getComputedStyle(e).position === "absolute"))
  .slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.classList.length ? "." + Array.from(e.classList).join(".") : ""))
  .join(", ")`

// contrast is the WCAG contrast ratio of two relative luminances.
func contrast(a, b float64) float64 { return (max(a, b) + 0.05) / (min(a, b) + 0.05) }

// boxes opens address in a window width wide and returns where the first element each
// selector matches is.
func boxes(t *testing.T, b context.Context, width int64, address string, selectors ...string) []box {
	t.Helper()
	if err := chromedp.Do(b, chromedp.EmulateViewport(width, 800), chromedp.Navigate(address), chromedp.WaitReady(chromedp.CSS("footer.site"))); err != nil {
		t.Fatal(err)
	}
	var out []box
	for _, sel := range selectors {
		got, err := chromedp.Run(b, chromedp.Evaluate[[]float64](fmt.Sprintf(
			`(r => [r.left, r.right, r.top, r.bottom])(document.querySelector(%q).getBoundingClientRect())`, sel)))
		if err != nil {
			t.Fatalf("%s at %d px: %s: %v", address, width, sel, err)
		}
		out = append(out, box{got[0], got[1], got[2], got[3]})
	}
	return out
}

// firstOfKind is the address of the oldest page of a kind.
func firstOfKind(t *testing.T, s *site, kind wiki.Kind) string {
	t.Helper()
	var id int64
	if err := s.Store.DB().QueryRow(`SELECT id FROM entities WHERE kind = ? ORDER BY id LIMIT 1`, string(kind)).Scan(&id); err != nil {
		t.Fatalf("a page of kind %s: %v", kind, err)
	}
	e, err := s.Store.Entity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e.Path()
}
