"""Synthetic, valid entries with realistic Chinese text, for the benchmark.

The mix (documented in bench/README.md): 80 % of the entries are ranked (ten
cases and ten people per edition, so N entries give round(0.8·N / 20) editions,
at most 200: years up to 2099) and the rest are ambassadors.

Text is generated, not copied: clauses of the demo's own prose (cases/) are
recombined, and template sentences are filled from domain word lists and from
jieba's dictionary (weighted by word frequency), so the vocabulary is as wide
and Zipf-shaped as real writing and jieba, the search index and gzip see
realistic input. Case and person pages carry about 1,500 Chinese characters
(3–5 headings); ambassador pages are shorter because the schema caps `bio` at
600 characters. Output is deterministic for a given seed and size.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path

import jieba
import yaml

RANKING_SIZE = 10
RANKED_SHARE = 0.8
MAX_EDITIONS = 200  # years 1900–2099 (publisher/load.py accepts (19|20)\d\d)
CASE_BODY_HAN = 1400  # + title, summary, tags, highlights ≈ 1,500 per page
PERSON_BODY_HAN = 1400  # + citation, role ≈ 1,500 per page

_HAN = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[^。！？\n#]+[。！？]")

# --- domain vocabulary --------------------------------------------------------------------

TOPICS = ["企业开办", "不动产登记", "工程建设项目审批", "水电气暖报装", "跨境贸易", "纳税服务", "政府采购", "招标投标",
          "获得信贷", "知识产权保护", "市场监管", "政务服务", "人才服务", "医保结算", "公积金提取", "社保转移",
          "出入境管理", "惠企政策兑现", "中小企业融资", "科技成果转化", "商事登记", "执行合同", "办理破产",
          "信用修复", "涉企检查", "用地审批", "排水许可", "食品经营许可", "外资企业设立", "退税办理"]
SLOGANS = ["一网通办", "一窗受理", "一次办好", "免申即享", "秒批秒办", "跨省通办", "掌上办", "不见面审批", "容缺受理",
           "告知承诺", "拿地即开工", "多测合一", "联合验收", "集成服务", "全程网办", "智能审批", "帮办代办", "一码通行",
           "信用承诺", "首问负责", "一业一证", "并联审批", "证照分离", "无感续办", "一件事一次办"]
DEPARTMENTS = ["行政审批服务局", "大数据发展管理局", "市场监督管理局", "住房和城乡建设局", "自然资源和规划局",
               "人力资源和社会保障局", "税务局", "民营经济发展局", "卫生健康委员会", "商务局", "公安局", "医疗保障局",
               "地方金融监督管理局", "科学技术局", "司法局", "交通运输局", "海关", "发展和改革委员会"]
TITLE_ENDINGS = ["再提速", "更便捷", "零跑腿", "一次过", "不打烊", "有温度", "跑出加速度", "减环节减材料"]
HEADINGS_CASE = ["改革前的难点", "怎么做", "带来的变化", "企业怎么说", "数据背后", "经验做法", "下一步"]
HEADINGS_PERSON = ["扎根一线", "攻坚克难", "服务故事", "群众口碑", "同事眼中的他们", "心里话"]
HIGHLIGHT_LABELS = ["审批时限", "办理环节", "申请材料", "惠及企业", "群众满意率", "平均用时", "跑动次数", "节约成本",
                    "线上办理率", "一次通过率"]
ROLES = ["窗口服务专员", "首席审批服务官", "项目帮办员", "社区网格员", "数据工程师", "税务专管员", "企业服务专员",
         "科长", "门诊部主任", "志愿服务队队长", "法官", "民警", "海关关员", "园区招商专员"]
COMPANY_SUFFIXES = ["科技有限公司", "集团有限公司", "研究院", "商会", "行业协会", "医院", "杂志社", "律师事务所",
                    "会计师事务所", "贸易有限公司", "大学"]
REGIONS = ["青岛", "青岛", "青岛", "济南", "北京", "上海", "香港", "台北", "德国", "韩国", "日本", "美国", "英国",
           "法国", "新加坡", "俄罗斯", "澳大利亚", "加拿大"]
IDENTITIES = ["entrepreneur", "foreign-resident", "overseas-chinese", "scholar", "media", "youth", "other"]
CATEGORIES = ["enterprise", "individual", "project", "innovation"]
SOURCES = ["青岛日报", "大众日报", "环球网", "新华网", "人民网", "青岛政务网", "半岛都市报", "中国青年报"]
SLUG_WORDS = ["smart", "form", "registration", "network", "approval", "tax", "credit", "permit", "water", "power",
              "startup", "property", "finance", "talent", "trade", "customs", "health", "data", "service", "window",
              "online", "joint", "acceptance", "policy", "pay", "later", "land", "court", "port", "green"]
SURNAMES = [("张", "zhang"), ("王", "wang"), ("李", "li"), ("赵", "zhao"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
            ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("郑", "zheng"),
            ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"),
            ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"),
            ("潘", "pan"), ("于", "yu"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"), ("叶", "ye")]
GIVEN = [("明", "ming"), ("远", "yuan"), ("静", "jing"), ("怡", "yi"), ("海", "hai"), ("川", "chuan"), ("文", "wen"),
         ("博", "bo"), ("晓", "xiao"), ("佳", "jia"), ("宁", "ning"), ("子", "zi"), ("航", "hang"), ("丽", "li"),
         ("群", "qun"), ("国", "guo"), ("栋", "dong"), ("若", "ruo"), ("溪", "xi"), ("思", "si"), ("琪", "qi"),
         ("振", "zhen"), ("宇", "yu"), ("雪", "xue"), ("梅", "mei"), ("建", "jian"), ("华", "hua"), ("嘉", "jia"),
         ("欣", "xin"), ("浩", "hao"), ("然", "ran"), ("雨", "yu"), ("涵", "han"), ("俊", "jun"), ("峰", "feng"),
         ("秀", "xiu"), ("兰", "lan"), ("德", "de"), ("志", "zhi"), ("强", "qiang"), ("婷", "ting"), ("磊", "lei")]
FOREIGN_NAMES = [("安娜·穆勒", "Anna Müller"), ("大卫·伍德", "David Wood"), ("伊万·彼得罗夫", "Ivan Petrov"),
                 ("苏菲·马丁", "Sophie Martin"), ("托马斯·施密特", "Thomas Schmidt"), ("詹姆斯·卡特", "James Carter"),
                 ("金敏浩", "Kim Min-ho"), ("山田健一", "Yamada Kenichi"), ("朴智恩", "Park Ji-eun"),
                 ("玛丽亚·罗西", "Maria Rossi"), ("卢卡斯·费舍尔", "Lukas Fischer"), ("艾玛·威尔逊", "Emma Wilson")]

TEMPLATES = [
    "{place}{adv}推进{topic}改革，把{noun}和{noun}纳入{slogan}范围，{verb}了{noun}。",
    "过去办理{topic}需要{big}个环节，如今压减到{small}个，平均用时缩短{pct}%。",
    "{unit}会同{unit2}梳理{noun}清单，逐项明确{noun}、{noun}和办理时限。",
    "对{adj}的{noun}，窗口工作人员{adv}{verb}，企业不再为{noun}来回奔波。",
    "截至{year}年{month}月，已有{count}家企业通过{slogan}完成{topic}，群众满意率达到{pct2}%。",
    "“{clause}”，一位{role}这样说。",
    "{noun}{adv}{verb}，{noun}也随之{verb}，{topic}的{noun}明显{adj}。",
    "下一步，{unit}将继续围绕{noun}{verb}，推动{slogan}向{topic}延伸。",
    "在{place}，{topic}从“{slogan}”起步，逐步形成{noun}、{noun}、{noun}一体推进的格局。",
    "为了让{noun}少跑腿，{unit}把{noun}搬到线上，{adv}{verb}{noun}。",
]


@dataclass(frozen=True)
class Mix:
    """How many entries of each kind a size turns into."""

    editions: int
    ambassadors: int

    @property
    def entries(self) -> int:
        return self.editions * 2 * RANKING_SIZE + self.ambassadors

    @property
    def years(self) -> list[int]:
        last = max(2025, 1899 + self.editions)
        return list(range(last - self.editions + 1, last + 1))


def mix_for(entries: int) -> Mix:
    editions = min(MAX_EDITIONS, max(1, round(entries * RANKED_SHARE / (2 * RANKING_SIZE))))
    return Mix(editions, max(0, entries - editions * 2 * RANKING_SIZE))


# --- text ------------------------------------------------------------------------------------


class Writer:
    """Deterministic Chinese prose: recombined demo clauses plus filled-in template sentences."""

    def __init__(self, rng: random.Random, corpus: list[str], districts: list[str]):
        self.rng = rng
        self.districts = districts
        self.clauses = sorted({c for s in corpus for c in re.split(r"[，；：]", s.rstrip("。！？")) if 6 <= len(c) <= 40})
        self.short_clauses = [c for c in self.clauses if len(c) <= 20 and not c.startswith(("“", "”"))]
        self.words = _dictionary_words()

    def han(self, text: str) -> int:
        return len(_HAN.findall(text))

    def word(self, pos: str) -> str:
        words, cumulative = self.words[pos]
        return words[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() < 0.45:  # recombined clauses of real prose
            parts = rng.sample(self.clauses, rng.randint(2, 3))
            return "，".join(p.strip("“”") for p in parts) + "。"
        template = rng.choice(TEMPLATES)
        return re.sub(r"\{(\w+)\}", lambda m: self._slot(m.group(1)), template)

    def _slot(self, name: str) -> str:
        rng = self.rng
        fill = {
            "place": lambda: rng.choice(self.districts + ["青岛", "全市", "各区市"]),
            "topic": lambda: rng.choice(TOPICS), "slogan": lambda: rng.choice(SLOGANS),
            "unit": lambda: "市" + rng.choice(DEPARTMENTS), "unit2": lambda: rng.choice(DEPARTMENTS),
            "role": lambda: rng.choice(ROLES), "clause": lambda: rng.choice(self.short_clauses),
            "noun": lambda: self.word("n"), "verb": lambda: self.word("v"), "adj": lambda: self.word("a"),
            "adv": lambda: self.word("d"),
            "big": lambda: str(rng.randint(8, 30)), "small": lambda: str(rng.randint(1, 7)),
            "pct": lambda: str(rng.randint(20, 90)), "pct2": lambda: f"{rng.uniform(90, 99.9):.1f}",
            "count": lambda: str(rng.randint(120, 98000)), "year": lambda: str(rng.randint(2015, 2025)),
            "month": lambda: str(rng.randint(1, 12)),
        }
        return fill[name]()

    def paragraph(self, han: int) -> str:
        text = ""
        while self.han(text) < han:
            text += self.sentence()
        return text

    def line(self, limit: int, minimum: int = 6) -> str:
        """One sentence of at most `limit` characters (cut at a clause boundary)."""
        while True:
            clauses = re.split(r"(?<=[，。；])", self.sentence())
            text = ""
            for clause in clauses:
                if len(text + clause) > limit:
                    break
                text += clause
            text = text.rstrip("，；")
            if len(text) >= minimum and not text.startswith(("“", "”", "[", "【")):
                return text if text.endswith(("。", "！", "？")) or len(text) >= limit else text + "。"

    def body(self, han: int, headings: list[str]) -> str:
        """Markdown: `##` sections (sometimes a `###` and a list), about `han` Chinese characters."""
        chosen = sorted(self.rng.sample(range(len(headings)), self.rng.randint(3, min(5, len(headings)))))
        per_section = han // len(chosen)
        blocks: list[str] = []
        for index in chosen:
            blocks.append(f"## {headings[index]}")
            written = 0
            while written < per_section:
                if self.rng.random() < 0.12:
                    items = [self.line(40) for _ in range(self.rng.randint(3, 5))]
                    blocks.append("\n".join(f"- {item}" for item in items))
                    written += sum(self.han(i) for i in items)
                    continue
                if self.rng.random() < 0.08:
                    blocks.append(f"### {self.rng.choice(SLOGANS)}")
                paragraph = self.paragraph(min(per_section - written, self.rng.randint(120, 260)))
                if self.rng.random() < 0.2:
                    word = self.rng.choice(SLOGANS)
                    paragraph = paragraph.replace(word, f"**{word}**", 1)
                blocks.append(paragraph)
                written += self.han(paragraph)
        return "\n\n".join(blocks) + "\n"


def _dictionary_words() -> dict[str, tuple[list[str], list[float]]]:
    """jieba's dictionary by part of speech (common words only), with cumulative frequency weights."""
    groups: dict[str, list[tuple[str, int]]] = {"n": [], "v": [], "a": [], "d": []}
    folded = {"n": "n", "vn": "n", "nz": "n", "v": "v", "a": "a", "ad": "d", "d": "d"}
    path = Path(jieba.__file__).parent / "dict.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        word, frequency, pos = line.split(" ")
        group = folded.get(pos)
        if group and 2 <= len(word) <= 4 and int(frequency) >= 1000 and all("\u4e00" <= c <= "\u9fff" for c in word):
            groups[group].append((word, int(frequency)))
    return {pos: ([w for w, _ in items], list(itertools.accumulate(f for _, f in items)))
            for pos, items in groups.items()}


def demo_corpus(cases_dir: Path) -> list[str]:
    """Sentences of the demo entries' prose."""
    sentences: list[str] = []
    for path in sorted(cases_dir.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("body", "bio", "citation", "summary", "quote", "intro"):
            if isinstance(data.get(key), str):
                sentences += _SENTENCE.findall(data[key])
    return sentences


# --- entries ---------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    path.write_text(text, encoding="utf-8")


class Generator:
    def __init__(self, site_file: Path, corpus: list[str], seed: int):
        self.rng = random.Random(seed)
        site = yaml.safe_load(site_file.read_text(encoding="utf-8"))
        self.districts = [d["name"] for d in site.get("districts", [])]
        self.writer = Writer(self.rng, corpus, self.districts)
        self.han: dict[str, int] = {"case": 0, "person": 0, "ambassador": 0}  # Chinese characters per kind

    def _name(self) -> tuple[str, str]:
        (surname, s_pinyin), *given = [self.rng.choice(SURNAMES)] + self.rng.sample(GIVEN, self.rng.randint(1, 2))
        return surname + "".join(g for g, _ in given), f"{s_pinyin}-{''.join(p for _, p in given)}"

    def _district(self) -> str | None:
        return self.rng.choice(self.districts) if self.districts and self.rng.random() < 0.7 else None

    def _organization(self) -> str:
        return self.rng.choice(self.districts + ["青岛"]) + self.writer.word("n") + self.rng.choice(COMPANY_SUFFIXES)

    def case(self, year: int, rank: int) -> dict:
        rng, w = self.rng, self.writer
        topic, slogan = rng.choice(TOPICS), rng.choice(SLOGANS)
        title = rng.choice([f"{topic}“{slogan}”", f"{slogan}：{topic}{rng.choice(TITLE_ENDINGS)}",
                            f"{rng.choice(self.districts + ['全市'])}{topic}实现{slogan}"])[:40]
        data: dict = {
            "rank": rank, "title": title, "summary": w.line(118, 30), "category": rng.choice(CATEGORIES),
            "unit": f"青岛市{rng.choice(DEPARTMENTS)}",
        }
        if district := self._district():
            data["district"] = district
        data["tags"] = rng.sample(SLOGANS + TOPICS, rng.randint(2, 4))
        data["highlights"] = [{"label": label, "value": rng.choice([f"压减{rng.randint(20, 90)}%", f"{rng.randint(1, 30)}个",
                                                                    f"{rng.randint(1, 15)}个工作日", f"{rng.uniform(90, 99.9):.1f}%"])}
                              for label in rng.sample(HIGHLIGHT_LABELS, rng.randint(1, 4))]
        data["body"] = w.body(CASE_BODY_HAN, HEADINGS_CASE)
        data["sources"] = [{"title": s, "url": f"https://www.example.com/news/{year}/{rng.randint(1000, 9999)}.html",
                            "date": dt.date(min(year, 2099), rng.randint(1, 12), rng.randint(1, 28))}
                           for s in rng.sample(SOURCES, rng.randint(1, 2))]
        self.han["case"] += sum(w.han(str(v)) for v in data.values())
        return data

    def person(self, rank: int, name: str, case_slugs: list[str]) -> dict:
        rng, w = self.rng, self.writer
        citation = "\n".join(rng.sample(w.short_clauses, 4)) + "。"
        data: dict = {"rank": rank, "name": name, "role": rng.choice(ROLES), "organization": self._organization()[:60]}
        if district := self._district():
            data["district"] = district
        data.update({"citation": citation[:400], "body": w.body(PERSON_BODY_HAN, HEADINGS_PERSON),
                     "cases": rng.sample(case_slugs, rng.randint(1, 2)), "tags": rng.sample(SLOGANS, rng.randint(1, 3))})
        self.han["person"] += sum(w.han(str(v)) for v in data.values())
        return data

    def ambassador(self) -> tuple[str, dict]:
        rng, w = self.rng, self.writer
        identity = rng.choice(IDENTITIES)
        data: dict
        if identity == "foreign-resident":
            name, name_en = rng.choice(FOREIGN_NAMES)
            slug = re.sub(r"[^a-z0-9]+", "-", name_en.lower().replace("ü", "ue")).strip("-")
            data = {"name": name, "name_en": name_en}
        else:
            name, slug = self._name()
            data = {"name": name}
        bio = ""
        while len(bio) < 450 and 590 - len(bio) >= 15:
            bio += w.line(min(150, 590 - len(bio)), 5)
        data.update({"region": rng.choice(REGIONS), "identity": identity, "organization": self._organization()[:60],
                     "quote": w.line(80, 10), "bio": bio,
                     "joined": dt.date(rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28))})
        if rng.random() < 0.3:
            data["contact"] = {"email": f"{slug}@example.com", "public": rng.random() < 0.5}
        self.han["ambassador"] += sum(w.han(str(v)) for v in data.values())
        return slug, data


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def generate(cases_dir: Path, entries: int, seed: int = 5) -> dict[str, int]:
    """Replace every entry under `cases_dir` (keeping site.yaml) with `entries` synthetic ones."""
    mix = mix_for(entries)
    corpus = demo_corpus(cases_dir)  # read the demo's prose before replacing it
    if not corpus:
        raise ValueError(f"{cases_dir} holds no demo entries to take prose from")
    for old in sorted(cases_dir.rglob("*.yaml"), reverse=True):
        if old.name != "site.yaml":
            old.unlink()
    generator = Generator(cases_dir / "site.yaml", corpus, seed)
    rng = generator.rng
    for year in mix.years:
        case_slugs: list[str] = []
        taken: set[str] = set()
        for rank in range(1, RANKING_SIZE + 1):
            slug = _unique("-".join(rng.sample(SLUG_WORDS, 2)), taken)
            case_slugs.append(slug)
            _dump(cases_dir / str(year) / "top-cases" / f"{slug}.yaml", generator.case(year, rank))
        taken = set()
        for rank in range(1, RANKING_SIZE + 1):
            name, slug = generator._name()
            _dump(cases_dir / str(year) / "top-people" / f"{_unique(slug, taken)}.yaml",
                  generator.person(rank, name, case_slugs))
    taken = set()
    for _ in range(mix.ambassadors):
        slug, data = generator.ambassador()
        _dump(cases_dir / "ambassadors" / f"{_unique(slug, taken)}.yaml", data)
    counts = {"case": mix.editions * RANKING_SIZE, "person": mix.editions * RANKING_SIZE, "ambassador": mix.ambassadors}
    return {"entries": mix.entries, "editions": mix.editions, "cases": counts["case"], "people": counts["person"],
            "ambassadors": counts["ambassador"],
            "han_per_page": {k: round(generator.han[k] / n) for k, n in counts.items() if n}}
