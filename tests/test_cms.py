"""The form editor at /admin/: its configuration is derived from the schema, it loads nothing from
another host, and what it writes passes `check` and appears on the site.

The browser tests drive Sveltia CMS's own "使用本地仓库" (work with local repository) path. Only the
folder picker is replaced: headless Chromium cannot answer the operating system's folder dialog, so
`showDirectoryPicker` hands the CMS a folder of the browser's private file system (OPFS), filled with
a copy of `cases/`. Reading, saving and the YAML written are the CMS's own code, as on an editor's PC.
"""

from __future__ import annotations

import json
import re
import shutil
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import Field

from browser_support import chromium_browser, start_server  # noqa: F401
from conftest import ROOT, copy_project, run_build_py
from publisher import cms, schema
from publisher.export import derived_files

ADMIN = ROOT / cms.ADMIN_DIR
CMS_SCHEMA = ADMIN / cms.CMS_SCHEMA


def _config() -> dict:
    return yaml.safe_load((ROOT / cms.CONFIG).read_text(encoding="utf-8"))


def _collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def _field(fields: list[dict], name: str) -> dict:
    return next(f for f in fields if f["name"] == name)


# --- the configuration ----------------------------------------------------------------------------------


def test_config_is_derived_and_committed() -> None:
    assert derived_files()[cms.CONFIG] == (ROOT / cms.CONFIG).read_text(encoding="utf-8")


def test_config_validates_against_the_json_schema_shipped_with_the_cms() -> None:
    import jsonschema

    validator = jsonschema.Draft7Validator(json.loads(CMS_SCHEMA.read_text(encoding="utf-8")))
    gitea = schema.Site(brand="b", tagline="t", intro="i", admin={
        "backend": "gitea", "repo": "office/site", "api_root": "https://git.example.org/api/v1",
        "base_url": "https://git.example.org", "app_id": "abc"})
    gitlab = schema.Site(brand="b", tagline="t", intro="i", admin={"backend": "gitlab", "repo": "office/web/site",
                                                                   "app_id": "abc"})
    for config in (_config(), cms.config([2023, 2022], cms.backend(gitea)), cms.config([2022], cms.backend(gitlab))):
        errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(config)]
        assert errors == []
    broken = _config()
    del _field(broken["collections"][0]["fields"], "category")["options"]  # proves it does look into fields
    assert list(validator.iter_errors(broken))


def _schema_paths(model: type, prefix: str = "") -> set[str]:
    """Every field of a model and of the blocks nested in it, as dotted paths."""
    paths = set()
    for name, info in model.model_fields.items():
        paths.add(prefix + name)
        inner = info.annotation
        for _ in range(3):  # X | None, list[X], Annotated[X, …]
            args = [a for a in typing.get_args(inner) if a is not type(None)]
            inner = args[0] if args else inner
        if isinstance(inner, type) and issubclass(inner, schema.Strict):
            paths |= _schema_paths(inner, f"{prefix}{name}.")
    return paths


def _widget_paths(fields: list[dict], prefix: str = "") -> set[str]:
    paths = set()
    for field in fields:
        assert field.get("widget"), f"{prefix}{field['name']} has no widget"
        paths.add(prefix + field["name"])
        paths |= _widget_paths(field.get("fields", []), f"{prefix}{field['name']}.")
    return paths


def _paired_paths(fields: list[dict], prefix: str = "") -> set[str]:
    """The fields the form shows as a language pair (an English box beside the Chinese one); a list of
    single values (tags) is one only when its item box is paired too, or the English column hides it."""
    paths = set()
    for field in fields:
        if field.get("i18n") is True and ("field" not in field or field["field"].get("i18n") is True):
            paths.add(prefix + field["name"])
        paths |= _paired_paths(field.get("fields", []), f"{prefix}{field['name']}.")
    return paths


@pytest.mark.parametrize("kind", list(schema.KINDS))
def test_every_field_of_the_schema_has_a_widget(kind: str) -> None:
    """Every Chinese field has a widget, and every field of the `en:` block is the English side of
    exactly the Chinese field of the same name (`en.video.title` → `video.title`), nothing else."""
    year = 2022 if kind in schema.KIND_FOLDERS else None
    fields = cms.kind_fields(kind, year)
    paths = _schema_paths(schema.KINDS[kind])
    english = {path.removeprefix("en.") for path in paths if path.startswith("en.")}
    assert _widget_paths(fields) == paths - {"en." + path for path in english} - set(cms.PAIR_FIELDS)
    assert _paired_paths(fields) == english
    assert bool(english) == cms.translated(kind) == (_config_of(kind).get("i18n") is True)


def _config_of(kind: str) -> dict:
    config = cms.config([2022])
    if kind == "site":
        return {**_collection(config, "settings"), **_collection(config, "settings")["files"][0]}
    return _collection(config, f"{kind}-2022" if kind in schema.KIND_FOLDERS else kind)


def test_a_new_field_without_a_widget_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    class CaseWithMap(schema.Case):
        scores: dict[str, int] = Field(default_factory=dict, description="评分")

    monkeypatch.setitem(schema.KINDS, "case", CaseWithMap)
    with pytest.raises(LookupError, match="scores"):
        cms.kind_fields("case", 2022)


def test_a_new_nested_block_becomes_an_object_of_its_own_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    class Award(schema.Strict):
        title: schema.Text | None = Field(None, description="奖项名称", max_length=30)

    class CaseWithAward(schema.Case):
        award: Award | None = Field(None, description="获奖情况（可选）")

    monkeypatch.setitem(schema.KINDS, "case", CaseWithAward)
    award = _field(cms.kind_fields("case", 2022), "award")
    assert award["widget"] == "object" and award["required"] is False and "i18n" not in award
    assert _field(award["fields"], "title") == {"name": "title", "label": "奖项名称", "required": False,
                                                "widget": "string", "maxlength": 30}


def test_a_new_english_field_pairs_with_its_chinese_twin_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new translated field gets with no change in cms.py, and what an English field with no
    Chinese twin gets: an error naming it (the pair is by name)."""
    class English(schema.CaseEn):
        slogan: schema.Text | None = Field(None, description="口号的英文（可选）", max_length=60)

    class CaseWithSlogan(schema.Case):
        slogan: schema.Text | None = Field(None, description="口号（可选）", max_length=20)
        en: schema.English[English] = Field(None, description="英文版（可选）")

    monkeypatch.setitem(schema.KINDS, "case", CaseWithSlogan)
    slogan = _field(cms.kind_fields("case", 2022), "slogan")
    assert slogan == {"name": "slogan", "label": "口号", "hint": "口号（可选）；中文最多 20 字，英文最多 60 个字符",
                      "required": False, "widget": "string", "i18n": True}

    class Unpaired(schema.CaseEn):
        motto: schema.Text | None = Field(None, description="没有中文的英文字段", max_length=60)

    class CaseWithUnpaired(schema.Case):
        en: schema.English[Unpaired] = Field(None, description="英文版（可选）")

    monkeypatch.setitem(schema.KINDS, "case", CaseWithUnpaired)
    with pytest.raises(LookupError, match="en.motto"):
        cms.kind_fields("case", 2022)


def test_widgets_follow_the_field_types() -> None:
    config = _config()
    case = _collection(config, "case-2022")
    assert case["folder"] == "cases/2022/top-cases" and case["extension"] == "yaml"
    fields = case["fields"]
    assert [f["name"] for f in fields] == [name for name in schema.Case.model_fields  # the order files are written in
                                           if name not in cms.PAIR_FIELDS]
    category = _field(fields, "category")
    assert category["widget"] == "select"
    assert {o["value"]: o["label"] for o in category["options"]} == schema.CATEGORY_LABELS
    rank = _field(fields, "rank")
    assert (rank["widget"], rank["min"], rank["max"], rank["required"]) == ("number", 1, 10, True)
    assert _field(fields, "image")["widget"] == "image"
    assert _field(fields, "image")["public_folder"] == "./media/images"  # kept relative to cases/, as check wants
    assert _field(_field(fields, "audio")["fields"], "file")["widget"] == "file"
    assert _field(fields, "body")["widget"] == "markdown"
    assert _field(fields, "district")["value_field"] == "districts.*.name"
    highlights = _field(fields, "highlights")
    assert highlights["widget"] == "list" and highlights["max"] == 4
    assert [f["name"] for f in highlights["fields"]] == ["label", "value"]
    assert _field(_field(fields, "sources")["fields"], "date")["widget"] == "datetime"
    assert _field(fields, "category")["required"] is True and _field(fields, "tags")["required"] is False
    people = _collection(config, "person-2022")["fields"]
    cases = _field(people, "cases")
    assert (cases["widget"], cases["collection"], cases["multiple"]) == ("relation", "case-2022", True)
    identity = _field(_collection(config, "ambassador")["fields"], "identity")
    assert {o["value"]: o["label"] for o in identity["options"]} == schema.IDENTITY_LABELS
    assert _field(_collection(config, "ambassador")["fields"], "joined")["format"] == "YYYY-MM-DD"
    site = _collection(config, "settings")["files"][0]
    assert site["file"] == "cases/site.yaml" and _field(site["fields"], "admin")["widget"] == "object"


def test_the_english_edition_is_a_language_pair_with_one_set_of_options() -> None:
    """中文 | English side by side, English saved under `en:`. A pair shares its form options, so a limit
    that differs between the languages is in the hint (check enforces both), and only Chinese is required."""
    config = cms.config([2022])  # the committed config.yml is this (test_config_is_derived_and_committed)
    assert config["i18n"] == {"structure": "single_file_default_root", "locales": ["zh", "en"], "default_locale": "zh"}
    fields = _collection(config, "case-2022")["fields"]
    title = _field(fields, "title")
    assert (title["i18n"], title["required"]) == (True, ["zh"]) and "maxlength" not in title
    assert "中文最多 40 字，英文最多 100 个字符" in title["hint"]
    rank = _field(fields, "rank")
    assert "i18n" not in rank and rank["required"] is True
    video = _field(fields, "video")
    assert [(f["name"], f.get("i18n", False)) for f in video["fields"]] == [
        ("file", False), ("url", False), ("poster", False), ("title", True)]
    tags = _field(fields, "tags")
    assert tags["i18n"] is True and tags["field"]["i18n"] is True and "maxlength" not in tags["field"]
    assert "每项中文最多 16 字，英文最多 30 个字符" in tags["hint"]
    highlights = _field(fields, "highlights")
    assert _field(highlights["fields"], "label")["required"] == ["zh"]
    assert "英文请按中文的顺序逐项填写" in highlights["hint"] and "顺序" not in tags["hint"]  # the form keeps them apart
    assert "i18n" not in _field(_field(fields, "sources")["fields"], "title_en")  # a twin beside, not a pair
    for name in ("person-2022", "ambassador"):  # the English name is a field of its own, shown once
        name_en = _field(_collection(config, name)["fields"], "name_en")
        assert "i18n" not in name_en and name_en["widget"] == "string"
    settings = _collection(config, "settings")
    assert settings["i18n"] is True and settings["files"][0]["i18n"] is True


def _english_models(model: type) -> list[tuple[type, type]]:
    """(Chinese block, its English twin) for every block of a kind, at any depth."""
    pairs = []
    english = model.model_fields.get("en")
    if english is None:
        return pairs
    stack = [(model, _inner(english.annotation))]
    while stack:
        chinese, twin = stack.pop()
        pairs.append((chinese, twin))
        for name, info in twin.model_fields.items():
            inner = _inner(info.annotation)
            if isinstance(inner, type) and issubclass(inner, schema.Strict):
                stack.append((_inner(chinese.model_fields[name].annotation), inner))
    return pairs


def _inner(annotation: object) -> object:
    for _ in range(3):  # X | None, list[X], Annotated[X, …]
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if args else annotation
    return annotation


@pytest.mark.parametrize("kind", list(schema.KINDS))
def test_english_fields_keep_the_chinese_order(kind: str) -> None:
    """The form writes `en:` in the order of the Chinese fields; the schema says the same order."""
    for chinese, english in _english_models(schema.KINDS[kind]):
        assert [name for name in chinese.model_fields if name in english.model_fields] == list(english.model_fields)


def test_each_edition_gets_its_own_collections() -> None:
    names = [c["name"] for c in cms.config([2023, 2022])["collections"]]
    assert names == ["case-2023", "person-2023", "case-2022", "person-2022", "ambassador", "settings"]
    people_2023 = _collection(cms.config([2023, 2022]), "person-2023")
    assert _field(people_2023["fields"], "cases")["collection"] == "case-2023"


def test_backend_comes_from_site_yaml() -> None:
    site = schema.Site(brand="b", tagline="t", intro="i",
                       admin={"online": True, "backend": "gitea", "repo": "office/site",
                              "api_root": "https://git.example.org/api/v1", "app_id": "abc"})
    assert cms.backend(site) == {"name": "gitea", "repo": "office/site", "api_root": "https://git.example.org/api/v1",
                                 "app_id": "abc"}
    assert cms.backend(None) == cms.DEFAULT_BACKEND


# --- the vendored CMS -----------------------------------------------------------------------------------------


def test_vendored_bundle_names_no_other_host_to_load_from() -> None:
    bundle = (ADMIN / "sveltia-cms.js").read_text(encoding="utf-8")
    for host in ("cdn.jsdelivr.net", "unpkg.com", "fonts.googleapis.com", "fonts.gstatic.com", "githubstatus.com/api",
                 "hostedstatus.com", "sourceMappingURL"):
        assert host not in bundle
    versions = json.loads((ADMIN / "VERSIONS.json").read_text(encoding="utf-8"))
    assert f"version:`{versions['@sveltia/cms']}`" in bundle
    for font in re.findall(r"url\((fonts/[^)]+)\)", bundle):
        assert (ADMIN / font).is_file(), font
    assert (ADMIN / "LICENSE-sveltia-cms.txt").read_text().startswith("MIT License")
    assert not list(ADMIN.rglob("*.map"))


def test_admin_is_served_when_previewing_and_off_when_published(tmp_path: Path) -> None:
    site = schema.Site(brand="b", tagline="t", intro="i")
    served = cms.admin_files(ROOT, True, site)
    assert {"admin/index.html", "admin/sveltia-cms.js", "admin/config.yml",
            "admin/unpkg/@sveltia/cms/package.json"} <= set(served)
    assert not any(path.endswith((".py", ".txt", ".map")) for path in served)
    preview_config = yaml.safe_load(served["admin/config.yml"])
    # "work with local repository" asks the editor for the folder by the repository's name: the project's own
    assert preview_config["backend"]["repo"].endswith("/" + ROOT.name)
    assert preview_config["app_title"] == "b · 表单编辑"  # the site's brand, not the demo's
    assert cms.admin_files(ROOT, False, site) == {}
    assert cms.LOCAL_ONLY in served["admin/index.html"]  # no repository to sign in to: the local step only
    online = schema.Site(brand="b", tagline="t", intro="i", admin={"online": True, "repo": "office/site"})
    assert isinstance(cms.admin_files(ROOT, False, online)["admin/index.html"], Path)  # sign-in offered as shipped
    config = yaml.safe_load(cms.admin_files(ROOT, False, online)["admin/config.yml"])
    assert config["backend"] == {"name": "github", "repo": "office/site"}


# --- what the editor writes -----------------------------------------------------------------------------------


def test_check_fix_restores_the_schema_line(project: Path) -> None:
    entry = project / "cases/2022/top-cases/newborn-one-step.yaml"
    original = entry.read_text(encoding="utf-8")
    entry.write_text(original.split("\n", 1)[1], encoding="utf-8")  # as the CMS writes it: no comments
    result = run_build_py(project, "check", "--fix")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cases/2022/top-cases/newborn-one-step.yaml" in result.stdout
    assert entry.read_text(encoding="utf-8") == original
    again = run_build_py(project, "check", "--fix")
    assert "newborn-one-step" not in again.stdout  # nothing left to fix


def test_check_takes_the_lang_list_and_empty_english_the_form_writes(project: Path) -> None:
    """The editor's own additions pass check as they are (and stay: the next save writes them again);
    a language the site does not have is a problem like any other, with file, line, field and hint."""
    entry = project / "cases/2022/top-cases/newborn-one-step.yaml"
    original = entry.read_text(encoding="utf-8")
    head, rest = original.split("\n", 1)
    entry.write_text(f"{head}\nlang:\n  - zh\n  - en\n{rest}", encoding="utf-8")
    ambassador = project / "cases/ambassadors/anna-mueller.yaml"
    data = yaml.safe_load(ambassador.read_text(encoding="utf-8"))
    ambassador.write_text(ambassador.read_text(encoding="utf-8").split("\nen:")[0] + "\nen: {}\n", encoding="utf-8")
    assert "en" in data  # it had English: now it has none, as a Chinese-only save in the form writes it
    fixed = run_build_py(project, "check", "--fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "lang:\n  - zh\n  - en\n" in entry.read_text(encoding="utf-8")  # --fix keeps it
    entry.write_text(f"{head}\nlang: [zh, fr]\n{rest}", encoding="utf-8")
    refused = run_build_py(project, "check")
    assert refused.returncode != 0
    assert "cases/2022/top-cases/newborn-one-step.yaml:2:" in refused.stderr and "lang[1]" in refused.stderr
    assert "“fr”不是可选值" in refused.stderr and "可选值：zh, en" in refused.stderr
    assert "Traceback" not in refused.stderr
    english = run_build_py(project, "--lang", "en", "check")
    assert "lang[1]" in english.stderr and "zh, en" in english.stderr and "可选值" not in english.stderr


# --- in the browser ---------------------------------------------------------------------------------------------

OPFS_FILL = """async ([folder, files]) => {
  const top = await navigator.storage.getDirectory();
  const repo = await top.getDirectoryHandle(folder, {create: true});
  await repo.getDirectoryHandle('.git', {create: true});
  for (const [path, text] of Object.entries(files)) {
    let dir = repo;
    const parts = path.split('/');
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, {create: true});
    const writer = await (await dir.getFileHandle(parts.at(-1), {create: true})).createWritable();
    await writer.write(text);
    await writer.close();
  }
}"""
OPFS_READ = """async (folder) => {
  const found = {};
  async function walk(dir, prefix) {
    for await (const [name, handle] of dir.entries()) {
      if (handle.kind === 'directory') await walk(handle, prefix + name + '/');
      else found[prefix + name] = await (await handle.getFile()).text();
    }
  }
  await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(folder), '');
  return found;
}"""
PICKER = "window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle('project');"


@pytest.fixture
def admin_site(tmp_path: Path):
    """/admin/ as the preview serves it (cms.write_admin), from 127.0.0.1, with a 2023 edition to fill."""
    web = tmp_path / "web"
    cms.write_admin(web, ROOT)
    (web / cms.CONFIG).write_text(cms.config_yaml([2023, 2022]), encoding="utf-8")
    server = start_server(web)
    yield server
    server.close()


def _watch(page, server) -> tuple[list[str], list[str]]:
    """Requests to any other host are aborted and recorded; so are console errors and page errors."""
    elsewhere: list[str] = []
    errors: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(server.origin + "/") or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            elsewhere.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return elsewhere, errors


@pytest.mark.parametrize(("locale", "strings", "button"), [("zh-CN", "zh-CN", "使用本地仓库"),
                                                           ("de-DE", "de", "Mit lokalem Repository arbeiten")])
def test_admin_loads_in_the_browsers_language_from_this_host_only(chromium_browser, admin_site,  # noqa: F811
                                                                  locale: str, strings: str, button: str) -> None:
    context = chromium_browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        elsewhere, errors = _watch(page, admin_site)
        page.goto(admin_site.url_for("admin/"))
        page.get_by_role("button", name=button).wait_for()
        page.wait_for_load_state("networkidle")
        # no `admin:` block in site.yaml: signing in to GitHub would wait for ever, so only the local step shows
        assert [b.get_attribute("data-label") for b in page.get_by_role("button").all() if b.is_visible()] == [button]
        fonts = page.evaluate("() => document.fonts.check('16px \"Material Symbols Outlined\"')")
        assert elsewhere == []
        assert errors == []
        assert fonts
        served = {path.split("?")[0] for status, path in admin_site.requests if status == 200}
        assert "/admin/unpkg/@sveltia/cms@" + json.loads((ADMIN / "VERSIONS.json").read_text())["@sveltia/cms"] \
            + f"/locales/{strings}.json" in served
        assert not [path for status, path in admin_site.requests if status >= 400]
    finally:
        context.close()


def _open_local_repository(context, server, project: Path):
    """/admin/ with the editor's project folder picked (a copy of its cases/, in the browser's OPFS)."""
    files = {p.relative_to(project).as_posix(): p.read_text(encoding="utf-8")
             for p in (project / "cases").rglob("*.yaml")}
    context.add_init_script(PICKER)  # the one stand-in: the folder the editor would pick
    page = context.new_page()
    elsewhere, errors = _watch(page, server)
    page.goto(server.url_for("admin/"))
    page.get_by_role("button", name="使用本地仓库").wait_for()
    page.evaluate(OPFS_FILL, ["project", files])
    page.get_by_role("button", name="使用本地仓库").click()
    page.get_by_text("2023 年创新案例").first.wait_for()
    return page, files, elsewhere, errors


def _pane(page, language: str):
    """One column of the language pair: 中文, or 英语 (what the zh-CN interface calls English)."""
    return page.get_by_role("group", name=re.compile(f"^编辑 \u2068?{language}\u2069? 内容$"))


def _reveal(pane, label: str) -> None:
    """Scroll a column down to a field: the CMS draws a long form's lower fields only when scrolled to."""
    found = pane.get_by_text(label, exact=True)
    box = pane.bounding_box()
    for _ in range(30):
        if found.count():
            found.first.scroll_into_view_if_needed()
            return
        pane.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        pane.page.mouse.wheel(0, 400)
        pane.page.wait_for_timeout(100)
    raise AssertionError(f"no field {label} in this column")


def test_an_entry_with_english_opens_as_a_language_pair(chromium_browser, admin_site,  # noqa: F811
                                                        tmp_path: Path) -> None:
    entry = yaml.safe_load((ROOT / "cases/2022/top-cases/newborn-one-step.yaml").read_text(encoding="utf-8"))
    context = chromium_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        page, _, elsewhere, errors = _open_local_repository(context, admin_site, ROOT)
        page.goto(admin_site.url_for("admin/#/collections/case-2022/entries/newborn-one-step"))
        chinese, english = _pane(page, "中文"), _pane(page, "英语")
        expect_title = chinese.get_by_role("textbox", name="案例标题", exact=True)
        expect_title.wait_for()
        assert expect_title.input_value() == entry["title"]
        assert english.get_by_role("textbox", name="案例标题", exact=True).input_value() == entry["en"]["title"]
        assert english.get_by_role("textbox", name="牵头单位", exact=True).input_value() == entry["en"]["unit"]
        labels = english.get_by_role("textbox", name="指标名称", exact=True)
        _reveal(english, "亮点数据")
        labels.first.wait_for()
        assert [labels.nth(i).input_value() for i in range(labels.count())] == [
            item["label"] for item in entry["en"]["highlights"]]
        assert english.get_by_role("spinbutton").count() == 0  # the rank is not translated: Chinese column only
        page.screenshot(path=str(tmp_path / "case-pair.png"))
        assert elsewhere == [] and errors == []
    finally:
        context.close()


def test_a_case_made_in_the_form_passes_check_and_is_published(chromium_browser, admin_site,  # noqa: F811
                                                                tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    context = chromium_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        page, files, elsewhere, errors = _open_local_repository(context, admin_site, project)
        page.goto(admin_site.url_for("admin/#/collections/case-2023/new"))
        chinese, english = _pane(page, "中文"), _pane(page, "英语")
        chinese.get_by_role("spinbutton").first.fill("3")
        chinese.get_by_role("textbox", name="案例标题", exact=True).fill("一窗通办：开店三天办好")
        english.get_by_role("textbox", name="案例标题", exact=True).fill("One window: a shop open in three days")
        chinese.get_by_role("textbox", name="一句话简介", exact=True).fill("把开店要跑的几个部门合成一个窗口，材料只交一次。")
        english.get_by_role("textbox", name="一句话简介", exact=True).fill("The offices a new shop had to visit now sit "
                                                                        "behind one window.")
        page.screenshot(path=str(tmp_path / "case-form-pair.png"))
        chinese.get_by_role("radio", name="创新创业全生命周期").check()
        chinese.get_by_role("textbox", name="牵头单位", exact=True).fill("市行政审批服务局")
        english.get_by_role("textbox", name="牵头单位", exact=True).fill("Qingdao Administrative Approval Bureau")
        chinese.get_by_role("combobox", name="所在区").click()
        page.get_by_role("option", name="市南区").click()
        for pane, label, value in ((chinese, "办理时间", "3天"), (english, "Time taken", "3 days")):
            pane.get_by_role("button", name=re.compile("添加.*亮点数据")).click()
            pane.get_by_role("textbox", name="指标名称", exact=True).fill(label)
            pane.get_by_role("textbox", name="指标数值", exact=True).fill(value)
        for pane, title in ((chinese, "三天开店"), (english, "A shop in three days")):  # a block only partly translated
            pane.get_by_role("checkbox", name=re.compile("短视频")).check()
            pane.get_by_role("textbox", name="视频标题", exact=True).fill(title)
        chinese.get_by_role("textbox", name="外部视频页面链接", exact=True).fill("https://www.example.com/video")
        assert english.get_by_role("textbox", name="外部视频页面链接").count() == 0
        shutil.copyfile(ROOT / "cases/media/audio/treat-first-pay-later.ogg", tmp_path / "postcard.ogg")
        for pane, transcript in ((chinese, "各位好，欢迎来青岛开店。"), (english, "Hello, come and open a shop here.")):
            _reveal(pane, "有声明信片")
            pane.get_by_role("checkbox", name=re.compile("有声明信片")).check()
            pane.get_by_role("textbox", name="有声明信片的文字稿", exact=True).fill(transcript)
        english.get_by_role("textbox", name="音频标题", exact=True).fill("An audio postcard")
        audio = chinese.get_by_role("group", name=re.compile("有声明信片")).first
        audio.locator("input[type=file]").first.set_input_files(str(tmp_path / "postcard.ogg"))
        assert english.get_by_text("将文件拖放到此处").count() == 0  # the file is Chinese-column only
        for pane, body in ((chinese, "改革前要跑五个部门，现在一个窗口办完。"), (english, "Five offices before; one window now.")):
            _reveal(pane, "正文")
            pane.locator("[contenteditable=true]").first.fill(body)
        page.screenshot(path=str(tmp_path / "case-form-english.png"))
        slug = _slug_box(page)
        slug.fill("一窗通办")  # Chinese in a file name: refused on the spot, with our hint
        page.get_by_text("文件名只能用小写英文字母").first.wait_for()
        page.screenshot(path=str(tmp_path / "case-form.png"))
        slug.fill("one-window-shop")
        slug.press("Enter")
        _save(page, "case-2023")
        _make_an_ambassador(page, tmp_path)
        _make_a_person_citing_the_case(page, tmp_path)
        written = {path: text for path, text in page.evaluate(OPFS_READ, "project").items()
                   if path not in files and not path.startswith(".git")}
        assert elsewhere == [] and errors == []
    finally:
        context.close()

    uploads = {"cases/media/images/portrait.png": tmp_path / "portrait.png",
               "cases/media/audio/postcard.ogg": tmp_path / "postcard.ogg"}
    assert set(written) == {"cases/2023/top-cases/one-window-shop.yaml", "cases/ambassadors/new-ambassador.yaml",
                            "cases/2023/top-people/new-person.yaml", *uploads}
    assert yaml.safe_load(written["cases/2023/top-people/new-person.yaml"])["cases"] == ["one-window-shop"]
    ambassador = yaml.safe_load(written["cases/ambassadors/new-ambassador.yaml"])
    assert ambassador["identity"] == "entrepreneur" and str(ambassador["joined"]) == "2024-03-01"
    assert ambassador["photo"].endswith("media/images/portrait.png") and ambassador["bio"] == "第一行\n第二行"
    assert ambassador["en"] == {}  # Chinese only: the form writes an empty block, which check reads as no English
    path = "cases/2023/top-cases/one-window-shop.yaml"
    text = written[path]
    data = yaml.safe_load(text)
    assert list(data) == [name for name in schema.Case.model_fields if name in data]  # the schema's order
    assert data["highlights"] == [{"label": "办理时间", "value": "3天"}] and data["district"] == "市南区"
    assert data["video"] == {"url": "https://www.example.com/video", "title": "三天开店"}
    assert data["audio"] == {"file": "./media/audio/postcard.ogg", "transcript": "各位好，欢迎来青岛开店。"}
    assert data["lang"] == ["zh", "en"]  # the CMS's own addition, first in the file; the site ignores it
    assert data["en"] == {"title": "One window: a shop open in three days",
                          "summary": "The offices a new shop had to visit now sit behind one window.",
                          "unit": "Qingdao Administrative Approval Bureau",
                          "highlights": [{"label": "Time taken", "value": "3 days"}],
                          "video": {"title": "A shop in three days"},
                          "audio": {"transcript": "Hello, come and open a shop here.", "title": "An audio postcard"},
                          "body": "Five offices before; one window now."}
    assert list(data["en"]) == [name for name in schema.CaseEn.model_fields if name in data["en"]]
    _assert_valid_for_editors(written)
    for written_path, content in written.items():  # exactly as the editor wrote them
        target = project / written_path
        target.parent.mkdir(parents=True, exist_ok=True)
        if written_path in uploads:
            shutil.copyfile(uploads[written_path], target)  # OPFS_READ reads text; the upload was this file
        else:
            target.write_text(content, encoding="utf-8")
    checked = run_build_py(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2023" in checked.stdout
    built = run_build_py(project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    page_html = (project / "site/2023/top-cases" / Path(path).stem / "index.html").read_text(encoding="utf-8")
    assert "一窗通办：开店三天办好" in page_html
    english_html = (project / "site/en/2023/top-cases" / Path(path).stem / "index.html").read_text(encoding="utf-8")
    assert "One window: a shop open in three days" in english_html and "一窗通办" not in english_html
    assert "Hello, come and open a shop here." in english_html and "postcard.ogg" in english_html
    assert "测试大使" in (project / "site/ambassadors/new-ambassador/index.html").read_text(encoding="utf-8")


def _assert_valid_for_editors(written: dict[str, str]) -> None:
    """What the form wrote is also valid for VS Code: the JSON Schemas come from the same schema as check."""
    import jsonschema

    kinds = {"top-cases": "case", "top-people": "person", "ambassadors": "ambassador"}
    for path, text in written.items():
        if path.endswith(".yaml"):
            kind = kinds[Path(path).parent.name]
            document = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
            data = json.loads(json.dumps(yaml.safe_load(text), default=str))  # dates as the text they were
            assert [e.message for e in jsonschema.Draft202012Validator(document).iter_errors(data)] == [], path


def _save(page, collection: str) -> None:
    """Save the entry and wait until the CMS has finished: it then leaves the form for the collection's list
    (the default "close the editor after saving", which a fresh browser profile keeps).

    The toast "条目已保存" alone is no proof: it stays up for 5 s, so a quick next step can see the
    previous entry's toast while this save still runs. When that save ends, the CMS goes back to its
    own list and drops the open form's draft, whichever form that is now (issue 15: the person form
    "redrew without end" because the ambassador's save ended under it).
    """
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"#/collections/{re.escape(collection)}$"))
    page.get_by_text("条目已保存").first.wait_for()


def _slug_box(page):
    """Open the side panel's file-name (slug) editor; the zh-CN interface calls the slug 别名."""
    page.wait_for_timeout(300)  # the panel remembers whether it was open
    edit = page.get_by_role("button", name="编辑别名")
    if not edit.is_visible():
        page.locator("[aria-label=Slug]").click()
    box = page.locator(f"#{edit.get_attribute('aria-controls')}")
    edit.click()
    return box


def _make_a_person_citing_the_case(page, tmp_path: Path) -> None:
    """The person's cases are picked from that year's cases (the one just made)."""
    page.goto(page.url.split("#")[0] + "#/collections/person-2023/new")
    chinese = _pane(page, "中文")
    chinese.get_by_role("textbox", name="姓名", exact=True).fill("测试人物")  # the form is drawn (it redraws once)
    chinese.get_by_role("spinbutton").first.fill("1")
    chinese.get_by_role("textbox", name="职务或身份", exact=True).fill("窗口负责人")
    chinese.get_by_role("textbox", name="所在单位", exact=True).fill("市行政审批服务局")
    chinese.get_by_role("textbox", name="颁奖词", exact=True).fill("一扇窗口\n三天办好")
    page.get_by_role("checkbox", name=re.compile("一窗通办")).check()
    page.screenshot(path=str(tmp_path / "person-form.png"))
    slug = _slug_box(page)
    slug.fill("new-person")
    slug.press("Enter")
    _save(page, "person-2023")


def _make_an_ambassador(page, tmp_path: Path) -> None:
    """A drop-down choice, a date, a multi-line text and an uploaded photo."""
    from PIL import Image

    Image.new("RGB", (40, 40), (200, 30, 30)).save(tmp_path / "portrait.png")
    page.goto(page.url.split("#")[0] + "#/collections/ambassador/new")
    chinese = _pane(page, "中文")  # Chinese only: the English column stays empty
    chinese.get_by_role("textbox", name="姓名", exact=True).fill("测试大使")
    chinese.get_by_role("textbox", name="所在城市或国家", exact=True).fill("青岛")
    chinese.get_by_role("combobox", name="身份").click()
    page.get_by_role("option", name="企业家").click()
    chinese.get_by_role("textbox", name="所在单位", exact=True).fill("某科技有限公司")
    chinese.locator("input[type=file]").first.set_input_files(str(tmp_path / "portrait.png"))
    chinese.get_by_role("textbox", name="一句话代言", exact=True).fill("在青岛办事，越来越顺心。")
    chinese.get_by_role("textbox", name="简介", exact=True).fill("第一行\n第二行")
    chinese.locator("input[type=date]").fill("2024-03-01")
    slug = _slug_box(page)
    slug.fill("new-ambassador")
    slug.press("Enter")
    _save(page, "ambassador")


# --- build.py serve and build ---------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_offers_admin_and_a_save_does_not_reload_it(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    project = copy_project(tmp_path / "project")  # admin/ included: a build reads it
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(project / "build.py"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    try:
        deadline, page = time.monotonic() + 180, None
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/", timeout=5).read().decode()
            except OSError:
                time.sleep(1)
        assert page is not None, "build.py serve did not serve /admin/"
        config = yaml.safe_load(urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/config.yml").read())
        assert [c["name"] for c in config["collections"]][:2] == ["case-2022", "person-2022"]
        # the preview's live-reload script lands inside the closing comment, so it never runs in the editor
        assert "livereload" in page and page.rindex("<!--") < page.index("livereload") < page.rindex("-->")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_published_site_has_no_admin_unless_site_yaml_asks(demo_site: Path) -> None:
    assert not (demo_site / "admin").exists()
