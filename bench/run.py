#!/usr/bin/env python3
"""Benchmark: build speed, scale and page weight of the publisher, against plain MkDocs (issue 5).

    .venv/bin/python bench/run.py                      # 100, 1,000 and 5,000 entries, 3 runs each
    .venv/bin/python bench/run.py --sizes 100,1000 --runs 5
    .venv/bin/python bench/run.py --smoke              # 30 entries, 1 run: proves the script works
    .venv/bin/python bench/run.py --sizes none --profile 1000   # only profile a 1,000-entry build

For each size a copy of the project is made in a temporary folder, its entries
are replaced by synthetic ones (bench/synth.py) and every command runs as a
child process of this interpreter (the project's .venv). See bench/README.md
for what each figure means. It is a benchmark, not a test: only --smoke
belongs in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

import searchcheck
import synth
import weight

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "tests"))
from projects import PROJECT_PARTS, copy_project  # noqa: E402 (what tests copy too)
EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: reproducible builds, as in tests/conftest.py
PLAIN_CONFIG = "mkdocs-plain.yml"
PLAIN_DOCS = "plain-docs"
PLAIN_SITE = "plain-site"

TARGET_LAYER_PCT = 5.0
TARGET_LINEAR_RATIO = 1.2
TARGET_MS_PER_PAGE = 4.0
TARGET_INDEX_PCT = 60.0
TARGET_HOME_KB = 100.0

Json = dict[str, Any]
Log = Callable[[str], None]


class BenchError(RuntimeError):
    pass


# --- child processes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    wall_s: float
    cpu_s: float  # user + system
    peak_mb: float  # the command's own peak resident set
    stdout: str


def run_child(args: list[str], cwd: Path) -> Child:
    """Run `args` to completion through bench/child.py: wall time, CPU time and peak RSS of exactly that command."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as report:
        launcher = subprocess.run([sys.executable, str(BENCH / "child.py"), report.name, *args], cwd=cwd, stdout=out,
                                  stderr=err, env=env, check=False)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        figures = json.loads(Path(report.name).read_text(encoding="utf-8") or "{}")
    if launcher.returncode != 0 or figures.get("returncode") != 0:
        raise BenchError(f"{' '.join(args)} (in {cwd}) failed:\n{stdout[-2000:]}\n{stderr[-4000:]}")
    return Child(figures["wall_s"], figures["cpu_s"], figures["peak_mb"], stdout)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


# --- a project to measure --------------------------------------------------------------------------------


def site_url_of(project: Path) -> str:
    found = re.search(r"(?m)^site_url:\s*(\S+)", (project / "mkdocs.yml").read_text(encoding="utf-8"))
    return found.group(1) if found else "https://example.org/"


def write_plain_config(project: Path) -> None:
    """mkdocs.yml reading the exported pages, with the nav our hook would set and only the theme glue hook."""
    shutil.copy2(BENCH / "plain_hook.py", project / "plain_hook.py")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    replacements = [(r"(?m)^hooks:\n(?:[ \t]+-.*\n)+", "hooks:\n  - plain_hook.py\n"),
                    (r"(?m)^docs_dir:.*$", f"docs_dir: {PLAIN_DOCS}"), (r"(?m)^site_dir:.*$", f"site_dir: {PLAIN_SITE}")]
    for pattern, replacement in replacements:
        text, found = re.subn(pattern, replacement, text)
        if found != 1:
            raise BenchError(f"mkdocs.yml changed shape: cannot apply {pattern!r} for the plain baseline")
    nav = (project / "plain-nav.json").read_text(encoding="utf-8")
    (project / PLAIN_CONFIG).write_text(text + f"\nnav: {nav}\n", encoding="utf-8")


def url_of(src_uri: str) -> str:
    """Site URL of a page source (use_directory_urls), as publisher/render.py's url_of."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


def same_html(ours: Path, plain: Path) -> Json:
    """How many HTML files the two builds share byte for byte (they should be the very same pages)."""
    files = sorted(p.relative_to(ours) for p in ours.rglob("*.html"))
    identical = sum((plain / f).is_file() and (plain / f).read_bytes() == (ours / f).read_bytes() for f in files)
    return {"html_files": len(files), "identical": identical}


SAMPLES = ("check_s", "build_s", "plain_s", "check_cpu_s", "build_cpu_s", "plain_cpu_s", "check_mb", "build_mb",
           "plain_mb", "inproc_s", "inproc_cpu_s", "layer_s", "layer_cpu_s", "ours_s", "ours_cpu_s", "search_s",
           "search_cpu_s", "load_avg")
LAYER_PARTS = ("check before MkDocs", "hook on_config")  # read, validate, render, share: the target's "our layer"
SEARCH_PART = "hook on_post_build"  # publisher/search.py refining the index


def measure_project(project: Path, runs: int, cold: bool, log: Log) -> Json:
    """Time check, build (plain and instrumented) and plain MkDocs; size and compare the outputs."""
    layer_py = str(BENCH / "layer.py")
    result: Json = {}
    shutil.rmtree(project / ".cache", ignore_errors=True)
    if cold:  # a fresh checkout: nothing in .cache/ (share images, QR codes, parse, Markdown and search caches)
        child = run_child(python(layer_py, "build", str(project)), project)
        inproc = json.loads(child.stdout)
        layer = sum(inproc["parts"].get(p, {}).get("s", 0.0) for p in LAYER_PARTS)
        result["cold_build"] = {"s": child.wall_s, "cpu_s": child.cpu_s, "mb": child.peak_mb,
                                "inproc_s": inproc["total_s"], "layer_s": layer, "ours_s": inproc["ours_s"],
                                "parts": {k: v["s"] for k, v in inproc["parts"].items()}}
        log(f"    cold build (empty .cache/, in-process): {child.wall_s:.1f}s, ours {inproc['ours_s']:.1f}s")
    export = json.loads(run_child(python(layer_py, "export", str(project), "--site-url", site_url_of(project),
                                         str(project / PLAIN_DOCS)), project).stdout)
    write_plain_config(project)
    run_child(python("build.py", "build"), project)  # warm-up: fills .cache/ when the cold build was skipped
    run_child(python("-m", "mkdocs", "build", "-q", "-f", PLAIN_CONFIG), project)
    samples: dict[str, list[float]] = {k: [] for k in SAMPLES}
    parts: dict[str, list[float]] = {}
    for run in range(runs):
        samples["load_avg"].append(os.getloadavg()[0])
        check = run_child(python("build.py", "check"), project)
        build = run_child(python("build.py", "build"), project)
        inproc = json.loads(run_child(python(layer_py, "build", str(project)), project).stdout)
        plain = run_child(python("-m", "mkdocs", "build", "-q", "-f", PLAIN_CONFIG), project)
        for name, child in (("check", check), ("build", build), ("plain", plain)):
            samples[f"{name}_s"].append(child.wall_s)
            samples[f"{name}_cpu_s"].append(child.cpu_s)
            samples[f"{name}_mb"].append(child.peak_mb)
        measured = inproc["parts"]
        for unit in ("s", "cpu_s"):
            samples[f"inproc_{unit}"].append(inproc[f"total_{unit}"])
            samples[f"ours_{unit}"].append(inproc[f"ours_{unit}"])
            samples[f"layer_{unit}"].append(sum(measured.get(p, {}).get(unit, 0.0) for p in LAYER_PARTS))
            samples[f"search_{unit}"].append(measured.get(SEARCH_PART, {}).get(unit, 0.0))
        for name, figures in measured.items():
            parts.setdefault(name, []).append(figures["s"])
        log(f"    run {run + 1}/{runs}: check {check.wall_s:.2f}s  build {build.wall_s:.2f}s (cpu {build.cpu_s:.2f})  "
            f"plain {plain.wall_s:.2f}s (cpu {plain.cpu_s:.2f})  in-process build {inproc['total_s']:.2f}s, ours "
            f"{inproc['ours_s']:.2f}s  load avg {samples['load_avg'][-1]:.1f}")

    ours_index = project / "site" / "search" / "search_index.json"
    default_index = project / PLAIN_SITE / "search" / "search_index.json"
    kinds: dict[str, str] = export["kinds"]
    pages_by_kind = {kind: next((url_of(src) for src, k in kinds.items() if k == kind), None)
                     for kind in ("home", "ranking", "case")}
    result.update({
        "pages": export["pages"], "entries": export["entries"], "files": export["files"],
        "median": {k: statistics.median(v) for k, v in samples.items()}, "samples": samples,
        "parts": {k: statistics.median(v) for k, v in parts.items()},
        "index": {"ours": weight.index_sizes(ours_index), "default": weight.index_sizes(default_index)},
        "same_pages": same_html(project / "site", project / PLAIN_SITE),
        "search": searchcheck.compare(default_index, ours_index),
        "client": {kind: weight.page_weight(project / "site", url) for kind, url in pages_by_kind.items()
                   if url is not None},
    })
    edits = []
    for run in range(runs):  # last: it changes the project the figures above were read from
        edit_one_case(project, run)
        edits.append(run_child(python("build.py", "build"), project).wall_s)
    result["edit_build_s"] = statistics.median(edits)
    result["derived"] = derive(result)
    return result


def edit_one_case(project: Path, run: int) -> None:
    """What an editor does between builds: change one character of a current case's title, which its
    page, its neighbours, its ranking, the home page, its category and its people all show."""
    newest = sorted((project / "cases").glob("*/top-cases"))[-1]
    current = sorted(newest.glob("*.yaml"))
    path = current[run % len(current)]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] = data["title"][:-1] + ("新" if data["title"][-1] != "新" else "改")
    synth._dump(path, data)


def derive(result: Json) -> Json:
    m, pages, index, cold = result["median"], result["pages"], result["index"], result.get("cold_build")
    return {
        "ms_per_page": 1000 * m["build_s"] / pages,
        "plain_ms_per_page": 1000 * m["plain_s"] / pages,
        "cpu_ms_per_page": 1000 * m["build_cpu_s"] / pages,
        "plain_cpu_ms_per_page": 1000 * m["plain_cpu_s"] / pages,
        "layer_pct": 100 * m["layer_s"] / m["inproc_s"],
        "layer_cpu_pct": 100 * m["layer_cpu_s"] / m["inproc_cpu_s"],
        "ours_pct": 100 * m["ours_s"] / m["inproc_s"],
        "ours_cpu_pct": 100 * m["ours_cpu_s"] / m["inproc_cpu_s"],
        "search_pct": 100 * m["search_s"] / m["inproc_s"],
        "overhead_pct": 100 * (m["build_s"] - m["plain_s"]) / m["build_s"],
        "cpu_overhead_pct": 100 * (m["build_cpu_s"] - m["plain_cpu_s"]) / m["build_cpu_s"],
        "index_raw_pct": 100 * index["ours"]["raw"] / index["default"]["raw"],
        "index_gz_pct": 100 * index["ours"]["gz"] / index["default"]["gz"],
        "cold_ms_per_page": 1000 * cold["s"] / pages if cold else None,
        "cold_layer_pct": 100 * cold["layer_s"] / cold["inproc_s"] if cold else None,
        "cold_ours_pct": 100 * cold["ours_s"] / cold["inproc_s"] if cold else None,
    }


# --- profile -------------------------------------------------------------------------------------------------

CLI = "ours: cli (check(), swap site/)"
_OURS = {"search.py": "ours: search index refinement (jieba)", "load.py": "ours: read YAML (load.py)",
         "validate.py": "ours: validate (validate.py, pydantic)", "render.py": "ours: render (Jinja, Markdown, nh3)",
         "share.py": "ours: share tags, QR codes, share images", "mkdocs_hook.py": "ours: hook (hand pages to MkDocs)",
         "cache.py": "ours: .cache/ memos (SQLite)", "cli.py": CLI}
_LIBRARIES = [("/material/plugins/search/", "Material search plugin (HTML parse + jieba)"),
              ("/markdown/", "MkDocs: Markdown -> HTML (Python-Markdown)"),
              ("/pymdownx/", "MkDocs: Markdown -> HTML (Python-Markdown)"),
              ("/jinja2/", "MkDocs: page templates (Jinja, Material theme)"),
              ("/material/templates/", "MkDocs: page templates (Jinja, Material theme)"),
              ("/templates/theme/", "MkDocs: page templates (Jinja, Material theme)"),
              ("<frozen importlib", "Python: imports"),
              ("/jieba/", "jieba (other)"),
              ("/material/", "Material (other)"),
              ("/mkdocs/", "MkDocs core (config, files, nav, writing)")]
_OVERRIDABLE = {"MkDocs core (config, files, nav, writing)", "Material (other)"}


def _component(path: str) -> tuple[str | None, str | None]:
    """(our module's label, library label) of one frame's file."""
    parts = path.replace("\\", "/")
    if "/publisher/" in parts:
        return _OURS.get(parts.rsplit("/", 1)[-1], "ours: other"), None
    for needle, label in _LIBRARIES:
        if needle in parts:
            return None, label
    return None, None


def profile_breakdown(session_file: Path) -> Json:
    """Self time of a pyinstrument session, by component: where a build's time goes."""
    from pyinstrument.session import Session

    root = Session.load(session_file).root_frame(trim_stem=False)
    if root is None:
        return {}
    shares: dict[str, float] = {}
    inside_ours: dict[str, float] = {}  # our modules' time by the library doing the work
    functions: dict[str, float] = {}

    def walk(frame: Any, ours: str | None, cli: bool, library: str | None, where: str, path: str) -> None:
        if not frame.is_synthetic:  # "[self]" and the like stand for their parent's own time
            path = (frame.file_path or "").replace("\\", "/")
            where = f"{frame.function} ({path.rsplit('site-packages/', 1)[-1] or '?'}:{frame.line_no})"
        own, lib = _component(frame.file_path or "")
        if own == CLI:  # the CLI calls everything: it only owns what no library or other module of ours does
            cli, own = True, None
        ours = own or ours
        if lib and (library is None or library in _OVERRIDABLE):
            library = lib
        label = ours or library or (CLI if cli else "Python: startup, stdlib, other")
        self_time = frame.time - sum(child.time for child in frame.children)
        shares[label] = shares.get(label, 0.0) + self_time
        if ours:
            package = "our own code" if "/publisher/" in path or path.endswith(".html") else (
                path.split("site-packages/", 1)[1].split("/", 1)[0] if "site-packages/" in path else "stdlib, builtins")
            key = f"{ours} / {package}"
            inside_ours[key] = inside_ours.get(key, 0.0) + self_time
        functions[where] = functions.get(where, 0.0) + self_time
        for child in frame.children:
            walk(child, ours, cli, library, where, path)

    walk(root, None, False, None, "?", "")
    total = root.time
    return {
        "total_s": total,
        "components": [{"component": k, "s": v, "pct": 100 * v / total}
                       for k, v in sorted(shares.items(), key=lambda kv: -kv[1])],
        "inside_ours": [{"where": k, "s": v, "pct": 100 * v / total}
                        for k, v in sorted(inside_ours.items(), key=lambda kv: -kv[1])],
        "hot_functions": [{"function": k, "s": v, "pct": 100 * v / total}
                          for k, v in sorted(functions.items(), key=lambda kv: -kv[1])[:25]],
    }


def profile(entries: int, snapshot: Path, out_dir: Path, work: Path, log: Log) -> Json:
    """One warm `build.py build` of `entries` synthetic entries under pyinstrument."""
    project = copy_project(work / f"profile-{entries}", snapshot)
    synth.generate(project / "cases", entries)
    log(f"profiling build.py build at {entries} entries (after an unprofiled build fills .cache/) ...")
    run_child(python("build.py", "build"), project)
    session = out_dir / "profile.pyisession"
    run_child(python("-m", "pyinstrument", "-r", "pyisession", "-o", str(session), "build.py", "build"), project)
    for renderer, name, extra in (("text", "profile.txt", ["--show-all", "-p", "processor_options.filter_threshold=0.005"]),
                                  ("html", "profile.html", [])):
        run_child(python("-m", "pyinstrument", "--load", str(session), "-r", renderer, "-o", str(out_dir / name),
                         *extra), project)
    return {"entries": entries, "files": ["profile.txt", "profile.html", "profile.pyisession"],
            **profile_breakdown(session)}


# --- report --------------------------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def kb(n: float) -> str:
    return f"{n / 1024:.1f}"


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:.2f}"


def speed_table(results: list[Json]) -> str:
    headers = ["size", "entries", "pages", "check s", "build s", "edit build s", "plain s", "ms/page", "plain ms/page",
               "marginal ms/page", "cpu ms/page", "plain cpu ms/page", "cold build s", "peak MB check", "peak MB build",
               "peak MB plain"]
    rows, previous = [], None
    for r in results:
        m, d = r["median"], r["derived"]
        marginal = "-"
        if previous is not None and r["label"] != "demo" and r["pages"] > previous["pages"]:
            marginal = f"{1000 * (m['build_s'] - previous['median']['build_s']) / (r['pages'] - previous['pages']):.2f}"
        cold = f"{r['cold_build']['s']:.1f}" if "cold_build" in r else "-"
        edit = f"{r['edit_build_s']:.2f}" if "edit_build_s" in r else "-"
        rows.append([r["label"], str(r["entries"]), str(r["pages"]), f"{m['check_s']:.2f}", f"{m['build_s']:.2f}",
                     edit, f"{m['plain_s']:.2f}", f"{d['ms_per_page']:.2f}", f"{d['plain_ms_per_page']:.2f}", marginal,
                     f"{d['cpu_ms_per_page']:.2f}", f"{d['plain_cpu_ms_per_page']:.2f}", cold,
                     f"{m['check_mb']:.0f}", f"{m['build_mb']:.0f}", f"{m['plain_mb']:.0f}"])
        if r["label"] != "demo":
            previous = r
    return table(headers, rows)


def share_table(results: list[Json]) -> str:
    headers = ["size", "in-process build s", "check s", "on_config s", "layer s", "layer %", "(cpu)",
               "on_post_build s", "other hook s", "all ours %", "(cpu)", "build-plain %", "(cpu)", "cold: layer %",
               "cold: all ours %"]
    rows = []
    for r in results:
        m, d, parts = r["median"], r["derived"], r["parts"]
        other = sum(v for k, v in parts.items() if k not in (*LAYER_PARTS, SEARCH_PART))
        rows.append([r["label"], f"{m['inproc_s']:.2f}", f"{parts.get(LAYER_PARTS[0], 0):.2f}",
                     f"{parts.get(LAYER_PARTS[1], 0):.2f}", f"{m['layer_s']:.2f}", f"{d['layer_pct']:.1f}",
                     f"{d['layer_cpu_pct']:.1f}", f"{m['search_s']:.2f}", f"{other:.2f}", f"{d['ours_pct']:.1f}",
                     f"{d['ours_cpu_pct']:.1f}", f"{d['overhead_pct']:.1f}", f"{d['cpu_overhead_pct']:.1f}",
                     "-" if d["cold_layer_pct"] is None else f"{d['cold_layer_pct']:.1f}",
                     "-" if d["cold_ours_pct"] is None else f"{d['cold_ours_pct']:.1f}"])
    return table(headers, rows)


def index_table(results: list[Json]) -> str:
    headers = ["size", "ours raw MB", "Material raw MB", "raw %", "ours gz MB", "Material gz MB", "gz %",
               "recall words M/ours", "recall sub-words M/ours", "results/query M/ours", "queries losing pages"]
    rows = []
    for r in results:
        i, d, groups = r["index"], r["derived"], r["search"]["groups"]
        whole, sub = groups.get("whole words", {}), groups.get("sub-words", {})
        lost = sum(g["queries_losing_pages"] for g in groups.values())
        rows.append([r["label"], mb(i["ours"]["raw"]), mb(i["default"]["raw"]), f"{d['index_raw_pct']:.0f}",
                     mb(i["ours"]["gz"]), mb(i["default"]["gz"]), f"{d['index_gz_pct']:.0f}",
                     f"{whole.get('default_recall', 0):.2f}/{whole.get('ours_recall', 0):.2f}",
                     f"{sub.get('default_recall', 0):.2f}/{sub.get('ours_recall', 0):.2f}",
                     f"{whole.get('default_results', 0):.0f}/{whole.get('ours_results', 0):.0f}", str(lost)])
    return table(headers, rows)


def client_table(results: list[Json]) -> str:
    headers = ["site", "page", "HTML", "CSS", "JS", "img", "fonts", "page", "+ start (worker)", "= first load",
               "+ on first search", "other hosts"]
    rows = []
    for r in results:
        for kind, c in r["client"].items():
            page, start, search = (c["gz"].get(p, {}) for p in ("page", "start", "search"))
            rows.append([r["label"], f"{kind}: /{c['url']}", kb(page.get("html", 0)), kb(page.get("css", 0)),
                         kb(page.get("js", 0)), kb(page.get("img", 0)), kb(page.get("font", 0)), kb(c["page_gz"]),
                         kb(start.get("total", 0)), kb(c["first_load_gz"]), kb(search.get("total", 0)),
                         str(len(c["external"]))])
    return table(headers, rows)


def targets(sizes: list[Json], demo: Json | None) -> list[Json]:
    found: list[Json] = []

    def target(name: str, ok: bool, measured: str) -> None:
        found.append({"target": name, "met": ok, "measured": measured})

    if sizes:
        worst = max(sizes, key=lambda r: r["derived"]["layer_pct"])
        target(f"our layer (read, validate, render) <= {TARGET_LAYER_PCT:.0f} % of a full build at every size",
               all(r["derived"]["layer_pct"] <= TARGET_LAYER_PCT for r in sizes),
               f"worst {worst['derived']['layer_pct']:.1f} % at {worst['label']} entries (CPU time "
               f"{worst['derived']['layer_cpu_pct']:.1f} %; warm .cache/; cold: "
               + ("-" if worst["derived"]["cold_layer_pct"] is None else f"{worst['derived']['cold_layer_pct']:.1f} %")
               + f"; all our code incl. search "
               f"{worst['derived']['ours_pct']:.1f} %; build-plain {worst['derived']['overhead_pct']:.1f} %, "
               f"CPU {worst['derived']['cpu_overhead_pct']:.1f} %)")
        small, large = sizes[0], sizes[-1]
        ratio = large["derived"]["ms_per_page"] / small["derived"]["ms_per_page"]
        cpu_ratio = large["derived"]["cpu_ms_per_page"] / small["derived"]["cpu_ms_per_page"]
        target(f"ms/page at {large['label']} <= {TARGET_LINEAR_RATIO} x ms/page at {small['label']} (linear)",
               ratio <= TARGET_LINEAR_RATIO, f"{large['derived']['ms_per_page']:.2f} / {small['derived']['ms_per_page']:.2f}"
               f" = {ratio:.2f} (CPU time: {cpu_ratio:.2f})")
        cold = large["derived"]["cold_ms_per_page"]
        target(f"<= {TARGET_MS_PER_PAGE:.0f} ms per page at {large['label']}",
               large["derived"]["ms_per_page"] <= TARGET_MS_PER_PAGE,
               f"{large['derived']['ms_per_page']:.2f} ms/page warm (CPU {large['derived']['cpu_ms_per_page']:.2f}; "
               f"plain MkDocs {large['derived']['plain_ms_per_page']:.2f}; "
               + (f"cold, drawing every share image: {cold:.1f})" if cold else "cold not measured)"))
    rows = sizes + ([demo] if demo else [])
    if rows:
        worst = max(rows, key=lambda r: r["derived"]["index_raw_pct"])
        target(f"search index <= {TARGET_INDEX_PCT:.0f} % of Material's default (raw bytes)",
               all(r["derived"]["index_raw_pct"] <= TARGET_INDEX_PCT for r in rows),
               f"worst {worst['derived']['index_raw_pct']:.1f} % raw ({worst['derived']['index_gz_pct']:.1f} % gzipped) "
               f"at {worst['label']}")
        groups = [g for r in rows for g in r["search"]["groups"].values()]
        lost = sum(g["queries_losing_pages"] for g in groups)
        recall_ok = all(g["ours_recall"] >= g["default_recall"] for g in groups)
        target("... with search still finding the same things (emulated Material query: no true page lost)",
               lost == 0 and recall_ok, f"{lost} queries lost pages Material's default index finds; "
               f"recall ours >= default in every group: {recall_ok}")
    if demo and "home" in demo["client"]:
        home = demo["client"]["home"]
        target(f"demo home page <= {TARGET_HOME_KB:.0f} KB gzipped on first load",
               home["first_load_gz"] <= TARGET_HOME_KB * 1024,
               f"{kb(home['first_load_gz'])} KB (page {kb(home['page_gz'])} + search worker; search index "
               f"{'on first search' if home['gz'].get('search') else 'at start'}, "
               f"{kb(home['with_search_gz'])} KB with it)")
        external = sorted({u for c in demo["client"].values() for u in c["external"]})
        target("no web fonts (nor anything else) from other hosts", not external, ", ".join(external) or "none")
    return found


def profile_report(p: Json) -> str:
    rows = [[c["component"], f"{c['s']:.2f}", f"{c['pct']:.1f}"] for c in p["components"] if c["pct"] >= 0.5]
    inside = [[i["where"], f"{i['s']:.2f}", f"{i['pct']:.1f}"] for i in p["inside_ours"] if i["pct"] >= 0.3]
    hot = [[h["function"][:100], f"{h['s']:.2f}", f"{h['pct']:.1f}"] for h in p["hot_functions"][:15]]
    return (f"Profile of build.py build, {p['entries']} entries, warm .cache/ (pyinstrument, {p['total_s']:.1f} s):\n"
            + table(["component (self time)", "s", "%"], rows)
            + "\n\nInside our modules, by the package doing the work:\n" + table(["our module / package", "s", "%"], inside)
            + "\n\nHottest functions (self time):\n" + table(["function", "s", "%"], hot))


# --- main ---------------------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    return [] if text.strip().lower() in ("", "none", "0") else [int(s) for s in text.split(",")]


def versions() -> Json:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("mkdocs", "mkdocs-material", "jieba", "Jinja2", "Markdown", "pydantic", "PyYAML", "pillow", "segno"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000", help="entry counts, comma-separated ('none': skip)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; medians are reported (default 3)")
    parser.add_argument("--smoke", action="store_true", help="one tiny size (30 entries), 1 run, no cold build: for CI")
    parser.add_argument("--cold-max", type=int, default=5000, metavar="ENTRIES",
                        help="also time one cold build (empty .cache/) up to this size (default 5000; 0: never)")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo site")
    parser.add_argument("--profile", type=int, default=None, metavar="ENTRIES",
                        help="also profile one (warm) build of ENTRIES entries with pyinstrument")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures "
                        "(default bench/out/results.json, bench/out/smoke.json with --smoke)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args(argv)
    sizes, runs = ([30], 1) if args.smoke else (parse_sizes(args.sizes), max(1, args.runs))
    cold_max = 0 if args.smoke else args.cold_max
    json_path = args.json or BENCH / "out" / ("smoke.json" if args.smoke else "results.json")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    work = Path(tempfile.mkdtemp(prefix="publisher-bench-"))
    snapshot = copy_project(work / "snapshot")  # one version of the product for every measurement below
    report: Json = {
        "meta": {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "runs": runs,
                 "sizes": sizes, "python": platform.python_version(), "machine": platform.machine(),
                 "cpus": os.cpu_count(), "load_avg_start": os.getloadavg(), "versions": versions(),
                 "source_date_epoch": EPOCH, "commit": git_commit(), "snapshot_sha256": digest(snapshot),
                 "mix": f"{synth.RANKED_SHARE:.0%} of entries ranked (10 cases + 10 people per edition), "
                        f"the rest ambassadors"},
        "sizes": [], "demo": None, "profile": None,
    }
    try:
        if not args.no_demo:
            log("demo site (the repository's own entries) ...")
            demo = measure_project(copy_project(work / "demo", snapshot), runs, cold_max > 0, log)
            report["demo"] = {"label": "demo", **demo}
        for size in sizes:
            project = copy_project(work / f"size-{size}", snapshot)
            mix = synth.generate(project / "cases", size)
            log(f"{size} entries: {mix}")
            measured = measure_project(project, runs, size <= cold_max, log)
            report["sizes"].append({"label": str(size), "mix": mix, **measured})
        if args.profile:
            report["profile"] = profile(args.profile, snapshot, json_path.parent, work, log)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report["meta"]["load_avg_end"] = os.getloadavg()
    report["targets"] = targets(report["sizes"], report["demo"])
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print_report(report, runs)
    print(f"\nFigures written to {json_path} ({time.perf_counter() - started:.0f} s)")
    return 0


def digest(folder: Path) -> str:
    """A hash of every file of the product snapshot the figures belong to."""
    hasher = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *PROJECT_PARTS], cwd=ROOT, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + (" + uncommitted changes" if dirty else "") if out.returncode == 0 else None


def print_report(report: Json, runs: int) -> None:
    rows = report["sizes"] + ([report["demo"]] if report["demo"] else [])
    if rows:
        loads = [a for r in rows for a in r["samples"]["load_avg"]]
        print(f"\nBuild speed and scale (median of {runs} run{'s' if runs > 1 else ''}; s = wall seconds; "
              f"warm .cache/; load average during runs {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs)\n")
        print(speed_table(rows))
        print("\nOur code inside one build.py build, timed in-process (bench/layer.py; imports excluded): "
              "layer = check before MkDocs + the hook's on_config\n")
        print(share_table(rows))
        print("\nSearch index: ours (refined, UTF-8) vs Material's default for the same pages; "
              "queries emulated (M = Material default)\n")
        print(index_table(rows))
        print("\nClient side: gzipped KB (level 6) a browser downloads for a page\n")
        print(client_table(rows))
    if report["profile"]:
        print("\n" + profile_report(report["profile"]))
    if report["targets"]:
        print("\nTargets\n")
        for t in report["targets"]:
            print(f"  [{'met' if t['met'] else 'NOT met'}] {t['target']}: {t['measured']}")


if __name__ == "__main__":
    sys.exit(main())
