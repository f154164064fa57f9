"""The words of the interface in both languages: what templates print around the editors' texts.

Templates call `t("key", **values)` (bound to the page's language by the renderer); Python code calls
`text("key", lang, **values)`. Every key has a Chinese and an English text with the same `{fields}`
(a test holds them to it). The editors' own texts are not here: they come from the entries, in
Chinese or from their `en:` blocks (publisher/translations.py).
"""

from __future__ import annotations

import functools
import string
from typing import Callable

from . import schema, urls

LANGUAGES = schema.LANGUAGES  # the schema knows them: the form editor's `lang` list is checked against them
DEFAULT = "zh"
# <html lang>, og:locale and hreflang of each language.
HTML_LANG = {"zh": "zh-CN", "en": "en"}
OG_LOCALE = {"zh": "zh_CN", "en": "en_US"}

STRINGS: dict[str, dict[str, str]] = {
    # navigation and crumbs
    "home": {"zh": "首页", "en": "Home"},
    "crumbs": {"zh": "位置", "en": "You are here"},
    "top_cases": {"zh": "十大创新案例", "en": "Top 10 innovation cases"},
    "top_people": {"zh": "十大创新人物", "en": "Top 10 innovators"},
    "nav_cases": {"zh": "创新案例", "en": "Cases"},
    "nav_people": {"zh": "创新人物", "en": "People"},
    "nav_ambassadors": {"zh": "公益大使", "en": "Ambassadors"},
    "nav_archive": {"zh": "往届", "en": "Past years"},
    "ambassadors": {"zh": "营商公益大使", "en": "Business environment ambassadors"},
    "archive": {"zh": "往届榜单", "en": "Past rankings"},
    "archive_lead": {"zh": "每年一届，每届评出十大创新案例和十大创新人物。",
                     "en": "Every year names ten innovation cases and ten innovators."},
    "edition": {"zh": "{year} 年度创新榜单", "en": "{year} innovation rankings"},
    "edition_lead": {"zh": "{year} 年度十大创新案例与十大创新人物", "en": "The top 10 innovation cases and innovators of {year}"},
    "archive_description": {"zh": "历年十大创新案例与十大创新人物", "en": "Top 10 innovation cases and innovators, year by year"},
    "categories_description": {"zh": "按全生命周期浏览创新案例", "en": "Browse the cases by life cycle"},
    "ranking_description": {"zh": "{title}：{names}等", "en": "{title}: {names} and more"},
    "list_separator": {"zh": "、", "en": ", "},
    "and_more": {"zh": "等", "en": " and more"},
    "annual_ranking": {"zh": "年度榜单", "en": "Annual ranking"},
    "annual_ranking_cases": {"zh": "年度榜单 · 共 {count} 项", "en": "Annual ranking · {count} cases"},
    "annual_ranking_people": {"zh": "年度榜单 · 共 {count} 位", "en": "Annual ranking · {count} people"},
    "edition_short": {"zh": "{year} 年度", "en": "{year}"},
    "ranking_cases": {"zh": "{year} 年度十大创新案例", "en": "Top 10 innovation cases of {year}"},
    "ranking_people": {"zh": "{year} 年度十大创新人物", "en": "Top 10 innovators of {year}"},
    "ranking_cases_lead": {"zh": "从企业、自然人、项目建设、创新创业四个全生命周期中评出的年度改革创新实践。",
                           "en": "The year's reforms, chosen across four life cycles: companies, individuals, "
                                 "construction projects, and innovation and start-ups."},
    "ranking_people_lead": {"zh": "在优化营商环境一线敢想敢干、为企业和群众办实事的年度人物。",
                            "en": "People on the front line of the reforms who got things done for companies and residents."},
    "current": {"zh": "本届", "en": "Current"},
    "past": {"zh": "往届", "en": "Past"},
    "edition_crumb": {"zh": "{year} 年度榜单", "en": "{year} rankings"},
    "published_so_far": {"zh": "本届榜单已公布 {count} 项，其余将陆续发布。",
                         "en": "{count} entries published so far; the rest will follow."},
    "ranking_not_published": {"zh": "本届榜单尚未公布。", "en": "This ranking has not been published yet."},
    "archive_cases": {"zh": "十大创新案例（{count}）", "en": "Top 10 innovation cases ({count})"},
    "archive_people": {"zh": "十大创新人物（{count}）", "en": "Top 10 innovators ({count})"},
    "category_count": {"zh": "{label} · {count} 个案例", "en": "{label} · {count} cases"},
    "all_ambassadors_short": {"zh": "全部大使", "en": "All ambassadors"},
    "count_people": {"zh": "共 {count} 位", "en": "{count} in all"},
    "pages": {"zh": "翻页", "en": "More pages"},
    "audio_postcard_titled": {"zh": "有声明信片：{title}", "en": "Audio postcard: {title}"},
    "video_titled": {"zh": "短视频：{title}", "en": "Video: {title}"},
    "source_dated": {"zh": "，{date}", "en": ", {date}"},
    "not_published": {"zh": "尚未公布。", "en": "Not published yet."},
    "coming_soon": {"zh": "榜单即将公布。", "en": "The rankings will be published soon."},
    "see_ranking": {"zh": "查看完整榜单 →", "en": "See the full ranking →"},
    "all": {"zh": "全部 →", "en": "All →"},
    "all_ambassadors": {"zh": "全部 {count} 位大使 →", "en": "All {count} ambassadors →"},
    # ranks and counts
    "rank": {"zh": "第 {rank} 名", "en": "No. {rank}"},
    "rank_label": {"zh": "第 {rank} 名", "en": "Rank {rank}"},
    "year_rank": {"zh": "{year} · 第 {rank} 名", "en": "{year} · No. {rank}"},
    "count_cases": {"zh": "{count} 个案例", "en": "{count} cases"},
    "count_ambassadors": {"zh": "{count} 位营商公益大使，来自各行各业、世界各地。",
                          "en": "{count} volunteer ambassadors from many walks of life and many countries."},
    # home page
    "figures": {"zh": "关键数据", "en": "Key figures"},
    "data_source": {"zh": "数据来源：{source}", "en": "Source: {source}"},
    # entry pages
    "lead_unit": {"zh": "牵头单位：{unit}", "en": "Lead agency: {unit}"},
    "related_people": {"zh": "相关创新人物", "en": "People behind this case"},
    "related_cases": {"zh": "相关创新案例", "en": "Related cases"},
    "sources": {"zh": "信息来源", "en": "Sources"},
    "citation": {"zh": "颁奖词", "en": "Citation"},
    "audio_postcard": {"zh": "有声明信片", "en": "Audio postcard"},
    "transcript": {"zh": "文字稿", "en": "Transcript"},
    "audio_download": {"zh": "下载音频", "en": "Download the audio"},
    "duration": {"zh": "时长", "en": "Length"},
    "video_download": {"zh": "下载视频", "en": "Download the video"},
    "video": {"zh": "短视频", "en": "Video"},
    "video_elsewhere": {"zh": "观看视频（外部网站）", "en": "Watch the video (another website)"},
    "joined": {"zh": "{year} 年 {month} 月受聘为营商公益大使", "en": "Ambassador since {month_name} {year}"},
    "contact": {"zh": "联系方式", "en": "Contact"},
    "email": {"zh": "邮箱：", "en": "Email: "},
    "phone": {"zh": "电话：", "en": "Phone: "},
    "wechat": {"zh": "微信：", "en": "WeChat: "},
    # sample entries and untranslated ones
    "sample": {"zh": "示例", "en": "Sample"},
    "sample_title": {"zh": "虚构的示例条目，非真实人物或事件", "en": "An invented example, not a real person or event"},
    "chinese_only": {"zh": "仅有中文", "en": "Chinese only"},
    "chinese_only_title": {"zh": "这一条目还没有英文版", "en": "This entry has not been translated into English yet"},
    "section_link": {"zh": "本节链接", "en": "Link to this section"},
    "language_switch": {"zh": "语言", "en": "Language"},
    "skip_to_content": {"zh": "跳到正文", "en": "Skip to content"},
    # pager
    "pager": {"zh": "榜单翻页", "en": "Ranking pages"},
    "previous_rank": {"zh": "上一名 · 第 {rank} 名", "en": "Previous · No. {rank}"},
    "next_rank": {"zh": "下一名 · 第 {rank} 名", "en": "Next · No. {rank}"},
    "previous": {"zh": "上一位", "en": "Previous"},
    "next": {"zh": "下一位", "en": "Next"},
    # share block
    "share": {"zh": "扫码分享", "en": "Scan to share"},
    "share_qr_alt": {"zh": "本页二维码", "en": "QR code of this page"},
    "share_text": {"zh": "用手机扫一扫，打开或转发本页。", "en": "Scan with a phone to open or pass on this page."},
    # ambassador wall filters
    "filter": {"zh": "筛选大使", "en": "Filter ambassadors"},
    "identity": {"zh": "身份", "en": "Background"},
    "region": {"zh": "地区", "en": "Place"},
    "everyone": {"zh": "全部", "en": "All"},
    "all_regions": {"zh": "全部地区", "en": "All places"},
    "no_match": {"zh": "没有符合条件的大使，换个条件试试。", "en": "No ambassador matches. Try another filter."},
    "wall_lead": {"zh": "{count} 位来自各行各业、世界各地的志愿者，用自己的经历讲述青岛的营商环境。",
                  "en": "{count} volunteers from many walks of life and many countries tell what doing business "
                        "in Qingdao is like, from their own experience."},
    # categories and districts
    "categories": {"zh": "四个全生命周期", "en": "Four life cycles"},
    "categories_lead": {"zh": "创新案例按服务对象的全生命周期分为四类。",
                        "en": "Cases fall into four groups, by whose life cycle the service follows."},
    "category_empty": {"zh": "这一类还没有案例。", "en": "No case in this group yet."},
    "category_cases": {"zh": "{category}类创新案例", "en": "Innovation cases: {category}"},
    "district_entries": {"zh": "{district}的创新案例与人物", "en": "Cases and people in {district}"},
    # 404
    "not_found": {"zh": "页面没有找到", "en": "Page not found"},
    "not_found_lead": {"zh": "这个网址可能已经更改，或者输入有误。请从下面的入口继续浏览：",
                       "en": "This address may have changed or been mistyped. Carry on from here:"},
    "english_edition": {"zh": "前往英文版", "en": "Go to the English edition"},
}

CATEGORY_LABELS_EN = {
    "enterprise": "Company life cycle",
    "individual": "Individual life cycle",
    "project": "Construction-project life cycle",
    "innovation": "Innovation and start-up life cycle",
}
CATEGORY_SHORT_EN = {"enterprise": "Companies", "individual": "Individuals", "project": "Projects",
                     "innovation": "Start-ups"}
IDENTITY_LABELS_EN = {
    "entrepreneur": "Entrepreneur",
    "foreign-resident": "Foreign resident",
    "overseas-chinese": "Overseas Chinese",
    "scholar": "Scholar",
    "media": "Media",
    "youth": "Youth representative",
    "other": "Other",
}
_LABELS = {
    "category": {"zh": schema.CATEGORY_LABELS, "en": CATEGORY_LABELS_EN},
    "category_short": {"zh": schema.CATEGORY_SHORT, "en": CATEGORY_SHORT_EN},
    "identity": {"zh": schema.IDENTITY_LABELS, "en": IDENTITY_LABELS_EN},
}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def text(key: str, lang: str, **values: object) -> str:
    """The interface text `key` in `lang`, with its `{fields}` filled in (an unknown key is a KeyError)."""
    template = STRINGS[key][lang]
    if "month_name" in fields_of(key) and "month" in values:
        values = {**values, "month_name": _MONTHS[int(values["month"]) - 1]}
    return template.format(**values)


def label(group: str, code: str, lang: str) -> str:
    """The name of a fixed choice: label("category", "enterprise", "en") → "Company life cycle"."""
    return _LABELS[group][lang][code]


def labels(group: str, lang: str) -> dict[str, str]:
    """Every choice of `group` with its name in `lang`, in the schema's order."""
    return dict(_LABELS[group][lang])


def fields_of(key: str) -> set[str]:
    """The `{fields}` of both texts of `key` (a test checks they are the same, less derived ones)."""
    return {name for lang in LANGUAGES for _, name, _, _ in string.Formatter().parse(STRINGS[key][lang]) if name}


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)` for templates rendering a page in `lang`."""
    return functools.partial(text, lang=lang)


class Alternates:
    """Which pages exist in which language, so every page can link to itself in the other one.

    Made from the site paths of every page of a build (generated and hand-written). The English edition
    mirrors the Chinese URLs under en/ (urls.counterpart); a page whose counterpart does not exist (a
    hand-written page not yet translated) switches to the other language's home instead.
    """

    def __init__(self, pages: set[str]):
        self.pages = pages

    @classmethod
    def from_urls(cls, page_urls) -> "Alternates":
        """From MkDocs' page URLs ("./" is the home page)."""
        return cls({_plain(url) for url in page_urls})

    def lang(self, page: str) -> str:
        return urls.language_of(_plain(page))

    def pair(self, page: str) -> dict[str, str]:
        """Language → site path of this page in it: both languages, or {} when the page has no counterpart."""
        page = _plain(page)
        other = urls.counterpart(page)
        if other not in self.pages:
            return {}
        return {self.lang(page): page, self.lang(other): other}

    def switch(self, page: str) -> str:
        """Where the language switch of `page` leads: its counterpart, else the other language's home."""
        page = _plain(page)
        other = urls.counterpart(page)
        return other if other in self.pages else urls.language_root(other_language(self.lang(page)))


def _plain(page: str) -> str:
    return "" if page in ("./", ".") else page


def other_language(lang: str) -> str:
    """The language a page's switch leads to."""
    return "en" if lang == "zh" else "zh"


def english_nav(chinese_nav: list, content_dir) -> list:
    """The English edition's navigation, from the Chinese one: the same items under en/, titled in
    English; a hand-written page is listed only when its English (content/en/<page>) exists."""
    english_by_chinese = {texts["zh"]: texts["en"] for key, texts in STRINGS.items() if key.startswith(("nav_", "home"))}
    root = urls.language_root("en")
    items: list = []
    for item in chinese_nav:
        if isinstance(item, dict):
            items += [{english_by_chinese.get(title, title): urls.source(root + urls.page_of(source))}
                      for title, source in item.items()]
        elif isinstance(item, str) and (content_dir / root / item).is_file():
            items.append(root + item)
    return items


def english_settings(site: schema.Site, extra: dict) -> dict[str, object]:
    """MkDocs settings that English pages print differently: the site's name and description from
    site.yaml's en: block, the footer line from mkdocs.yml's extra.copyright_en."""
    english = site.en or site
    settings: dict[str, object] = {"site_name": english.brand, "site_description": english.tagline}
    if extra.get("copyright_en"):
        settings["copyright"] = extra["copyright_en"]
    return settings


def english_headings(html: str, chinese_title: str) -> str:
    """A hand-written English page's heading anchors titled in English (mkdocs.yml's toc permalink_title
    is one text for the whole site, written in Chinese)."""
    if not chinese_title:
        return html
    return html.replace(f'title="{chinese_title}"', f'title="{STRINGS["section_link"]["en"]}"')
