"""The form editor at /admin/ (Sveltia CMS, vendored in admin/): its configuration and its files.

The CMS's `config.yml` is derived from the one schema, like the JSON Schemas: this module
walks each kind's JSON Schema (so a new field, or a nested block such as `en:`, gets a
widget without code here) and maps every property to a widget by its type:

    enum                     → select, with the Chinese labels the site shows
    integer with bounds      → number with min/max
    boolean                  → boolean
    date                     → datetime (date only, YYYY-MM-DD)
    media path               → image (a picture) or file, stored under cases/media/
    text mentioning Markdown → markdown; long text → text; short text → string (max length)
    link                     → string with the link rule
    list of blocks / block   → list / object with their own fields
    a person's `cases`       → relation to that year's cases; `district` → the site's districts

The `en:` block is not a field of its own: each of its fields is the English side of the Chinese
field of the same name, shown beside it (Sveltia's i18n, `single_file_default_root`: Chinese at the
root, English under `en:`, the layout of our files). The CMS also writes `lang: [zh, en]`, which
the schema accepts and the site ignores.

`build.py schemas` writes `admin/config.yml`; `admin_files` hands /admin/ to the build when
serving locally, or when `cases/site.yaml` turns it on for the published site.
`normalise` restores what the CMS cannot keep when it writes a file (the schema comment line).
"""

from __future__ import annotations

import json
import re
import shutil
import typing
from functools import lru_cache
from pathlib import Path

import yaml

from . import schema
from .scaffold import SCHEMA_LINE, schema_comment

ADMIN_DIR = "admin"
CONFIG = f"{ADMIN_DIR}/config.yml"
# The vendored JSON Schema of config.yml, at the path the bundle expects (see admin/update.py).
CMS_SCHEMA = "unpkg/@sveltia/cms/schema/sveltia-cms.json"
# What /admin/ serves besides config.yml: the bundle, its fonts and the files it fetches.
SERVED = ("index.html", "sveltia-cms.js", "fonts/*.woff2", "unpkg/**/*.json")
DEFAULT_BACKEND = {"name": "github", "repo": "your-organisation/your-site"}  # local use ignores it

# Values the form shows by their Chinese label (the site's own labels).
CHOICE_LABELS = {**schema.CATEGORY_LABELS, **schema.IDENTITY_LABELS}
# Fields whose value names another entry: the form offers a picker instead of a text box.
RELATIONS: dict[tuple[str, str], str] = {("person", "cases"): "case", ("case", "district"): "district",
                                         ("person", "district"): "district"}
SLUG_RULE = "^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_HINT = ("文件名，也是网址的一部分：只能用小写英文字母、数字和连字符“-”，如 smart-form。"
             "标题是中文时，请在这里另填一个英文短名（拼音也可以）。")
MARKDOWN_BUTTONS = ["bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list", "numbered-list"]
LINK_MESSAGE = "链接只能以 https://、http://、mailto: 或 / 开头，中间不能有空格"
ICONS = {"case": "emoji_events", "person": "person", "ambassador": "volunteer_activism", "site": "settings"}


# --- the JSON Schema of each kind, walked -------------------------------------------------------------


def _pattern(annotated: object) -> str | None:
    for item in typing.get_args(annotated)[1:]:
        extra = getattr(item, "json_schema_extra", None)
        if isinstance(extra, dict) and "pattern" in extra:
            return extra["pattern"]
    return None


MEDIA_PATTERN = _pattern(schema.MediaPath)
LINK_PATTERN = _pattern(schema.Link)
TEXT_PATTERN = _pattern(schema.Text)  # "not blank": the form's required mark says it


# Advice that only makes sense in a YAML file (the form quotes, picks dates and stores paths itself).
YAML_ONLY = re.compile(r"[；;，,]\s*(请加引号|格式\s*YYYY-MM-DD|相对于 cases/ 文件夹)|（不含 \.yaml）|[，,]\s*见 [A-Z]\w+")


def _hint(description: str) -> str:
    return YAML_ONLY.sub("", description)


def _label(description: str, name: str) -> str:
    """The short label before the first comma or bracket: '名次，1–10，…' → '名次'."""
    short = re.split(r"[，,（(：:；;]", description or name, maxsplit=1)[0].strip()
    return short or name


def _resolve(node: dict, defs: dict) -> tuple[dict, bool]:
    """(the node behind a $ref or an `X | None`, whether None is allowed)."""
    optional = False
    if "anyOf" in node:
        options = [option for option in node["anyOf"] if option.get("type") != "null"]
        optional = len(options) < len(node["anyOf"])
        node = {**options[0], **{k: v for k, v in node.items() if k not in ("anyOf", "default")}}
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node, optional


def _fields(model_schema: dict, defs: dict, kind: str, year: int | None, english: dict | None = None) -> list[dict]:
    """The form fields of a block; `english` is its twin in the `en:` block, whose fields become the
    English side of the language pair (a field of the same name)."""
    required = set(model_schema.get("required", []))
    twins = english.get("properties", {}) if english else {}
    unpaired = set(twins) - set(model_schema.get("properties", {}))
    if unpaired:  # the pair is by name: an English field needs a Chinese field of the same name
        raise LookupError(f"{kind}: en.{sorted(unpaired)[0]} has no field of the same name to pair with")
    return [_field(name, node, name in required, defs, kind, year, twins.get(name))
            for name, node in model_schema.get("properties", {}).items()]


def _field(name: str, node: dict, required: bool, defs: dict, kind: str, year: int | None,
           twin: dict | None = None) -> dict:
    description = node.get("description", "")
    node, _ = _resolve(node, defs)
    english, _ = _resolve(twin, defs) if twin is not None else (None, False)
    field = {"name": name, "label": _label(description, name)}
    if _hint(description) not in ("", field["label"]):
        field["hint"] = _hint(description)
    field["required"] = required
    field.update(_widget(name, node, defs, kind, year, english))
    if field["widget"] == "boolean":  # a switch, not a YAML value: "true 表示…" reads "打开表示…"
        text = re.sub(r"^true\s*表示", "打开表示", _hint(description))
        field.update(label=_label(re.sub(r"^(打开表示|是否)", "", text), name), hint=text)
    elif field["widget"] == "relation":  # a picker: the editor never types a file name
        field["label"] = field["label"].removesuffix("的文件名")
    if english is not None:
        _pair(field, node, english)
    return field


def _pair(field: dict, node: dict, english: dict) -> None:
    """Make a field one of a language pair: an English box beside the Chinese one, saved under `en:`.

    The pair shares one set of form options, so a limit that differs between the languages moves
    into the hint (check enforces both), and a required field is required in Chinese only: English
    is optional until the editor starts it, and check then asks for the rest of the block."""
    field["i18n"] = True
    if field["required"]:
        field["required"] = [schema.LANGUAGES[0]]
    notes = _unshare_limits(field, node, english, "")
    if "field" in field:  # a list of single values (tags): its item box is paired too, or English hides it
        field["field"]["i18n"] = True
        notes += _unshare_limits(field["field"], node.get("items", {}), english.get("items", {}), "每项")
    if "顺序与中文相同" in english.get("description", ""):  # two lists the form keeps apart (highlights, figures)
        notes.append("英文请按中文的顺序逐项填写")
    if notes:
        field["hint"] = "；".join([field["hint"], *notes] if "hint" in field else notes)


FORM_LIMITS = {"maxLength": "maxlength", "maxItems": "max"}  # JSON Schema keyword → the form's option


def _unshare_limits(options: dict, node: dict, english: dict, prefix: str) -> list[str]:
    """Drop each form limit the two languages do not share, and say both limits in words instead."""
    notes = []
    for keyword, option in FORM_LIMITS.items():
        if keyword in node and node[keyword] != english.get(keyword):
            options.pop(option, None)
            notes.append(_limit_words(node, english, keyword, prefix))
    return notes


def _limit_words(node: dict, english: dict, key: str, prefix: str) -> str:
    unit = ("字", "个字符") if key == "maxLength" else ("项", "项")
    shown = f"{prefix}中文最多 {node[key]} {unit[0]}"
    return shown + (f"，英文最多 {english[key]} {unit[1]}" if key in english else "")


def _widget(name: str, node: dict, defs: dict, kind: str, year: int | None, english: dict | None = None) -> dict:
    """The widget and its options for one property; raises LookupError for a type nothing maps."""
    relation = RELATIONS.get((kind, name))
    if relation is not None:
        return _relation(relation, node, year)
    kind_of = node.get("type")
    if "enum" in node:
        return {"widget": "select", "options": [{"label": CHOICE_LABELS.get(value, value), "value": value}
                                                for value in node["enum"]], **_default(node)}
    if kind_of == "integer":
        return {"widget": "number", "value_type": "int", **_bounds(node, "minimum", "maximum"), **_default(node)}
    if kind_of == "boolean":
        return {"widget": "boolean", "default": bool(node.get("default", False))}
    if kind_of == "string":
        return _string_widget(name, node)
    if kind_of == "array":
        return _list_widget(name, node, defs, kind, year, english)
    if kind_of == "object" and "properties" in node:
        return {"widget": "object", "collapsed": "auto", "fields": _fields(node, defs, kind, year, english)}
    raise LookupError(f"{kind}.{name}: no widget for JSON Schema {json.dumps(node, ensure_ascii=False)[:200]}")


def _string_widget(name: str, node: dict) -> dict:
    description = node.get("description", "")
    if node.get("format") == "date":
        return {"widget": "datetime", "type": "date", "format": "YYYY-MM-DD", "time_format": False}
    if node.get("pattern") == MEDIA_PATTERN:
        picture = any(word in description for word in ("图", "照片"))
        folder = ("images" if picture else "audio" if "音频" in description
                  else "video" if "视频" in description else "files")
        return {"widget": "image" if picture else "file", "choose_url": False,
                "media_folder": f"/cases/media/{folder}", "public_folder": f"./media/{folder}"}
    if node.get("pattern") == LINK_PATTERN:
        return {"widget": "string", "type": "url", "pattern": [LINK_PATTERN, LINK_MESSAGE]}
    if node.get("pattern") == SLUG_RULE:
        return {"widget": "string", "pattern": [SLUG_RULE, "只能用小写英文字母、数字和连字符“-”"]}
    limit = node.get("maxLength")
    if "Markdown" in description:
        # What our Markdown renders (headings, lists, links, emphasis): no code blocks, no embedded images.
        return {"widget": "markdown", "buttons": MARKDOWN_BUTTONS, "editor_components": [],
                "modes": ["rich_text", "raw"]}
    widget = "text" if (limit or 0) >= 200 or "几行" in description else "string"
    extra = {"pattern": [node["pattern"], "格式不对，请看下方说明"]} if node.get("pattern") not in (None, TEXT_PATTERN) else {}
    return {"widget": widget, **({"maxlength": limit} if limit else {}), **extra}


def _list_widget(name: str, node: dict, defs: dict, kind: str, year: int | None, english: dict | None) -> dict:
    items, _ = _resolve(node.get("items", {}), defs)
    english_items = _resolve(english.get("items", {}), defs)[0] if english is not None else None
    bounds = {"max": node["maxItems"]} if "maxItems" in node else {}
    if items.get("type") == "object":
        fields = _fields(items, defs, kind, year, english_items)
        return {"widget": "list", **bounds, "collapsed": False, "summary": _summary(fields), "fields": fields}
    single = _widget(name, items, defs, kind, year)
    return {"widget": "list", **bounds, "field": {"name": "item", "label": "一项", **single}}


def _summary(fields: list[dict]) -> str:
    shown = [f"{{{{fields.{f['name']}}}}}" for f in fields[:2] if f["widget"] in ("string", "datetime")]
    return " · ".join(shown) or f"{{{{fields.{fields[0]['name']}}}}}"


def _relation(target: str, node: dict, year: int | None) -> dict:
    many = node.get("type") == "array"
    if target == "district":  # the districts listed in cases/site.yaml
        picker = {"collection": "settings", "file": "site", "value_field": "districts.*.name",
                  "display_fields": ["districts.*.name"], "search_fields": ["districts.*.name"]}
    else:
        picker = {"collection": _collection_name(target, year), "value_field": "{{slug}}",
                  "display_fields": ["{{fields.rank}} · {{fields.title}}"], "search_fields": ["title", "summary"]}
    if many:
        picker.update(multiple=True, **({"max": node["maxItems"]} if "maxItems" in node else {}))
    return {"widget": "relation", **picker}


def _bounds(node: dict, low: str, high: str) -> dict:
    return {**({"min": node[low]} if low in node else {}), **({"max": node[high]} if high in node else {})}


def _default(node: dict) -> dict:
    return {"default": node["default"]} if node.get("default") is not None else {}


# --- collections ---------------------------------------------------------------------------------------


# Root fields the form does not show as fields of their own: the CMS writes `lang` itself, and `en:`
# is the English side of the language pair (each of its fields beside its Chinese twin).
PAIR_FIELDS = ("lang", "en")


def kind_fields(kind: str, year: int | None = None) -> list[dict]:
    document = schema.KINDS[kind].model_json_schema()
    defs = document.get("$defs", {})
    properties = document.get("properties", {})
    english = _resolve(properties["en"], defs)[0] if translated(kind) else None
    chinese = {**document, "properties": {name: node for name, node in properties.items()
                                          if not (translated(kind) and name in PAIR_FIELDS)}}
    return _fields(chinese, defs, kind, year, english)


def translated(kind: str) -> bool:
    """Whether a kind has an English edition (an `en:` block), so the form shows a language pair."""
    return "en" in schema.KINDS[kind].model_fields


I18N = {"structure": "single_file_default_root", "locales": list(schema.LANGUAGES),
        "default_locale": schema.LANGUAGES[0]}


def _collection_name(kind: str, year: int | None) -> str:
    return f"{kind}-{year}" if year is not None else kind


def _entry_collection(kind: str, folder: str, label: str, year: int | None) -> dict:
    fields = kind_fields(kind, year)
    title = "title" if any(f["name"] == "title" for f in fields) else "name"
    ranked = any(f["name"] == "rank" for f in fields)
    collection = {
        "name": _collection_name(kind, year), "label": label, "label_singular": schema.KIND_TITLES[kind],
        "icon": ICONS[kind], "description": (schema.KINDS[kind].__doc__ or "").strip().splitlines()[0],
        "folder": folder, "extension": "yaml", "format": "yaml", "identifier_field": title,
        "slug": {"template": "{{slug}}", "editable": True, "hint": SLUG_HINT,
                 "pattern": [SLUG_RULE, "文件名只能用小写英文字母、数字和连字符“-”，不能有汉字或空格"]},
        "summary": ("第 {{rank}} 名 · " if ranked else "") + f"{{{{{title}}}}}",
        "sortable_fields": {"fields": ["rank", title] if ranked else [title],
                            "default": {"field": "rank" if ranked else title}},
        "fields": fields,
    }
    if translated(kind):
        collection["i18n"] = True
    if ranked:
        collection["limit"] = 10
    return collection


def edition_years(root: Path) -> list[int]:
    """Edition years present under cases/ (the folders named like 2022), newest first."""
    cases = root / "cases"
    return sorted((int(p.name) for p in cases.glob("[12][09][0-9][0-9]") if p.is_dir()), reverse=True)


def backend(site: schema.Site | None, folder: str | None = None) -> dict:
    """The git service the online editor saves to, from cases/site.yaml's `admin:` block. Without one, the
    repository is named after the project's `folder`: "work with local repository" asks for it by that name."""
    admin = site.admin if site is not None else None
    if admin is None or admin.repo is None:
        chosen = dict(DEFAULT_BACKEND, name=admin.backend if admin else "github")
        if folder:
            chosen["repo"] = chosen["repo"].split("/")[0] + "/" + folder
        return chosen
    chosen = {"name": admin.backend, "repo": admin.repo}
    chosen.update({key: value for key in ("branch", "api_root", "base_url", "app_id")
                   if (value := getattr(admin, key)) is not None})
    if admin.backend == "gitlab" and admin.app_id:
        chosen["auth_type"] = "pkce"  # GitLab signs in from the browser alone, no relay server
    return chosen


def config(years: list[int], backend_options: dict | None = None, brand: str | None = None) -> dict:
    """The CMS's whole configuration: one case and one person collection per edition, and the rest.
    `brand` (site.yaml's) titles the editor; the committed config.yml, made without entries, has none."""
    collections: list[dict] = []
    for year in years:
        collections.append(_entry_collection("case", f"cases/{year}/{schema.KIND_FOLDERS['case']}",
                                             f"{year} 年{schema.KIND_TITLES['case']}", year))
        collections.append(_entry_collection("person", f"cases/{year}/{schema.KIND_FOLDERS['person']}",
                                             f"{year} 年{schema.KIND_TITLES['person']}", year))
    collections.append(_entry_collection("ambassador", "cases/ambassadors", schema.KIND_TITLES["ambassador"], None))
    collections.append({"name": "settings", "label": schema.KIND_TITLES["site"], "icon": ICONS["site"],
                        **({"i18n": True} if translated("site") else {}),  # on the collection and its file
                        "files": [{"name": "site", "label": schema.KIND_TITLES["site"], "file": "cases/site.yaml",
                                   "format": "yaml", **({"i18n": True} if translated("site") else {}),
                                   "fields": kind_fields("site")}]})
    return {
        "backend": backend_options or dict(DEFAULT_BACKEND),
        "app_title": f"{brand} · 表单编辑" if brand else "表单编辑",
        "media_folder": "cases/media",
        "public_folder": "/media",
        "show_preview_links": False,
        "i18n": I18N,  # default language at the root, English under `en:` (the layout of our files)
        "slug": {"encoding": "ascii", "clean_accents": True, "lowercase": True},
        "output": {"omit_empty_optional_fields": True, "yaml": {"indent_size": 2, "indent_sequences": True}},
        "editor": {"preview": False},  # the site's own preview (build.py serve) is the real one
        "collections": collections,
    }


def config_yaml(years: list[int], backend_options: dict | None = None, brand: str | None = None) -> str:
    return _config_yaml(tuple(years), json.dumps(backend_options, sort_keys=True) if backend_options else "", brand)


@lru_cache(maxsize=8)  # the preview asks on every save; the text changes only with the years, back end or brand
def _config_yaml(years: tuple[int, ...], backend_json: str, brand: str | None) -> str:
    header = [f"# yaml-language-server: $schema={CMS_SCHEMA}",
              "# Generated by `python build.py schemas` from publisher/schema.py (publisher/cms.py): do not edit."]
    body = yaml.safe_dump(config(list(years), json.loads(backend_json) if backend_json else None, brand),
                          allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body


# --- what /admin/ serves -----------------------------------------------------------------------------------


def admin_files(root: Path, serving: bool, site: schema.Site | None,
                years: list[int] | None = None) -> dict[str, Path | str]:
    """Site path → file (Path) or content (str) for /admin/; empty unless serving or turned on in site.yaml."""
    online = bool(site is not None and site.admin is not None and site.admin.online)
    if not (serving or online):
        return {}
    folder = root / ADMIN_DIR
    files: dict[str, Path | str] = {}
    for pattern in SERVED:
        for path in sorted(folder.glob(pattern)):
            files[f"{ADMIN_DIR}/{path.relative_to(folder).as_posix()}"] = path
    chosen_years = edition_years(root) if years is None else years
    files[CONFIG] = config_yaml(chosen_years, backend(site, root.name), site.brand if site is not None else None)
    if site is None or site.admin is None or site.admin.repo is None:  # no online repository: local use only
        page = (folder / "index.html").read_text(encoding="utf-8")
        files[f"{ADMIN_DIR}/index.html"] = page.replace("</head>", LOCAL_ONLY + "</head>", 1)
    return files


# Sveltia always offers to sign in to the back end's service too. Without an `admin:` block in site.yaml there
# is no repository to sign in to, and that button waits for ever: hide it, leaving "使用本地仓库". The class is
# the sign-in page's (Sveltia 0.221.1); tests/test_cms.py notices when an update renames it.
LOCAL_ONLY = "<style>.buttons.svelte-1ff54ya > .button:not(.primary) { display: none; }</style>\n"


def write_admin(site_dir: Path, root: Path) -> None:
    """Write /admin/ into a folder the preview serves: its problem page replaces every other file,
    and the editor must stay reachable so the problem can be fixed in the form."""
    for site_path, source in admin_files(root, True, None).items():
        target = site_dir / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, target)
        else:
            target.write_text(source, encoding="utf-8")


# --- files the CMS wrote -------------------------------------------------------------------------------------


def normalise(path: Path, kind: str, root: Path) -> bool:
    """Give a file the CMS wrote back what it drops: the schema comment on line 1. True if changed.

    The CMS writes fields in the order of config.yml, which is the schema's order, so order
    and layout need no repair; only comments are lost, and the first one is ours to restore.
    """
    text = path.read_text(encoding="utf-8")
    if text.startswith(SCHEMA_LINE.split("{")[0]):
        return False
    fixed = schema_comment(kind, path, root) + "\n" + text.replace("\r\n", "\n")
    path.write_text(fixed if fixed.endswith("\n") else fixed + "\n", encoding="utf-8")
    return True


def normalise_tree(root: Path) -> list[Path]:
    """`check --fix`: normalise every entry file under cases/; returns the files it changed."""
    cases = root / "cases"
    places = [(cases / "site.yaml", "site")]
    places += [(path, "ambassador") for path in sorted((cases / "ambassadors").glob("*.yaml"))]
    for kind, folder in schema.KIND_FOLDERS.items():
        places += [(path, kind) for path in sorted(cases.glob(f"[12][09][0-9][0-9]/{folder}/*.yaml"))]
    return [path for path, kind in places if path.is_file() and normalise(path, kind, root)]
