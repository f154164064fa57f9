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

from . import pipeline, placeholders, schema
from .problems import ContentError
from .export import write_derived
from .scaffold import scaffold
from .arguments import EditorArgumentParser, language_of
from .launch import build_command, open_when_up

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
    if placeholders.report(catalog, root, lang):  # editor: untouched template text warns; stops build --strict
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
    if slug is not None and not re.fullmatch(schema.SLUG_PATTERN, slug):
        _say(lang, f"“{slug}”不能用作文件名和网址：只用小写英文字母、数字和连字符，如 yi-wang-tong-ban。",
             f"'{slug}' cannot be a file name and URL: use lowercase letters, digits and hyphens, e.g. one-window.")
        return 2
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
            next_edition = build_command(f"new {kind} --year {year + 1}")
            _say(lang, f"{year} 年的十大{schema.KIND_TITLES[kind]}已满 10 个。要开始新的一届，运行 {next_edition}",
                 f"The {year} ranking already has 10 entries. To start the next edition: {next_edition}")
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
    check_command = build_command("check")
    _say(lang, f"已新建 {shown}\n下一步：编辑这个文件（文件名就是网址，可改为英文短名），然后运行 {check_command}",
         f"Created {shown}\nNext: edit it (the file name is the URL), then run {check_command}")
    return 0


def _ranks_taken(folder: Path) -> set[int]:
    taken = set()
    for path in folder.glob("*.yaml"):
        match = re.search(r"^rank:\s*(\d+)", path.read_text(encoding="utf-8", errors="replace"), re.M)
        if match:
            taken.add(int(match.group(1)))
    return taken


def _parser(root: Path, lang: str) -> EditorArgumentParser:
    parser = EditorArgumentParser(prog=build_command(), description="营商创新榜单网站：检查、生成、预览、新建条目", lang=lang)
    parser.add_argument("--lang", choices=["zh", "en"], default=None, help="消息语言 / message language (default zh)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="检查全部条目 / validate every entry")
    build_cmd = commands.add_parser("build", help="检查并生成网站到 site/ / check, then build site/")
    build_cmd.add_argument("--site-dir", type=Path, default=root / "site")
    build_cmd.add_argument("--site-url", default=None, help="网站地址，如 https://example.org/campaign/")
    build_cmd.add_argument("--strict", action="store_true",
                           help="把提醒（如没改过的模板示例文字）也当作错误 / treat warnings as errors")
    serve_cmd = commands.add_parser("serve", help="本地预览 / live preview")
    serve_cmd.add_argument("--dev-addr", default="127.0.0.1:8000")
    serve_cmd.add_argument("--open", action="store_true", help="预览准备好后自动打开浏览器 / open the browser when ready")
    new_cmd = commands.add_parser("new", help="新建条目 / new entry file")
    new_cmd.add_argument("kind", choices=list(KIND_LABELS), help="case 案例、person 人物、ambassador 大使")
    new_cmd.add_argument("slug", nargs="?", help="英文短名（文件名、网址）")
    new_cmd.add_argument("--year", type=edition_year, default=None, help="年度（案例和人物），如 2023；不写则放进最新一届")
    commands.add_parser("schemas", help="由 schema 重新生成 schemas/*.json 与 docs/fields.md / regenerate schema files")
    links_cmd = commands.add_parser("links", help="检查生成的网站中的链接、图片和锚点 / check links, assets, anchors")
    links_cmd.add_argument("site_dir", nargs="?", type=Path, default=root / "site")
    links_cmd.add_argument("--site-url", default=None, help="网站地址（默认取自 site/robots.txt）/ default: from robots.txt")
    return parser


def edition_year(text: str) -> int | None:
    """`--year`: four digits, or nothing (VS Code's task passes an empty answer as "")."""
    if not text.strip():
        return None
    if not re.fullmatch(r"(19|20)\d\d", text.strip()):
        raise argparse.ArgumentTypeError(f"年份要写四位数字，如 2023，不能是“{text}”")
    return int(text)


def parse_arguments(root: Path, argv: list[str] | None) -> argparse.Namespace:
    """The command line, with `new`'s slug accepted before or after `--year`.

    argparse reads `new case --year 2023 my-slug` as `kind` alone and leaves the slug over;
    a single word left over after `new` is the slug.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(root, language_of(argv, pipeline.language()))
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "new" and args.slug is None and len(extra) == 1 and not extra[0].startswith("-"):
        args.slug, extra = extra[0], []
    if getattr(args, "slug", None) is not None:
        args.slug = args.slug.strip() or None  # an empty answer in VS Code's prompt: the default name
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(root: Path, argv: list[str] | None = None) -> int:
    args = parse_arguments(root, argv)

    previous = os.environ.get("PUBLISHER_LANG")
    if args.lang:
        os.environ["PUBLISHER_LANG"] = args.lang  # the MkDocs hook reports in this language too
    if getattr(args, "strict", False):
        os.environ[placeholders.STRICT_VARIABLE] = "1"  # placeholders are errors for this command only
    lang = pipeline.language()
    try:
        if args.command == "check":
            return check(root, lang)
        if args.command == "build":
            return build(root, lang, args.site_dir, args.site_url)
        if args.command == "serve":
            if args.open:
                open_when_up(args.dev_addr)  # opens the browser once serve answers (publisher/launch.py)
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
        os.environ.pop(placeholders.STRICT_VARIABLE, None)
        if previous is None:
            os.environ.pop("PUBLISHER_LANG", None)
        else:
            os.environ["PUBLISHER_LANG"] = previous
