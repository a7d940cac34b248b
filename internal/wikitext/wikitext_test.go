package wikitext

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
)

// mapResolver resolves the titles in m to their addresses.
func mapResolver(m map[string]string) Resolver {
	return func(title string) (string, bool) {
		href, ok := m[title]
		return href, ok
	}
}

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{name: "empty", src: "", want: ""},
		{name: "blank", src: " \n\t\n", want: ""},
		{name: "emphasis", src: "*a* and **b**", want: "<p><em>a</em> and <strong>b</strong></p>"},
		{name: "japanese", src: "メモリーズは大友克洋の作品です。",
			want: "<p>メモリーズは大友克洋の作品です。</p>"},
		{name: "japanese emphasis", src: "**メモリーズ**（1995年）",
			want: "<p><strong>メモリーズ</strong>（1995年）</p>"},
		{name: "paragraphs", src: "one\n\ntwo", want: "<p>one</p>\n<p>two</p>"},
		{name: "unordered list", src: "- a\n- b", want: "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"},
		{name: "ordered list", src: "3. a\n4. b", want: "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>"},
		{name: "blockquote", src: "> 引用", want: "<blockquote>\n<p>引用</p>\n</blockquote>"},
		{name: "heading levels", src: "# a\n## b\n### c\n###### d",
			want: "<h2>a</h2>\n<h3>b</h3>\n<h4>c</h4>\n<h4>d</h4>"},
		{name: "setext heading", src: "a\n===", want: "<h2>a</h2>"},
		{name: "japanese heading has no id", src: "# 概要", want: "<h2>概要</h2>"},
		{name: "heading attribute syntax is text", src: "# a {#x .y}", want: "<h2>a {#x .y}</h2>"},
		{name: "inline code", src: "`a < b`", want: "<p><code>a &lt; b</code></p>"},
		{name: "code block", src: "```go\nx := <-c\n```",
			want: "<pre><code>x := &lt;-c\n</code></pre>"},
		{name: "indented code", src: "    a & b", want: "<pre><code>a &amp; b\n</code></pre>"},
		{name: "external link", src: "[site](https://example.org/a?b=1&c=2)",
			want: `<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">site</a></p>`},
		{name: "protocol relative link", src: "[site](//example.org/)",
			want: `<p><a href="//example.org/" rel="nofollow noopener">site</a></p>`},
		{name: "relative link", src: "[作品](/works/1)", want: `<p><a href="/works/1">作品</a></p>`},
		{name: "link with title", src: `[a](/b "タイトル")`, want: `<p><a href="/b" title="タイトル">a</a></p>`},
		{name: "japanese link address", src: "[a](/search?q=メモリーズ)",
			want: `<p><a href="/search?q=%E3%83%A1%E3%83%A2%E3%83%AA%E3%83%BC%E3%82%BA">a</a></p>`},
		{name: "mailto link", src: "[me](mailto:a@example.org)",
			want: `<p><a href="mailto:a@example.org">me</a></p>`},
		{name: "autolink", src: "<https://example.org>",
			want: `<p><a href="https://example.org" rel="nofollow noopener">https://example.org</a></p>`},
		{name: "email autolink", src: "<a@example.org>", want: `<p><a href="mailto:a@example.org">a@example.org</a></p>`},
		{name: "reference link", src: "[a][r]\n\n[r]: /x", want: `<p><a href="/x">a</a></p>`},
		{name: "hard break", src: "a  \nb\\\nc", want: "<p>a<br>\nb<br>\nc</p>"},
		{name: "soft break", src: "a\nb", want: "<p>a\nb</p>"},
		{name: "rule", src: "a\n\n---", want: "<p>a</p>\n<hr>"},
		{name: "image keeps its description", src: "![ポスター](/p.png)", want: "<p>ポスター</p>"},
		{name: "linked image", src: "[![a](/p.png)](/x)", want: `<p><a href="/x">a</a></p>`},
		{name: "raw html is text", src: "a <b>b</b>", want: "<p>a &lt;b&gt;b&lt;/b&gt;</p>"},
		{name: "entities", src: "&amp; &copy; &#12354;", want: "<p>&amp; © あ</p>"},
		{name: "strikethrough is not supported", src: "~~a~~", want: "<p>~~a~~</p>"},
		{name: "nul and invalid utf-8", src: "a\x00b\xffc", want: "<p>a\uFFFDb\uFFFDc</p>"},
	}
	r := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.TrimSpace(string(r.Render(tc.src, nil)))
			if got != tc.want {
				t.Errorf("Render(%q)\n got: %s\nwant: %s", tc.src, got, tc.want)
			}
		})
	}
}

func TestRenderWikiLinks(t *testing.T) {
	resolve := mapResolver(map[string]string{
		"メモリーズ":              "/works/1",
		"Cowboy Bebop":       "/works/2",
		`"Quoted" <Title> &`: "/works/3?a=1&b=2",
		"Elsewhere":          "https://example.org/x",
	})
	tests := []struct {
		name       string
		src        string
		noResolver bool // render with a nil Resolver
		want       string
	}{
		{name: "existing", src: "[[Cowboy Bebop]]",
			want: `<p><a class="wikilink" href="/works/2">Cowboy Bebop</a></p>`},
		{name: "missing", src: "[[Spike Spiegel]]",
			want: `<p><a class="wikilink new" href="/search?q=Spike+Spiegel">Spike Spiegel</a></p>`},
		{name: "label", src: "[[Cowboy Bebop|the show]]",
			want: `<p><a class="wikilink" href="/works/2">the show</a></p>`},
		{name: "label is text", src: "[[Cowboy Bebop|*Bebop* &amp;]]",
			want: `<p><a class="wikilink" href="/works/2">*Bebop* &amp;amp;</a></p>`},
		{name: "empty label", src: "[[Cowboy Bebop| ]]",
			want: `<p><a class="wikilink" href="/works/2">Cowboy Bebop</a></p>`},
		{name: "japanese title", src: "『[[メモリーズ]]』は三話から成る。",
			want: `<p>『<a class="wikilink" href="/works/1">メモリーズ</a>』は三話から成る。</p>`},
		{name: "japanese title with label", src: "[[メモリーズ|彼女の想いで]]",
			want: `<p><a class="wikilink" href="/works/1">彼女の想いで</a></p>`},
		{name: "missing japanese title", src: "[[彼女の想いで]]",
			want: `<p><a class="wikilink new" href="/search?q=%E5%BD%BC%E5%A5%B3%E3%81%AE%E6%83%B3%E3%81%84%E3%81%A7">` +
				`彼女の想いで</a></p>`},
		{name: "title is trimmed", src: "[[ \u3000メモリーズ  ]]",
			want: `<p><a class="wikilink" href="/works/1">メモリーズ</a></p>`},
		{name: "quotes and angle brackets", src: `[["Quoted" <Title> &]]`,
			want: `<p><a class="wikilink" href="/works/3?a=1&amp;b=2">&#34;Quoted&#34; &lt;Title&gt; &amp;</a></p>`},
		{name: "missing quotes and angle brackets", src: `[[a 'b' <c>]]`,
			want: `<p><a class="wikilink new" href="/search?q=a+%27b%27+%3Cc%3E">a &#39;b&#39; &lt;c&gt;</a></p>`},
		{name: "external address", src: "[[Elsewhere]]",
			want: `<p><a class="wikilink" href="https://example.org/x" rel="nofollow noopener">Elsewhere</a></p>`},
		{name: "nil resolver", src: "[[Cowboy Bebop]]", noResolver: true,
			want: `<p><a class="wikilink new" href="/search?q=Cowboy+Bebop">Cowboy Bebop</a></p>`},
		{name: "in emphasis", src: "**[[メモリーズ]]**",
			want: `<p><strong><a class="wikilink" href="/works/1">メモリーズ</a></strong></p>`},
		{name: "in heading and list", src: "# [[メモリーズ]]\n- [[メモリーズ]]",
			want: "<h2><a class=\"wikilink\" href=\"/works/1\">メモリーズ</a></h2>\n" +
				"<ul>\n<li><a class=\"wikilink\" href=\"/works/1\">メモリーズ</a></li>\n</ul>"},
		{name: "inside link text", src: "[see [[メモリーズ]]](/x)",
			want: `<p>[see <a class="wikilink" href="/works/1">メモリーズ</a>](/x)</p>`},
		{name: "in code span", src: "`[[メモリーズ]]`", want: "<p><code>[[メモリーズ]]</code></p>"},
		{name: "in code span with brackets", src: "`a]] [[b` [[Cowboy Bebop]]",
			want: `<p><code>a]] [[b</code> <a class="wikilink" href="/works/2">Cowboy Bebop</a></p>`},
		{name: "in fenced code", src: "```\n[[メモリーズ]]\n```", want: "<pre><code>[[メモリーズ]]\n</code></pre>"},
		{name: "in indented code", src: "    [[メモリーズ]]", want: "<pre><code>[[メモリーズ]]\n</code></pre>"},
		{name: "escaped", src: `\[[メモリーズ]]`, want: "<p>[[メモリーズ]]</p>"},
		{name: "empty", src: "[[]]", want: "<p>[[]]</p>"},
		{name: "blank", src: "[[  ]]", want: "<p>[[  ]]</p>"},
		{name: "label only", src: "[[|a]]", want: "<p>[[|a]]</p>"},
		{name: "unterminated", src: "[[a] b", want: "<p>[[a] b</p>"},
		{name: "across lines", src: "[[a\nb]]", want: "<p>[[a\nb]]</p>"},
		{name: "extra bracket", src: "[[Cowboy Bebop]]]",
			want: `<p><a class="wikilink" href="/works/2">Cowboy Bebop</a>]</p>`},
	}
	r := New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := resolve
			if tc.noResolver {
				res = nil
			}
			got := strings.TrimSpace(string(r.Render(tc.src, res)))
			if got != tc.want {
				t.Errorf("Render(%q)\n got: %s\nwant: %s", tc.src, got, tc.want)
			}
		})
	}
}

func TestRenderResolvesEachTitleOnce(t *testing.T) {
	calls := map[string]int{}
	resolve := func(title string) (string, bool) {
		calls[title]++
		return "/w/" + title, true
	}
	New().Render("[[a]] [[b]] [[a|again]]\n\n- [[ a ]]", resolve)
	if want := map[string]int{"a": 1, "b": 1}; !maps.Equal(calls, want) {
		t.Errorf("resolver calls = %v, want %v", calls, want)
	}
}

func TestLinks(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{name: "none", src: "plain [text](/x)", want: nil},
		{name: "order and duplicates", src: "[[b]] [[a]] [[b]]\n\n[[c]]", want: []string{"b", "a", "c"}},
		{name: "label", src: "[[メモリーズ|彼女の想いで]] [[メモリーズ]]", want: []string{"メモリーズ"}},
		{name: "trimmed", src: "[[ a ]] [[a]]", want: []string{"a"}},
		{name: "special characters", src: `[["x" <y>]]`, want: []string{`"x" <y>`}},
		{name: "code", src: "`[[a]]`\n\n```\n[[b]]\n```\n\n    [[c]]\n\n[[d]]", want: []string{"d"}},
		{name: "empty", src: "[[]] [[ | x]]", want: nil},
		{name: "in link text", src: "[see [[a]]](/x)", want: []string{"a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Links(tc.src); !slices.Equal(got, tc.want) {
				t.Errorf("Links(%q) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestRenderConcurrent(t *testing.T) {
	r := New()
	src := benchSource(4 << 10)
	resolve := mapResolver(map[string]string{"メモリーズ": "/works/1"})
	want := r.Render(src, resolve)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := r.Render(src, resolve); got != want {
				t.Errorf("concurrent Render differs from sequential Render")
			}
		})
	}
	wg.Wait()
}

// TestRenderInlineBounds checks that a block keeps its first maxDelimiters runs of "*" and "_"
// as emphasis and its first maxLabels links as links, shows the rest as written, and that the
// next block starts afresh.
func TestRenderInlineBounds(t *testing.T) {
	r := New()
	src := strings.Repeat("*a* ", maxDelimiters/2+10) + "\n\n*b*"
	got := string(r.Render(src, nil))
	if n := strings.Count(got, "<em>"); n != maxDelimiters/2+1 {
		t.Errorf("%d emphasised, want %d (the first paragraph's bound and the next paragraph's one)", n, maxDelimiters/2+1)
	}
	if want := "*a* *a*</p>"; !strings.Contains(got, want) {
		t.Errorf("output does not end the first paragraph with the runs as written, %q:\n%s", want, got)
	}
	if want := "<p><em>b</em></p>"; !strings.Contains(got, want) {
		t.Errorf("output lacks %q:\n%s", want, got)
	}
	src = strings.Repeat("[a](/b) ", maxLabels+10) + "\n\n[c](/d)"
	got = string(r.Render(src, nil))
	if n := strings.Count(got, "<a "); n != maxLabels+1 {
		t.Errorf("%d links, want %d (the first paragraph's bound and the next paragraph's one)", n, maxLabels+1)
	}
	if want := "[a](/b)</p>"; !strings.Contains(got, want) {
		t.Errorf("output does not end the first paragraph with the links as written, %q:\n%s", want, got)
	}
	if want := `<p><a href="/d">c</a></p>`; !strings.Contains(got, want) {
		t.Errorf("output lacks %q:\n%s", want, got)
	}
}
