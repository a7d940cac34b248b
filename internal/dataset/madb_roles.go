package dataset

import (
	_ "embed"
	"slices"
	"strings"
)

// madbRolesTSV is the vocabulary of MADB staff roles: a Japanese role name, a tab, its usual
// English name in anime credits. It starts from the shared madb-roles.tsv and adds the
// frequent roles that list missed.
//
//go:embed madb-roles.tsv
var madbRolesTSV string

// roleBook translates MADB role names into English. It is built once per read rather than
// kept in a package variable, so that tests and concurrent reads share nothing.
type roleBook struct {
	english map[string]string // keyed by roleKey
}

// newRoleBook parses the embedded vocabulary. The first line is a header; lines starting
// with "#" and blank lines are skipped.
func newRoleBook() roleBook {
	b := roleBook{english: make(map[string]string, 256)}
	for i, line := range strings.Split(madbRolesTSV, "\n") {
		ja, en, ok := strings.Cut(strings.TrimRight(line, "\r"), "\t")
		if i == 0 || !ok || strings.HasPrefix(ja, "#") {
			continue
		}
		b.english[roleKey(ja)] = strings.TrimSpace(en)
	}
	return b
}

// roleKey is the form roles are looked up by: half-width ASCII, no spaces, so that "ＣＧ"
// finds "CG" and "動画（作画と同義）" finds "動画(作画と同義)".
func roleKey(role string) string {
	if !strings.ContainsFunc(role, func(r rune) bool { return isWideSpace(r) || (r >= '！' && r <= '～') }) {
		return role
	}
	return strings.Join(strings.Fields(foldWidth(role)), "")
}

// roleSeparators split compound roles ("演出、絵コンテ", "キャラクターデザイン・総作画監督").
const roleSeparators = "、・･,，/／"

// translate returns the English roles of a role text, one per part of a compound role, in
// the order written and without repeats. The whole text is tried first: some entries of the
// vocabulary contain a separator ("制作・著作"). A part the vocabulary does not name gives
// ""; mapped counts the parts that were named, of parts in all, for the share of role
// mentions the reader understands. A part such as "原画（原動画）" that is not in the
// vocabulary is tried again without its parenthesis.
func (b roleBook) translate(role string) (roles []string, mapped, parts int) {
	if role == "" {
		return nil, 0, 0
	}
	if en, ok := b.lookup(role); ok {
		return []string{en}, 1, 1
	}
	pieces := strings.FieldsFunc(role, func(r rune) bool { return strings.ContainsRune(roleSeparators, r) })
	seen := map[string]bool{}
	for _, p := range pieces {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		parts++
		en, ok := b.lookup(p)
		if ok {
			mapped++
		}
		if !seen[en] {
			seen[en] = true
			roles = append(roles, en)
		}
	}
	return roles, mapped, parts
}

// lookup finds one role, also without a trailing parenthesis ("監督（第1期）").
func (b roleBook) lookup(role string) (string, bool) {
	k := roleKey(role)
	if en, ok := b.english[k]; ok {
		return en, true
	}
	if i := strings.IndexAny(k, "(（"); i > 0 {
		en, ok := b.english[k[:i]]
		return en, ok
	}
	return "", false
}

// castRole reports whether a staff role names cast rather than staff: "[出演]東映児童" lists a
// performer without a character.
func castRole(role string) bool { return castKey(roleKey(role)) }

// castKey is castRole for a role key.
func castKey(k string) bool {
	switch k {
	case "出演", "声の出演", "声", "声優", "キャスト", "ボイスキャスト", "CV", "出演者", "声の主演", "主演", "ゲスト", "吹替", "吹き替え":
		return true
	}
	return false
}

// narrationRole reports whether a staff role is a narrator, which MADB's cast strings write
// as a character ("【ナレーション】…"); a "[ナレーション]" staff entry is read the same way.
func narrationRole(role string) bool { return narrationKey(roleKey(role)) }

// narrationKey is narrationRole for a role key.
func narrationKey(k string) bool {
	switch k {
	case "ナレーション", "ナレーター", "語り", "語り手":
		return true
	}
	return false
}

// companyRoles maps the role of a productionCompany or publisher entry to one of
// wiki.CompanyRoles. Whole texts are tried before parts, as for staff roles.
func companyRoles(role string) []string {
	if role == "" {
		return nil
	}
	if r := companyRole(roleKey(role)); r != "" {
		return []string{r}
	}
	var out []string
	for _, p := range strings.FieldsFunc(role, func(r rune) bool { return strings.ContainsRune(roleSeparators, r) }) {
		r := companyRole(roleKey(p))
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// companyRole maps one role key. 制作 (production work, the studio) and 製作 (production
// financing, the committee) are told apart as the industry does; "制作・著作" and "製作・著作"
// are the copyright holder that commissioned the work, hence Producer.
func companyRole(k string) string {
	switch k {
	case "制作", "アニメーション制作", "アニメ制作", "アニメーション製作", "制作スタジオ", "制作プロダクション",
		"制作会社", "映像制作", "CG制作", "3DCG制作", "アニメーション", "作画", "動画":
		return "Animation studio"
	case "製作", "製作委員会", "製作幹事", "製作・著作", "制作・著作", "製作著作", "制作著作", "著作", "企画制作",
		"企画・制作", "企画製作", "企画・製作", "製作総指揮", "製作協力", "共同製作":
		return "Producer"
	case "配給", "配給協力", "発売", "発売元", "販売", "販売元", "発売・販売元", "発売元・販売元", "発売・販売", "販売協力":
		return "Distributor"
	case "ライセンス", "ライセンサー", "海外販売", "海外ライセンス":
		return "Licensor"
	}
	return ""
}
