//! Generates a realistic Chinese knowledge base of N pages for benchmarks, in the shape of
//! `../shared/bench/gen_corpus.py` (the corpus the side-by-side comparison with Hugo and Zola
//! uses): 20 sections, front matter with a title, a date, 2–4 tags and one region, and a body
//! of ~1,100 characters of real prose: headings, a list, a table, a footnote and three
//! internal links to random pages. Deterministic for a given N.
//!
//! The text is sentences sampled from the four source articles the bundled knowledge base is
//! written from (`sentences.txt`: the articles split at `。` and line ends, sentences of more
//! than 12 characters, 325 of them, 20,500 characters). So the search index, jieba and the
//! Markdown parser see a real vocabulary, as they do on a user's site; a generator repeating
//! a few dozen words made the index almost free and is what this replaced.

use std::fmt::Write as _;
use std::path::Path;

/// One sentence a line, derived once from `shared/sources/*.txt` with
/// `re.split(r"[。\n]", text)`, keeping the stripped pieces longer than 12 characters and
/// ending each with `。`.
const SENTENCES: &str = include_str!("sentences.txt");

const TAGS: &[&str] = &[
    "组织覆盖",
    "党员发展",
    "经费保障",
    "培训",
    "服务型党组织",
    "两新组织",
    "社区治理",
    "制度建设",
    "品牌创建",
    "议事会",
    "示范点",
    "工作机制",
    "主题教育",
    "队伍建设",
    "阵地建设",
    "考核评议",
];
const REGIONS: &[&str] = &[
    "天津",
    "孝义",
    "南宁",
    "鼓楼",
    "清水塘",
    "成都",
    "杭州",
    "西安",
];
const SECTIONS: usize = 20;

/// splitmix64: small, fast, and good enough to sample sentences.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

/// Write a corpus of `pages` pages into `root` (site.toml + content/).
pub fn generate(root: &Path, pages: usize) -> std::io::Result<()> {
    let sentences: Vec<&str> = SENTENCES.lines().filter(|l| !l.is_empty()).collect();
    let content = root.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content)?;
    }
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        root.join("site.toml"),
        "title = \"基准\"\nbase_url = \"https://example.org/\"\n",
    )?;
    std::fs::write(content.join("_index.md"), "---\ntitle: \"首页\"\n---\n")?;
    for s in 0..SECTIONS {
        let dir = content.join(format!("s{s:02}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: \"专题{s}\"\n---\n"),
        )?;
    }
    let per = (pages / SECTIONS).max(1);
    let section_of = |i: usize| (i / per).min(SECTIONS - 1);
    let mut rng = Rng(42);
    let para = |rng: &mut Rng, k: usize| -> String {
        (0..k)
            .map(|_| sentences[rng.below(sentences.len())])
            .collect()
    };
    for i in 0..pages {
        let s = section_of(i);
        let mut tags: Vec<&str> = TAGS.to_vec();
        let k = rng.range(2, 4) as usize;
        for j in 0..k {
            let pick = j + rng.below(tags.len() - j);
            tags.swap(j, pick);
        }
        let tags = &tags[..k];
        let region = rng.pick(REGIONS);
        let date = format!(
            "20{}-{:02}-{:02}",
            rng.range(10, 23),
            rng.range(1, 12),
            rng.range(1, 28)
        );
        let mut md = String::with_capacity(4096);
        let tag_list = tags
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            md,
            "---\ntitle: \"{region}{}实践案例第{i}号\"\ndate: {date}\ntags: [{tag_list}]\nregions: [\"{region}\"]\n---\n\n",
            tags[0]
        );
        md.push_str(&para(&mut rng, 2));
        let _ = write!(
            md,
            "\n\n## 一、基本情况\n\n{}\n\n{}[^1]\n\n## 二、主要做法\n\n",
            para(&mut rng, 4),
            para(&mut rng, 3)
        );
        for _ in 0..3 {
            let _ = writeln!(md, "- {}", para(&mut rng, 1));
        }
        let _ = write!(
            md,
            "\n| 年份 | 党组织数 | 覆盖率 |\n|---|---|---|\n| 2010 | {} | 11.66% |\n| 2016 | {} | 98.1% |\n\n## 三、经验启示\n\n{}\n\n参见：",
            rng.range(100, 900),
            rng.range(900, 1500),
            para(&mut rng, 4)
        );
        for k in 0..3 {
            let j = rng.below(pages);
            if k > 0 {
                md.push('、');
            }
            let _ = write!(md, "[相关案例{j}](@/s{:02}/p{j:05}.md)", section_of(j));
        }
        let _ = write!(md, "。\n\n[^1]: 资料来源：{}\n", para(&mut rng, 1));
        std::fs::write(
            content.join(format!("s{s:02}")).join(format!("p{i:05}.md")),
            md,
        )?;
    }
    Ok(())
}
