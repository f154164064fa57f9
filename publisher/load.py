"""Read entry files: bytes → text → YAML → plain data with line numbers.

YAML is loaded safely and within limits: no tags that construct objects, no
aliases (so no expansion bombs), a size cap, bounded nesting. Mistakes editors
make often (tabs, full-width punctuation, GBK files) are recognised before the
parser sees them, so the message can say what to do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import schema
from .problems import Problem

MAX_BYTES = 1_000_000
MAX_DEPTH = 8
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Location = tuple[int, int]  # 1-based line, column
FieldPath = tuple[object, ...]


@dataclass(frozen=True)
class RawEntry:
    """A parsed file: where it is, what kind of entry it holds, its data and where each field is."""

    path: Path
    kind: str  # case | person | ambassador | site
    slug: str
    year: int | None
    data: dict | None  # None when the file passed before and was taken from the cache unparsed
    locations: Mapping[FieldPath, Location]

    def locate(self, field_path: FieldPath) -> Location | None:
        """The line of the deepest known part of `field_path` (a bad value inside a list → that item)."""
        for end in range(len(field_path), -1, -1):
            found = self.locations.get(tuple(field_path[:end]))
            if found:
                return found
        return None


# --- where files go ------------------------------------------------------------------


def classify(path: Path, cases_dir: Path) -> tuple[str, int | None] | None:
    """Kind and edition year of an entry file from its place under `cases/`, or None if misplaced."""
    return classify_place(path.relative_to(cases_dir).parts)


def classify_place(parts: tuple[str, ...]) -> tuple[str, int | None] | None:
    """`classify` for a path already made relative to `cases/`, as its parts."""
    if parts == ("site.yaml",):
        return "site", None
    if len(parts) == 2 and parts[0] == "ambassadors":
        return "ambassador", None
    if len(parts) == 3 and re.fullmatch(r"(19|20)\d\d", parts[0]):
        kind = {"top-cases": "case", "top-people": "person"}.get(parts[1])
        if kind:
            return kind, int(parts[0])
    return None


def discover(cases_dir: Path) -> list[Path]:
    """Every YAML file under `cases/`, in a stable order (builds must be reproducible)."""
    files = [Path(folder, name) for folder, _, names in os.walk(cases_dir) for name in names
             if name.endswith((".yaml", ".yml"))]
    return sorted(files, key=lambda p: p.parts)  # all under cases_dir: the order of their relative paths


# --- text-level checks -------------------------------------------------------------------

_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*(：)")
_FULLWIDTH_DASH = re.compile(r"^(\s*)([－—–])\s")
_FLOW_LIST = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*:\s*([\[【].*)$")
_WRAPPED_QUOTES = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*:\s*([“‘「『]).*[”’」』]\s*$")
_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:")
_BLOCK_SCALAR = re.compile(r":\s*[|>][+-]?\d*\s*(#.*)?$")
_ASCII_FOR = {"：": ":", "，": ",", "【": "[", "】": "]", "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
              "『": '"', "』": '"', "－": "-", "—": "-", "–": "-", "\u3000": " "}


def lint_text(text: str, path: Path) -> list[Problem]:
    """Faults a YAML parser reports poorly or not at all: tabs and full-width syntax characters."""
    problems: list[Problem] = []
    block_indent: int | None = None  # inside a `|` / `>` block the text is free prose
    top_key = ""  # a list item or stray line belongs to the last top-level field
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped.strip() or indent > block_indent:
                continue
            block_indent = None
        if stripped.startswith("#") or not stripped.strip():
            continue

        def add(code: str, column: int, field: str = "", **args: object) -> None:
            problems.append(Problem(path, code, number, column, field, args))

        key = _KEY_LINE.match(line)
        if key and not line[0].isspace():
            top_key = key.group(2)
        field = key.group(2) if key else top_key
        if stripped.startswith("\t") or re.match(r"^[ \u3000]*\t", line):
            add("tab", line.index("\t") + 1, field)
            continue
        if line.startswith("\u3000") or re.match(r"^ *\u3000", line):
            add("fullwidth", line.index("\u3000") + 1, field, char="全角空格", ascii="空格")
            continue
        if m := _FULLWIDTH_KEY.match(line):
            add("fullwidth", m.start(3) + 1, m.group(2), char="：", ascii=":")
            continue
        if m := _FULLWIDTH_DASH.match(line):
            add("fullwidth", m.start(2) + 1, field, char=m.group(2), ascii="-")
            continue
        if m := _FLOW_LIST.match(line):
            flow = m.group(1)
            for char in "【，】":
                if char in flow and (char != "，" or flow.startswith(("[", "【"))):
                    add("fullwidth", m.start(1) + flow.index(char) + 1, field, char=char, ascii=_ASCII_FOR[char])
                    break
            else:
                if flow.startswith("【"):
                    add("fullwidth", m.start(1) + 1, field, char="【", ascii="[")
        elif m := _WRAPPED_QUOTES.match(line):
            add("fullwidth", m.start(1) + 1, field, char=m.group(1), ascii=_ASCII_FOR[m.group(1)])
        if key and _BLOCK_SCALAR.search(line):
            block_indent = len(key.group(1))
    return problems


# --- YAML → data with locations --------------------------------------------------------------

_YAML_PROBLEMS_ZH = [
    ("mapping values are not allowed", "这里不能出现“冒号+空格”；如果值里有冒号，请给整个值加上半角引号"),
    ("could not find expected ':'", "缺少冒号，或上一行的缩进不对"),
    ("did not find expected key", "缩进没有对齐，或上一行缺少冒号"),
    ("did not find expected '-'", "列表项的缩进没有对齐"),
    ("found unexpected end of stream", "引号或括号没有成对"),
    ("found undefined alias", "出现了 YAML 别名（*）；如果 * 是正文，请给整个值加引号"),
    ("cannot start any token", "这个字符不能出现在值的开头；请给整个值加上半角引号"),
    ("found unknown escape character", "双引号中的反斜杠 \\ 需要写成 \\\\，或改用单引号"),
    ("expected <block end>", "缩进没有对齐"),
    ("found duplicate anchor", "重复的锚点（&）"),
]


class _Reject(Exception):
    def __init__(self, code: str, node: yaml.Node, **args: object):
        self.code, self.node, self.details = code, node, args


def parse_yaml(text: str, path: Path) -> tuple[object, dict[FieldPath, Location], list[Problem]]:
    """Parse one YAML document into plain data plus the line of every field and list item."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return None, {}, [_syntax_problem(path, error, mark)]
    except yaml.YAMLError as error:
        return None, {}, [Problem(path, "yaml_syntax", None, None, "", {"detail": str(error)})]
    finally:
        loader.dispose()
    if node is None:
        return None, {}, []
    locations: dict[FieldPath, Location] = {}
    try:
        data = _construct(loader, node, (), locations, set(), 0)
    except _Reject as reject:
        mark = reject.node.start_mark
        field = str(reject.details.pop("field", ""))
        line, column = reject.details.pop("where", None) or (mark.line + 1, mark.column + 1)
        if "tag" in reject.details:
            reject.details["tag"] = str(reject.details["tag"]).replace("tag:yaml.org,2002:", "!!")
        return None, {}, [Problem(path, reject.code, line, column, field, reject.details)]
    return data, locations, []


_OPEN_QUOTE = re.compile(r"^\s*(?:-\s+)?(?:[A-Za-z_][A-Za-z0-9_]*\s*:\s+)?([\"'])")


def _unclosed_quote(text: str, path: Path, error: Problem) -> Problem | None:
    """A value opened with a quote and never closed makes the parser fail lines later; point at its start."""
    for number, line in enumerate(text.splitlines()[: error.line or None], start=1):
        match = _OPEN_QUOTE.match(line)
        if match and line.rstrip().count(match.group(1)) == 1 and not line.rstrip().endswith(("|", ">")):
            key = _KEY_LINE.match(line)
            detail = "引号没有成对：这一行以引号开头，却没有结束的引号"
            return Problem(path, "yaml_syntax", number, match.start(1) + 1, key.group(2) if key else "",
                           {"detail": detail, "english": "unclosed quote"})
    return None


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError, mark: yaml.Mark | None) -> Problem:
    english = error.problem or str(error)
    detail = next((zh for needle, zh in _YAML_PROBLEMS_ZH if needle in english), english)
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return Problem(path, "yaml_syntax", line, column, "", {"detail": detail, "english": english})


def _construct(loader, node: yaml.Node, at: FieldPath, locations: dict, seen: set[int], depth: int) -> object:
    # Aliases reuse a node object: seeing one twice means an alias, which entries never need
    # and which is how expansion bombs work.
    if id(node) in seen:
        # An alias shares its anchor's node (and marks); the key it sits under tells where it is used.
        key_path = next((at[:end] for end in range(len(at), 0, -1) if isinstance(at[end - 1], str)), ())
        raise _Reject("alias", node, field=_dotted(at), where=locations.get(key_path))
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _Reject("too_deep", node)
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise _Reject("tag", node, tag=node.tag, field=_dotted(at))
        result: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Reject("alias", key_node)
            key = _construct(loader, key_node, at, {}, seen, depth + 1)
            key = str(key)
            if key in result:
                raise _Reject("duplicate_key", key_node, field=_dotted(at + (key,)), first=first_line[key])
            first_line[key] = key_node.start_mark.line + 1
            locations[at + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(loader, value_node, at + (key,), locations, seen, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _Reject("tag", node, tag=node.tag, field=_dotted(at))
        items = []
        for index, item in enumerate(node.value):
            locations[at + (index,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_construct(loader, item, at + (index,), locations, seen, depth + 1))
        return items
    if not node.tag.startswith("tag:yaml.org,2002:") or node.tag.endswith((":binary", ":omap", ":pairs", ":set")):
        raise _Reject("tag", node, tag=node.tag, field=_dotted(at))
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        # e.g. `date: 2022-13-45` resolves as a timestamp the calendar rejects; keep it as text
        # so validation reports it against the field with the proper message.
        if node.tag.endswith(":timestamp"):
            return node.value
        raise _Reject("yaml_syntax", node, detail=str(error), field=_dotted(at)) from None


def _dotted(at: FieldPath) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in at).replace(".[", "[")


def dotted(at: FieldPath) -> str:
    """A field path as editors write it: `highlights[0].label`."""
    return _dotted(at)


# --- one file ----------------------------------------------------------------------------------


def read_entry(path: Path, cases_dir: Path) -> tuple[RawEntry | None, list[Problem]]:
    """Read one entry file; return the entry or every problem found in it."""
    place = classify(path, cases_dir)
    if place is None:
        return None, [Problem(path, "misplaced")]
    kind, year = place
    slug = path.stem
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [Problem(path, "too_large", args={"size": size, "limit": MAX_BYTES})]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(path, "encoding", line, None, "", {"byte": error.start})]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems = lint_text(text, path)
    data, locations, yaml_problems = parse_yaml(text, path)
    if yaml_problems and not problems:
        problems = [_unclosed_quote(text, path, yaml_problems[0]) or yaml_problems[0]]
    elif yaml_problems:
        lint_lines = {p.line for p in problems}
        problems += [p for p in yaml_problems if p.line not in lint_lines and p.code != "yaml_syntax"]
    if problems:
        return None, problems
    if data is None:
        return None, [Problem(path, "empty", args={"kind": kind})]
    if not isinstance(data, dict):
        return None, [Problem(path, "not_mapping", 1, 1, "", {"kind": kind})]
    if kind != "site" and not re.fullmatch(schema.SLUG_PATTERN, slug):
        return None, [Problem(path, "file_name", args={"value": path.name})]
    return RawEntry(path, kind, slug, year, data, locations), []
