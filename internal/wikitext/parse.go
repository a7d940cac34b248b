package wikitext

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newParser builds the Markdown parser for the wiki's subset. It is goldmark's CommonMark
// parser without the two raw HTML parsers, so that "<b>" in the source stays text instead of
// becoming an omitted-HTML comment; and with the wiki link parser ahead of the link parser,
// so that it sees "[[" first. Code spans and code blocks never reach inline parsers, which
// keeps [[x]] inside them literal. The link and emphasis parsers are bounded per block, which
// keeps rendering linear in the size of the text.
func newParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(
			util.Prioritized(parser.NewSetextHeadingParser(), 100),
			util.Prioritized(parser.NewThematicBreakParser(), 200),
			util.Prioritized(parser.NewListParser(), 300),
			util.Prioritized(parser.NewListItemParser(), 400),
			util.Prioritized(parser.NewCodeBlockParser(), 500),
			util.Prioritized(parser.NewATXHeadingParser(), 600),
			util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
			util.Prioritized(parser.NewBlockquoteParser(), 800),
			util.Prioritized(parser.NewParagraphParser(), 1000),
		),
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(wikiLinkParser{}, 199),
			// Each "[" or "![" opens at most one label for a "]" to close.
			util.Prioritized(bounded(parser.NewLinkParser(), labelsKey, maxLabels, func(c byte) bool { return c != ']' }), 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(bounded(parser.NewEmphasisParser(), delimitersKey, maxDelimiters, func(byte) bool { return true }), 500),
		),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
}

// Bounds on the inline constructs of one block (a paragraph, a heading, a list item's text):
// past them, the source is plain text. goldmark matches each closing run of "*" or "_" against
// every run before it, and reads each link label by scanning the block's lines from the last,
// so a block full of runs that never pair ("*_a" repeated) or of brackets on many lines ("[\n]"
// repeated) costs the square of its size: a 64 KB description took seconds to render. Real
// text stays far below the bounds: 250 emphasised phrases, or 500 links, in one paragraph.
const (
	maxDelimiters = 500
	maxLabels     = 500
)

// The keys under which the bounded parsers keep their counts in a parse's context. goldmark
// sizes every context by the number of keys ever made, so they are made once, here.
var (
	delimitersKey = parser.NewContextKey()
	labelsKey     = parser.NewContextKey()
)

// boundedParser is an inline parser that parses at most max constructs in one block; opens
// tells which calls count, by the character that triggered them.
type boundedParser struct {
	parser.InlineParser
	key   parser.ContextKey
	max   int
	opens func(c byte) bool
}

// CloseBlock implements parser.CloseBlocker for the wrapped parser, which the link parser needs
// to turn the labels a block left open back into text.
func (p boundedParser) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if cb, ok := p.InlineParser.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
}

// blockCount is how many constructs a boundedParser parsed in the block it last saw.
type blockCount struct {
	block ast.Node
	n     int
}

// bounded wraps p so that it parses at most max constructs a block, counting under key.
func bounded(p parser.InlineParser, key parser.ContextKey, max int, opens func(c byte) bool) parser.InlineParser {
	return boundedParser{InlineParser: p, key: key, max: max, opens: opens}
}

// Parse implements parser.InlineParser. It returns nil, leaving the text to other parsers and
// then as written, once the block has max constructs. Inline parsers are handed the block as
// parent, which tells when a new block starts.
func (p boundedParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) == 0 || !p.opens(line[0]) {
		return p.InlineParser.Parse(parent, block, pc)
	}
	c, _ := pc.Get(p.key).(*blockCount)
	if c == nil || c.block != parent {
		c = &blockCount{block: parent}
		pc.Set(p.key, c)
	}
	if c.n >= p.max {
		return nil
	}
	node := p.InlineParser.Parse(parent, block, pc)
	if node != nil {
		c.n++
	}
	return node
}

// wikiAttr is the name of the node attribute that marks an ast.Link as a wiki link. Wiki
// links are ordinary link nodes so that goldmark's own rule against links inside links
// applies to them too.
const wikiAttr = "kioku-wiki"

// wikiTarget is what a wiki link points to. The parser fills in the title; Render fills in
// the rest from the Resolver.
type wikiTarget struct {
	title  string
	href   string
	exists bool
}

// targetOf returns the wiki link target of l, or nil if l is an ordinary Markdown link.
func targetOf(l *ast.Link) *wikiTarget {
	v, ok := l.AttributeString(wikiAttr)
	if !ok {
		return nil
	}
	t, _ := v.(*wikiTarget)
	return t
}

// wikiLinkParser parses [[Title]] and [[Title|label]]. The link must close on the same line;
// the title may not contain "[", "]" or "|", and the label may not contain "[" or "]".
type wikiLinkParser struct{}

// Trigger implements parser.InlineParser.
func (wikiLinkParser) Trigger() []byte { return []byte{'['} }

// Parse implements parser.InlineParser. It returns nil, leaving "[" to the link parser, when
// the text at the reader is not a wiki link.
func (wikiLinkParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	title, label, n := scanWikiLink(line)
	if n == 0 {
		return nil
	}
	block.Advance(n)
	link := ast.NewLink()
	link.SetAttributeString(wikiAttr, &wikiTarget{title: title})
	s := ast.NewString([]byte(label))
	s.SetRaw(true) // the label is shown as written: no entities, no backslash escapes
	link.AppendChild(link, s)
	return link
}

// scanWikiLink reads a wiki link at the start of line. It returns the trimmed title, the
// label (the title when none is given) and the number of bytes consumed, or n == 0 when
// line does not start with a well-formed wiki link with a non-empty title.
func scanWikiLink(line []byte) (title, label string, n int) {
	if !bytes.HasPrefix(line, []byte("[[")) {
		return "", "", 0
	}
	pipe := -1
	for i := 2; i < len(line); i++ {
		switch line[i] {
		case '[', '\n', '\r':
			return "", "", 0
		case '|':
			if pipe < 0 {
				pipe = i
			}
		case ']':
			if i+1 >= len(line) || line[i+1] != ']' {
				return "", "", 0
			}
			end := i
			if pipe < 0 {
				pipe = end
			}
			title = strings.TrimSpace(string(line[2:pipe]))
			if title == "" {
				return "", "", 0
			}
			label = title
			if pipe < end {
				if l := strings.TrimSpace(string(line[pipe+1 : end])); l != "" {
					label = l
				}
			}
			return title, label, end + 2
		}
	}
	return "", "", 0
}
