"""Search benchmark (issue 12): bytes and milliseconds of a first query, and what indexing costs the build.

    .venv/bin/python bench/search.py                      # 1,000 and 5,000 entries, 5 runs per query
    .venv/bin/python bench/search.py --sizes 200 --runs 1 # a quick look
    .venv/bin/python bench/search.py --site path/to/site  # measure an existing site (no build)
    .venv/bin/python bench/search.py --site path/to/site --reindex  # … after rewriting its index with today's code

For each size: a copy of the project with seeded synthetic entries (bench/synth.py, seed 5) is built
with `build.py build` in a child process that also times `publisher.search.write_index` inside the
build (CPU seconds), so the indexing share of the build is known. Then the site is served locally and,
in headless Chromium (the system one, as the tests use it), for each query and run: a fresh browser
context (empty cache) opens the home page, the reader taps search and the query is put in the box; we
time (inside the page) from opening search with the query to the first rendered result (or "no results") and add up every search
file the query fetched (worker, manifest, shards, titles, page texts), raw and gzipped (gzip -6 of
the file as served: what a host that compresses JSON sends). Medians over runs are printed and written
to bench/out/search.json.

Queries are drawn from the site's own text with a fixed seed: a frequent 2-character word, a
4-character phrase, a 6-character phrase, a single character, a person's name, a two-word query and
a string found nowhere.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(BENCH)]

from browser_support import CHROMIUM, CHROMIUM_ARGS, serve_site  # noqa: E402
from projects import copy_project  # noqa: E402

from publisher import search  # noqa: E402

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
SEARCH_DONE = "符合条件的结果"

# Runs in the build's child process: time write_index inside the real build, then report CPU totals.
_TIMED_BUILD = """
import json, resource, sys, time
from pathlib import Path
root = Path(sys.argv[1]); sys.path.insert(0, str(root))
from publisher import search
measured = {"index_cpu_s": 0.0}
original = search.write_index
def timed(site_dir, docs):
    start = time.process_time()
    original(site_dir, docs)
    measured["index_cpu_s"] += time.process_time() - start
search.write_index = timed
from publisher.cli import main
status = main(root, ["build"])
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]  # + share-image workers
measured["build_cpu_s"] = sum(u.ru_utime + u.ru_stime for u in usage)
Path(sys.argv[2]).write_text(json.dumps(measured))
sys.exit(status)
"""


def build(project: Path) -> dict:
    out = project / "build-times.json"
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _TIMED_BUILD, str(project), str(out)], cwd=project,
                            capture_output=True, text=True, env={"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"})
    if result.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    measured = json.loads(out.read_text())
    measured["build_wall_s"] = time.perf_counter() - start
    measured["index_share"] = measured["index_cpu_s"] / (measured["build_cpu_s"] - measured["index_cpu_s"])
    return measured


def make_site(entries: int, work: Path) -> tuple[Path, dict]:
    import synth  # needs jieba (requirements-dev.txt)

    project = copy_project(work / f"p{entries}")
    synth.generate(project / "cases", entries, seed=5)
    return project / "site", build(project)


def reindex(site: Path) -> float:
    """Rewrite a built site's search index with the current publisher/search.py and worker, from the
    site's own page files (their sections are Material's entries as text), without building it again:
    a 5,000-entry build takes half an hour on a busy machine. Returns write_index's CPU seconds."""
    import html

    manifests = json.loads((site / search.INDEX_FILE).read_text(encoding="utf-8"))["config"]["publisher"]
    docs = []
    for manifest in manifests.values():
        folder = site / "search" / manifest["path"]
        for number in range(manifest["pages"]):
            url = json.loads((folder / f"t{number // manifest['titles']}.json").read_text(encoding="utf-8"))[
                number % manifest["titles"]][0]
            page = json.loads((folder / f"p{number}.json").read_text(encoding="utf-8"))
            for anchor, title, text in page["sections"] if isinstance(page, dict) else page:  # (older: a list)
                docs.append({"location": url + (f"#{anchor}" if anchor else ""), "title": html.escape(title),
                             "text": html.escape(text)})
    start = time.process_time()
    search.write_index(site, docs)
    spent = time.process_time() - start
    worker = (ROOT / "templates" / "theme" / "assets" / "search-worker.js").read_bytes()
    for old in (site / "assets").glob("search-worker.*.js"):  # the name the pages already point to
        old.write_bytes(worker)
    return spent


def draw_queries(site: Path, seed: int = 7) -> list[tuple[str, str]]:
    text = search.indexed_text(site)
    rng = random.Random(seed)
    runs = HAN_RUN.findall(text)
    counts: dict[str, int] = {}
    for run in runs:
        for i in range(len(run) - 1):
            counts[run[i:i + 2]] = counts.get(run[i:i + 2], 0) + 1
    frequent = sorted(counts, key=lambda pair: (-counts[pair], pair))[:50]

    def phrase(size: int) -> str:
        run = rng.choice([r for r in runs if len(r) >= size])
        start = rng.randrange(len(run) - size + 1)
        return run[start:start + size]

    manifest = json.loads((site / search.INDEX_FILE).read_text(encoding="utf-8"))["config"]["publisher"]["zh"]
    titles = [entry for number in range(0, manifest["pages"], manifest["titles"])
              for entry in json.loads((site / "search" / manifest["path"] / f"t{number // manifest['titles']}.json")
                                      .read_text(encoding="utf-8"))]
    names = sorted(title for url, title in titles if "/top-people/" in url and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", title))
    nowhere = next(q for q in ("".join(rng.choice(rng.choice(runs)) for _ in range(4)) for _ in range(1000))
                   if q not in text)
    return [("frequent pair", rng.choice(frequent)), ("4 characters", phrase(4)), ("6 characters", phrase(6)),
            ("1 character", rng.choice(frequent)[0]), ("name", rng.choice(names) if names else phrase(3)),
            ("two words", f"{phrase(2)} {phrase(3)}"), ("nowhere", nowhere)]


# Timed inside the page, so that the browser driver's own latency is not counted: open search as the
# magnifier does, put the query in the box with an input event (what typing or an input method sends),
# stop when Material writes the result count (or "no results") into the list's heading.
_ASK = """async query => {
    const start = performance.now()
    document.querySelector("label.md-header__button[for=__search]").click()
    const box = document.querySelector("input.md-search__input")
    box.focus()
    box.value = query
    box.dispatchEvent(new Event("input", {bubbles: true}))
    const meta = document.querySelector(".md-search-result__meta")
    await new Promise(resolve => {
        const done = () => meta.textContent.includes("%s")
        if (done()) return resolve()
        new MutationObserver((_, observer) => { if (done()) { observer.disconnect(); resolve() } })
            .observe(meta, {childList: true, characterData: true, subtree: true})
    })
    await new Promise(requestAnimationFrame)  // the results on screen
    return performance.now() - start
}""" % SEARCH_DONE


def first_query(browser, server, query: str) -> dict:
    """One fresh visit: open the home page, tap search, type; ms to results and bytes of search files."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  service_workers="block")
    fetched: list[str] = []
    context.on("request", lambda request: fetched.append(request.url))
    page = context.new_page()
    page.goto(server.url, wait_until="load")
    page.wait_for_timeout(200)  # let the page settle, as a reader reads before searching
    fetched.clear()
    elapsed = page.evaluate(_ASK, query)
    announced = re.search(r"[\d.]+k?", page.locator(".md-search-result__meta").inner_text())
    results = announced.group() if announced else "0"  # Material: "N 个…", "4.4k 个…", "找到 1 个…", "没有找到…"
    context.close()
    files = sorted({server.site_path(url).split("?")[0] for url in fetched if server.site_path(url) is not None
                    and ("search" in url)})
    raw = sum((server.root / f).stat().st_size for f in files)
    gz = sum(search.gzipped_size(server.root / f) for f in files)
    return {"ms": elapsed, "raw": raw, "gzip": gz, "files": len(files), "results": results}


def candidates_without_positions(site: Path, query: str) -> list[int]:
    """The alternative design (pairs → pages, no positions): pages holding every pair of the query, which
    the worker would then have to fetch and check. Returns their page numbers."""
    manifest = json.loads((site / search.INDEX_FILE).read_text(encoding="utf-8"))["config"]["publisher"]["zh"]
    folder = site / "search" / manifest["path"]
    found: set[int] | None = None
    for word in query.split():
        for run in HAN_RUN.findall(word) or [word]:
            keys = [run[i:i + 2] for i in range(len(run) - 1)] or [run]
            for key in keys:
                kind, count = ("b", manifest["pairs"]) if len(key) == 2 else ("u", manifest["singles"])
                shard = json.loads((folder / f"{kind}{search.fnv1a(key) & (count - 1)}.json").read_text(encoding="utf-8"))
                value, pages = 0, set()
                entry = shard.get(key, [[]] if kind == "u" else [])
                for gap in entry[0] if kind == "u" else entry:  # singles: page gaps; pairs: page · 2^20 + position
                    value += gap
                    pages.add(value if kind == "u" else value // search.PAGE_LIMIT)
                found = pages if found is None else found & pages
    return sorted(found or [])


def verification_bytes(site: Path, pages: list[int]) -> int:
    manifest = json.loads((site / search.INDEX_FILE).read_text(encoding="utf-8"))["config"]["publisher"]["zh"]
    return sum(search.gzipped_size(site / "search" / manifest["path"] / f"p{page}.json") for page in pages)


def measure_site(site: Path, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve_site(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        first_query(browser, server, "青岛")  # warm the server and the OS file cache, not the browser
        for kind, query in draw_queries(site):
            samples = [first_query(browser, server, query) for _ in range(runs)]
            candidates = candidates_without_positions(site, query)
            rows.append({"kind": kind, "query": query, "results": samples[0]["results"],
                         "alt_candidates": len(candidates), "alt_gzip": verification_bytes(site, candidates),
                         "files": samples[0]["files"], "raw": samples[0]["raw"], "gzip": samples[0]["gzip"],
                         "ms": statistics.median(s["ms"] for s in samples)})
        browser.close()
    return rows


def whole_site(site: Path) -> dict:
    files = [p for p in (site / "search").rglob("*") if p.is_file()]
    return {"search_files": len(files), "raw": sum(p.stat().st_size for p in files),
            "gzip": sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)}


def report(label: str, rows: list[dict], built: dict | None, total: dict) -> None:
    print(f"\n## {label}")
    if built:
        print(f"build {built['build_wall_s']:.1f} s wall, {built['build_cpu_s']:.1f} s CPU; write_index "
              f"{built['index_cpu_s']:.2f} s CPU = {100 * built['index_share']:.1f} % on top of the rest of the build")
    print(f"whole search folder: {total['search_files']} files, {total['raw'] / 1e6:.1f} MB, "
          f"{total['gzip'] / 1e6:.2f} MB gzipped")
    print("| query | kind | results | files | KB | KB gzipped | ms (median) | no positions: pages to check, KB gzipped |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['query']} | {r['kind']} | {r['results']} | {r['files']} | {r['raw'] / 1000:.1f} | "
              f"{r['gzip'] / 1000:.1f} | {r['ms']:.0f} | {r['alt_candidates']}, {r['alt_gzip'] / 1000:.0f} |")
    print(f"max: {max(r['gzip'] for r in rows) / 1000:.1f} KB gzipped, {max(r['ms'] for r in rows):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--site", type=Path, help="measure this built site instead of building synthetic ones")
    parser.add_argument("--reindex", action="store_true", help="with --site: rewrite its index with the current code first")
    parser.add_argument("--work", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=BENCH / "out" / "search.json")
    args = parser.parse_args(argv)
    results = {}
    if args.site:
        if args.reindex:
            print(f"reindexed {args.site}: write_index {reindex(args.site):.2f} s CPU")
        rows = measure_site(args.site, args.runs)
        results[str(args.site)] = {"queries": rows, "site": whole_site(args.site)}
        report(str(args.site), rows, None, results[str(args.site)]["site"])
    else:
        work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
        for entries in [int(s) for s in args.sizes.split(",") if s]:
            site, built = make_site(entries, work)
            rows = measure_site(site, args.runs)
            results[str(entries)] = {"build": built, "queries": rows, "site": whole_site(site)}
            report(f"{entries} entries", rows, built, results[str(entries)]["site"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
