//! Front matter from the lines under the title: 署名 (author) lines, affiliations, dates, and
//! YAML scalars.

/// Common surnames, for telling a 署名 line (`贾锡萍 王美婧`) from a short heading.
const SURNAMES: &str = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻\
柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅\
皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝\
闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣\
邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊惠甄曲家封芮储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷\
车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘厉戎祖武符刘景詹束龙叶幸司韶黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓\
蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳姬申扶堵冉宰郦雍桑桂濮牛寿通边扈燕冀浦尚农温别庄晏柴瞿阎充慕\
连茹习宦艾鱼容向古易慎戈廖庾终居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷\
訾辛阚那简饶空曾沙养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公岳帅缑亢况郈有琴归海晋楚闫法汝鄢涂钦\
商牟佘佴伯赏墨哈谯笪年爱阳佟言福";

fn is_person_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=4).contains(&n)
        && s.chars().all(crate::cjk::is_han)
        && s.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// A 署名 line: `□ 中共孝义市委常委、组织部长 张云鹏` → `张云鹏（中共孝义市委常委、组织部长）`;
/// `贾锡萍 王美婧` → `贾锡萍、王美婧`; `作者：张三`.
pub(super) fn byline(text: &str) -> Option<String> {
    let t = text.trim();
    let t2 = t
        .strip_prefix("作者：")
        .or_else(|| t.strip_prefix("作者:"))
        .or_else(|| t.strip_prefix("文/"))
        .or_else(|| t.strip_prefix("文／"))
        .or_else(|| t.strip_prefix("文|"))
        .or_else(|| t.strip_prefix("文︱"));
    let marked = t.starts_with(['□', '■', '◎', '○', '●', '☆', '★']);
    let body = if let Some(rest) = t2 {
        rest.trim()
    } else if marked {
        t.trim_start_matches(['□', '■', '◎', '○', '●', '☆', '★'])
            .trim()
    } else {
        t
    };
    if body.is_empty() || body.chars().count() > 60 {
        return None;
    }
    let tokens: Vec<&str> = body
        .split(|c: char| c.is_whitespace() || c == '、' || c == '，' || c == ',')
        .filter(|s| !s.is_empty())
        .collect();
    if tokens.is_empty() {
        return None;
    }
    if tokens.iter().all(|t| is_person_name(t)) && (tokens.len() >= 2 || t2.is_some() || marked) {
        return Some(tokens.join("、"));
    }
    if marked || t2.is_some() {
        // `org title name`: the last token is the name.
        let words: Vec<&str> = body.split_whitespace().collect();
        if words.len() >= 2 {
            let name = words[words.len() - 1];
            if is_person_name(name) {
                let org = words[..words.len() - 1].join(" ");
                return Some(format!("{name}（{org}）"));
            }
        }
    }
    None
}

/// A single name right after the title (`杨丽丽`), accepted only there.
pub(super) fn lone_name(text: &str) -> Option<String> {
    let t = text.trim();
    is_person_name(t).then(|| t.to_string())
}

/// `（广西机电职业技术学院，广西南宁 535000）` → `广西机电职业技术学院`.
pub(super) fn affiliation(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t
        .strip_prefix('（')
        .and_then(|r| r.strip_suffix('）'))
        .or_else(|| t.strip_prefix('(').and_then(|r| r.strip_suffix(')')))?;
    let first = inner
        .split(['，', ',', '；', ';'])
        .next()
        .unwrap_or("")
        .trim();
    (!first.is_empty() && first.chars().count() <= 40).then(|| first.to_string())
}

fn cn_number(s: &str) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
        return s.parse().ok();
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|v| v as u32)
    };
    let digit = |c: char| if c == '零' { Some(0) } else { digit(c) };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        [a] if *a == '十' => Some(10),
        ['十', b] => Some(10 + digit(*b)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => chars
            .iter()
            .try_fold(0u32, |acc, &c| Some(acc * 10 + digit(c)?)),
    }
}

/// A date line: `2018年12月1日`, `二〇二〇年一月一日`, `2020-01-01`, `2020.1.1`, `2020/1/1`,
/// perhaps in brackets; returns `YYYY-MM-DD`.
pub(super) fn date_line(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_matches(|c: char| "（）()[]【】".contains(c))
        .trim();
    if t.chars().count() > 24 {
        return None;
    }
    let (y, m, d) = if let Some((y, rest)) = t.split_once('年') {
        let (m, rest) = rest.split_once('月')?;
        let d = rest
            .strip_suffix('日')
            .or_else(|| rest.strip_suffix('号'))?;
        (
            cn_number(y.trim())?,
            cn_number(m.trim())?,
            cn_number(d.trim())?,
        )
    } else {
        let sep = ['-', '.', '/'].into_iter().find(|s| t.contains(*s))?;
        let date_part = t.split_whitespace().next()?;
        let parts: Vec<&str> = date_part.split(sep).collect();
        if parts.len() != 3 || parts[0].len() != 4 {
            return None;
        }
        (
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        )
    };
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)
        .filter(|_| (1900..=2200).contains(&y))
        .map(|dt| dt.format("%Y-%m-%d").to_string())
}

/// A YAML scalar: plain when that reads back as the same string, else double-quoted.
pub fn yaml_str(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && s.trim() == s
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| c.is_control())
        && !s.starts_with(|c: char| c.is_ascii_digit() || "-?:,[]{}#&*!|>'\"%@`.~".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "on" | "off" | "y" | "n"
        );
    if plain_ok {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "'")))
    }
}
