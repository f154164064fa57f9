"""What `.cache/` remembers between builds never changes what a build makes.

A rebuild takes unchanged entries, rendered pages and search entries from `.cache/`
(publisher/cache.py). These tests hold it to the one promise that matters: a warm
build writes exactly what a cold build of the same input writes, also after an
edit that several pages show, and a damaged cache only costs time.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import copy_project, run_build_py
from publisher import pipeline, render, search, share, validate
from publisher.cache import Memo
from publisher.cli import main as cli

CASE = "cases/2022/top-cases/treat-first-pay-later.yaml"  # rank 2: it has neighbours and people who cite it
CACHES = ("entries.sqlite", "pages.sqlite")


def digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def build(project: Path, site: Path) -> dict[str, str]:
    result = run_build_py(project, "build", "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return digests(site)


def differing(one: dict[str, str], two: dict[str, str]) -> list[str]:
    return sorted(k for k in one.keys() | two.keys() if one.get(k) != two.get(k))


def test_a_warm_build_writes_what_a_cold_build_writes(project: Path, tmp_path: Path) -> None:
    cold = build(project, tmp_path / "cold")
    assert all((project / ".cache" / name).is_file() for name in CACHES)
    warm = build(project, tmp_path / "warm")
    assert differing(cold, warm) == []


def test_an_edit_reaches_every_page_that_shows_it(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "before")  # fills .cache/
    path = project / CASE
    path.write_text(path.read_text(encoding="utf-8").replace("先诊疗后付费，让看病少排一次队", "信用就医新标题"),
                    encoding="utf-8")
    warm = build(project, tmp_path / "warm")
    changed = differing(digests(tmp_path / "before"), warm)
    # the case itself, its neighbours' prev/next links, the person citing it, its ranking, the home
    # and edition pages, its category and the search index show the title
    shown_on = ["2022/top-cases/treat-first-pay-later/", "2022/top-cases/smart-form-registration/",  # ranks 2, 1
                "2022/top-cases/project-approval-70-days/", "2022/top-people/chen-jingyi/",  # rank 3, cites it
                "2022/top-cases/", "", "2022/", "categories/individual/"]
    assert [page for page in shown_on if page + "index.html" not in changed] == []
    assert "search/search_index.json" in changed
    assert "2022/top-cases/utility-joint-acceptance/index.html" not in changed  # does not show it
    fresh = copy_project(tmp_path / "fresh")
    shutil.copy2(path, fresh / CASE)
    assert differing(build(fresh, tmp_path / "cold"), warm) == []
    assert "信用就医新标题" in search.indexed_text(tmp_path / "warm")


def test_a_damaged_cache_costs_time_not_the_build(project: Path, tmp_path: Path) -> None:
    cold = build(project, tmp_path / "cold")
    for name in CACHES:
        (project / ".cache" / name).write_bytes(b"not a database" * 100)
    assert differing(cold, build(project, tmp_path / "after")) == []
    assert differing(cold, build(project, tmp_path / "again")) == []  # and the cache works again


def test_unchanged_entries_and_pages_are_not_made_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = pipeline.run(project, "https://example.org/")
    pipeline._last_load.clear()  # as in a new process
    monkeypatch.setattr(validate, "read_entry", lambda *a: pytest.fail("an unchanged file was parsed again"))
    monkeypatch.setattr(render.Renderer, "_render_now", lambda *a: pytest.fail("an unchanged page was rendered again"))
    monkeypatch.setattr(share, "_share_page", lambda *a: pytest.fail("share tags of an unchanged page made again"))
    second = pipeline.run(project, "https://example.org/")
    assert second.catalog == first.catalog
    assert second.pages == first.pages


def test_a_cached_entry_still_gets_its_line_in_messages(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(project, ["check"]) == 0  # every file is now remembered
    clash = project / "cases/2022/top-cases/new-case.yaml"
    clash.write_text((project / CASE).read_text(encoding="utf-8"), encoding="utf-8")
    pipeline._last_load.clear()
    assert cli(project, ["check"]) == 1
    err = capsys.readouterr().err
    line = next(n for n, text in enumerate((project / CASE).read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("rank:"))
    assert f"{CASE}:{line}:1: rank:" in err and "new-case.yaml" in err


def test_the_page_key_covers_every_kind_of_value_or_refuses() -> None:
    with pytest.raises(TypeError, match="fingerprint"):
        render.fingerprint({"value": object()})


def test_a_memo_keeps_what_builds_use_and_drops_what_they_stopped_using(tmp_path: Path) -> None:
    path = tmp_path / "memo.sqlite"
    memo = Memo(path, "v1")
    for number in range(3000):
        memo.put(f"old{number}", "x")
    memo.save()
    memo.close()
    memo = Memo(path, "v1")
    assert memo.lookup("old7") == "x" and memo.lookup_many(["old1", "old2", "none"]) == {"old1": "x", "old2": "x"}
    memo.put("new", "y")
    memo.save()  # this build used 5 keys: far fewer than stored, so the rest goes
    memo.close()
    memo = Memo(path, "v1")
    assert memo.lookup("old1") == "x" and memo.lookup("old9") is None
    memo.close()
    assert Memo(path, "v2").lookup("old1") is None  # other code: start afresh
