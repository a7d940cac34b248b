package wikitext

import (
	"strings"
	"testing"
)

// benchSource returns at least size bytes of mixed Markdown with wiki links, Japanese text
// and code, shaped like a long work description.
func benchSource(size int) string {
	const section = `## あらすじ

『[[メモリーズ]]』は[[大友克洋]]が製作総指揮を務めた**オムニバス**映画で、*三つの短編*から成る。
第一話「[[彼女の想いで|彼女の想いで]]」の監督は[[森本晃司]]、脚本は[[今敏]]。

- 公開: 1995年
- 制作: [[Studio 4°C]]、[[マッドハウス]]
- 参考: [公式サイト](https://example.org/memories "Memories") と <https://example.org/faq>

> 宇宙の廃棄物回収船が、救難信号を受けて巨大な宇宙ステーションに向かう。

Code such as ` + "`[[not a link]]`" + ` stays literal, and so does <b>raw HTML</b>.

` + "```" + `
[[also not a link]]
` + "```" + `

`
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(section)
	}
	return b.String()
}

func BenchmarkRender(b *testing.B) {
	r := New()
	src := benchSource(50 << 10)
	resolve := mapResolver(map[string]string{
		"メモリーズ": "/works/1", "大友克洋": "/people/2", "今敏": "/people/3", "Studio 4°C": "/companies/4",
	})
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		r.Render(src, resolve)
	}
}

func BenchmarkLinks(b *testing.B) {
	src := benchSource(50 << 10)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Links(src)
	}
}
