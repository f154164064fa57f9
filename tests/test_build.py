"""One build from entries to site/: what it keeps between builds never changes what it makes, builds
never collide, and no build, killed or failed, leaves readers without a complete site/.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run_build_py
from publisher import sitedir
from publisher.cli import main as cli
from publisher.store import Drawing, Store

CASE = "cases/2022/top-cases/treat-first-pay-later.yaml"  # rank 2: it has neighbours and people who cite it
STORE = ".cache/drawn"


def digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def build(project: Path, site: Path) -> dict[str, str]:
    result = run_build_py(project, "build", "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return digests(site)


def differing(one: dict[str, str], two: dict[str, str]) -> list[str]:
    return sorted(k for k in one.keys() | two.keys() if one.get(k) != two.get(k))


# --- what is kept between builds: drawn images only --------------------------------------------------------


def test_a_build_with_stored_images_writes_what_a_cold_build_writes(project: Path, tmp_path: Path) -> None:
    cold = build(project, tmp_path / "cold")
    assert len(list((project / STORE).iterdir())) > 60  # share images and QR codes were kept
    assert sorted(p.name for p in (project / ".cache").iterdir()) == ["drawn"]  # and nothing else
    warm = build(project, tmp_path / "warm")
    assert differing(cold, warm) == []


def test_an_edit_reaches_every_page_that_shows_it(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "before")
    path = project / CASE
    path.write_text(path.read_text(encoding="utf-8").replace("先诊疗后付费，让看病少排一次队", "信用就医新标题"),
                    encoding="utf-8")
    after = build(project, tmp_path / "after")
    changed = differing(digests(tmp_path / "before"), after)
    # the case itself, its neighbours' prev/next links, the person citing it, its ranking, the home
    # and edition pages and its category show the title
    shown_on = ["2022/top-cases/treat-first-pay-later/", "2022/top-cases/smart-form-registration/",
                "2022/top-cases/project-approval-70-days/", "2022/top-people/chen-jingyi/",
                "2022/top-cases/", "", "2022/", "categories/individual/"]
    assert [page for page in shown_on if page + "index.html" not in changed] == []
    assert "2022/top-cases/utility-joint-acceptance/index.html" not in changed  # does not show it


def test_editing_a_content_page_then_building_twice(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "site")
    about = project / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n新加的一句话，用来检查第二次构建。\n", encoding="utf-8")
    for _ in range(2):
        build(project, tmp_path / "site")
        assert "新加的一句话" in (tmp_path / "site/about/index.html").read_text(encoding="utf-8")


def test_damaged_stored_images_are_drawn_again(project: Path, tmp_path: Path) -> None:
    cold = build(project, tmp_path / "cold")
    stored = sorted((project / STORE).iterdir())
    for path in stored[::2]:
        path.write_bytes(b"\x89PNG not really")  # a half-written or tampered file keeps its name
    (project / STORE / "junk.file").write_bytes(b"x")
    assert differing(cold, build(project, tmp_path / "after")) == []
    assert all(b"not really" not in p.read_bytes() for p in (tmp_path / "after").rglob("*.png"))


def test_a_store_that_cannot_be_written_only_slows_the_build(project: Path, tmp_path: Path) -> None:
    cold = build(project, tmp_path / "cold")
    shutil.rmtree(project / ".cache")
    (project / ".cache").write_text("a file where the folder should be")  # as unusable as a folder owned by root
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    result = run_build_py(project, "build", "--site-dir", str(tmp_path / "after"), env={"TMPDIR": str(own_tmp)})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("无法写入") == 1  # one warning line, then a normal build
    assert differing(cold, digests(tmp_path / "after")) == []
    assert not list(own_tmp.glob("publisher-drawn-*"))  # its own folder is gone


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_store_only_slows_the_build(project: Path, tmp_path: Path) -> None:
    cold = build(project, tmp_path / "cold")
    shutil.rmtree(project / STORE)
    (project / STORE).mkdir()
    (project / STORE).chmod(0o555)
    try:
        assert differing(cold, build(project, tmp_path / "after")) == []
    finally:
        (project / STORE).chmod(0o755)


def test_the_store_draws_only_what_it_does_not_have(tmp_path: Path) -> None:
    calls: list[str] = []

    def make(text: str) -> bytes:
        calls.append(text)
        return text.encode()

    drawings = {"a/x.svg": Drawing("k1", ".svg", make, ("one",)), "b/x.svg": Drawing("k1", ".svg", make, ("one",)),
                "c/y.svg": Drawing("k2", ".svg", make, ("two",))}
    first = Store(tmp_path).files(drawings)
    assert calls == ["one", "two"]  # the same drawing for two pages is drawn once
    assert {site: path.read_bytes() for site, path in first.items()} == {"a/x.svg": b"one", "b/x.svg": b"one",
                                                                          "c/y.svg": b"two"}
    assert Store(tmp_path).files(drawings) == first and calls == ["one", "two"]


# --- builds never collide and never lose the site ----------------------------------------------------------


def test_two_builds_at_once_both_end_with_a_complete_site(project: Path, tmp_path: Path) -> None:
    expected = build(copy_project(tmp_path / "reference"), tmp_path / "reference-site")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, str(project / "build.py"), "build"]
    runs = [subprocess.Popen(command, cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all("网站已生成" in out for out, _ in outputs)
    assert differing(expected, digests(project / "site")) == []
    assert not list(project.glob(".site-*"))  # nothing left beside it


def _site(folder: Path, marker: str) -> Path:
    folder.mkdir(parents=True)
    for name in ("index.html", "a/index.html", "assets/x.css"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"{marker} {name}")
    return folder


class _Killed(BaseException):
    """Stands for the process being killed: nothing after it runs, not even clean-up."""


@pytest.mark.parametrize("exchange", [False, True])
@pytest.mark.parametrize("stop_at", ["journal written", "old site moved aside", "new site in place",
                                     "journal removed", "exchanged"])
def test_a_build_killed_during_the_swap_then_a_failing_build(project: Path, exchange: bool, stop_at: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    site = project / "site"
    old, new = digests(_site(site, "old")), None
    fresh = sitedir.fresh_folder(site)
    shutil.rmtree(fresh)
    new = digests(_site(fresh, "new"))

    def step(name: str) -> None:
        if name == stop_at:
            raise _Killed

    try:
        sitedir.swap_in(fresh, site, exchange=exchange, step=step)
    except _Killed:
        pass
    (project / CASE).write_text("rank: 十一\n", encoding="utf-8")  # the next build fails on its entries
    assert cli(project, ["build"]) == 1
    assert "site/ 保持原样" in capsys.readouterr().out
    assert digests(site) in (old, new)  # complete: all of the old site or all of the new one
    assert not list(project.glob(".site*-*")) and not (project / ".site.swap").exists()


def test_a_failed_build_says_so_and_keeps_the_site(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(project, ["build"]) == 0
    # built with mkdocs.yml's example address: the editor is told before the QR codes reach anyone
    assert "提醒：网站地址还是示例 https://example.org/" in capsys.readouterr().out
    before = digests(project / "site")
    (project / "templates/case.html").write_text("{{ entry.data.no_such_field }}", encoding="utf-8")
    assert cli(project, ["build"]) == 1
    out = capsys.readouterr()
    assert "网站已生成" not in out.out.split("\n", 1)[1] and "templates/case.html:1" in out.err
    assert digests(project / "site") == before


def test_a_hand_written_page_never_replaces_a_generated_one(project: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/archive.md").write_text("# 往届\n\n手写的往届页面。\n", encoding="utf-8")
    assert cli(project, ["check"]) == 1
    err = capsys.readouterr().err
    assert "content/archive.md" in err and "/archive/" in err and "改名" in err


def test_where_nothing_can_be_forked_the_build_does_the_work_beside_itself(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no fork: the search index and the copies are made in turn, and the site is the same."""
    import multiprocessing

    forked = build(project, tmp_path / "forked")
    real = multiprocessing.get_context

    def no_fork(method: str | None = None):  # noqa: ANN202
        if method == "fork":
            raise ValueError("cannot find context for 'fork'")
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli(project, ["build", "--site-dir", str(tmp_path / "in-turn")]) == 0
    in_turn = digests(tmp_path / "in-turn")
    assert len(in_turn) > 300 and differing(forked, in_turn) == []


# --- ProperDocs, the maintained continuation of MkDocs 1.x, builds the same site ----------------------------


def test_properdocs_builds_the_same_site(project: Path, tmp_path: Path) -> None:
    properdocs = Path(sys.executable).with_name("properdocs")
    if not properdocs.exists():
        pytest.fail("properdocs is not installed: it is pinned in requirements-dev.txt")
    ours = build(project, tmp_path / "ours")
    result = subprocess.run([str(properdocs), "build", "-q", "-f", "mkdocs.yml", "-d", str(tmp_path / "theirs")],
                            cwd=project, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stderr
    theirs = digests(tmp_path / "theirs")
    assert set(ours) == set(theirs)
    assert [path for path in ours if ours[path] != theirs[path] and not path.endswith(".html")] == []
    pages = [path for path in ours if path.endswith(".html")]
    assert len(pages) > 60
    for path in pages:  # the same page, but for the generator's name in <meta name="generator">
        mine, other = (without_generator(folder / path) for folder in (tmp_path / "ours", tmp_path / "theirs"))
        assert mine == other, path


def without_generator(page: Path) -> str:
    return re.sub(r'<meta name="generator" content="[^"]*">', "", page.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("address", "warned"), [("https://example.org/campaign/", True), ("http://www.example.com/", True),
                                                  ("https://yingshang.qingdao.gov.cn/", False), ("", False)])
def test_only_an_example_address_is_warned_about(address: str, warned: bool, capsys: pytest.CaptureFixture[str]) -> None:
    from publisher.cli import _warn_if_example_address

    _warn_if_example_address("zh", address)
    assert ("--site-url" in capsys.readouterr().out) is warned
