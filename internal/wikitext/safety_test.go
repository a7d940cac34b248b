package wikitext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// hostileCase is input written to get script onto a page. want is the exact output, so that a
// case that stops being neutralised in the expected way is noticed even when it stays safe.
type hostileCase struct {
	name    string
	src     string
	resolve Resolver
	want    string
}

func hostileCases() []hostileCase {
	evil := func(href string) Resolver {
		return func(string) (string, bool) { return href, true }
	}
	return []hostileCase{
		{name: "script element", src: `<script>alert(1)</script>`,
			want: `<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`},
		{name: "script block", src: "<script>\nalert(1)\n</script>",
			want: "<p>&lt;script&gt;\nalert(1)\n&lt;/script&gt;</p>"},
		{name: "javascript link", src: `[x](javascript:alert(1))`, want: `<p>x</p>`},
		{name: "mixed case javascript link", src: `[x](JaVaScRiPt:alert(1))`, want: `<p>x</p>`},
		{name: "entity tab in scheme", src: `[x](java&#x09;script:alert(1))`, want: `<p>x</p>`},
		{name: "entity colon in scheme", src: `[x](javascript&#58;alert(1))`, want: `<p>x</p>`},
		{name: "leading space entity", src: `[x](&#32;javascript:alert(1))`, want: `<p>x</p>`},
		{name: "vbscript link", src: `[x](vbscript:msgbox(1))`, want: `<p>x</p>`},
		{name: "data link", src: `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`, want: `<p>x</p>`},
		{name: "data image link", src: `[x](data:image/png;base64,AAAA)`, want: `<p>x</p>`},
		{name: "javascript reference link", src: "[x]\n\n[x]: javascript:alert(1)", want: `<p>x</p>`},
		{name: "javascript link title breakout", src: `[x](/a "\"><script>alert(1)</script>")`,
			want: `<p><a href="/a" title="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</a></p>`},
		{name: "img onerror", src: `<img src=x onerror=alert(1)>`,
			want: `<p>&lt;img src=x onerror=alert(1)&gt;</p>`},
		{name: "markdown image", src: `![x](javascript:alert(1))`, want: `<p>x</p>`},
		{name: "onclick anchor", src: `<a href="#" onclick="x()">y</a>`,
			want: `<p>&lt;a href=&#34;#&#34; onclick=&#34;x()&#34;&gt;y&lt;/a&gt;</p>`},
		{name: "comment", src: `<!-- comment -->`, want: `<p>&lt;!-- comment --&gt;</p>`},
		{name: "nested markup", src: `<div><p><b onmouseover=x>hi</b></p></div>`,
			want: `<p>&lt;div&gt;&lt;p&gt;&lt;b onmouseover=x&gt;hi&lt;/b&gt;&lt;/p&gt;&lt;/div&gt;</p>`},
		{name: "svg onload", src: `<svg onload=alert(1)>`, want: `<p>&lt;svg onload=alert(1)&gt;</p>`},
		{name: "iframe", src: `<iframe src="https://evil.example/"></iframe>`,
			want: `<p>&lt;iframe src=&#34;https://evil.example/&#34;&gt;&lt;/iframe&gt;</p>`},
		{name: "style", src: "<style>body{display:none}</style>",
			want: `<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>`},
		{name: "form", src: `<form action="javascript:x"><input name=a></form>`,
			want: `<p>&lt;form action=&#34;javascript:x&#34;&gt;&lt;input name=a&gt;&lt;/form&gt;</p>`},
		{name: "object and embed", src: `<object data="x.swf"></object><embed src="x.swf">`,
			want: `<p>&lt;object data=&#34;x.swf&#34;&gt;&lt;/object&gt;&lt;embed src=&#34;x.swf&#34;&gt;</p>`},
		{name: "script in wiki title", src: `[[<script>alert(1)</script>]]`,
			want: `<p><a class="wikilink new" href="/search?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E">` +
				`&lt;script&gt;alert(1)&lt;/script&gt;</a></p>`},
		{name: "attribute breakout in wiki label", src: `[[a|" onmouseover="x]]`,
			want: `<p><a class="wikilink new" href="/search?q=a">&#34; onmouseover=&#34;x</a></p>`},
		{name: "resolver returns javascript", src: `[[A]]`, resolve: evil("javascript:alert(1)"), want: `<p>A</p>`},
		{name: "resolver returns upper case javascript", src: `[[A]]`, resolve: evil("JAVASCRIPT:alert(1)"), want: `<p>A</p>`},
		{name: "resolver returns invalid UTF-8", src: `[[A]]`, resolve: evil("/a?\xc0"), want: `<p>A</p>`},
		{name: "resolver returns tab in scheme", src: `[[A]]`, resolve: evil("java\tscript:alert(1)"), want: `<p>A</p>`},
		{name: "resolver returns leading space", src: `[[A]]`, resolve: evil(" javascript:alert(1)"), want: `<p>A</p>`},
		{name: "resolver returns data", src: `[[A]]`, resolve: evil("data:text/html,<script>alert(1)</script>"), want: `<p>A</p>`},
		{name: "resolver returns attribute breakout", src: `[[A]]`, resolve: evil(`/x" onclick="alert(1)`), want: `<p>A</p>`},
		{name: "resolver returns entity", src: `[[A]]`, resolve: evil(`java&#x09;script:alert(1)`),
			want: `<p><a class="wikilink" href="java&amp;#x09;script:alert(1)">A</a></p>`},
		{name: "javascript autolink", src: `<javascript:alert(1)>`, want: `<p>javascript:alert(1)</p>`},
		{name: "data autolink", src: `<data:text/html,alert(1)>`, want: `<p>data:text/html,alert(1)</p>`},
		{name: "bare javascript text", src: `javascript:alert(1)`, want: `<p>javascript:alert(1)</p>`},
		{name: "wiki link inside link", src: `[[[A]]](javascript:alert(1))`,
			want: `<p>[<a class="wikilink new" href="/search?q=A">A</a>](javascript:alert(1))</p>`},
	}
}

func TestRenderHostile(t *testing.T) {
	r := New()
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			got := string(r.Render(tc.src, tc.resolve))
			checkSafe(t, got)
			if got = strings.TrimSpace(got); got != tc.want {
				t.Errorf("Render(%q)\n got: %s\nwant: %s", tc.src, got, tc.want)
			}
		})
	}
}

// maxFuzzText bounds the wiki text a fuzz target renders. Saved texts are bounded too (wiki.MaxText
// characters); this is smaller so that each run stays fast, and large enough for any shape.
const maxFuzzText = 8 << 10

// FuzzRender checks that no input, and no address from the resolver, gets anything live past
// Render: no script, no event handler, no link that is not relative, http, https or mailto. The
// resolver echoes the title back as the address for half the titles, and answers the fuzzed
// href for the rest. The output must also be valid UTF-8 and at most a fixed multiple of the
// input, so that a short text cannot make a huge page.
func FuzzRender(f *testing.F) {
	for _, tc := range hostileCases() {
		f.Add(tc.src, "")
	}
	f.Add("[[javascript:alert(1)]] [[ JavaScript:x ]] [[//evil.example]]", "javascript:alert(1)")
	f.Add("# [[メモリーズ|*記憶*]]\n\n- `[[x]]`\n- <https://example.org>", "/anime/1-memories")
	f.Add("[[A]] [[B]]", "java\tscript:alert(1)")
	f.Add("[[A]]", `" onmouseover="alert(1)`)
	f.Add("[[A]]", "\x00javascript:alert(1)")
	f.Add("[x](\x00javascript:alert(1)) \xff\xfe [[\xed\xa0\x80]]", "//evil.example/\xff")
	f.Add(strings.Repeat("> ", 40)+strings.Repeat("[", 40)+strings.Repeat("(", 40), "")
	f.Add(strings.Repeat("- ", 200)+"x", "")
	f.Add("<a href=\"javascript:x\">y</a> &#106;avascript:x [a](&#x6A;avascript:x)", "")
	r := New()
	f.Fuzz(func(t *testing.T, src, href string) {
		if len(src) > maxFuzzText {
			t.Skip("longer than the fuzz bound")
		}
		resolve := func(title string) (string, bool) {
			if len(title)%2 == 0 {
				return title, true
			}
			return href, true
		}
		out := string(r.Render(src, resolve))
		checkSafe(t, out)
		if !utf8.ValidString(out) {
			t.Errorf("Render(%q) is not valid UTF-8: %q", src, out)
		}
		if limit := 64*len(src) + 256; len(out) > limit {
			t.Errorf("Render of %d bytes gave %d bytes, more than %d", len(src), len(out), limit)
		}
		if bare := string(r.Render(src, nil)); !utf8.ValidString(bare) {
			t.Errorf("Render(%q, nil) is not valid UTF-8: %q", src, bare)
		} else {
			checkSafe(t, bare)
		}
		for _, title := range Links(src) {
			if title == "" || !utf8.ValidString(title) || strings.ContainsRune(title, 0) {
				t.Errorf("Links(%q) holds the title %q", src, title)
			}
		}
	})
}

// checkSafe fails t if out contains anything a browser would run or load: an element or
// attribute outside the allow-list, an event handler, a comment, or a link that is not
// relative, http, https or mailto.
func checkSafe(t testing.TB, out string) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<style", "<iframe", "<object", "<embed", "<img", "<svg",
		"<math", "<form", "<input", "<link", "<meta", "<base", "<!--"} {
		if strings.Contains(lower, bad) {
			t.Errorf("output contains %q: %s", bad, out)
		}
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(out), ctx)
	if err != nil {
		t.Fatalf("parsing output: %v\n%s", err, out)
	}
	for _, n := range nodes {
		checkNode(t, n, out)
	}
}

func checkNode(t testing.TB, n *html.Node, out string) {
	t.Helper()
	switch n.Type {
	case html.CommentNode:
		t.Errorf("output contains comment %q: %s", n.Data, out)
	case html.ElementNode:
		attrs, ok := allowedElements()[n.Data]
		if !ok {
			t.Errorf("output contains element <%s>: %s", n.Data, out)
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"):
				t.Errorf("output contains event attribute %s on <%s>: %s", a.Key, n.Data, out)
			case !strings.Contains(" "+attrs+" ", " "+key+" "):
				t.Errorf("output contains attribute %s on <%s>: %s", a.Key, n.Data, out)
			case key == "href" || key == "src":
				if s := scheme(a.Val); s != "" && s != "http" && s != "https" && s != "mailto" {
					t.Errorf("output contains %s=%q with scheme %q: %s", a.Key, a.Val, s, out)
				}
			case key == "class" && a.Val != "wikilink" && a.Val != "wikilink new":
				t.Errorf("output contains class %q: %s", a.Val, out)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		checkNode(t, c, out)
	}
}

// allowedElements maps the elements Render may produce to their allowed attributes.
func allowedElements() map[string]string {
	return map[string]string{
		"a": "href title class rel", "ol": "start",
		"p": "", "br": "", "em": "", "strong": "", "ul": "", "li": "", "blockquote": "",
		"h2": "", "h3": "", "h4": "", "pre": "", "code": "", "hr": "",
	}
}

// scheme returns the lower-cased scheme a browser would see in the URL v, after it removes
// tabs and newlines anywhere and control characters and spaces at the start.
func scheme(v string) string {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.TrimLeftFunc(v, func(r rune) bool { return r <= ' ' })
	if i := strings.IndexAny(v, ":/?#"); i >= 0 && v[i] == ':' {
		return strings.ToLower(v[:i])
	}
	return ""
}
