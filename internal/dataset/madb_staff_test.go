package dataset

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The strings below are taken from the MADB files (contributor, creator, actor and
// productionCompany fields), a few shortened.

func TestParseStaff(t *testing.T) {
	staff := func(role, name, note string) staffLine { return staffLine{Role: role, Name: name, Note: note} }
	voice := func(char, name, note string) staffLine {
		return staffLine{Cast: true, Character: char, Name: name, Note: note}
	}
	tests := []struct {
		name string
		in   string
		cast bool // an actor string
		want []staffLine
	}{
		{
			name: "placeholder ほか dropped",
			in:   "[原画]岡部一彦 ／ [原画]杉山卓 ／ [背景]ほか ／ [撮影]辻友一",
			want: []staffLine{staff("原画", "岡部一彦", ""), staff("原画", "杉山卓", ""), staff("撮影", "辻友一", "")},
		},
		{
			name: "missing bracket continues the role",
			in:   "[演出]鈴木宏昌 ／ 古沢秀雄",
			want: []staffLine{staff("演出", "鈴木宏昌", ""), staff("演出", "古沢秀雄", "")},
		},
		{
			name: "notes in parentheses and after ※",
			in:   "[演出]前田康成（「縄文・弥生・奈良」「江戸」） ／ [監督]辻伸一（「平安・戦国」）※「辻」はしんにょうの点が2つ",
			want: []staffLine{
				staff("演出", "前田康成", "「縄文・弥生・奈良」「江戸」"),
				staff("監督", "辻伸一", "「平安・戦国」; 「辻」はしんにょうの点が2つ"),
			},
		},
		{
			name: "full-width spaces and empty entries",
			in:   "[シリーズ構成]上江洲　誠 ／ [監督]増田信也　 ／ 　　　　",
			want: []staffLine{staff("シリーズ構成", "上江洲 誠", ""), staff("監督", "増田信也", "")},
		},
		{
			name: "episode brackets are notes, not roles",
			in:   "[作画監督]袴田 裕二[9、11話] ／ [2話]宇田鋼之介 ／ [1]小林",
			want: []staffLine{
				staff("作画監督", "袴田 裕二", "9、11話"),
				staff("作画監督", "宇田鋼之介", "2話"),
				staff("作画監督", "小林", "1"),
			},
		},
		{
			name: "second bracket: episodes, or the name itself",
			in:   "[美術監督][～23回]岡部真由美 ／ [製作委員会][バンダイ] ／ [サブキャラクターデザイン][左→右]",
			want: []staffLine{staff("美術監督", "岡部真由美", "~23回"), staff("製作委員会", "バンダイ", "")},
		},
		{
			name: "〈〉 headings",
			in:   "[〈日本語版制作スタッフ〉翻訳]森みさ ／ 〈日本語版制作〉 ／ [演出]山田悦司",
			want: []staffLine{staff("翻訳", "森みさ", "日本語版制作スタッフ"), staff("演出", "山田悦司", "日本語版制作")},
		},
		{
			name: "two entries in one, cut before the role bracket",
			in:   "[作画]スタジオカーペンター〈第３シリーズ〉　[脚本]島田満",
			want: []staffLine{staff("作画", "スタジオカーペンター", "第3シリーズ"), staff("脚本", "島田満", "")},
		},
		{
			name: "cast inside a staff string",
			in:   "[出演] ／ 【ピピ（声）】中村メイ子 ／ 【】加藤順一 ／ [出演]ほか ／ [出演]東映児童",
			want: []staffLine{voice("ピピ", "中村メイ子", ""), voice("", "加藤順一", ""), voice("", "東映児童", "")},
		},
		{
			name: "full-width and mismatched brackets",
			in:   "［キャラクターデザイン・総作画監督］平田雄三 ／ ［演出]三好 慶一郎",
			want: []staffLine{staff("キャラクターデザイン・総作画監督", "平田雄三", ""), staff("演出", "三好 慶一郎", "")},
		},
		{
			name: "remark lines dropped",
			in:   "[シリーズ構成]小野田博之※実際の脚本執筆はなし ／ ◆※本リストは、OPのクレジットタイトルに、虫プロ社内の資料を加えて作成した。",
			want: []staffLine{staff("シリーズ構成", "小野田博之", "実際の脚本執筆はなし")},
		},
		{
			name: "anthology segment heading",
			in:   "[音楽]井上薫　／　（2）上海大竜　／　[脚本]河森正治",
			want: []staffLine{staff("音楽", "井上薫", ""), staff("脚本", "河森正治", "(2) 上海大竜")},
		},
		{
			name: "full-width ASCII folded in names, role kept as written",
			in:   "[監督]ＡＢＣ　ＤＥＦ ／ [ＣＧ]ＸＹＺ",
			want: []staffLine{staff("監督", "ABC DEF", ""), staff("ＣＧ", "XYZ", "")},
		},
		{
			name: "staff and cast role; narrator",
			in:   "[キャラクター原案・声の出演]堀江由衣 ／ [ナレーション]銀河万丈",
			want: []staffLine{
				voice("", "堀江由衣", ""),
				staff("キャラクター原案・声の出演", "堀江由衣", ""),
				voice("ナレーション", "銀河万丈", ""),
			},
		},
		{
			name: "role-less name",
			in:   "小島正幸",
			want: []staffLine{staff("", "小島正幸", "")},
		},
		{
			name: "second voice of the same character",
			in:   "【ドルフィン王子】小原乃梨子 ／ 【ネプチューナ】松尾佳子 ／ 大塚周夫",
			cast: true,
			want: []staffLine{
				voice("ドルフィン王子", "小原乃梨子", ""),
				voice("ネプチューナ", "松尾佳子", ""),
				voice("ネプチューナ", "大塚周夫", ""),
			},
		},
		{
			name: "〈〉 notes; spaced-out character",
			in:   "【男の子A】高乃 麗 ／ 【ウサギ】高乃 麗〈奈良〉 ／ 【磐 丸】関 智一",
			cast: true,
			want: []staffLine{voice("男の子A", "高乃 麗", ""), voice("ウサギ", "高乃 麗", "奈良"), voice("磐丸", "関 智一", "")},
		},
		{
			name: "voice-cast headings without separators",
			in:   "【出演】飯豊まりえ【声の出演】中村悠一、後藤拓実（四千頭身）",
			cast: true,
			want: []staffLine{voice("", "飯豊まりえ", ""), voice("", "中村悠一", ""), voice("", "後藤拓実", "四千頭身")},
		},
		{
			name: "segment heading; one actor, two characters",
			in:   "〈LIMIT CYCLE〉【主人公】三上博史　／　【ボス、せわし博士】大竹宏",
			cast: true,
			want: []staffLine{
				voice("主人公", "三上博史", "LIMIT CYCLE"),
				voice("ボス", "大竹宏", "LIMIT CYCLE"),
				voice("せわし博士", "大竹宏", "LIMIT CYCLE"),
			},
		},
		{
			name: "slash inside the character; [キャスト]他",
			in:   "【鴉／乙羽】和田聡宏 ／ ［キャスト］他",
			cast: true,
			want: []staffLine{voice("鴉/乙羽", "和田聡宏", "")},
		},
		{
			name: "editor's marker dropped; character without voice kept",
			in:   "【【【！！！メインスタッフ要修正！！！】】】・「煌（きら）めいて」 ／ 【うちはイタチ】※",
			cast: true,
			want: []staffLine{voice("うちはイタチ", "", "")},
		},
		{
			name: "missing opening bracket; episodes in the character",
			in:   "Ninja-Ninja】Samuel L. Jackson ／ 【徳川 家康[6、16話]】小林 ゆう",
			cast: true,
			want: []staffLine{voice("Ninja-Ninja", "Samuel L. Jackson", ""), voice("徳川家康", "小林 ゆう", "6、16話")},
		},
		{
			name: "the voice of; entries cut at 【",
			in:   "【ペケペケの（声）】阪脩 ／ 【らむりんママ】小林優子 【らむりんパパ】飛田展男",
			cast: true,
			want: []staffLine{voice("ペケペケ", "阪脩", ""), voice("らむりんママ", "小林優子", ""), voice("らむりんパパ", "飛田展男", "")},
		},
		{
			name: "actor without character first",
			in:   "滝口順平 ／ 【ナレーション】ゆきさき",
			cast: true,
			want: []staffLine{voice("", "滝口順平", ""), voice("ナレーション", "ゆきさき", "")},
		},
		{
			name: "productionCompany with marks and a role after the name",
			in:   "[アニメーション制作]● ジェンコ ／ 國光教育映画社[提供] ／ [製作]NHKほか",
			want: []staffLine{staff("アニメーション制作", "ジェンコ", ""), staff("アニメーション制作", "國光教育映画社", "提供"), staff("製作", "NHK", "")},
		},
		{name: "empty", in: "", want: nil},
		{name: "only spaces and slashes", in: " ／ 　／", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseStaff(tt.in, tt.cast)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseStaff(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseColonStaff(t *testing.T) {
	staff := func(role, name, note string) staffLine { return staffLine{Role: role, Name: name, Note: note} }
	voice := func(char, name string) staffLine { return staffLine{Cast: true, Character: char, Name: name} }
	tests := []struct {
		in   string
		want []staffLine
	}{
		{"原作:なばたとしたか 制作:ディレクションズ.", []staffLine{staff("原作", "なばたとしたか", ""), staff("制作", "ディレクションズ", "")}},
		{
			"原作:トーベ・ヤンソン エグゼクティブ・プロデューサー: デニス・リブソン 音楽:Audio Highs 声の出演:杉田智和/阪口大助 ほか.",
			[]staffLine{
				staff("原作", "トーベ・ヤンソン", ""), staff("エグゼクティブ・プロデューサー", "デニス・リブソン", ""),
				staff("音楽", "Audio Highs", ""), voice("", "杉田智和"), voice("", "阪口大助"),
			},
		},
		{
			"キャラクター原案・声の出演:堀江由衣 監督:岩崎良明",
			[]staffLine{staff("キャラクター原案・声の出演", "堀江由衣", ""), voice("", "堀江由衣"), staff("監督", "岩崎良明", "")},
		},
		{
			"声の出演:大竹宏/緒方賢一演出:明比正行",
			[]staffLine{voice("", "大竹宏"), voice("", "緒方賢一"), staff("演出", "明比正行", "")},
		},
		{"出演・ナレーション:内山昂輝.", []staffLine{voice("ナレーション", "内山昂輝")}},
		{
			"声の出演:古谷徹/堀秀行〈聖闘士星矢邪神エリス〉監督:森下孝三 脚本:菅良幸",
			[]staffLine{
				voice("", "古谷徹"), voice("", "堀秀行"),
				staff("監督", "森下孝三", "聖闘士星矢邪神エリス"), staff("脚本", "菅良幸", "聖闘士星矢邪神エリス"),
			},
		},
		{"声の出演:大川透//小杉十郎太", []staffLine{voice("", "大川透"), voice("", "小杉十郎太")}},
		{
			"〈1st Stage〉監督:三沢伸 声の出演:川島千代子/緒方賢一〈決戦!大海獣 第2部〉演出:明比正行",
			[]staffLine{
				staff("監督", "三沢伸", "1st Stage"), {Cast: true, Name: "川島千代子", Note: "1st Stage"},
				{Cast: true, Name: "緒方賢一", Note: "1st Stage"}, staff("演出", "明比正行", "決戦!大海獣 第2部"),
			},
		},
	}
	b := newRoleBook()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseColonStaff(tt.in, b)); diff != "" {
				t.Errorf("parseColonStaff(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestColonForm(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"原作:なばたとしたか 制作:ディレクションズ.", true},
		{"[脚本]監督:高*田淳", false},
		{"小島正幸", false},
		{"【鴉】和田聡宏", false},
		{"〈1st Stage〉監督:三沢伸 原作:しげの秀一", true},
		{"(2)上海大竜", false},
	}
	for _, tt := range tests {
		if got := colonForm(tt.in); got != tt.want {
			t.Errorf("colonForm(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	tests := []struct{ in, name, note string }{
		{"前田康成（「縄文・弥生・奈良」「江戸」）", "前田康成", "「縄文・弥生・奈良」「江戸」"},
		{"　高乃　麗　", "高乃 麗", ""},
		{"ＨＩＲＯＳＨＩ　ＡＯＹＡＭＡ", "HIROSHI AOYAMA", ""},
		{"ほか", "", ""},
		{"他", "", ""},
		{"不詳", "", ""},
		{"　　　　", "", ""},
		{"○、◇▽", "", ""},
		{"加納一朗ほか", "加納一朗", ""},
		{"阪口大助 ほか", "阪口大助", ""},
		{"池畑祐※治", "池畑祐治", ""},
		{"※茂呂田かおる", "茂呂田かおる", ""},
		{"三石琴乃※必要あればキャスト追加", "三石琴乃", "必要あればキャスト追加"},
		{"● ジェンコ", "ジェンコ", ""},
		{"水田わさび)", "水田わさび", ""},
		{"木村裕一 （6、10", "木村裕一", "6、10"},
		{"「Yes/No」スター☆コンチェルト", "スター☆コンチェルト", "Yes/No"},
		{"矢部太郎（カラテカ）", "矢部太郎", "カラテカ"},
		{"岡本知（中期以降）（グロービジョン）", "岡本知", "中期以降; グロービジョン"},
	}
	for _, tt := range tests {
		name, note := cleanName(tt.in)
		if name != tt.name || note != tt.note {
			t.Errorf("cleanName(%q) = %q, %q; want %q, %q", tt.in, name, note, tt.name, tt.note)
		}
	}
}

func TestNameKey(t *testing.T) {
	same := [][2]string{
		{"高乃 麗", "高乃麗"},
		{"高乃　麗", "高乃麗"},
		{"成沢, 大輔", "成沢大輔"},
		{"髙橋", "高橋"},
		{"山﨑", "山崎"},
		{"ＡＢＣ", "abc"},
		{"ジョージ・ミラー", "ジョージミラー"},
	}
	for _, p := range same {
		if a, b := nameKey(p[0]), nameKey(p[1]); a != b {
			t.Errorf("nameKey(%q) = %q, nameKey(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	if nameKey("沢城みゆき") == nameKey("澤城みゆき") {
		t.Errorf("nameKey folds 沢 and 澤, which are different names")
	}
}

func TestTranslateRoles(t *testing.T) {
	b := newRoleBook()
	tests := []struct {
		role          string
		want          []string
		mapped, parts int
	}{
		{"監督", []string{"Director"}, 1, 1},
		{"演出、絵コンテ", []string{"Episode Director", "Storyboard"}, 2, 2},
		{"キャラクターデザイン・総作画監督", []string{"Character Design", "Chief Animation Director"}, 2, 2},
		{"妖怪・メカデザイン", []string{"", "Mechanical Design"}, 1, 2},
		{"制作・著作", []string{"Production and Copyright"}, 1, 1},
		{"ＣＧ", []string{"CG"}, 1, 1},
		{"原画（原動画）", []string{"Key Animation"}, 1, 1},
		{"動画（作画と同義）", []string{"Animation"}, 1, 1},
		{"監督（第1期）", []string{"Director"}, 1, 1},
		{"ナレーションダイアローグ", []string{""}, 0, 1},
		{"", nil, 0, 0},
	}
	for _, tt := range tests {
		got, mapped, parts := b.translate(tt.role)
		if diff := cmp.Diff(tt.want, got); diff != "" || mapped != tt.mapped || parts != tt.parts {
			t.Errorf("translate(%q) = %q, %d/%d; want %q, %d/%d", tt.role, got, mapped, parts, tt.want, tt.mapped, tt.parts)
		}
	}
}

func TestCompanyRoles(t *testing.T) {
	tests := []struct {
		role string
		want []string
	}{
		{"制作", []string{"Animation studio"}},
		{"アニメーション制作", []string{"Animation studio"}},
		{"製作", []string{"Producer"}},
		{"制作・著作", []string{"Producer"}},
		{"制作・配給", []string{"Animation studio", "Distributor"}},
		{"発売元", []string{"Distributor"}},
		{"提供", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, companyRoles(tt.role)); diff != "" {
			t.Errorf("companyRoles(%q) mismatch (-want +got):\n%s", tt.role, diff)
		}
	}
}

func TestParseMinutes(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"30", 30, true},
		{"30分", 30, true},
		{"３０分", 30, true},
		{"2.5", 3, true},
		{"2分30秒", 3, true},
		{"1分00秒", 1, true},
		{"30秒", 1, true},
		{"約4分", 4, true},
		{"各4", 4, true},
		{"5分枠", 5, true},
		{"0", 0, false},
		{"10 ／ 30", 0, false},
		{"本編48分＋映像特典7分", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseMinutes(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseMinutes(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAltTitles(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"[タイトル（改行を含む）]ぷれぷれ／ ぷれあです", []string{"ぷれぷれ ぷれあです"}},
		{"[画面表示のタイトル]YU-GI-OH! 遊戯王ヴレインズ VRAINS", []string{"YU-GI-OH! 遊戯王ヴレインズ VRAINS"}},
		{"DRAGON BALL 改", []string{"DRAGON BALL 改"}},
		{"・緋影魔境編 ／ ・魔狼兇牙編", []string{"緋影魔境編", "魔狼兇牙編"}},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, altTitles(tt.in)); diff != "" {
			t.Errorf("altTitles(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDiscFormats(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Blu-ray Disc, DVD +", []string{"Blu-ray", "DVD"}},
		{"DVD.", []string{"DVD"}},
		{"VC（レンタル専用）", []string{"VHS"}},
		{"VIDEO版", []string{"VHS"}},
		{"コレクターズエディション", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, discFormats(tt.in)); diff != "" {
			t.Errorf("discFormats(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzParseStaff checks that no staff or cast string makes the parsers panic, and that no
// name they give is empty (a character without a voice aside) or holds a role bracket.
func FuzzParseStaff(f *testing.F) {
	for _, s := range []string{
		"[演出]鈴木宏昌 ／ 古沢秀雄", "【ウサギ】高乃 麗〈奈良〉", "[作画監督]袴田 裕二[9、11話]", "［演出]三好",
		"【【【！！！】】】", "Ninja】Sam", "（2）上海大竜", "原作:A 声の出演:B/C〈x〉監督:D", "池畑祐※治", "[[原画][中堅原画]]久保",
		"\xe4", "[a]\xff[b] ／ x", // bytes that are not UTF-8
	} {
		f.Add(s)
	}
	b := newRoleBook()
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4<<10 {
			t.Skip("longer than any staff list")
		}
		for _, lines := range [][]staffLine{parseStaff(s, false), parseStaff(s, true), parseColonStaff(s, b)} {
			for _, l := range lines {
				if l.Name == "" && !(l.Cast && l.Character != "") {
					t.Errorf("%q gave an empty name: %+v", s, l)
				}
			}
		}
		cleanName(s)
		nameKey(s)
		b.translate(s)
	})
}

// FuzzLDDecoder checks that no input makes the JSON-LD decoder panic or loop.
func FuzzLDDecoder(f *testing.F) {
	f.Add(`{"@graph": [{"@id": "_:b0", "name": ["a\u3042", {"@language": "ja-hrkt", "@value": "カ"}]}]}`)
	f.Add(`{"@context": {"x": [1, 2.5e3, true, null]}, "@graph": []}`)
	f.Add(`{"@graph": [[["deep"]], "s", 1, {"n": {"@value": 2}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxFuzzFile {
			t.Skip("longer than the fuzz bound")
		}
		d := &ldDecoder{b: []byte(s)}
		d.graph(func(int) error {
			_, err := d.entry(&madbRaw{})
			return err
		})
	})
}
