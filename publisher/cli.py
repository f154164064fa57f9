"""The commands editors and CI run: check, build, serve, new (see build.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import cms, pipeline, schema
from .problems import ContentError
from .export import write_derived
from .scaffold import scaffold

KIND_LABELS = {"case": "案例", "person": "人物", "ambassador": "大使"}


def _say(lang: str, zh: str, en: str) -> None:
    print(zh if lang == "zh" else en)


def check(root: Path, lang: str, render: bool = True) -> int:
    """Validate every entry (and, unless `render` is off, render every page in memory); print every problem.

    `build` validates without rendering: the MkDocs hook renders once, with the site's URL,
    and reports template errors itself.
    """
    try:
        catalog = pipeline.run(root).catalog if render else pipeline.load(root)
    except ContentError as error:
        print(error.report(lang, root), file=sys.stderr)
        return 1
    except pipeline.TemplateFailure as error:
        print(error, file=sys.stderr)
        return 1
    cases = sum(len(e.cases) for e in catalog.editions)
    people = sum(len(e.people) for e in catalog.editions)
    years = "、".join(str(e.year) for e in catalog.editions) or "—"
    _say(lang, f"检查通过：{cases} 个案例、{people} 位人物、{len(catalog.ambassadors)} 位大使（年度：{years}）。",
         f"All good: {cases} cases, {people} people, {len(catalog.ambassadors)} ambassadors (editions: {years}).")
    return 0


def _reproducible_date(root: Path) -> None:
    """Pin MkDocs' build date (sitemap, gzip headers) to the last commit, so equal input gives equal output."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return
    try:
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        stamp = ""
    os.environ["SOURCE_DATE_EPOCH"] = stamp if stamp.isdigit() else "0"


def _mkdocs_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING)


def build(root: Path, lang: str, site_dir: Path, site_url: str | None = None) -> int:
    """Check, build into a fresh folder beside `site_dir`, then swap it in: a failed build leaves the old site."""
    if check(root, lang, render=False) != 0:
        _say(lang, "网站没有更新（site/ 保持原样）。", "The site was not updated (site/ is unchanged).")
        return 1
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _reproducible_date(root)
    _mkdocs_logging()
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in site_dir.parent.glob(f".{site_dir.name}-[no][el][wd]-*"):  # left by a killed build
        shutil.rmtree(stale, ignore_errors=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
    try:
        overrides = {"site_url": site_url} if site_url else {}
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(fresh), strict=True, **overrides)
        mkdocs_build(config)
    except (Abort, ConfigurationError, Exception) as error:  # noqa: BLE001 — any failure leaves site/ untouched
        shutil.rmtree(fresh, ignore_errors=True)
        if os.environ.get("PUBLISHER_DEBUG"):
            raise
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        _say(lang, "构建失败，网站没有更新（site/ 保持原样）。", "Build failed; site/ is unchanged.")
        return 1
    except BaseException:  # interrupted: clean up, keep the old site
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    _swap(fresh, site_dir)
    _say(lang, f"网站已生成：{site_dir}", f"Site built: {site_dir}")
    return 0


def _swap(fresh: Path, site_dir: Path) -> None:
    old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
    fresh.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    if site_dir.exists():
        site_dir.rename(old)
    fresh.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def links(lang: str, site_dir: Path, site_url: str | None) -> int:
    """Check every internal link, asset and anchor of a built site; exit 1 on any problem."""
    from .linkcheck import check_site

    if not (site_dir / "index.html").is_file():
        _say(lang, f"{site_dir} 里没有网站，请先运行 python build.py build", f"No site in {site_dir}: run build first.")
        return 1
    problems = check_site(site_dir, site_url)
    for problem in problems:
        print(problem, file=sys.stderr)
    pages = sum(1 for _ in site_dir.rglob("*.html"))
    if problems:
        _say(lang, f"发现 {len(problems)} 个链接问题（{pages} 个页面）。", f"{len(problems)} link problems in {pages} pages.")
        return 1
    _say(lang, f"链接检查通过：{pages} 个页面的链接、图片和锚点都有效，没有从其他网站加载的内容。",
         f"Links OK: every link, asset and anchor in {pages} pages resolves; nothing loads from another host.")
    return 0


def serve(root: Path, lang: str, dev_addr: str) -> int:
    if check(root, lang) != 0:
        _say(lang, "请先修正上面的问题；预览会在文件保存后自动刷新。", "Fix the problems above first.")
        return 1
    from mkdocs.commands.serve import serve as mkdocs_serve

    _mkdocs_logging()
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    _say(lang, f"预览地址：http://{dev_addr}/ （修改条目、模板或页面后自动刷新；Ctrl+C 停止）",
         f"Preview at http://{dev_addr}/ (rebuilds on change; Ctrl+C stops)")
    mkdocs_serve(str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)
    return 0


def new(root: Path, lang: str, kind: str, slug: str | None, year: int | None) -> int:
    cases_dir = root / pipeline.CASES_DIR
    values: dict[str, object] = {}
    if kind == "ambassador":
        folder = cases_dir / "ambassadors"
        values["joined"] = dt.date.today()
    else:
        years = sorted(int(p.name) for p in cases_dir.glob("[12][09][0-9][0-9]") if p.is_dir())
        year = year or (years[-1] if years else dt.date.today().year)
        folder = cases_dir / str(year) / schema.KIND_FOLDERS[kind]
        taken = _ranks_taken(folder)
        free = [rank for rank in range(1, 11) if rank not in taken]
        if not free:
            _say(lang, f"{year} 年的十大{schema.KIND_TITLES[kind]}已满 10 个。", f"The {year} ranking already has 10 entries.")
            return 1
        values["rank"] = free[0]
    slug = slug or f"new-{kind}"
    path = folder / f"{slug}.yaml"
    number = 2
    while path.exists():
        path, number = folder / f"{slug}-{number}.yaml", number + 1
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold(kind, path, root, values), encoding="utf-8")
    shown = path.relative_to(root).as_posix()
    _say(lang, f"已新建 {shown}\n下一步：编辑这个文件（文件名就是网址，可改为英文短名），然后运行 python build.py check",
         f"Created {shown}\nNext: edit it (the file name is the URL), then run python build.py check")
    return 0


def _ranks_taken(folder: Path) -> set[int]:
    taken = set()
    for path in folder.glob("*.yaml"):
        match = re.search(r"^rank:\s*(\d+)", path.read_text(encoding="utf-8", errors="replace"), re.M)
        if match:
            taken.add(int(match.group(1)))
    return taken


def main(root: Path, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python build.py", description="营商创新榜单网站：检查、生成、预览、新建条目")
    parser.add_argument("--lang", choices=["zh", "en"], default=None, help="消息语言 / message language (default zh)")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="检查全部条目 / validate every entry")
    check_cmd.add_argument("--fix", action="store_true",
                           help="先补回表单编辑器保存时去掉的首行 schema 注释 / first restore what the form editor drops")
    build_cmd = commands.add_parser("build", help="检查并生成网站到 site/ / check, then build site/")
    build_cmd.add_argument("--site-dir", type=Path, default=root / "site")
    build_cmd.add_argument("--site-url", default=None, help="网站地址，如 https://example.org/campaign/")
    serve_cmd = commands.add_parser("serve", help="本地预览 / live preview")
    serve_cmd.add_argument("--dev-addr", default="127.0.0.1:8000")
    new_cmd = commands.add_parser("new", help="新建条目 / new entry file")
    new_cmd.add_argument("kind", choices=list(KIND_LABELS))
    new_cmd.add_argument("slug", nargs="?", help="英文短名（文件名、网址）")
    new_cmd.add_argument("--year", type=int, default=None, help="年度（案例和人物）")
    commands.add_parser("schemas", help="由 schema 重新生成 schemas/*.json 与 docs/fields.md / regenerate schema files")
    links_cmd = commands.add_parser("links", help="检查生成的网站中的链接、图片和锚点 / check links, assets, anchors")
    links_cmd.add_argument("site_dir", nargs="?", type=Path, default=root / "site")
    links_cmd.add_argument("--site-url", default=None, help="网站地址（默认取自 site/robots.txt）/ default: from robots.txt")
    args = parser.parse_args(argv)

    previous = os.environ.get("PUBLISHER_LANG")
    if args.lang:
        os.environ["PUBLISHER_LANG"] = args.lang  # the MkDocs hook reports in this language too
    lang = pipeline.language()
    try:
        if args.command == "check":
            if args.fix:  # --- form editor (issue 15): publisher/cms.py restores what the CMS drops ---
                for fixed in cms.normalise_tree(root):
                    print(f"{fixed.relative_to(root).as_posix()}: " + ("已补回首行注释" if lang == "zh" else "schema line restored"))
            return check(root, lang)
        if args.command == "build":
            return build(root, lang, args.site_dir, args.site_url)
        if args.command == "serve":
            return serve(root, lang, args.dev_addr)
        if args.command == "links":
            return links(lang, args.site_dir, args.site_url)
        if args.command == "schemas":
            for relative in write_derived(root) or ["（没有变化 / unchanged）"]:
                print(relative)
            return 0
        return new(root, lang, args.kind, args.slug, args.year)
    except KeyboardInterrupt:
        return 130
    finally:
        if previous is None:
            os.environ.pop("PUBLISHER_LANG", None)
        else:
            os.environ["PUBLISHER_LANG"] = previous
