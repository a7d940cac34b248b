package wikitext

import (
	"html"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// newRenderer builds goldmark's HTML renderer with nodeRenderer in front of it for the nodes
// the wiki renders its own way. Raw HTML stays off: no html.WithUnsafe, and no heading ids,
// which goldmark would build from ASCII only and so mangle Japanese headings.
func newRenderer() renderer.Renderer {
	return renderer.NewRenderer(renderer.WithNodeRenderers(
		util.Prioritized(ghtml.NewRenderer(), 1000),
		util.Prioritized(nodeRenderer{}, 100),
	))
}

// nodeRenderer renders headings, links and images for the wiki.
type nodeRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
	reg.Register(ast.KindImage, renderImage)
	// The parser makes neither; should one appear, it is dropped rather than passed on.
	reg.Register(ast.KindRawHTML, skip)
	reg.Register(ast.KindHTMLBlock, skip)
}

// maxHeading is the smallest heading the wiki renders. The page title is the only h1, so
// "#" becomes h2, "##" h3, and anything deeper h4.
const maxHeading = 4

func renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	level := min(node.(*ast.Heading).Level+1, maxHeading)
	if entering {
		_, _ = w.WriteString("<h" + string(rune('0'+level)) + ">")
	} else {
		_, _ = w.WriteString("</h" + string(rune('0'+level)) + ">\n")
	}
	return ast.WalkContinue, nil
}

// renderLink renders Markdown links and wiki links. A link whose address is not allowed is
// shown as its text alone, not as an <a> without a destination.
func renderLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if t := targetOf(n); t != nil {
		return renderWikiLink(w, n, t, entering)
	}
	href, external, ok := checkURL(string(util.URLEscape(n.Destination, true)))
	if !ok || insideLink(n) {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="` + html.EscapeString(href) + `"`)
	if n.Title != nil {
		title := util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(n.Title)))
		_, _ = w.WriteString(` title="` + html.EscapeString(string(title)) + `"`)
	}
	writeRel(w, external)
	return ast.WalkContinue, nil
}

// renderWikiLink renders [[Title]]: a link to the entity when the resolver knows the title,
// else a link to a search for it, marked "new" so that it can be styled as missing.
func renderWikiLink(w util.BufWriter, n *ast.Link, t *wikiTarget, entering bool) (ast.WalkStatus, error) {
	if insideLink(n) {
		return ast.WalkContinue, nil
	}
	class, href, external, ok := "wikilink new", "/search?q="+url.QueryEscape(t.title), false, true
	if t.exists {
		class = "wikilink"
		// A resolver's address is checked like any other: a bad one leaves just the label.
		href, external, ok = checkURL(t.href)
	}
	if !ok {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a class="` + class + `" href="` + html.EscapeString(href) + `"`)
	writeRel(w, external)
	return ast.WalkContinue, nil
}

// renderAutoLink renders <https://example.org> and <someone@example.org>.
func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.AutoLink)
	if !entering {
		return ast.WalkContinue, nil
	}
	label := html.EscapeString(string(n.Label(source)))
	raw := string(util.URLEscape(n.URL(source), false))
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(raw), "mailto:") {
		raw = "mailto:" + raw
	}
	href, external, ok := checkURL(raw)
	if !ok || insideLink(n) {
		_, _ = w.WriteString(label)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="` + html.EscapeString(href) + `"`)
	writeRel(w, external)
	_, _ = w.WriteString(label + "</a>")
	return ast.WalkContinue, nil
}

// renderImage drops the image and keeps its description, so ![Poster](x.png) reads "Poster".
func renderImage(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkContinue, nil
}

// skip renders nothing, not even the node's children.
func skip(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkSkipChildren, nil
}

// writeRel ends an opening <a> tag, keeping search engines and opened pages at arm's length
// when the link leaves the site.
func writeRel(w util.BufWriter, external bool) {
	if external {
		_, _ = w.WriteString(` rel="nofollow noopener"`)
	}
	_ = w.WriteByte('>')
}

// insideLink reports whether n is within another link. HTML does not nest links, so the
// inner one is rendered as its text.
func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Kind() {
		case ast.KindLink, ast.KindAutoLink:
			return true
		}
	}
	return false
}

// checkURL reports whether raw may be a link's address: it must be valid UTF-8, parse, contain
// no whitespace or control characters (which browsers strip, turning "java\tscript:" into
// "javascript:"), and be relative or use http, https or mailto. external is true when the
// address names a host, which makes it leave the site.
func checkURL(raw string) (href string, external, ok bool) {
	if raw == "" || !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", false, false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, false
	}
	switch u.Scheme {
	case "", "http", "https", "mailto":
		return raw, u.Host != "", true
	}
	return "", false, false
}
