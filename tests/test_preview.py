"""The preview (`build.py serve`) as an editor uses it: a mistake saved while it runs is explained in
the browser at once, the page comes back by itself after the fix, and it never hangs or exits.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from browser_support import chromium_browser, open_page  # noqa: F401
from publisher.preview import MARK

CASE = "cases/2022/top-cases/treat-first-pay-later.yaml"
CASE_PAGE = "2022/top-cases/treat-first-pay-later/"
TITLE = "先诊疗后付费，让看病少排一次队"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> str:
    """The body of `url`, whatever the status (the problem page answers missing pages with 404)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


def wait_for(condition, seconds: float, what: str) -> float:
    started = time.monotonic()
    while True:
        try:
            if condition():
                return time.monotonic() - started
        except OSError:
            pass
        if time.monotonic() - started > seconds:
            raise AssertionError(f"after {seconds} s: {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def preview(project: Path, port: int | None = None, temporary: Path | None = None,
            terminal: list[str] | None = None) -> Iterator[str]:
    """`build.py serve` on `project`; `temporary`: where it makes its site folder; `terminal` receives what
    it printed, once it has stopped."""
    port = port or free_port()
    folder = {"TMPDIR": str(temporary)} if temporary else {}
    server = subprocess.Popen([sys.executable, str(project / "build.py"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **folder})
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: "<html" in get(base), 120, "the preview answers")
        yield base
        assert server.poll() is None, "the preview stopped"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
        if terminal is not None:
            terminal.append(output)
    assert "Traceback" not in output, output


def break_entry(project: Path) -> str:
    path = project / CASE
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("rank: 2", "rank: 十一"), encoding="utf-8")
    return original


def test_a_saved_mistake_shows_on_every_page_within_two_seconds_and_goes_away_after_the_fix(project: Path) -> None:
    with preview(project) as base:
        assert TITLE in get(base + CASE_PAGE)
        original = break_entry(project)
        wait_for(lambda: MARK in get(base + CASE_PAGE), 15, "the problem page replaces the case page")
        for page in ("", CASE_PAGE, "ambassadors/", "about/", "no/such/page/"):
            body = get(base + page)
            assert MARK in body and CASE in body and "rank" in body and "怎么改" in body, page
            assert f"vscode://file/{(project / CASE).resolve().as_posix().lstrip('/')}:" in body
        (project / CASE).write_text(original, encoding="utf-8")
        wait_for(lambda: TITLE in get(base + CASE_PAGE), 15, "the case page comes back after the fix")


def test_a_preview_started_on_broken_entries_keeps_running_and_shows_them(project: Path) -> None:
    original = break_entry(project)
    terminal: list[str] = []
    with preview(project, terminal=terminal) as base:
        assert MARK in get(base) and CASE in get(base + CASE_PAGE)
        (project / CASE).write_text(original, encoding="utf-8")
        wait_for(lambda: TITLE in get(base + CASE_PAGE), 15, "the site appears once the entry is fixed")
    # the terminal window names the problem too (file:line: field), with its hint
    assert f"{CASE}:" in terminal[0] and "rank" in terminal[0] and "提示" in terminal[0], terminal[0]


def test_the_browser_shows_the_problem_and_returns_to_the_page_by_itself(project: Path, chromium_browser) -> None:
    with preview(project) as base, open_page(chromium_browser, base) as page:
        page.goto(CASE_PAGE)
        assert page.locator("h1").first.inner_text().startswith("先诊疗后付费")
        original = break_entry(project)
        page.wait_for_selector(f"body[data-{MARK}]", timeout=15_000)  # no reload by hand
        problems = page.locator("li").all_inner_texts()
        assert any(CASE in text and "rank" in text for text in problems), problems
        assert page.locator("h1").inner_text().startswith("有 ")
        page.screenshot(path=str(project / "problem-page.png"), full_page=True)
        (project / CASE).write_text(original, encoding="utf-8")
        page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText"
                               ".startsWith('先诊疗后付费')", timeout=15_000)


def test_a_taken_port_gets_a_chinese_sentence_with_a_free_one(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, str(project / "build.py"), "serve", "--dev-addr",
                                 f"127.0.0.1:{port}"], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"端口 {port} 已被占用" in result.stdout and "--dev-addr 127.0.0.1:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_editing_a_content_page_twice_while_the_preview_runs(project: Path) -> None:
    about = project / "content/about.md"
    original = about.read_text(encoding="utf-8")
    with preview(project) as base:
        for round_ in ("第一次", "第二次"):
            about.write_text(original + f"\n{round_}补充的一句话。\n", encoding="utf-8")
            wait_for(lambda: f"{round_}补充的一句话" in get(base + "about/"), 15, f"the {round_} edit shows")
            assert MARK not in get(base + "about/")


def _preview_pages(base: str) -> dict[str, str]:
    """Every page the preview lists in its sitemap, and its search index, as served (reload script cut)."""
    urls = re.findall(r"<loc>([^<]+)</loc>", get(base + "sitemap.xml"))
    assert len(urls) > 50, urls
    pages = {url.removeprefix(base): get(url) for url in urls}
    pages["search/search_index.json"] = get(base + "search/search_index.json")
    return {path: re.sub(r"livereload\(\d+, \d+\)", "", body) for path, body in pages.items()}


def test_a_save_renders_again_only_what_it_changed_and_the_preview_equals_a_fresh_one(project: Path,
                                                                                     tmp_path: Path) -> None:
    case = project / CASE
    ambassador = sorted((project / "cases/ambassadors").glob("*.yaml"))[0]
    port = free_port()  # both previews on one address: QR codes and share links name it
    with preview(project, port, tmp_path) as base:
        gone = base + "ambassadors/" + ambassador.stem + "/"
        assert MARK not in get(gone) and get(gone) != get(base + "no/such/page/")
        ambassador.unlink()  # a page fewer: every page is rendered again, and the old one is gone
        wait_for(lambda: get(gone) == get(base + "no/such/page/"), 15, "the removed entry's page is gone")
        site = next(tmp_path.glob("publisher-preview-*"))
        untouched = site / "ambassadors" / sorted((project / "cases/ambassadors").glob("*.yaml"))[0].stem / "index.html"
        written = untouched.stat().st_mtime_ns
        case.write_text(case.read_text(encoding="utf-8").replace(TITLE, "先诊疗后付费，改过的标题"), encoding="utf-8")
        wait_for(lambda: "改过的标题" in get(base + CASE_PAGE), 15, "the edited title shows")
        assert "改过的标题" in get(base + "2022/top-cases/")  # the ranking that lists it, rendered again too
        assert untouched.stat().st_mtime_ns == written  # a page the edit does not change is left as it was
        edited = _preview_pages(base)
    with preview(project, port) as base:  # a preview started on the same entries
        fresh = _preview_pages(base)
    assert edited.keys() == fresh.keys()
    differing = [path for path in fresh if edited[path] != fresh[path]]
    assert not differing, differing
