"""The commands editors and CI run: check, build, serve, new, links, schemas (see build.py).

`build` is the whole path to a published site: check the entries, then, holding the build lock,
let MkDocs build a fresh folder (mkdocs_hook.build_site → pipeline.prepare) and swap it in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import re
import shutil
import socket
import sys
import urllib.parse
from pathlib import Path

from . import cms, linkcheck, pipeline, placeholders, schema, sitedir, translations
from .arguments import EditorArgumentParser, language_of
from .export import write_derived
from .launch import build_command
from .problems import ContentError
from .scaffold import scaffold

def _say(lang: str, zh: str, en: str) -> None:
    print(zh if lang == "zh" else en)


def check(root: Path, lang: str, strict_en: bool = False) -> int:
    """Validate every entry and render every page in memory; print every problem."""
    try:
        catalog = pipeline.prepare(root).catalog
    except ContentError as error:
        print(error.report(lang, root), file=sys.stderr)
        return 1
    except pipeline.TemplateFailure as error:
        print(error, file=sys.stderr)
        return 1
    placeholders.report(catalog, root, lang)  # template text left unchanged is a warning here
    if translations.report(catalog, root, lang, strict_en) != 0:  # English coverage; --strict-en: an error
        return 1
    cases = sum(len(e.cases) for e in catalog.editions)
    people = sum(len(e.people) for e in catalog.editions)
    years = "、".join(str(e.year) for e in catalog.editions) or "—"
    _say(lang, f"检查通过：{cases} 个案例、{people} 位人物、{len(catalog.ambassadors)} 位大使（年度：{years}）。",
         f"All good: {cases} cases, {people} people, {len(catalog.ambassadors)} ambassadors (editions: {years}).")
    return 0


def build(root: Path, lang: str, site_dir: Path, site_url: str | None = None, strict: bool = False) -> int:
    """Check, build into a fresh folder beside `site_dir`, then swap it in: a failed build leaves the old site."""
    from .mkdocs_hook import BuildFailed, build_site

    unchanged = ("网站没有更新（site/ 保持原样）。", "The site was not updated (site/ is unchanged).")
    site_dir = site_dir.resolve()
    with sitedir.locked(site_dir, on_wait=lambda: _say(lang, "另一个构建正在进行，等它结束……",
                                                       "Another build is running; waiting for it …")):
        sitedir.repair(site_dir)
        try:
            catalog = pipeline.load(root)  # the entries' problems, in the editor's language, before MkDocs starts
        except ContentError as error:
            print(error.report(lang, root), file=sys.stderr)
            _say(lang, *unchanged)
            return 1
        if placeholders.report(catalog, root, lang, strict):  # editor: template text left in stops build --strict
            _say(lang, *unchanged)
            return 1
        fresh = sitedir.fresh_folder(site_dir)
        try:
            build_site(root, fresh, site_url, catalog)
        except BaseException as error:  # noqa: BLE001 — whatever stops the build, the old site stays
            shutil.rmtree(fresh, ignore_errors=True)
            if not isinstance(error, Exception) or os.environ.get("PUBLISHER_DEBUG"):
                raise
            print(error if isinstance(error, BuildFailed) else f"{type(error).__name__}: {error}", file=sys.stderr)
            _say(lang, "构建失败，" + unchanged[0], "Build failed. " + unchanged[1])
            return 1
        sitedir.swap_in(fresh, site_dir)
    _say(lang, f"网站已生成：{site_dir}", f"Site built: {site_dir}")
    _warn_if_example_address(lang, site_url or linkcheck.site_url_of(site_dir) or "")
    return 0


EXAMPLE_HOSTS = {"example.org", "example.com", "www.example.org", "www.example.com"}


def _warn_if_example_address(lang: str, address: str) -> None:
    """QR codes, share links and images carry the site's address: built with the example one, they would
    send every reader who scans them to example.org."""
    if urllib.parse.urlsplit(address).hostname in EXAMPLE_HOSTS:
        command = build_command("build") + " --site-url https://你的网址/"
        _say(lang, f"提醒：网站地址还是示例 {address}，二维码和分享链接都会指向它。正式发布前请用 {command} 写上真实网址"
                   "（或改 mkdocs.yml 的 site_url）。",
             f"Note: the site address is still the example {address}; QR codes and share links point there. "
             f"Before publishing, build with --site-url and the real address (or set site_url in mkdocs.yml).")


def links(lang: str, site_dir: Path, site_url: str | None) -> int:
    """Check every internal link, asset and anchor of a built site; exit 1 on any problem."""
    from .linkcheck import check_site

    if not (site_dir / "index.html").is_file():
        _say(lang, f"{site_dir} 里没有网站，请先运行 {build_command('build')}", f"No site in {site_dir}: run build first.")
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


def serve(root: Path, lang: str, dev_addr: str | None, open_browser: bool = False) -> int:
    """The live preview. Problems in the entries show in the browser (publisher/preview.py), never as a hang."""
    from .mkdocs_hook import serve_site
    from .preview import problem_page

    host, _, port_text = (dev_addr or DEV_ADDR).rpartition(":")
    port = int(port_text) if port_text.isdigit() else 8000
    if dev_addr is None and not _port_free(host, port):  # the default port is taken: take the next free one
        taken, port = port, _next_free_port(host, port)
        _say(lang, f"端口 {taken} 已被占用（也许另一个预览还开着），改用端口 {port}。",
             f"Port {taken} is in use (another preview?); using port {port}.")
    _say(lang, f"预览地址：http://{host}:{port}/ （修改条目、模板或页面后自动刷新；有问题时浏览器里会列出来；Ctrl+C 停止）",
         f"Preview at http://{host}:{port}/ (rebuilds on every save; problems show in the browser; Ctrl+C stops)")

    def shown(error: Exception) -> str:
        if isinstance(error, ContentError):  # in the terminal window too, which the editor may be looking at
            print(error.report(lang, root), file=sys.stderr)
            _say(lang, "改好并保存后，预览会自动恢复。", "Fix and save: the preview comes back by itself.")
        return problem_page(error, root, lang)

    try:
        serve_site(root, host, port, open_browser, shown)
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, 10048):  # 10048: Windows' WSAEADDRINUSE
            raise
        _say(lang, f"端口 {port} 已被占用（也许另一个预览还开着）。请关掉它，或改用空闲的端口："
                   f"{build_command('serve')} --dev-addr {host}:{_next_free_port(host, port)}",
             f"Port {port} is in use. Close the other preview, or run: "
             f"{build_command('serve')} --dev-addr {host}:{_next_free_port(host, port)}")
        return 1
    return 0


DEV_ADDR = "127.0.0.1:8000"


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _next_free_port(host: str, port: int) -> int:
    return next((p for p in range(port + 1, port + 100) if _port_free(host, p)), 0)


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
        years = cms.edition_years(root)  # newest first
        year = year or (years[0] if years else dt.date.today().year)
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
    while os.path.lexists(path):  # a folder or a (dangling) link by that name is taken too: never write through it
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
        if path.is_symlink() or not path.is_file():  # a folder named like an entry, a link: not an entry
            continue
        match = re.search(r"^rank:\s*(\d+)", path.read_text(encoding="utf-8", errors="replace"), re.M)
        if match:
            taken.add(int(match.group(1)))
    return taken


def _parser(root: Path, lang: str) -> EditorArgumentParser:
    parser = EditorArgumentParser(prog=build_command(), description="营商创新榜单网站：检查、生成、预览、新建条目", lang=lang)
    parser.add_argument("--lang", choices=["zh", "en"], default=None, help="消息语言 / message language (default zh)")
    # `check --lang en` works too (the docs write it so): after a command, a value given overrides, none leaves it
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="消息语言 / message language")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", parents=[language], help="检查全部条目 / validate every entry")
    check_cmd.add_argument("--strict-en", action="store_true", help="缺少英文也算错误 / missing English is an error")
    check_cmd.add_argument("--fix", action="store_true",
                           help="先补回表单编辑器保存时去掉的首行 schema 注释 / first restore what the form editor drops")
    build_cmd = commands.add_parser("build", parents=[language], help="检查并生成网站到 site/ / check, then build site/")
    build_cmd.add_argument("--site-dir", type=Path, default=root / "site")
    build_cmd.add_argument("--site-url", default=None, help="网站地址，如 https://example.org/campaign/")
    build_cmd.add_argument("--strict", action="store_true",
                           help="把提醒（如没改过的模板示例文字）也当作错误 / treat warnings as errors")
    serve_cmd = commands.add_parser("serve", parents=[language], help="本地预览 / live preview")
    serve_cmd.add_argument("--dev-addr", default=None, help=f"地址与端口，默认 {DEV_ADDR}")
    serve_cmd.add_argument("--open", action="store_true", help="打开浏览器 / open the browser")
    new_cmd = commands.add_parser("new", parents=[language], help="新建条目 / new entry file")
    new_cmd.add_argument("kind", choices=["case", "person", "ambassador"], help="case 案例、person 人物、ambassador 大使")
    new_cmd.add_argument("slug", nargs="?", help="英文短名（文件名、网址）")
    new_cmd.add_argument("--year", type=edition_year, default=None, help="年度（案例和人物），如 2023；不写则放进最新一届")
    commands.add_parser("schemas", parents=[language], help="由 schema 重新生成 schemas/*.json 与 docs/fields.md / regenerate schema files")
    links_cmd = commands.add_parser("links", parents=[language], help="检查生成的网站中的链接、图片和锚点 / check links, assets, anchors")
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
    parser = _parser(root, language_of(argv, "zh"))
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

    lang = args.lang or "zh"
    try:
        if args.command == "check":
            if args.fix:  # the form editor's files: publisher/cms.py restores what the CMS drops
                for fixed in cms.normalise_tree(root):
                    print(f"{fixed.relative_to(root).as_posix()}: " + ("已补回首行注释" if lang == "zh" else "schema line restored"))
            return check(root, lang, strict_en=args.strict_en)
        if args.command == "build":
            return build(root, lang, args.site_dir, args.site_url, args.strict)
        if args.command == "serve":
            return serve(root, lang, args.dev_addr, args.open)
        if args.command == "links":
            return links(lang, args.site_dir, args.site_url)
        if args.command == "schemas":
            for relative in write_derived(root) or ["（没有变化 / unchanged）"]:
                print(relative)
            return 0
        return new(root, lang, args.kind, args.slug, args.year)
    except KeyboardInterrupt:
        return 130
