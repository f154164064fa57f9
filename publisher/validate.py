"""Validate raw entries against the schema and against each other → a Catalog.

Per file: the pydantic model of its kind. Across files: unique ranks, at most
ten per ranking, references to cases and districts that exist, media files
that exist. Every problem is collected; nothing stops at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import content_pages, media, schema
from .catalog import Catalog, Edition, Entry
from .load import FORBIDDEN_CHARS, FieldPath, RawEntry, char_name, classify_place, dotted, read_entry, survey
from .problems import ContentError, Problem
from .text import shorten

RANKING_SIZE = 10


# --- one file --------------------------------------------------------------------------------------


def check_entry(raw: RawEntry) -> tuple[BaseModel | None, list[Problem]]:
    model = schema.KINDS[raw.kind]
    try:
        data = model.model_validate(raw.data)
    except ValidationError as error:
        return None, [_problem(raw, model, detail) for detail in error.errors(include_url=False)]
    return data, [_link_problem(raw, at, link) for at, link in _body_links(raw.data) if _bad_link(link)]


def _problem(raw: RawEntry, model: type[BaseModel], detail: dict) -> Problem:
    kind, ctx, value = detail["type"], detail.get("ctx") or {}, detail.get("input")
    loc = _data_path(raw.data, detail["loc"], keep_last=kind == "missing")
    line, column = raw.locate(loc) or (None, None)
    name = dotted(loc)
    shown = _show(value)

    def problem(code: str, **args: object) -> Problem:
        return Problem(raw.path, code, line, column, name, args)

    if kind == "extra_forbidden":
        allowed = list(_fields_at(model, loc[:-1]))
        return problem("unknown_field", suggestion=_did_you_mean(str(loc[-1]), allowed), allowed="、".join(allowed))
    if kind == "missing":
        if line is None:  # missing fields have no line; point at the parent or the top of the file
            line, column = raw.locate(loc[:-1]) or (1, 1)
            return Problem(raw.path, "missing", line, column, name)
        return problem("missing")
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return problem("choice", value=shown, allowed=", ".join(allowed), suggestion=_did_you_mean(shown, allowed))
    if kind in ("greater_than_equal", "less_than_equal"):
        return problem("range", value=shown, low=1, high=RANKING_SIZE)
    if kind in ("string_too_long", "too_long"):  # `too_long` also comes for text in an optional field
        if isinstance(value, str):
            return problem("too_long", length=len(value), limit=ctx.get("max_length"))
        return problem("too_many", length=ctx.get("actual_length"), limit=ctx.get("max_length"))
    if kind.startswith(("date_", "datetime_")):
        return problem("date", value=shown)
    if kind == "string_pattern_mismatch":
        return problem("slug", value=shown)
    if kind in ("link_scheme", "link_malformed", "media_path", "blank", "windows_path"):
        return problem(kind, value=shown)
    if kind == "control_char":
        found = FORBIDDEN_CHARS.search(str(value))
        return problem(kind, char=char_name(found.group()) if found else "")
    expected = _expected_type(kind)
    if expected:
        return problem("type", value=shown, expected=expected, got=_written_as(value))
    return problem("invalid", detail=detail.get("msg", kind))


def _data_path(data: object, loc: tuple, keep_last: bool) -> FieldPath:
    """The part of pydantic's error location that exists in the data (drops union-member labels)."""
    path: list[object] = []
    for index, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif keep_last and index == len(loc) - 1:
            pass
        else:
            continue
        path.append(part)
    return tuple(path)


def _expected_type(kind: str) -> str | None:
    """pydantic's `int_parsing`, `string_type`, `model_type` … → the type the editor should have written."""
    return {"int": "int", "string": "str", "bool": "bool", "list": "list", "model": "dict",
            "dict": "dict"}.get(kind.partition("_")[0]) if "_" in kind else None


def _written_as(value: object) -> str:
    """What YAML made of the editor's value, for "这里要写文字，现在写的是数字“50”"."""
    if value is None:
        return "none"
    for kind, types in (("bool", bool), ("number", (int, float)), ("date", (dt.date,)), ("list", (list, tuple)),
                        ("dict", dict)):
        if isinstance(value, types):
            return kind
    return "text"


def _show(value: object) -> str:
    return shorten(str(value), 40)


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else ""


def _fields_at(model: type[BaseModel], loc: FieldPath) -> list[str]:
    """Field names of the (nested) model at `loc`, for did-you-mean suggestions."""
    current: typing.Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = _inner_model(annotation) or current
    return list(current.model_fields)


def _inner_model(annotation: typing.Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|<((?:[a-z][a-z0-9+.-]*):[^>\s]+)>|href\s*=\s*[\"']?([^\"'\s>]+)"
                      r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^>\s]+)", re.I | re.M)  # the last: `[x]: url` definitions
_BARE_DOMAIN = re.compile(r"^(?:www\.|[\w-]+\.)+(?:com|cn|net|org|gov|edu|info|io)(?:[/:?#]|$)", re.I)


def _body_links(data: dict) -> list[tuple[FieldPath, str]]:
    """Link targets written in Markdown fields, so unsafe ones are rejected with a message."""
    found = []
    english = data.get("en") if isinstance(data.get("en"), dict) else {}
    for at, text in [((name,), data.get(name)) for name in ("body", "intro")] + \
                    [(("en", name), english.get(name)) for name in ("body", "intro")]:
        if isinstance(text, str):
            found += [(at, next(g for g in m.groups() if g)) for m in _MD_LINK.finditer(text)]
    return found


def _bad_link(link: str) -> bool:
    if link.startswith("#") or not re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I):
        return bool(_BARE_DOMAIN.match(link))  # `(www.qingdao.gov.cn)` would be a page of this site
    return not link.lower().startswith(("http://", "https://", "mailto:"))


def _link_problem(raw: RawEntry, at: FieldPath, link: str) -> Problem:
    code = "link_scheme" if re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I) else "link_no_scheme"
    return _at(raw, at, code, value=_show(link))


def _at(raw: RawEntry, at: FieldPath, code: str, **args: object) -> Problem:
    """A problem with the field at `at` of `raw`, on that field's line."""
    line, column = raw.locate(at) or (None, None)
    return Problem(raw.path, code, line, column, dotted(at), args)


# --- across files ------------------------------------------------------------------------------------


def read_and_check(path: Path, cases_dir: Path) -> tuple[RawEntry | None, BaseModel | None, list[Problem]]:
    """One file on its own: read it and check it against its kind's schema."""
    raw, problems = read_entry(path, cases_dir)
    if raw is None:
        return None, None, problems
    data, found = check_entry(raw)
    return raw, data, problems + found


def build_catalog(cases_dir: Path) -> Catalog:
    """Read and validate every entry under `cases_dir`; raise ContentError listing every problem."""
    entries: list[tuple[RawEntry, BaseModel]] = []
    paths, problems = survey(cases_dir)
    places = [path.relative_to(cases_dir).parts for path in paths]
    for path in paths:
        raw, data, found = read_and_check(path, cases_dir)
        problems += found
        if raw is not None and data is not None:
            entries.append((raw, data))

    sites = [data for raw, data in entries if raw.kind == "site"]
    if not any(place == ("site.yaml",) for place in places):  # one that is there but wrong is reported already
        problems.append(Problem(cases_dir / "site.yaml", "no_site"))
    site = sites[0] if sites else None
    problems += _check_ranks(entries)
    problems += _check_collisions(paths, places, entries)
    problems += _check_references(entries, site, _case_files(places))
    media, missing = _check_media(entries, cases_dir)
    problems += missing
    problems += content_pages.check_pages(cases_dir.parent / "content")  # hand-written pages beside cases/
    if problems or site is None:
        raise ContentError(problems)
    return _assemble(entries, site, media)


def _rankings(entries: list[tuple[RawEntry, BaseModel]]) -> dict[tuple[int, str], list[tuple[RawEntry, BaseModel]]]:
    """Cases and people by (year, kind), in file order."""
    found: dict[tuple[int, str], list[tuple[RawEntry, BaseModel]]] = defaultdict(list)
    for raw, data in entries:
        if raw.kind in ("case", "person"):
            found[(raw.year, raw.kind)].append((raw, data))
    return found


def _check_ranks(entries: list[tuple[RawEntry, BaseModel]]) -> list[Problem]:
    problems = []
    for (year, kind), members in sorted(_rankings(entries).items()):
        if len(members) > RANKING_SIZE:
            folder = members[0][0].path.parent
            problems.append(Problem(folder, "ranking_full", args={
                "year": year, "ranking": "十大" + schema.KIND_TITLES[kind], "count": len(members)}))
        by_rank: dict[int, list[RawEntry]] = defaultdict(list)
        for raw, data in members:
            by_rank[data.rank].append(raw)
        for rank, holders in sorted(by_rank.items()):
            for raw in holders if len(holders) > 1 else ():
                others = "、".join(other.path.name for other in holders if other is not raw)
                problems.append(_at(raw, ("rank",), "rank_taken", value=rank, other=others))
    return problems


def _case_files(places: list[tuple[str, ...]]) -> dict[int, list[str]]:
    """Slugs of case files per year, valid or not: a broken case is reported once, not again by its references."""
    found: dict[int, list[str]] = defaultdict(list)
    for place in places:
        kind_year = classify_place(place)
        if kind_year and kind_year[0] == "case":
            found[kind_year[1]].append(Path(place[-1]).stem)
    return found


def _check_references(entries: list[tuple[RawEntry, BaseModel]], site: schema.Site | None,
                      case_slugs: dict[int, list[str]]) -> list[Problem]:
    problems = []
    districts = [d.name for d in site.districts] if site else []
    for raw, data in entries:
        if raw.kind == "person":
            for index, slug in enumerate(data.cases):
                if slug not in case_slugs[raw.year]:
                    problems.append(_at(raw, ("cases", index), "unknown_case", value=slug, year=raw.year,
                                        suggestion=_did_you_mean(slug, case_slugs[raw.year])))
        district = getattr(data, "district", None)
        if district and site is not None and district not in districts:
            problems.append(_at(raw, ("district",), "unknown_district", value=district, allowed="、".join(districts),
                                suggestion=_did_you_mean(district, districts)))
        video = getattr(data, "video", None)
        if video is not None and (video.file is None) == (video.url is None):
            problems.append(_at(raw, ("video",), "video_source"))
    return problems


def media_fields(data: BaseModel) -> list[tuple[FieldPath, str]]:
    """Every media path an entry refers to, with the field it is in."""
    found = [((name,), getattr(data, name)) for name in ("image", "photo") if getattr(data, name, None)]
    for name, parts in (("audio", ("file",)), ("video", ("file", "poster"))):
        block = getattr(data, name, None)
        for part in parts if block is not None else ():
            if getattr(block, part):
                found.append(((name, part), getattr(block, part)))
    return found


def _check_media(entries: list[tuple[RawEntry, BaseModel]], cases_dir: Path) -> tuple[tuple[str, ...], list[Problem]]:
    used, problems = set(), []
    for raw, data in entries:
        for at, rel in media_fields(data):
            fault = media.check(cases_dir, rel, at)
            if fault is None:
                used.add(rel)
            else:
                problems.append(_at(raw, at, fault.code, **fault.args))
    return tuple(sorted(used)), problems


# File names an entry must not have: the page of the folder it is in is generated under that name.
_GENERATED_SLUGS = {"index"}


def _check_collisions(paths: list[Path], places: list[tuple[str, ...]],
                      entries: list[tuple[RawEntry, BaseModel]]) -> list[Problem]:
    """Two files that would become one page, a file that would replace a generated page, and two
    districts with one address: found here, naming both, not later by MkDocs naming neither."""
    problems = []
    by_url: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    for path, place in zip(paths, places):
        if classify_place(place) not in (None, ("site", None)):
            by_url[place[:-1] + (Path(place[-1]).stem,)].append(path)
    for url, holders in sorted(by_url.items()):
        if url[-1] in _GENERATED_SLUGS:
            problems += [Problem(path, "name_reserved", args={"value": path.name, "folder": "/".join(url[:-1]) + "/"})
                         for path in holders]
            continue
        for path in holders if len(holders) > 1 else ():
            others = "、".join(other.name for other in holders if other != path)
            problems.append(Problem(path, "name_taken", args={"value": path.name, "other": others}))
    for raw, data in entries:
        if raw.kind == "site":
            problems += _district_collisions(raw, data)
    return problems


def _district_collisions(raw: RawEntry, site: schema.Site) -> list[Problem]:
    problems = []
    first: dict[tuple[str, str], int] = {}
    for index, district in enumerate(site.districts):
        for part in ("slug", "name"):
            value = getattr(district, part)
            if (part, value) in first:
                problems.append(_at(raw, ("districts", index, part), "district_taken", value=value,
                                    other=f"districts[{first[(part, value)]}]"))
            else:
                first[(part, value)] = index
    return problems


def _assemble(entries: list[tuple[RawEntry, BaseModel]], site: schema.Site, media: tuple[str, ...]) -> Catalog:
    def entry(raw: RawEntry, data: BaseModel) -> Entry:
        return Entry(raw.kind, raw.slug, raw.year, raw.path, data)

    rankings = _rankings(entries)

    def ranking(year: int, kind: str) -> tuple[Entry, ...]:
        return tuple(sorted((entry(*member) for member in rankings[(year, kind)]), key=lambda e: e.data.rank))

    years = sorted({year for year, _ in rankings}, reverse=True)
    editions = [Edition(year, ranking(year, "case"), ranking(year, "person")) for year in years]
    ambassadors = sorted((entry(r, d) for r, d in entries if r.kind == "ambassador"),
                         key=lambda e: (e.data.joined, e.slug))
    return Catalog(site, tuple(editions), tuple(ambassadors), media)
