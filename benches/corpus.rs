//! Generates a realistic Chinese knowledge base of N pages for benchmarks: 20 sections, front
//! matter with tags and regions, headings, a list, a table, a footnote, ~1,500 characters of
//! text and three internal links (with heading anchors) per page. Deterministic for a given N.

use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "党组织",
    "基层",
    "社会组织",
    "党员",
    "组织覆盖",
    "党建工作",
    "服务群众",
    "社区",
    "治理",
    "书记",
    "党务干部",
    "教育管理",
    "组织生活",
    "活动阵地",
    "制度建设",
    "示范点",
    "工作机制",
    "政治引领",
    "凝聚力",
    "战斗堡垒",
    "先锋模范",
    "主题教育",
    "三会一课",
    "民主评议",
    "发展党员",
    "组织关系",
    "经费保障",
    "培训",
    "考核",
    "述职评议",
    "网格",
    "志愿服务",
    "议事会",
    "居民",
    "非公企业",
    "行业协会",
    "商会",
    "楼宇",
    "街道",
    "乡镇",
    "村级",
    "两新组织",
    "全覆盖",
    "规范化",
    "标准化",
];
const REGIONS: &[&str] = &[
    "天津市",
    "孝义市",
    "南宁市",
    "南京市",
    "鼓楼区",
    "太原市",
    "杭州市",
    "成都市",
    "西安市",
    "长沙市",
];
const TAGS: &[&str] = &[
    "组织覆盖",
    "组织力",
    "党建工作机制",
    "党员教育管理",
    "党员发展",
    "书记队伍建设",
    "阵地建设",
    "社区治理",
    "党员议事会",
    "服务群众",
    "示范创建",
    "政治引领",
];
const PUNCT: &[&str] = &["，", "，", "、", "；", "。"];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() as usize) % list.len()]
    }
}

fn paragraph(rng: &mut Rng, chars: usize) -> String {
    let mut s = String::new();
    let mut n = 0;
    while n < chars {
        let w = rng.pick(WORDS);
        s.push_str(w);
        n += w.chars().count();
        if rng.next().is_multiple_of(4) {
            let p = rng.pick(PUNCT);
            s.push_str(p);
            n += 1;
        }
    }
    s.push('。');
    s
}

/// Write a corpus of `pages` pages into `root` (site.toml + content/).
pub fn generate(root: &Path, pages: usize) -> std::io::Result<()> {
    const SECTIONS: usize = 20;
    let content = root.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content)?;
    }
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        root.join("site.toml"),
        "title = \"基准测试知识库\"\nbase_url = \"/\"\n",
    )?;
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: 基准测试知识库\n---\n生成的基准测试内容。\n",
    )?;
    let mut rng = Rng(42);
    for s in 0..SECTIONS {
        let dir = content.join(format!("s{s:02}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("_index.md"),
            format!(
                "---\ntitle: 第{}栏目\nsort_by: date\npaginate_by: 50\n---\n栏目说明。\n",
                s + 1
            ),
        )?;
    }
    for i in 0..pages {
        let s = i % SECTIONS;
        let mut md = String::with_capacity(6000);
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let year = 2000 + (i / 336) % 26;
        let t1 = rng.pick(TAGS);
        let t2 = rng.pick(TAGS);
        let r = rng.pick(REGIONS);
        let _ = write!(
            md,
            "---\ntitle: 第{i}号案例：{}与{}\ndate: {year:04}-{month:02}-{day:02}\nweight: {}\ntags: [{t1}, {t2}]\nregions: [{r}]\n---\n",
            rng.pick(WORDS),
            rng.pick(WORDS),
            i
        );
        md.push_str(&paragraph(&mut rng, 120));
        md.push_str("\n\n## 背景\n\n");
        md.push_str(&paragraph(&mut rng, 300));
        md.push_str("\n\n## 主要做法\n\n");
        for _ in 0..3 {
            let _ = writeln!(md, "- **{}**：{}", rng.pick(WORDS), paragraph(&mut rng, 40));
        }
        md.push('\n');
        md.push_str(&paragraph(&mut rng, 300));
        for k in 0..3 {
            let target = (rng.next() as usize) % pages;
            let anchor = if k == 0 {
                ""
            } else if k == 1 {
                "#背景"
            } else {
                "#主要做法"
            };
            let _ = write!(
                md,
                "参见[第{target}号案例](@/s{:02}/p{target:06}.md{anchor})。",
                target % SECTIONS
            );
        }
        md.push_str("[^1]\n\n## 成效\n\n| 指标 | 数值 |\n|---|---|\n");
        for _ in 0..3 {
            let _ = writeln!(md, "| {} | {}% |", rng.pick(WORDS), rng.next() % 100);
        }
        md.push('\n');
        md.push_str(&paragraph(&mut rng, 400));
        md.push_str("\n\n## 经验启示\n\n");
        md.push_str(&paragraph(&mut rng, 300));
        let _ = write!(md, "\n\n[^1]: 资料来源：生成的基准测试数据，第{i}条。\n");
        std::fs::write(
            content.join(format!("s{s:02}")).join(format!("p{i:06}.md")),
            md,
        )?;
    }
    Ok(())
}
