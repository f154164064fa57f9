"""Random YAML and random bytes never crash `check` and never take long."""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.load import read_entry
from publisher.validate import check_entry

ENTRY = Path("cases/2022/top-cases/fuzz.yaml")

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=40), st.dates())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=5)),
                      max_leaves=20)
keys = st.sampled_from(["rank", "title", "summary", "category", "unit", "tags", "highlights", "body", "sources",
                        "audio", "sample", "x", "标题"])


def check_bytes(tmp: Path, data: bytes) -> None:
    path = tmp / ENTRY
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    started = time.perf_counter()
    raw, problems = read_entry(path, tmp / "cases")
    if raw is not None:
        entry, problems = check_entry(raw)
        assert entry is not None or problems
    else:
        assert problems, "a file that cannot be read must say why"
    for problem in problems:
        problem.format("zh")
        problem.format("en")
    assert time.perf_counter() - started < 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    check_bytes(tmp_path, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys, values, max_size=10))
def test_random_yaml_mappings_never_crash(tmp_path: Path, document: dict) -> None:
    check_bytes(tmp_path, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\t\n ：，“”0123456789")), max_size=300))
def test_random_yaml_like_text_never_crashes(tmp_path: Path, text: str) -> None:
    check_bytes(tmp_path, text.encode("utf-8"))


# --- issue 10: odd file names and deep nesting -------------------------------------------------------------

import os  # noqa: E402
import shutil  # noqa: E402
from urllib.parse import unquote, urlsplit  # noqa: E402

from publisher import media  # noqa: E402
from publisher.load import MAX_DEPTH, _SKIPPED, survey  # noqa: E402

MINIMAL_CASE = "rank: 1\ntitle: 标题\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
file_names = st.binary(min_size=1, max_size=60).filter(lambda b: b"/" not in b and b"\0" not in b
                                                       and b not in (b".", b".."))


def fresh_cases(tmp: Path) -> Path:
    cases = tmp / "cases"
    shutil.rmtree(cases, ignore_errors=True)
    (cases / "2022" / "top-cases").mkdir(parents=True)
    (cases / "media" / "images").mkdir(parents=True)
    return cases


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file_names)
def test_every_entry_file_name_is_read_skipped_or_reported(tmp_path: Path, name: bytes) -> None:
    cases = fresh_cases(tmp_path)
    folder = os.fsencode(cases / "2022" / "top-cases")
    with open(os.path.join(folder, name), "wb") as file:
        file.write(MINIMAL_CASE.encode("utf-8"))
    entries, problems = survey(cases)
    text_name = os.fsdecode(name)
    if entries:
        assert [p.name for p in entries] == [text_name]
        raw, found = read_entry(entries[0], cases)
        assert raw is not None or found
        problems += found
    else:
        assert problems or _SKIPPED.match(text_name), text_name
    for problem in problems:
        for lang in ("zh", "en"):
            first = problem.format(lang, tmp_path).splitlines()[0]
            assert first.isprintable(), first  # an odd name never breaks the report's lines
            first.encode("utf-8")  # and can always be printed


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/\0"), min_size=1, max_size=40)
       .filter(lambda n: n not in (".", "..")), st.booleans())
def test_media_file_names_work_in_urls_or_are_refused(tmp_path: Path, name: str, is_png: bool) -> None:
    cases = fresh_cases(tmp_path)
    try:
        (cases / "media" / "images" / name).write_bytes(PNG if is_png else b"<svg onload=x>")
    except OSError:
        return  # the file system refuses it (too long): nothing to publish
    fault = media.check(cases, f"media/images/{name}", ("image",))
    if fault is None:
        url = f"files/media/images/{name}"
        assert is_png and name.lower().endswith((".png", ".jpg", ".jpeg", ".webp", ".avif", ".gif"))
        assert urlsplit(url).path == url and unquote(url) == url  # no #, ?, % changes what the link means
        assert not any(ch.isspace() for ch in name)
    else:
        assert fault.code in {"media_name", "media_type", "media_svg", "missing_file", "symlink", "media_broken"}, fault


openers = st.sampled_from(["[", "{a: ", "- ", "? ", "[{b: "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(openers, min_size=1, max_size=4), st.integers(1, 60_000), st.booleans())
def test_deep_nesting_is_refused_never_crashes(tmp_path: Path, pattern: list[str], depth: int, closed: bool) -> None:
    body = "".join(pattern) * (depth // len(pattern) + 1)
    if closed:
        body += "x" + "".join({"[": "]", "{a: ": "}", "[{b: ": "}]"}.get(p, "") for p in reversed(pattern)) * (
            depth // len(pattern) + 1)
    text = "x: " + body if body[0] in "[{" else body
    cases = fresh_cases(tmp_path)
    path = cases / "2022" / "top-cases" / "deep.yaml"
    path.write_text(text[:MAX_BYTES_TEXT], encoding="utf-8")
    started = time.perf_counter()
    raw, problems = read_entry(path, cases)  # a C stack overflow here would kill the test run (SIGSEGV)
    assert time.perf_counter() - started < 3
    if pattern == ["["] and depth > MAX_DEPTH:
        assert [p.code for p in problems] == ["too_deep"], problems
    assert raw is None or not problems


MAX_BYTES_TEXT = 300_000
