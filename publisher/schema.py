"""The one schema of every entry kind.

Each model below is the single source of truth for an entry kind: validation
(`validate.py`), the JSON Schema files editors' tools read (`schemas/`), the
`build.py new` scaffold and the editors' field reference are all derived from
it. Field descriptions are in Chinese because editors read them; `examples`
feed the scaffold, so they read as filler ("张三", "××日报"): text still equal to its example is
reported as an untouched placeholder (publisher/placeholders.py), which a real value must never be.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

# --- labels shown on the site -------------------------------------------------

CATEGORY_LABELS: dict[str, str] = {
    "enterprise": "企业全生命周期",
    "individual": "自然人全生命周期",
    "project": "项目建设全生命周期",
    "innovation": "创新创业全生命周期",
}
CATEGORY_SHORT: dict[str, str] = {
    "enterprise": "企业",
    "individual": "自然人",
    "project": "项目建设",
    "innovation": "创新创业",
}
IDENTITY_LABELS: dict[str, str] = {
    "entrepreneur": "企业家",
    "foreign-resident": "外籍人士",
    "overseas-chinese": "海外华侨华人",
    "scholar": "专家学者",
    "media": "媒体人",
    "youth": "青年代表",
    "other": "其他",
}
Category = Literal["enterprise", "individual", "project", "innovation"]
# The site's languages, the default first: pages in each, and the form editor's language pair.
LANGUAGES = ("zh", "en")
Language = Literal[LANGUAGES]
Identity = Literal["entrepreneur", "foreign-resident", "overseas-chinese", "scholar", "media", "youth", "other"]

# --- reusable field types -------------------------------------------------------

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPACE = re.compile(r"\s")


def _check_link(value: str) -> str:
    """Allow http(s), mailto and site-relative links only: data is text, never code."""
    value = value.strip()
    if value.lower().startswith(_SAFE_SCHEMES):
        if value.lower().startswith("http") and not re.match(r"^https?://[^/\s]+\.[^/\s]+", value, re.I):
            raise PydanticCustomError("link_malformed", "malformed link")
        if _SPACE.search(value):
            raise PydanticCustomError("link_malformed", "malformed link")
        return value
    if _SCHEME.match(value) or value.startswith("//"):
        raise PydanticCustomError("link_scheme", "unsafe link scheme")
    if not value.startswith("/"):
        raise PydanticCustomError("link_malformed", "malformed link")
    return value


def _check_media_path(value: str) -> str:
    """Media paths are relative to `cases/` and may not leave it."""
    value = value.strip()
    value = value[2:] if value.startswith("./") else value  # the form editor writes ./media/…: the same path
    if "\\" in value and not value.startswith("\\"):  # media\images\a.png, C:\...: copied from Explorer
        raise PydanticCustomError("windows_path", "write / between folders")
    if _SCHEME.match(value) or value.startswith(("/", "\\")) or ".." in value.replace("\\", "/").split("/"):
        raise PydanticCustomError("media_path", "media path must be relative to cases/")
    return value


# Characters that show nothing: text made only of them (and spaces) is blank to a reader.
_INVISIBLE = re.compile("[\\s\u200b-\u200d\u2060\u180e\ufeff\u3164\u115f\u1160\uffa0]*")
# Control characters, bidirectional overrides (U+202E turns "gnp.exe" around) and stray byte-order marks:
# never text an editor meant. Tab and newline are ordinary. load.py finds them with their line.
UNSAFE_CHARS = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")


def _check_text(value: str) -> str:
    if _INVISIBLE.fullmatch(value):
        raise PydanticCustomError("blank", "must not be blank")
    if UNSAFE_CHARS.search(value):
        raise PydanticCustomError("control_char", "control or bidi character")
    return value.strip()


# The JSON Schema patterns mirror the validators so VS Code underlines what check would reject.
Text = Annotated[str, AfterValidator(_check_text),
               Field(json_schema_extra={"pattern": r"[^\s\u200b-\u200d\u2060\ufeff]"})]
Link = Annotated[str, AfterValidator(_check_link),
                 Field(json_schema_extra={"pattern": r"^(https?://[^/\s]+\.[^\s]+|mailto:\S+|/\S*)$"})]
MediaPath = Annotated[str, AfterValidator(_check_media_path),
                      Field(json_schema_extra={"pattern": r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?![/\\])(?!.*(^|/)\.\.(/|$)).+$"})]
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # entry file names (the URL) and references to them
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Rank = Annotated[int, Field(ge=1, le=10, strict=True)]


class Strict(BaseModel):
    """Unknown fields are errors (typos must not vanish silently); entries are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Bilingual(Strict):
    """An entry with an English edition. `lang` comes first because the form editor writes it first."""

    # Sveltia CMS's language pair (publisher/cms.py) writes this list on every save and has no option to
    # leave it out; the site ignores it (the pages come from the fields and the `en:` block).
    lang: list[Language] = Field(default_factory=list, max_length=len(LANGUAGES),
                                 description="表单编辑器自动写入的语言列表，网站不使用；手写的文件不需要这一行（可选）")


# --- parts ------------------------------------------------------------------------


class Highlight(Strict):
    label: Text = Field(description="指标名称，如“一次性通过率”", max_length=20, examples=["××率"])
    value: Text = Field(description="指标数值，如“+50%”；请加引号", max_length=20, examples=["+50%"])


class Source(Strict):
    title: Text = Field(description="来源名称，如“环球网”", max_length=80, examples=["××日报"])
    url: Link | None = Field(None, description="来源链接，只能以 https://、http:// 或 / 开头", examples=["https://www.example.com/"])
    date: dt.date | None = Field(None, description="发布日期，格式 YYYY-MM-DD", examples=["2022-10-26"])
    title_en: Text | None = Field(None, description="来源名称的英文（可选），如“Huanqiu.com”", max_length=120)


class Audio(Strict):
    file: MediaPath = Field(description="音频文件，相对于 cases/ 文件夹，如 media/audio/xxx.ogg", examples=["media/audio/example.ogg"])
    transcript: Text = Field(description="有声明信片的文字稿（听不了音频的读者也能看到）", max_length=2000, examples=["各位好，……"])
    title: Text | None = Field(None, description="音频标题（可选）", max_length=40)


class Video(Strict):
    file: MediaPath | None = Field(None, description="本站视频文件，相对于 cases/ 文件夹（与 url 二选一）", examples=["media/video/example.mp4"])
    url: Link | None = Field(None, description="外部视频页面链接（与 file 二选一，只显示为链接，不嵌入）")
    poster: MediaPath | None = Field(None, description="视频封面图片，相对于 cases/ 文件夹（可选）")
    title: Text | None = Field(None, description="视频标题（可选）", max_length=40)


class Contact(Strict):
    email: Text | None = Field(None, description="电子邮箱", max_length=120)
    phone: Text | None = Field(None, description="电话", max_length=40)
    wechat: Text | None = Field(None, description="微信号", max_length=60)
    public: bool = Field(False, description="是否在网站上公开联系方式；默认 false（不公开）")


# --- the English edition ------------------------------------------------------------
# Names get an English twin beside them (`name_en`, `title_en`); texts get theirs in one
# optional `en:` block per entry. A block, once started, holds at least the texts every
# page shows; `publisher/translations.py` reports what is still missing. Each field has the name of
# its Chinese twin and the same place in the order: the form editor pairs them by name and writes
# the block in the Chinese order (publisher/cms.py).


def _unstarted_is_none(value: object) -> object:
    """The form editor writes `en: {}` for an entry whose English is not started: that is no English block."""
    return None if value == {} else value


def _allow_unstarted(field_schema: dict) -> None:
    field_schema["anyOf"].append({"type": "object", "maxProperties": 0})  # what VS Code accepts, as check does


_Block = TypeVar("_Block")
# The type of every `en:` block: a block, nothing, or an empty `{}` (read as nothing).
English = Annotated[_Block | None, BeforeValidator(_unstarted_is_none), Field(json_schema_extra=_allow_unstarted)]


class HighlightEn(Strict):
    label: Text = Field(description="指标名称的英文", max_length=40, examples=["What the number measures"])
    value: Text = Field(description="指标数值的英文，如“+50%”；请加引号", max_length=30, examples=["+50%"])


class VideoEn(Strict):
    title: Text = Field(description="视频标题的英文", max_length=100, examples=["Title of the video"])


class AudioEn(Strict):
    transcript: Text = Field(description="文字稿的英文", max_length=5000, examples=["Hello, ..."])
    title: Text | None = Field(None, description="音频标题的英文（可选）", max_length=100)


class CaseEn(Strict):
    """案例的英文版：填写后英文网站显示这些文字；没填的部分显示中文并标注“Chinese only”。"""

    title: Text = Field(description="标题的英文", max_length=100, examples=["Title of the case in English"])
    summary: Text = Field(description="一句话简介的英文", max_length=300, examples=["One sentence on what the reform does and what changed."])
    unit: Text = Field(description="牵头单位的英文", max_length=120, examples=["Name of the lead unit"])
    tags: list[Annotated[Text, Field(max_length=30)]] = Field(default_factory=list, description="标签的英文（可选）", max_length=8)
    highlights: list[HighlightEn] = Field(default_factory=list, description="亮点数据的英文，顺序与中文相同（可选）", max_length=4)
    image_alt: Text | None = Field(None, description="题图文字说明的英文（可选）", max_length=200)
    video: VideoEn | None = Field(None, description="短视频标题的英文（可选）")
    audio: AudioEn | None = Field(None, description="有声明信片标题和文字稿的英文（可选）")
    body: Text = Field(description="正文的英文，支持 Markdown", max_length=40000, examples=["## Before\n\n...\n\n## What changed\n\n..."])


class PersonEn(Strict):
    """人物的英文版；姓名的英文写在 name_en。"""

    role: Text = Field(description="职务或身份的英文", max_length=100, examples=["Job title"])
    organization: Text = Field(description="所在单位的英文", max_length=120, examples=["Name of the organization"])
    citation: Text = Field(description="颁奖词的英文，几行短句", max_length=1000, examples=["First line\nSecond line"])
    body: Text | None = Field(None, description="事迹介绍的英文，支持 Markdown（可选）", max_length=40000)
    tags: list[Annotated[Text, Field(max_length=30)]] = Field(default_factory=list, description="标签的英文（可选）", max_length=8)
    audio: AudioEn | None = Field(None, description="有声明信片的英文（可选）")


class AmbassadorEn(Strict):
    """大使的英文版；姓名的英文写在 name_en。"""

    region: Text = Field(description="所在城市或国家的英文，如 Qingdao、Germany", max_length=40, examples=["City or country"])
    organization: Text = Field(description="所在单位的英文", max_length=120, examples=["A technology company"])
    quote: Text = Field(description="一句话代言的英文", max_length=200, examples=["One sentence in the ambassador's own words."])
    bio: Text = Field(description="简介的英文，纯文字", max_length=1500, examples=["A short introduction to this ambassador."])


class FigureEn(Strict):
    value: Text = Field(description="数值，如“2.008”；请加引号", max_length=16)
    unit: Text | None = Field(None, description="单位的英文，如 million", max_length=20)
    label: Text = Field(description="说明的英文，如 market entities", max_length=50)
    note: Text | None = Field(None, description="注释的英文，如 as of August 2022", max_length=80)


class SiteEn(Strict):
    """全站设置的英文版。"""

    brand: Text = Field(description="品牌名称的英文", max_length=60, examples=["Business in Qingdao"])
    tagline: Text = Field(description="首页副标题的英文", max_length=150, examples=["Every visit to a counter is where trust begins"])
    motto: Text | None = Field(None, description="活动口号的英文（可选）", max_length=150)
    intro: Text = Field(description="首页简介的英文，支持 Markdown", max_length=5000, examples=["One paragraph about the campaign."])
    figures: list[FigureEn] = Field(default_factory=list, description="首页关键数据的英文，顺序与中文相同", max_length=12)


# --- entry kinds -------------------------------------------------------------------


class Case(Bilingual):
    """十大创新案例中的一个案例。文件位置：cases/<年份>/top-cases/<英文短名>.yaml"""

    rank: Rank = Field(description="名次，1–10，同一年份内不能重复", examples=[1])
    title: Text = Field(description="案例标题", max_length=40, examples=["智能表单让登记注册一次通过"])
    summary: Text = Field(description="一句话简介，用于卡片和搜索结果", max_length=120, examples=["一句话说清这项改革做了什么、带来了什么变化。"])
    category: Category = Field(description="所属全生命周期：enterprise 企业、individual 自然人、project 项目建设、innovation 创新创业", examples=["enterprise"])
    unit: Text = Field(description="牵头单位", max_length=60, examples=["市行政审批服务局"])
    district: Text | None = Field(None, description="所在区（市），须是 cases/site.yaml 中 districts 列出的名称（可选）", examples=["市南区"])
    tags: list[Annotated[Text, Field(max_length=16)]] = Field(default_factory=list, description="标签（可选）", max_length=8, examples=[["登记注册", "智能审批"]])
    highlights: list[Highlight] = Field(default_factory=list, description="亮点数据，每项包括 label 和 value（可选）", max_length=4)
    image: MediaPath | None = Field(None, description="题图，相对于 cases/ 文件夹；不填则自动生成占位图（可选）", examples=["media/images/example.jpg"])
    image_alt: Text | None = Field(None, description="题图的文字说明（可选）", max_length=80)
    video: Video | None = Field(None, description="短视频（可选）")
    audio: Audio | None = Field(None, description="有声明信片：音频文件和文字稿（可选）")
    body: Text = Field(description="正文，支持 Markdown（## 小标题、列表、链接）", max_length=20000, examples=["## 改革前\n\n……\n\n## 怎么做\n\n……"])
    sources: list[Source] = Field(default_factory=list, description="信息来源（可选）", max_length=10)
    sample: bool = Field(False, description="true 表示虚构的示例条目，网站上会显示“示例”标记")
    en: English[CaseEn] = Field(None, description="英文版（可选）：标题、简介、正文等的英文，见 CaseEn")


class Person(Bilingual):
    """十大创新人物中的一位。文件位置：cases/<年份>/top-people/<英文短名>.yaml"""

    rank: Rank = Field(description="名次，1–10，同一年份内不能重复", examples=[1])
    name: Text = Field(description="姓名", max_length=30, examples=["张三"])
    name_en: Text | None = Field(None, description="姓名的英文（拼音或外文名），英文网站使用（可选）", max_length=60, examples=["Zhang San"])
    role: Text = Field(description="职务或身份", max_length=40, examples=["××处处长"])
    organization: Text = Field(description="所在单位", max_length=60, examples=["市行政审批服务局"])
    district: Text | None = Field(None, description="所在区（市），须是 cases/site.yaml 中列出的名称（可选）")
    photo: MediaPath | None = Field(None, description="照片，相对于 cases/ 文件夹；不填则自动生成头像（可选）")
    citation: Text = Field(description="颁奖词，几行短句", max_length=400, examples=["第一行\n第二行"])
    body: Text | None = Field(None, description="事迹介绍，支持 Markdown（可选）", max_length=20000)
    cases: list[Slug] = Field(default_factory=list, description="相关案例的文件名（不含 .yaml），须是同一年份 top-cases 中已有的案例", max_length=10, examples=[["smart-form-registration"]])
    tags: list[Annotated[Text, Field(max_length=16)]] = Field(default_factory=list, description="标签（可选）", max_length=8)
    audio: Audio | None = Field(None, description="有声明信片（可选）")
    sample: bool = Field(False, description="true 表示虚构的示例条目，网站上会显示“示例”标记")
    en: English[PersonEn] = Field(None, description="英文版（可选）：职务、单位、颁奖词等的英文，见 PersonEn")


class Ambassador(Bilingual):
    """一位营商公益大使。文件位置：cases/ambassadors/<英文短名>.yaml"""

    name: Text = Field(description="姓名", max_length=30, examples=["李四"])
    name_en: Text | None = Field(None, description="外文名或姓名拼音，英文网站使用（可选）", max_length=60, examples=["Li Si"])
    region: Text = Field(description="所在城市或国家，如“青岛”“德国”", max_length=20, examples=["城市或国家"])
    identity: Identity = Field(description="身份：entrepreneur 企业家、foreign-resident 外籍人士、overseas-chinese 海外华侨华人、scholar 专家学者、media 媒体人、youth 青年代表、other 其他", examples=["entrepreneur"])
    organization: Text = Field(description="所在单位", max_length=60, examples=["某科技有限公司"])
    photo: MediaPath | None = Field(None, description="照片，相对于 cases/ 文件夹；不填则自动生成头像（可选）")
    quote: Text = Field(description="一句话代言", max_length=80, examples=["在青岛办事，越来越顺心。"])
    bio: Text = Field(description="简介，纯文字", max_length=600, examples=["简要介绍这位大使的经历。"])
    joined: dt.date = Field(description="受聘日期，格式 YYYY-MM-DD", examples=["2022-06-01"])
    contact: Contact | None = Field(None, description="联系方式；只有 public: true 时才会公开（可选）")
    sample: bool = Field(False, description="true 表示虚构的示例条目，网站上会显示“示例”标记")
    en: English[AmbassadorEn] = Field(None, description="英文版（可选）：所在地、单位、代言、简介的英文，见 AmbassadorEn")


class Figure(Strict):
    value: Text = Field(description="数值，如“200.8”；请加引号", max_length=12)
    unit: Text | None = Field(None, description="单位，如“万户”", max_length=8)
    label: Text = Field(description="说明，如“市场主体”", max_length=20)
    note: Text | None = Field(None, description="注释，如“截至2022年8月”", max_length=30)


class District(Strict):
    name: Text = Field(description="区（市）名称", max_length=12)
    name_en: Text | None = Field(None, description="区（市）名称的英文，如 Shinan District（可选）", max_length=40)
    slug: Slug = Field(description="网址中使用的英文短名，如 shinan")
    alias: Text | None = Field(None, description="别称（可选）", max_length=12)
    alias_en: Text | None = Field(None, description="别称的英文（可选）", max_length=40)


class Admin(Strict):
    """表单编辑器（/admin/）：在线使用时连接哪个 Git 服务。本机预览时不需要填写。"""

    online: bool = Field(False, description="是否在发布后的网站上提供 /admin/ 表单编辑器；默认 false（只在本机预览时提供）")
    backend: Literal["github", "gitlab", "gitea"] = Field("github", description="存放本网站文件的 Git 服务：github、gitlab，或 gitea（自建的 Gitea 和 Forgejo 都填 gitea）")
    repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")] | None = Field(None, description="仓库，格式为 组织名/仓库名，如 qingdao-yingshang/campaign-site（可选）", examples=["qingdao-yingshang/campaign-site"])
    branch: Text | None = Field(None, description="分支（可选，默认是仓库的默认分支）", max_length=100)
    api_root: Link | None = Field(None, description="自建服务的 API 地址，如 https://git.example.org/api/v1（只有自建的 GitLab、Gitea、Forgejo 需要填写）")
    base_url: Link | None = Field(None, description="网页登录（OAuth）服务的地址，如 https://git.example.org（自建服务，或 GitHub 的登录中转服务；只用访问令牌登录时不填）")
    app_id: Text | None = Field(None, description="OAuth 应用的 Client ID（用网页登录时需要；只用个人访问令牌登录时不填）", max_length=200)


class Site(Bilingual):
    """全站设置：品牌、首页数据、区（市）列表。文件位置：cases/site.yaml"""

    brand: Text = Field(description="品牌名称", max_length=30, examples=["营商青岛·共赢之道"])
    tagline: Text = Field(description="首页副标题", max_length=60)
    motto: Text | None = Field(None, description="活动口号（可选）", max_length=60)
    intro: Text = Field(description="首页简介，支持 Markdown", max_length=2000)
    figures: list[Figure] = Field(default_factory=list, description="首页关键数据", max_length=12)
    districts: list[District] = Field(default_factory=list, description="区（市）列表，案例的 district 必须出自这里", max_length=40)
    source: Source | None = Field(None, description="数据来源（可选）")
    en: English[SiteEn] = Field(None, description="英文版（可选）：品牌、副标题、简介和首页数据的英文，见 SiteEn")
    admin: Admin | None = Field(None, description="表单编辑器（/admin/）的设置；不填则只在本机预览时提供（可选）")


# Where each kind lives, relative to `cases/`; the glob's first part is the edition year.
KINDS: dict[str, type[Strict]] = {"case": Case, "person": Person, "ambassador": Ambassador, "site": Site}
KIND_FOLDERS = {"case": "top-cases", "person": "top-people"}
KIND_TITLES = {"case": "创新案例", "person": "创新人物", "ambassador": "营商公益大使", "site": "全站设置"}
