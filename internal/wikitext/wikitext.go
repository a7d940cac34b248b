// Package wikitext renders the wiki's long text (descriptions, summaries) to sanitised HTML.
//
// The source is a Markdown subset: paragraphs, emphasis, lists, block quotes, headings, code,
// links and hard line breaks, plus wiki links written [[Title]] or [[Title|label]]. Raw HTML is
// not Markdown here: a "<b>" in the source is shown as the text "<b>". Whatever the Markdown
// renderer produces then passes through a strict allow-list sanitiser, so a bug in one layer
// is not enough to put script on a page.
package wikitext

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
)

// Resolver maps the title written inside [[...]] to the address of the entity page.
// ok is false when no entity has that title.
type Resolver func(title string) (href string, ok bool)

// Renderer turns wiki text into HTML. It is safe for concurrent use; build it once.
type Renderer struct {
	parser   parser.Parser
	renderer renderer.Renderer
	policy   *bluemonday.Policy
}

// New builds a Renderer.
func New() *Renderer {
	return &Renderer{parser: newParser(), renderer: newRenderer(), policy: newPolicy()}
}

// newPolicy is the sanitiser's allow-list: bluemonday's UGC policy cut down to exactly what
// the Markdown subset produces. No images, no style, no id, and class only on wiki links.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "ul", "ol", "li", "blockquote",
		"h2", "h3", "h4", "pre", "code", "hr")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	// The Markdown renderer already marks external links; this is the fallback if it did not.
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("a") // any text: attribute values are escaped on output
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^wikilink( new)?$`)).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^nofollow noopener$`)).OnElements("a")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	return p
}

// Render turns src into sanitised HTML. resolve may be nil, which makes every wiki link
// "missing"; it is called at most once per distinct title.
func (r *Renderer) Render(src string, resolve Resolver) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	source := []byte(clean(src))
	doc := r.parser.Parse(text.NewReader(source))
	resolveLinks(doc, resolve)
	var buf bytes.Buffer
	if err := r.renderer.Render(&buf, source, doc); err != nil {
		// Writing to a bytes.Buffer does not fail; should it ever, show the text unformatted.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes()))
}

// Links returns the distinct titles referenced by [[...]] in src, in first-seen order. For
// [[Title|label]] it is the Title. Wiki links inside code are not links and are left out.
func Links(src string) []string {
	source := []byte(clean(src))
	doc := newParser().Parse(text.NewReader(source))
	var titles []string
	seen := map[string]bool{}
	walkWikiLinks(doc, func(_ *ast.Link, t *wikiTarget) {
		if !seen[t.title] {
			seen[t.title] = true
			titles = append(titles, t.title)
		}
	})
	return titles
}

// clean makes src valid UTF-8 without NUL bytes, so that titles handed to the resolver and
// text copied to the output are well formed.
func clean(src string) string {
	src = strings.ToValidUTF8(src, "\uFFFD")
	return strings.ReplaceAll(src, "\x00", "\uFFFD")
}

// resolveLinks asks resolve where each wiki link in doc points, once per distinct title.
func resolveLinks(doc ast.Node, resolve Resolver) {
	if resolve == nil {
		return // every link stays missing
	}
	type answer struct {
		href string
		ok   bool
	}
	cache := map[string]answer{}
	walkWikiLinks(doc, func(_ *ast.Link, t *wikiTarget) {
		a, done := cache[t.title]
		if !done {
			a.href, a.ok = resolve(t.title)
			cache[t.title] = a
		}
		t.href, t.exists = a.href, a.ok
	})
}

// walkWikiLinks calls fn for every wiki link in doc, in document order.
func walkWikiLinks(doc ast.Node, fn func(*ast.Link, *wikiTarget)) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			if t := targetOf(l); t != nil {
				fn(l, t)
			}
		}
		return ast.WalkContinue, nil
	})
}
