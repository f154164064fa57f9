"""The English edition, as editors meet it: the en: blocks in the schema, the scaffold, the coverage
report of `build.py check` and `--strict-en`; and the interface words in both languages."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from conftest import ROOT, run_build_py
from publisher import i18n, schema
from publisher.cli import main as cli
from publisher.pipeline import load
from publisher.translations import Localized, coverage, page_sources

CASE = "cases/2022/top-cases/smart-form-registration.yaml"
PERSON = "cases/2022/top-people/li-ruoxi.yaml"
UNTRANSLATED_AMBASSADOR = "cases/ambassadors/zhou-yaqin.yaml"


def check(root: Path, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = cli(root, list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def counts(output: str) -> dict[str, tuple[int, int]]:
    """The coverage line of `check` → {"案例": (translated, total), …}."""
    line = next(line for line in output.splitlines() if line.startswith("英文版："))
    parts = [re.fullmatch(r"(\S+) (\d+)/(\d+)", part).groups() for part in line.removeprefix("英文版：").split("，")]
    return {label: (int(done), int(total)) for label, done, total in parts}


def message(output: str, location: str) -> str:
    """The one message line of `output` that starts with `location` (file:line:column: field: …)."""
    found = [line for line in output.splitlines() if line.startswith(location)]
    assert len(found) == 1, (location, output)
    return found[0]


def cut_block(text: str, name: str = "en") -> str:
    """`text` without its top-level `name:` block."""
    return re.sub(rf"^{name}:\n(?:(?:  .*)?\n)*", "", text, flags=re.M)


def translated_files(root: Path, folder: str) -> int:
    """Counted from the text, not the catalog: files with an `en:` block (in the demo those are complete)."""
    return sum(1 for path in (root / folder).glob("*.yaml") if re.search(r"^en:$", path.read_text("utf-8"), re.M))


# --- the schema ------------------------------------------------------------------------------------------


def test_each_kind_declares_an_english_block_in_its_json_schema() -> None:
    for kind, required in {"case": {"title", "summary", "unit", "body"}, "person": {"role", "organization", "citation"},
                           "ambassador": {"region", "organization", "quote", "bio"},
                           "site": {"brand", "tagline", "intro"}}.items():
        document = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        reference = json.dumps(document["properties"]["en"])
        block = document["$defs"][re.search(r"#/\$defs/(\w+)", reference).group(1)]
        assert set(block["required"]) == required, kind
        assert block["additionalProperties"] is False  # a misspelt English field is an error too


def test_field_reference_lists_the_english_blocks_and_what_is_inside_them() -> None:
    reference = (ROOT / "docs/fields.md").read_text("utf-8")
    for block in ("CaseEn", "PersonEn", "AmbassadorEn", "SiteEn", "HighlightEn", "AudioEn", "FigureEn"):
        assert f"### {block}" in reference
    assert "| `en` | 否 |" in reference and "| `name_en` | 否 |" in reference


def test_an_english_block_without_its_title_is_reported_at_its_line(project: Path, capsys) -> None:
    path = project / CASE
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"^  title: .*\n", "", text, count=1, flags=re.M), "utf-8")
    code, out, err = check(project, capsys, "check")
    en_line = path.read_text("utf-8").splitlines().index("en:") + 1
    assert code == 1
    assert "缺少必填字段“en.title”" in message(err, f"{CASE}:{en_line}:1: en.title: ")


def test_an_unknown_english_field_gets_did_you_mean(project: Path, capsys) -> None:
    path = project / CASE
    path.write_text(path.read_text("utf-8").replace("\n  summary: ", "\n  sumary: ", 1), "utf-8")
    code, _, err = check(project, capsys, "check")
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if text.startswith("  sumary: "))
    assert code == 1 and "没有“en.sumary”这个字段，是不是“summary”？" in message(err, f"{CASE}:{line}:3: en.sumary: ")


def test_an_unsafe_link_in_the_english_body_is_refused(project: Path, capsys) -> None:
    path = project / CASE
    path.write_text(path.read_text("utf-8").replace("    ## The result\n", "    ## The result\n\n    [x](javascript:alert(1))\n"), "utf-8")
    code, _, err = check(project, capsys, "check")
    assert code == 1 and "不安全的链接“javascript:alert(1" in message(err, f"{CASE}:").split(": en.body: ", 1)[1]


# --- the scaffold --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["case", "person", "ambassador"])
def test_new_entry_offers_the_english_block_and_it_validates_once_uncommented(project: Path, kind: str) -> None:
    result = run_build_py(project, "new", kind, "--year", "2023")
    assert result.returncode == 0, result.stderr
    written = next((project / "cases").rglob("new-*.yaml"))
    text = written.read_text("utf-8")
    assert "\n# en:\n" in text
    # the editor removes "# " from the en: block (and the name_en line), as the file's header tells them to
    lines = text.splitlines()
    start = lines.index("# en:")
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("#  ") and lines[i] != "#"), len(lines))
    lines[start:end] = [line[2:] if line.startswith("# ") else "" for line in lines[start:end]]
    text = "\n".join(lines) + "\n"
    text = re.sub(r"^# (name_en: .*)$", r"\1", text, flags=re.M)
    if kind == "person":
        text = text.replace("cases:\n", "cases: []\n# ", 1)
    written.write_text(text, "utf-8")
    checked = run_build_py(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    data = load(project)
    entry = next(e for e in [*data.ambassadors, *(x for ed in data.editions for x in (*ed.cases, *ed.people))]
                 if e.source == written)
    assert entry.data.en is not None


# --- coverage ---------------------------------------------------------------------------------------------


def test_coverage_counts_match_the_files(project: Path, capsys) -> None:
    code, out, _ = check(project, capsys, "check")
    assert code == 0
    found = counts(out)
    assert found["案例"] == (translated_files(project, "cases/2022/top-cases"), 10)
    assert found["人物"] == (translated_files(project, "cases/2022/top-people"), 10)
    ambassadors = len(list((project / "cases/ambassadors").glob("*.yaml")))
    assert found["大使"] == (translated_files(project, "cases/ambassadors"), ambassadors)
    assert found["大使"][0] >= 12 and found["案例"] == (10, 10) and found["人物"] == (10, 10)
    assert found["全站设置"] == (1, 1) and found["页面"] == (1, 1)


def test_coverage_changes_when_an_editor_adds_or_removes_english(project: Path, capsys) -> None:
    before = counts(check(project, capsys, "check")[1])
    case = project / CASE
    case.write_text(cut_block(case.read_text("utf-8")), "utf-8")
    ambassador = project / UNTRANSLATED_AMBASSADOR
    ambassador.write_text(ambassador.read_text("utf-8").replace("\nname: 周雅琴\n", "\nname: 周雅琴\nname_en: Zhou Yaqin\n")
                          + "en:\n  region: Qingdao\n  organization: A university\n  quote: Look at how people feel.\n"
                            "  bio: A scholar of public administration.\n", "utf-8")
    after = counts(check(project, capsys, "check")[1])
    assert after["案例"] == (before["案例"][0] - 1, before["案例"][1])
    assert after["大使"] == (before["大使"][0] + 1, before["大使"][1])


def test_a_missing_optional_english_text_keeps_an_entry_from_counting(project: Path, capsys) -> None:
    before = counts(check(project, capsys, "check")[1])
    person = project / PERSON
    person.write_text(person.read_text("utf-8").replace("\nname_en: Li Ruoxi\n", "\n"), "utf-8")
    assert counts(check(project, capsys, "check")[1])["人物"] == (before["人物"][0] - 1, 10)


def test_coverage_in_english_on_request(project: Path, capsys) -> None:
    _, out, _ = check(project, capsys, "--lang", "en", "check")
    assert re.search(r"^English edition: cases 10/10, people 10/10, ambassadors \d+/\d+", out, re.M), out


def test_strict_en_fails_and_names_file_line_field_and_the_chinese(project: Path, capsys) -> None:
    code, out, err = check(project, capsys, "check", "--strict-en")
    assert code == 1 and "检查通过" not in out
    path = project / UNTRANSLATED_AMBASSADOR
    lines = path.read_text("utf-8").splitlines()
    name_line = next(i for i, line in enumerate(lines, 1) if line.startswith("name: "))
    quote_line = next(i for i, line in enumerate(lines, 1) if line.startswith("quote: "))
    assert "缺少英文：name_en（中文：“周雅琴”）" in message(err, f"{UNTRANSLATED_AMBASSADOR}:{name_line}:1: name_en: ")
    assert "缺少英文：en（中文：“看一座城市的改革" in message(err, f"{UNTRANSLATED_AMBASSADOR}:{quote_line}:1: en: ")
    assert "提示: 英文写在 en: 块里" in err and "Traceback" not in err


def test_strict_en_points_at_a_missing_highlight_translation(project: Path, capsys) -> None:
    case = project / CASE
    text = case.read_text("utf-8")
    case.write_text(re.sub(r"\n  highlights:\n(    .*\n)+", "\n", text, count=1), "utf-8")  # the English ones
    _, _, err = check(project, capsys, "check", "--strict-en")
    line = case.read_text("utf-8").splitlines().index("highlights:") + 1
    assert "缺少英文：en.highlights（中文：“一次性通过率、全市市场主体”）" in message(err, f"{CASE}:{line}:1: en.highlights: ")


def test_strict_en_passes_once_everything_is_translated(project: Path, capsys) -> None:
    for path in (project / "cases/ambassadors").glob("*.yaml"):
        text = path.read_text("utf-8")
        if "\nen:" not in text:
            path.unlink()
    code, out, err = check(project, capsys, "--lang", "en", "check", "--strict-en")
    assert code == 0, err
    assert "English edition: cases 10/10" in out and "All good" in out


def test_a_page_without_its_english_is_counted_and_named(project: Path, capsys) -> None:
    (project / "content/en/about.md").unlink()
    code, out, err = check(project, capsys, "check", "--strict-en")
    assert counts(out)["页面"] == (0, 1)
    assert "页面没有英文版：缺少 content/en/about.md" in message(err, "content/about.md: en/about.md: ")


def test_coverage_is_a_pure_function_of_the_catalog(project: Path) -> None:
    catalog = load(project)
    pages, english = page_sources(project / "content")
    first = coverage(catalog, project / "cases/site.yaml", project / "content", pages, english)
    second = coverage(catalog, project / "cases/site.yaml", project / "content", pages, set())
    assert first.translated["page"] == 1 and second.translated["page"] == 0
    assert first.translated["case"] == second.translated["case"] == 10


# --- what an English page reads -----------------------------------------------------------------------------


def test_localized_view_prefers_english_and_says_when_it_falls_back(project: Path) -> None:
    catalog = load(project)
    case = catalog.current.cases[0].data
    english = Localized(case, "en")
    assert english.title == case.en.title and english.lang_of("title") == "en"
    assert english.category == case.category and english.rank == case.rank  # codes and numbers are shared
    assert english.sources[0].title == "Huanqiu.com" and english.sources[0].url == case.sources[0].url
    untranslated = Localized(case.model_copy(update={"en": None}), "en")
    assert untranslated.title == case.title and untranslated.lang_of("title") == "zh" and not untranslated.translated
    chinese = Localized(case, "zh")
    assert chinese.title == case.title and chinese.lang_of("title") == "zh"


# --- interface words --------------------------------------------------------------------------------------


def test_every_interface_text_exists_in_both_languages_with_the_same_fields() -> None:
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        fields = [{name for _, name, _, _ in string.Formatter().parse(texts[lang]) if name} for lang in i18n.LANGUAGES]
        assert fields[0] - {"month"} == fields[1] - {"month_name"}, key
        assert not re.search(r"[\u3400-\u9fff]", texts["en"]), key  # no Chinese in the English interface
        words = re.sub(r"\{\w+\}", "", texts["zh"])  # punctuation-only texts (", {date}") have no words to translate
        assert re.search(r"[\u3400-\u9fff]", words) or not re.search(r"[A-Za-z]", words), key


def test_fixed_choices_have_english_names() -> None:
    for code in schema.CATEGORY_LABELS:
        assert i18n.label("category", code, "en") and i18n.label("category_short", code, "en")
    for code in schema.IDENTITY_LABELS:
        assert i18n.label("identity", code, "en")
    assert i18n.text("sample", "en") == "Sample" and i18n.text("chinese_only", "en") == "Chinese only"
    assert i18n.text("rank", "en", rank=3) == "No. 3" and i18n.text("rank", "zh", rank=3) == "第 3 名"
    assert i18n.text("joined", "en", year=2022, month=3) == "Ambassador since March 2022"
