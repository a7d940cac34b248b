package wikitext

import (
	"strings"
	"testing"
)

// policyCase is HTML given to the sanitiser's policy on its own, and its exact output.
type policyCase struct {
	name string
	in   string
	want string
}

// keptCases are what the Markdown renderer makes: the policy must let each through as it is,
// so that removing a rule of the allow-list fails one of them.
var keptCases = []policyCase{
	{"paragraph", `<p>a</p>`, `<p>a</p>`},
	{"line break", `a<br>b`, `a<br>b`},
	{"emphasis", `<em>a</em> <strong>b</strong>`, `<em>a</em> <strong>b</strong>`},
	{"list", `<ul><li>a</li></ul>`, `<ul><li>a</li></ul>`},
	{"ordered list", `<ol><li>a</li></ol>`, `<ol><li>a</li></ol>`},
	{"ordered list from 3", `<ol start="3"><li>a</li></ol>`, `<ol start="3"><li>a</li></ol>`},
	{"block quote", `<blockquote><p>a</p></blockquote>`, `<blockquote><p>a</p></blockquote>`},
	{"headings", `<h2>a</h2><h3>b</h3><h4>c</h4>`, `<h2>a</h2><h3>b</h3><h4>c</h4>`},
	{"code", `<pre><code>a &lt;b&gt;</code></pre>`, `<pre><code>a &lt;b&gt;</code></pre>`},
	{"rule", `<hr>`, `<hr>`},
	{"relative link", `<a href="/anime/1-memories">a</a>`, `<a href="/anime/1-memories">a</a>`},
	{"fragment link", `<a href="#source-1">[1]</a>`, `<a href="#source-1">[1]</a>`},
	{"link with a title", `<a href="/a" title="T &#34;q&#34;">a</a>`, `<a href="/a" title="T &#34;q&#34;">a</a>`},
	{"wiki link", `<a class="wikilink" href="/person/2-kon">Kon</a>`, `<a class="wikilink" href="/person/2-kon">Kon</a>`},
	{"missing wiki link", `<a class="wikilink new" href="/search?q=Kon">Kon</a>`, `<a class="wikilink new" href="/search?q=Kon">Kon</a>`},
	{"external link", `<a href="https://example.org/a" rel="nofollow noopener">a</a>`,
		`<a href="https://example.org/a" rel="nofollow noopener">a</a>`},
	{"plain http link", `<a href="http://example.org/" rel="nofollow noopener">a</a>`,
		`<a href="http://example.org/" rel="nofollow noopener">a</a>`},
	{"mail link", `<a href="mailto:someone@example.org">m</a>`, `<a href="mailto:someone@example.org">m</a>`},
	{"external link without rel", `<a href="https://example.org/">a</a>`, `<a href="https://example.org/" rel="nofollow">a</a>`},
}

// removedCases are what must never reach a page, whatever the renderer let through: script,
// event handlers, script and data addresses however disguised, frames, style, forms and
// foreign markup. The text around them stays.
var removedCases = []policyCase{
	{"script", `<p>a<script>alert(1)</script>b</p>`, `<p>ab</p>`},
	{"script with attributes", `<script src="https://evil.example/x.js"></script>`, ``},
	{"upper-case script", `<SCRIPT>alert(1)</SCRIPT>`, ``},
	{"img onerror", `<img src=x onerror=alert(1)>`, ``},
	{"onerror on an allowed element", `<p onerror="alert(1)">a</p>`, `<p>a</p>`},
	{"onclick on a link", `<a href="/a" onclick="alert(1)">a</a>`, `<a href="/a">a</a>`},
	{"onmouseover on emphasis", `<em onmouseover=alert(1)>a</em>`, `<em>a</em>`},
	{"javascript link", `<a href="javascript:alert(1)">a</a>`, `a`},
	{"upper-case javascript link", `<a href="JAVASCRIPT:alert(1)">a</a>`, `a`},
	{"javascript link after a space", `<a href=" javascript:alert(1)">a</a>`, `a`},
	{"javascript link after a tab", "<a href=\"\tjavascript:alert(1)\">a</a>", `a`},
	{"javascript link with a tab", `<a href="java&#x09;script:alert(1)">a</a>`, `a`},
	{"javascript link with a newline", `<a href="java&#10;script:alert(1)">a</a>`, `a`},
	{"javascript link as entities", `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">a</a>`, `a`},
	{"javascript link with an entity colon", `<a href="javascript&colon;alert(1)">a</a>`, `a`},
	{"javascript link with a hex entity", `<a href="&#x6A;avascript:alert(1)">a</a>`, `a`},
	{"vbscript link", `<a href="vbscript:msgbox(1)">a</a>`, `a`},
	{"data link", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>`, `a`},
	{"data image", `<img src="data:image/png;base64,AAAA">`, ``},
	{"image", `<img src="https://example.org/x.png" alt="x">`, ``},
	{"image with an address", `<img href="/a" src="/x.png" title="x">`, ``},
	{"iframe", `<iframe src="https://evil.example/"></iframe>`, ``},
	{"iframe with srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, ``},
	{"style element", `<style>body{display:none}</style><p>a</p>`, `<p>a</p>`},
	{"style attribute", `<p style="background:url(javascript:alert(1))">a</p>`, `<p>a</p>`},
	{"harmless style attribute", `<p style="color:red">a</p>`, `<p>a</p>`},
	{"style attribute on a link", `<a href="/a" style="position:fixed;top:0">a</a>`, `<a href="/a">a</a>`},
	{"svg with script", `<svg><script>alert(1)</script></svg>`, ``},
	{"svg onload", `<svg onload="alert(1)"><circle r="1"/></svg>`, ``},
	{"svg link", `<svg><a xlink:href="javascript:alert(1)"><text>a</text></a></svg>`, `a`},
	{"math", `<math><mtext><script>alert(1)</script></mtext></math>`, ``},
	{"object", `<object data="x.swf"></object>`, ``},
	{"embed", `<embed src="x.swf">`, ``},
	{"form", `<form action="https://evil.example/"><input name="password"><button>Go</button></form>`, `Go`},
	{"base", `<base href="https://evil.example/">`, ``},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example/">`, ``},
	{"link element", `<link rel="stylesheet" href="https://evil.example/x.css">`, ``},
	{"comment", `<!-- a --><p>b</p>`, `<p>b</p>`},
	{"div with an id", `<div id="top"><p>a</p></div>`, `<p>a</p>`},
	{"id on a heading", `<h2 id="edit-form">a</h2>`, `<h2>a</h2>`},
	{"class on a paragraph", `<p class="notice">a</p>`, `<p>a</p>`},
	{"other class on a link", `<a class="wikilink evil" href="/a">a</a>`, `<a href="/a">a</a>`},
	{"other rel", `<a href="/a" rel="opener">a</a>`, `<a href="/a">a</a>`},
	{"target", `<a href="/a" target="_blank">a</a>`, `<a href="/a">a</a>`},
	{"start that is no number", `<ol start="x"><li>a</li></ol>`, `<ol><li>a</li></ol>`},
	{"unparseable address", `<a href="http://a b/">a</a>`, `a`},
	{"unparseable escape", `<a href="/a%zz">a</a>`, `a`},
}

// TestPolicy gives the sanitiser's policy HTML directly, as if the Markdown renderer had a bug:
// what the renderer makes passes unchanged, and everything live is removed. The outputs are
// exact, so loosening or dropping any rule of newPolicy fails a case.
func TestPolicy(t *testing.T) {
	p := newPolicy()
	for _, group := range []struct {
		name  string
		cases []policyCase
	}{{"kept", keptCases}, {"removed", removedCases}} {
		for _, tc := range group.cases {
			t.Run(group.name+"/"+tc.name, func(t *testing.T) {
				got := p.Sanitize(tc.in)
				if got != tc.want {
					t.Errorf("Sanitize(%q)\n got: %s\nwant: %s", tc.in, got, tc.want)
				}
				checkSafe(t, got)
			})
		}
	}
}

// TestRenderSanitises checks that Render puts its output through the policy: a fenced code
// block's language, which the Markdown renderer writes as a class, does not survive it.
func TestRenderSanitises(t *testing.T) {
	got := strings.TrimSpace(string(New().Render("```go\nx := 1\n```", nil)))
	if want := "<pre><code>x := 1\n</code></pre>"; got != want {
		t.Errorf("Render of a fenced code block\n got: %s\nwant: %s", got, want)
	}
}
