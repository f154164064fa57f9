"""Text left exactly as `build.py new` wrote it: a warning in `check`, an error in `build --strict`.

The scaffold fills fields with the schema's examples (publisher/scaffold.py); those examples read
as filler ("张三", "××日报", "一句话说清……"), so a value still equal to its field's example is a
placeholder nobody replaced. Values chosen from a list (a category, a district, a case) are
real choices, never placeholders.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from .catalog import Catalog
from .load import FieldPath, dotted, read_entry
from .problems import Problem
from .text import shorten
from .scaffold import _nested, _strip_optional

CHOSEN_FROM_LISTS = frozenset({"district", "cases"})  # checked against site.yaml / the year's cases


def _free_text_example(name: str, info: typing.Any) -> object | None:
    """The example of a field an editor writes freely, or None for choices, numbers and dates."""
    if not info.examples or name in CHOSEN_FROM_LISTS:
        return None
    annotation = _strip_optional(info.annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return None
    example = info.examples[0]
    if isinstance(example, str) or (isinstance(example, list) and all(isinstance(v, str) for v in example)):
        return example
    return None


def untouched_fields(data: BaseModel, at: FieldPath = ()) -> Iterator[tuple[FieldPath, object]]:
    """Every field of `data` (nested parts included) still holding its example text, with its path."""
    for name, info in type(data).model_fields.items():
        value = getattr(data, name)
        if value is None:
            continue
        if _nested(info.annotation) is not None:
            parts = value if isinstance(value, (list, tuple)) else [value]
            for index, part in enumerate(parts):
                where = (*at, name, index) if isinstance(value, (list, tuple)) else (*at, name)
                yield from untouched_fields(part, where)
            continue
        example = _free_text_example(name, info)
        if example is not None and _same(value, example):
            yield (*at, name), value


def _same(value: object, example: object) -> bool:
    if isinstance(value, (list, tuple)):
        return list(value) == example
    return isinstance(value, str) and value.strip() == str(example).strip()


def find(catalog: Catalog, cases_dir: Path, strict: bool = False) -> list[Problem]:
    """A problem for every placeholder in the catalog; files are read again only when one has any."""
    problems = []
    for entry in catalog.entries:
        found = list(untouched_fields(entry.data))
        if not found:
            continue
        raw, _ = read_entry(entry.source, cases_dir)  # for line numbers; the catalog does not keep them
        for at, value in found:
            line, column = (raw.locate(at) if raw else None) or (None, None)
            shown = str(value).splitlines()[0] if isinstance(value, str) else "、".join(map(str, value))
            problems.append(Problem(entry.source, "placeholder", line, column, dotted(at),
                                    {"value": shorten(shown, 30)}, warning=not strict))
    return problems


def report(catalog: Catalog, root: Path, lang: str, blocking: bool = False) -> bool:
    """Print every placeholder; True when `blocking` (`build --strict`) and there is any."""
    problems = find(catalog, root / "cases", blocking)
    if not problems:
        return False
    for problem in problems:
        print(problem.format(lang, root), file=sys.stderr)
    files = len({p.path for p in problems})
    if blocking:
        zh = f"\n共 {len(problems)} 处模板示例文字没有改（{files} 个文件），正式发布前必须改掉。"
        en = f"\n{len(problems)} placeholder(s) left from the template in {files} file(s): replace them before publishing."
    else:
        zh = f"\n提醒：{len(problems)} 处还是模板里的示例文字（{files} 个文件）。预览可以照常进行，正式发布时会被当作错误。\n"
        en = f"\nWarning: {len(problems)} placeholder(s) left from the template in {files} file(s); publishing (build --strict) refuses them.\n"
    print(zh if lang == "zh" else en, file=sys.stderr)
    return blocking
