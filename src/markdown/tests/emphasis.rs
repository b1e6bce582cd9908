//! The CJK-friendly emphasis pass: the specification's examples, Latin text unchanged, and
//! agreement with pulldown-cmark wherever no CJK character is involved.

use super::*;

#[test]
fn cjk_emphasis_issue_examples() {
    assert_eq!(
        inline("这是**“加粗”**文字"),
        "这是<strong>“加粗”</strong>文字"
    );
    assert_eq!(
        inline("**重要提示：**请注意"),
        "<strong>重要提示：</strong>请注意"
    );
    assert_eq!(inline("**“两新”组织**"), "<strong>“两新”组织</strong>");
    assert_eq!(inline("*强调（说明）*后文"), "<em>强调（说明）</em>后文");
}

#[test]
fn cjk_emphasis_amendment_examples() {
    // From the markdown-cjk-friendly README: punctuation just inside, CJK just outside.
    assert_eq!(
        inline("**该星号不会被识别，而是直接显示。**这是因为它没有被识别为强调符号。"),
        "<strong>该星号不会被识别，而是直接显示。</strong>这是因为它没有被识别为强调符号。"
    );
    assert_eq!(
        inline("**このアスタリスクは強調記号として認識されず、そのまま表示されます。**この文のせいで。"),
        "<strong>このアスタリスクは強調記号として認識されず、そのまま表示されます。</strong>この文のせいで。"
    );
    assert_eq!(
        inline("패키지를 발행하려면 **`npm publish`**를 실행하십시오."),
        "패키지를 발행하려면 <strong><code>npm publish</code></strong>를 실행하십시오."
    );
    assert_eq!(
        inline("**《管理办法》**第三条"),
        "<strong>《管理办法》</strong>第三条"
    );
    assert_eq!(
        inline("***“加粗斜体”***后文"),
        "<em><strong>“加粗斜体”</strong></em>后文"
    );
    assert_eq!(
        inline("见**[链接](https://example.org)：**后文"),
        "见<strong><a href=\"https://example.org\">链接</a>：</strong>后文"
    );
}

#[test]
fn latin_emphasis_unchanged() {
    assert_eq!(
        inline("*foo* **bar** ***baz***"),
        "<em>foo</em> <strong>bar</strong> <em><strong>baz</strong></em>"
    );
    assert_eq!(inline("a * b * c"), "a * b * c");
    assert_eq!(inline("foo*bar*"), "foo<em>bar</em>");
    assert_eq!(inline("snake_case_name"), "snake_case_name");
    assert_eq!(inline("\\*not\\*"), "*not*");
    assert_eq!(
        inline("**foo \"*bar*\" foo**"),
        "<strong>foo \"<em>bar</em>\" foo</strong>"
    );
    // Still not emphasis: whitespace inside the delimiters.
    assert_eq!(inline("中文** 加粗 **中文"), "中文** 加粗 **中文");
}

#[test]
fn cjk_emphasis_beside_emphasis_commonmark_already_matched() {
    // pulldown-cmark pairs the second `**` with the third here (plain CommonMark); under the
    // amendment the first two and the last two pair up.
    assert_eq!(
        inline("**重要提示：**请注意**安全**。"),
        "<strong>重要提示：</strong>请注意<strong>安全</strong>。"
    );
    assert_eq!(
        inline("，**重要提示：**请注意，**“两新”组织**和"),
        "，<strong>重要提示：</strong>请注意，<strong>“两新”组织</strong>和"
    );
    // Latin emphasis in the same paragraph as a CJK-only match keeps its CommonMark pairing.
    assert_eq!(
        inline("*foo* **bar** ***baz*** a*b*c 这是**“加粗”**文字 **x *y* z**"),
        "<em>foo</em> <strong>bar</strong> <em><strong>baz</strong></em> a<em>b</em>c 这是<strong>“加粗”</strong>文字 <strong>x <em>y</em> z</strong>"
    );
    // A run that closes one pair and then opens another: the opener is its last character.
    assert_eq!(
        inline("***a** 中**“b”**文"),
        "<em><strong>a</strong> 中</em><em>“b”</em>*文"
    );
    assert_eq!(
        inline("__foo__ 这是**“加粗”**文字"),
        "<strong>foo</strong> 这是<strong>“加粗”</strong>文字"
    );
}

#[test]
fn latin_emphasis_matches_pulldown_cmark() {
    // CommonMark's emphasis examples (and pulldown-cmark regressions with quotes, tables and
    // list items): with no CJK character in sight the CJK pass must not change anything.
    let samples = [
        "*foo bar*",
        "a*\"foo\"*",
        "foo*bar*",
        "_foo bar_",
        "a_\"foo\"_",
        "5_6_78",
        "aa_\"bb\"_cc",
        "_foo*",
        "*(*foo)",
        "*foo*bar",
        "_(_foo)",
        "_foo_bar",
        "_foo_bar_baz_",
        "**foo bar**",
        "a**\"foo\"**",
        "__foo bar__",
        "a__\"foo\"__",
        "5__6__78",
        "__foo, __bar__, baz__",
        "**foo bar **",
        "*(**foo**)*",
        "**foo**bar",
        "__(__foo)",
        "__foo__bar",
        "__foo__bar__baz__",
        "*foo [bar](/url)*",
        "_foo _bar_ baz_",
        "*foo *bar**",
        "*foo**bar**baz*",
        "***foo** bar*",
        "*foo**bar***",
        "foo******bar*********baz",
        "*foo [*bar*](/url)*",
        "**** is not an empty strong emphasis",
        "__foo _bar_ baz__",
        "____foo__ bar__",
        "**foo *bar* baz**",
        "***foo* bar**",
        "**foo [*bar*](/url)**",
        "____ is not an empty strong emphasis",
        "foo *\\**",
        "foo *****",
        "foo **_**",
        "*foo**",
        "****foo*",
        "*foo****",
        "foo _\\__",
        "foo _____",
        "foo __*__",
        "_foo__",
        "____foo_",
        "_foo____",
        "*_foo_*",
        "_*foo*_",
        "____foo____",
        "***foo***",
        "*foo _bar* baz_",
        "**foo **bar baz**",
        "*[bar*](/url)",
        "*<img src=\"foo\" title=\"*\"/>",
        "__<a href=\"__\">",
        "_a `_`_",
        ">>**#*",
        "|**#*|\n|----|\n|**#*|",
        "- _t\n  # test\n  t_",
        "- *foo\n  - - \n  baz*",
        "* _\n_**\n  ___\n  ^_",
    ];
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for md in samples {
        let mut plain = String::new();
        pulldown_cmark::html::push_html(&mut plain, Parser::new_ext(md, opts));
        let mut events: Vec<_> = Parser::new_ext(md, opts).into_offset_iter().collect();
        crate::markdown::emphasis::apply(&mut events, md);
        let mut ours = String::new();
        pulldown_cmark::html::push_html(&mut ours, events.into_iter().map(|(e, _)| e));
        assert_eq!(ours, plain, "{md:?}");
    }
}

/// pulldown-cmark's HTML for `md` and ours with the CJK emphasis pass, for equality checks.
fn plain_and_ours(md: &str) -> (String, String) {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut plain = String::new();
    pulldown_cmark::html::push_html(&mut plain, Parser::new_ext(md, opts));
    let mut events: Vec<_> = Parser::new_ext(md, opts).into_offset_iter().collect();
    crate::markdown::emphasis::apply(&mut events, md);
    let mut ours = String::new();
    pulldown_cmark::html::push_html(&mut ours, events.into_iter().map(|(e, _)| e));
    (plain, ours)
}

#[test]
fn underscore_after_a_variation_selector_is_a_delimiter() {
    // pulldown-cmark merges a `_` it cannot use into the text; the CJK pass still sees it.
    assert_eq!(
        inline("正體字。\u{FE01}_Traditional._"),
        "正體字。\u{FE01}<em>Traditional.</em>"
    );
    assert_eq!(
        inline("简体字。\u{FE00}__Mainland China.__"),
        "简体字。\u{FE00}<strong>Mainland China.</strong>"
    );
    assert_eq!(
        inline("“\u{FE01}Git”\u{FE01}__Hub__"),
        "“\u{FE01}Git”\u{FE01}<strong>Hub</strong>"
    );
    // Merged delimiters that stay literal are still written once, in place.
    assert_eq!(
        inline("snake_case_name 与 a * b"),
        "snake_case_name 与 a * b"
    );
    // Not in code, code blocks or autolinks.
    assert_eq!(
        html("`。\u{FE01}_a._`\n\n```\n。\u{FE01}_a._\n```\n\n<https://a.org/。_a._>"),
        "<p><code>。\u{FE01}_a._</code></p>\n<pre><code>。\u{FE01}_a._\n</code></pre>\n\
         <p><a href=\"https://a.org/%E3%80%82_a._\">https://a.org/。_a._</a></p>\n"
    );
}

#[test]
fn quote_with_fe01_is_cjk_punctuation() {
    assert_eq!(
        inline("**“\u{FE01}Git”\u{FE01}**Hub"),
        "<strong>“\u{FE01}Git”\u{FE01}</strong>Hub"
    );
    assert_eq!(
        inline("这是**“\u{FE01}重点”\u{FE01}**内容"),
        "这是<strong>“\u{FE01}重点”\u{FE01}</strong>内容"
    );
    // Another selector does not make the quote full-width: CommonMark's rule applies.
    assert_eq!(inline("**“Git”\u{FE00}**Hub"), "**“Git”\u{FE00}**Hub");
}

#[test]
fn cjk_ranges_of_the_specification() {
    // Enclosed ideographic supplement, 〈〉 U+2329/U+232A, Hangul jamo, trigrams.
    assert_eq!(inline("a**🈂**a"), "a<strong>🈂</strong>a");
    assert_eq!(
        inline("**\u{2329}通知\u{232A}**全文"),
        "<strong>\u{2329}通知\u{232A}</strong>全文"
    );
    assert_eq!(inline("ᅡ**(a)**"), "ᅡ<strong>(a)</strong>");
    assert_eq!(inline("卦**☰**名"), "卦<strong>☰</strong>名");
    // Full-width forms (U+FF01–U+FF60) and half-width forms (U+FFE8–U+FFEE).
    assert_eq!(
        inline("价格**（￥１００）**元"),
        "价格<strong>（￥１００）</strong>元"
    );
    assert_eq!(inline("**ＡＢＣ！**测试"), "<strong>ＡＢＣ！</strong>测试");
    assert_eq!(inline("**a\u{FFE9}**b"), "<strong>a\u{FFE9}</strong>b");
}

#[test]
fn cjk_friendly_strikethrough() {
    assert_eq!(inline("~~删除。~~下一句"), "<del>删除。</del>下一句");
    assert_eq!(inline("这是~~“错误”~~的"), "这是<del>“错误”</del>的");
    assert_eq!(inline("~~删除（注）~~文字"), "<del>删除（注）</del>文字");
    assert_eq!(
        inline("~~删除。~~下一句~~再删。~~完"),
        "<del>删除。</del>下一句<del>再删。</del>完"
    );
    assert_eq!(
        inline("~~**重要：**删除。~~后文"),
        "<del><strong>重要：</strong>删除。</del>后文"
    );
    // A single `~` keeps pulldown-cmark's rules: ranges written with it stay text.
    assert_eq!(inline("3~5年，10~20人"), "3~5年，10~20人");
    assert_eq!(inline("这~~~不是~~~删除"), "这~~~不是~~~删除");
    for md in [
        "~~a~~",
        "~a~",
        "~~a~ b~~",
        "a~~~b~~~c",
        "~~x~~y~~z~~",
        "foo~~bar~~",
        "~~**a**~~ __b__~~c~~",
        "~~a ~b~ c~~",
        "a~~()a~~a",
        "~~()~~ (~~()~~)",
        "|~~a~~|\n|-|\n|~~b~~|",
    ] {
        let (plain, ours) = plain_and_ours(md);
        assert_eq!(ours, plain, "{md:?}");
    }
}

#[test]
fn combining_marks_are_not_punctuation() {
    // Pinyin typed with combining tone marks (ê̄, ê̌ and m̀ have no precomposed form).
    assert_eq!(inline("**ni\u{30C}**hao"), "<strong>ni\u{30C}</strong>hao");
    assert_eq!(inline("*cafe\u{301}*s"), "<em>cafe\u{301}</em>s");
    assert_eq!(
        inline("**e\u{302}\u{304}**ma"),
        "<strong>e\u{302}\u{304}</strong>ma"
    );
    assert_eq!(inline("**m\u{300}**好"), "<strong>m\u{300}</strong>好");
    assert_eq!(
        inline("拼音**Zho\u{304}ngwe\u{301}n**的写法"),
        "拼音<strong>Zho\u{304}ngwe\u{301}n</strong>的写法"
    );
}

#[test]
fn zero_width_spaces_from_web_pages() {
    // U+200B is a format character, neither whitespace nor punctuation: as in CommonMark.
    assert_eq!(inline("a\u{200B}**“引用”**文"), "a\u{200B}**“引用”**文");
    assert_eq!(
        inline("中文\u{200B}**“引用”**文"),
        "中文\u{200B}**“引用”**文"
    );
    assert_eq!(
        inline("**重要\u{200B}**说明"),
        "<strong>重要\u{200B}</strong>说明"
    );
    assert_eq!(
        inline("**真，**\u{200B}她"),
        "<strong>真，</strong>\u{200B}她"
    );
    // Private use characters are not punctuation either.
    assert_eq!(inline("a**\u{E000}**a"), "a<strong>\u{E000}</strong>a");
}

#[test]
fn without_cjk_characters_the_pass_changes_nothing() {
    // Marks, format, private-use and variation-selector characters beside delimiters, in
    // every combination: without a CJK character the output is pulldown-cmark's.
    let around = [
        "a", " ", ".", "\u{301}", "\u{200B}", "\u{E000}", "\u{FE00}", "\u{FE0F}", "“", "”", "é",
        "«", "𝜵", "\u{2028}",
    ];
    for x in around {
        for y in around {
            for d in ["*", "**", "_", "__", "~~"] {
                let md = format!("a{x}{d}{y}b{y}{d}{x}a {x}{d}b{d}{y}");
                let (plain, ours) = plain_and_ours(&md);
                if md.contains(['\u{FE00}']) {
                    // A punctuation mark with a variation selector is a punctuation sequence
                    // under the amendment; pulldown-cmark sees the selector as a letter.
                    continue;
                }
                assert_eq!(ours, plain, "{md:?}");
            }
        }
    }
}

#[test]
fn punctuation_is_what_pulldown_cmark_says_it_is() {
    // `x{c}_a_` is emphasis for pulldown-cmark exactly when `c` is punctuation or whitespace.
    // The only differences: punctuation and symbols first assigned in Unicode 16, which
    // zhiku's table has and pulldown-cmark 0.13's (Unicode 15.1) has not.
    let unicode_16 = |u: u32| {
        matches!(u,
            0x1B4E..=0x1B4F | 0x1B7F | 0x2427..=0x2429 | 0x31E4..=0x31E5 | 0x10D6E
            | 0x10D8E..=0x10D8F | 0x113D4..=0x113D5 | 0x113D7..=0x113D8 | 0x11BE1
            | 0x16D6D..=0x16D6F | 0x1CC00..=0x1CCEF | 0x1CD00..=0x1CEB3 | 0x1E5FF
            | 0x1F8B2..=0x1F8BB | 0x1F8C0..=0x1F8C1 | 0x1FA89 | 0x1FA8F | 0x1FABE | 0x1FAC6
            | 0x1FADC | 0x1FADF | 0x1FAE9 | 0x1FBCB..=0x1FBEF)
    };
    let mut differ = Vec::new();
    for c in (0x80..=0x10_FFFFu32).filter_map(char::from_u32) {
        let md = format!("x{c}_a_");
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new(&md));
        let ours = c.is_whitespace() || crate::cjk::is_punctuation(c);
        if out.contains("<em>") != ours && !(ours && unicode_16(c as u32)) {
            differ.push(format!("U+{:04X}", c as u32));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join(" "));
}
