package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:generate go run gen_hans.go

// Fold is the search key of s: a form more forgiving than Key, meant to be applied alike to
// the titles an index holds and to the queries run against it, so that its folding costs
// precision and never recall. It does what Key does (NFKC, lower case, hiragana as katakana,
// only letters and digits) and, on top of that:
//
//   - Latin letters lose their diacritics (ō, ô, ö → o; ß → ss, æ → ae, ø → o).
//   - Romaji spellings meet in one canonical form, close to Kunrei-shiki: shi, si → si;
//     sha, sya → sya; chi, ti → ti; cha, cya, tya → tya; tsu, tu → tu; fu, hu → hu;
//     ji, zi, di → zi; ja, jya, zya, dya → zya; du, zu → zu; tch, cch → tt(y); m before
//     b, p, m → n; nn → n; and long vowels lose their length: oo, ou, oh (before a consonant
//     or at the end) → o; uu → u; aa → a; ii → i; ee → e (ei is left alone). Tōkyō, Tôkyô,
//     Toukyou, Tookyoo and Tokyo all fold to tokyo. The rules see the letters of s joined, as
//     if there were no spaces, so that Fold("Kanojo no Omoide") and Fold("kanojonoomoide")
//     are the same.
//   - Katakana lose the long mark ー (メモリーズ and メモリズ meet), small ヵ and ヶ become カ
//     and ケ, and ヴ spellings become バ-row ones (ヴァイオレット and バイオレット meet).
//   - Traditional Chinese characters become simplified ones, character by character.
//
// Fold(Fold(s)) == Fold(s) for every s.
func Fold(s string) string {
	var f folder
	if !utf8.ValidString(s) {
		// norm leaves the text after an invalid byte partly unnormalised; U+FFFD, which
		// Fold drops, stops composition as the invalid byte does for foldOffsets.
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFKC.String(s)
	f.b.Grow(len(s))
	for _, r := range s {
		f.add(r, span{})
	}
	f.flush()
	return f.b.String()
}

// foldOffsets folds s as Fold does and returns, for each rune of the key, the byte range of
// s it comes from. Ranges are in increasing order and do not overlap; runes that come from
// one NFKC segment (ß → ss, ㌔ → キロ) share its range.
func foldOffsets(s string) ([]rune, []span) {
	f := folder{spans: true}
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	for !it.Done() {
		start := it.Pos()
		seg := it.Next()
		sp := span{start, it.Pos()}
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			f.add(r, sp)
			seg = seg[size:]
		}
	}
	f.flush()
	return f.runes, f.offs
}

// span is the byte range [start, end) of a text that a rune of its key comes from.
type span struct{ start, end int }

type item struct {
	r  rune
	sp span
}

// A folder applies the rules of Fold in two stages: add maps each rune of the NFKC form on
// its own, and step applies the rules that need context, with up to three runes of lookahead
// (a queue) and the last rune written (for long vowels and doubled n). Both Fold and
// foldOffsets run it, so the rules are written once.
type folder struct {
	q    [4]item // a ring: the queue starts at q[head]
	head int
	n    int
	last rune

	spans bool
	b     strings.Builder // the key, when !spans
	runes []rune          // the key, when spans
	offs  []span
}

// add maps one rune of the NFKC form of the text: case, diacritics, kana and Han forms.
func (f *folder) add(r rune, sp span) {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			f.push(r, sp)
		case r >= 'A' && r <= 'Z':
			f.push(r+('a'-'A'), sp)
		}
		return
	case r >= 'ぁ' && r <= 'ゖ', r == 'ゝ', r == 'ゞ':
		f.kana(r+('ァ'-'ぁ'), sp)
		return
	case r >= 'ァ' && r <= 'ヺ', r == 'ヽ', r == 'ヾ':
		f.kana(r, sp)
		return
	case r == 'ー':
		// The long mark belongs to the kana before it, for highlighting.
		f.extend(sp)
		return
	case r < 0x250 || r >= 0x1e00 && r < 0x1f00:
		// Latin-1, Latin Extended-A and -B, Latin Extended Additional.
		if unicode.IsLetter(r) {
			f.latin(unicode.ToLower(r), sp)
			return
		}
	case r >= 0x3400:
		if t, ok := simplified(r); ok {
			f.push(t, sp)
			return
		}
	}
	switch {
	case unicode.IsLetter(r):
		f.push(unicode.ToLower(r), sp)
	case unicode.IsDigit(r):
		f.push(r, sp)
	case unicode.Is(unicode.M, r):
		// A mark that did not compose with its letter (Fold keeps no marks) still belongs to it.
		f.extend(sp)
	}
}

// ligatures are the Latin letters written as two.
var ligatures = map[rune][2]rune{'ß': {'s', 's'}, 'æ': {'a', 'e'}, 'œ': {'o', 'e'}, 'þ': {'t', 'h'}}

// latin pushes the base letter of a lower-case Latin letter.
func (f *folder) latin(r rune, sp span) {
	if pair, ok := ligatures[r]; ok {
		f.push(pair[0], sp)
		f.push(pair[1], sp)
		return
	}
	switch r {
	case 'ø':
		r = 'o'
	case 'đ', 'ð':
		r = 'd'
	case 'ł':
		r = 'l'
	case 'ħ':
		r = 'h'
	case 'ı':
		r = 'i'
	case 'ŧ':
		r = 't'
	default:
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		if d := norm.NFD.Properties(buf[:n]).Decomposition(); len(d) > 0 && d[0] < utf8.RuneSelf {
			r = unicode.ToLower(rune(d[0]))
		}
	}
	f.push(r, sp)
}

// kana pushes a katakana letter, with the small ヵ and ヶ made full size and ヷ-row letters
// written as バ-row ones.
func (f *folder) kana(r rune, sp span) {
	switch r {
	case 'ヵ':
		r = 'カ'
	case 'ヶ':
		r = 'ケ'
	case 'ヷ':
		r = 'バ'
	case 'ヸ':
		r = 'ビ'
	case 'ヹ':
		r = 'ベ'
	case 'ヺ':
		r = 'ボ'
	}
	f.push(r, sp)
}

// push queues r for the rules of step, which need three runes of lookahead.
func (f *folder) push(r rune, sp span) {
	f.q[(f.head+f.n)%len(f.q)] = item{r, sp}
	f.n++
	if f.n == len(f.q) {
		f.step()
	}
}

// flush applies the rules to the runes still queued, at the end of the text.
func (f *folder) flush() {
	for f.n > 0 {
		f.step()
	}
}

// extend makes the last rune queued or written cover sp too, when sp follows it directly.
func (f *folder) extend(sp span) {
	if !f.spans {
		return
	}
	var last *span
	switch {
	case f.n > 0:
		last = &f.q[(f.head+f.n-1)%len(f.q)].sp
	case len(f.offs) > 0:
		last = &f.offs[len(f.offs)-1]
	default:
		return
	}
	if last.end == sp.start {
		last.end = sp.end
	}
}

// ahead is the rune i places after the one step is at, or 0 past the end of the text.
func (f *folder) ahead(i int) rune {
	if i < f.n {
		return f.q[(f.head+i)%len(f.q)].r
	}
	return 0
}

// at is the item i places after the one step is at; i < f.n.
func (f *folder) at(i int) item {
	return f.q[(f.head+i)%len(f.q)]
}

func vowel(r rune) bool {
	return r == 'a' || r == 'i' || r == 'u' || r == 'e' || r == 'o'
}

// step applies the rules of romaji spelling and of ヴ to the first rune queued and removes
// it from the queue, with the rune after it when a rule consumes two.
func (f *folder) step() {
	c := f.at(0)
	n1, n2, n3 := f.ahead(1), f.ahead(2), f.ahead(3)
	used := 1
	switch c.r {
	case 'h':
		if f.last == 'o' && !vowel(n1) {
			f.absorb(c.sp) // oh before a consonant or at the end: a long o
		} else {
			f.emit('h', c.sp)
		}
	case 'm':
		if n1 == 'b' || n1 == 'p' || n1 == 'm' {
			f.emit('n', c.sp)
		} else {
			f.emit('m', c.sp)
		}
	case 's':
		switch {
		case f.last == 't' && n1 == 'u':
			f.absorb(c.sp) // tsu → tu
		case hish(n1, n2) && vowel(n2):
			f.emit('s', c.sp)
			f.palatal(n2, f.at(1).sp) // shi → si, sha → sya
			used = 2
		default:
			f.emit('s', c.sp)
		}
	case 'c':
		switch {
		case hish(n1, n2) && vowel(n2):
			f.emit('t', c.sp)
			f.palatal(n2, f.at(1).sp) // chi → ti, cha → tya
			used = 2
		case n1 == 'y' && vowel(n2), n1 == 'c' && (hish(n2, n3) || n2 == 'y') && vowel(n3):
			f.emit('t', c.sp) // cya → tya, cch → tch → tty
		default:
			f.emit('c', c.sp)
		}
	case 'j':
		switch {
		case n1 == 'i', n1 == 'y' && vowel(n2), n1 == 'j' && (vowel(n2) || n2 == 'y' && vowel(n3)):
			f.emit('z', c.sp) // ji → zi, jya → zya, jji → zzi
		case vowel(n1):
			f.emit('z', c.sp) // ja → zya
			f.emit('y', c.sp)
		default:
			f.emit('j', c.sp)
		}
	case 'd':
		switch {
		case n1 == 'i', n1 == 'u', n1 == 'y' && vowel(n2),
			n1 == 'd' && (n2 == 'i' || n2 == 'u' || n2 == 'y' && vowel(n3)):
			f.emit('z', c.sp) // di → zi, du → zu, dya → zya
		default:
			f.emit('d', c.sp)
		}
	case 'f':
		switch {
		case n1 == 'f' && n2 == 'u' && f.last == 'o':
			// off before u is ohh, and oh before a consonant a long o, as the rule of h says:
			// offu folds to ohu, as ohhu does, and so does the key.
			f.absorb(c.sp)
		case n1 == 'u' || n1 == 'f' && n2 == 'u':
			f.emit('h', c.sp) // fu → hu
		default:
			f.emit('f', c.sp)
		}
	case 'ヴ':
		switch n1 {
		case 'ァ', 'ィ', 'ェ', 'ォ':
			f.emit('バ'+(n1-'ァ')/2*3, c.sp) // ァ ィ ゥ ェ ォ are two apart, バ ビ ブ ベ ボ three
			f.absorb(f.at(1).sp)
			used = 2
		case 'ゥ':
			f.emit('ブ', c.sp)
			f.absorb(f.at(1).sp)
			used = 2
		case 'ュ':
			f.emit('ビ', c.sp)
		default:
			f.emit('ブ', c.sp)
		}
	default:
		f.emit(c.r, c.sp)
	}
	f.head = (f.head + used) % len(f.q)
	f.n -= used
}

// hish reports whether a, followed by b, is written h: an h, or the f of fu (→ hu). The
// rules of sh and ch must see it, or folding a second time would change the key.
func hish(a, b rune) bool {
	return a == 'h' || a == 'f' && b == 'u'
}

// palatal writes what follows s or t for the h of sh or ch before vowel v: nothing before i
// (shi → si), y before the others (sha → sya).
func (f *folder) palatal(v rune, sp span) {
	if v == 'i' {
		f.absorb(sp)
	} else {
		f.emit('y', sp)
	}
}

// emit writes r to the key, unless it is the second of a long vowel or of nn, which the
// rune written before absorbs. The rules look at what was written, not at what was read, so
// that a key folds to itself.
func (f *folder) emit(r rune, sp span) {
	switch p := f.last; {
	case r == 'n' && p == 'n',
		vowel(r) && (r == p || p == 'o' && r == 'u'):
		f.absorb(sp)
		return
	}
	f.last = r
	if f.spans {
		f.runes = append(f.runes, r)
		f.offs = append(f.offs, sp)
		return
	}
	if r < utf8.RuneSelf {
		f.b.WriteByte(byte(r))
	} else {
		f.b.WriteRune(r)
	}
}

// absorb drops a rune that a rule folded into the rune written before it; that rune then
// covers its bytes too, when they follow directly.
func (f *folder) absorb(sp span) {
	if !f.spans || len(f.offs) == 0 {
		return
	}
	if last := &f.offs[len(f.offs)-1]; last.end == sp.start {
		last.end = sp.end
	}
}

// simplified is the simplified form of the traditional Chinese character r.
func simplified(r rune) (rune, bool) {
	lo, hi := 0, len(hansFrom)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if hansFrom[m] < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(hansFrom) && hansFrom[lo] == r {
		return hansTo[lo], true
	}
	return 0, false
}
