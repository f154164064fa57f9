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
from .media import MEDIA_FOLDER
from .problems import Problem
from .schema import UNSAFE_CHARS

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


def classify_place(parts: tuple[str, ...]) -> tuple[str, int | None] | None:
    """Kind and edition year of an entry file from its place under `cases/` (its relative path's parts),
    or None if misplaced."""
    if parts == ("site.yaml",):
        return "site", None
    if len(parts) == 2 and parts[0] == "ambassadors":
        return "ambassador", None
    if len(parts) == 3 and re.fullmatch(r"(19|20)\d\d", parts[0]):
        kind = {"top-cases": "case", "top-people": "person"}.get(parts[1])
        if kind:
            return kind, int(parts[0])
    return None


# Files editors' tools leave beside the real ones: skipped on purpose (docs/editing.md lists them).
_SKIPPED = re.compile(r"^(\.#.*|~\$.*|.*~|.*\.bak|.*\.swp|.*\.swo|\.ds_store|thumbs\.db|desktop\.ini|\.gitkeep|"
                      r"\.gitignore)$", re.I)
ENTRY_SUFFIXES = (".yaml", ".yml")


def survey(cases_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Every file under `cases/` accounted for: entry files to read, plus a problem for each file that is
    neither an entry, a media file nor skipped on purpose. Symbolic links are reported and never followed
    (a link to /etc/passwd must not be published); nothing here reads a file's content."""
    entries: list[Path] = []
    problems: list[Problem] = []
    for folder, folders, names in os.walk(cases_dir):  # os.walk never descends into a linked folder
        for name in sorted(folders):
            if os.path.islink(os.path.join(folder, name)):
                problems.append(Problem(_shown_path(folder, name), "symlink", args={"value": _printable(name)}))
        for name in names:
            path = Path(folder, name)
            found = _place_file(path, path.relative_to(cases_dir).parts, name)
            if isinstance(found, Problem):
                problems.append(found)
            elif found:
                entries.append(path)
    return sorted(entries, key=lambda p: p.parts), problems  # all under cases_dir: order of their relative paths


def _place_file(path: Path, parts: tuple[str, ...], name: str) -> bool | Problem:
    """True for an entry file, False for a media file or one skipped on purpose, else the problem."""
    shown = _shown_path(str(path.parent), name)
    if _printable(name) != name:
        return Problem(shown, "file_name_chars", args={"value": _printable(name)})
    if _SKIPPED.match(name):
        return False
    if os.path.islink(path):
        return Problem(path, "symlink", args={"value": name})
    lower = name.lower()
    if parts[0] == MEDIA_FOLDER and len(parts) > 1:
        if lower.endswith(ENTRY_SUFFIXES):
            return Problem(path, "misplaced")
        return False
    if name.endswith(ENTRY_SUFFIXES):
        return True
    if lower.endswith(ENTRY_SUFFIXES) or re.search(r"\.ya?ml\.\w+$", lower):
        return Problem(path, "entry_extension", args={"value": name, "name": _entry_name_for(name)})
    return Problem(path, "stray_file", args={"value": name})


def _entry_name_for(name: str) -> str:
    """What a file saved with a wrong extension should be called: `x.yaml.txt`, `x.YAML` → `x.yaml`."""
    return re.sub(r"(?i)\.ya?ml(\.\w+)?$", "", name) + ".yaml"


def _printable(name: str) -> str:
    """A file name as it can be shown: bytes that are not UTF-8 and control characters made visible."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in name)


def _shown_path(folder: str, name: str) -> Path:
    return Path(_printable(folder), _printable(name))


# --- text-level checks -------------------------------------------------------------------

_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*(：)")
_FULLWIDTH_DASH = re.compile(r"^(\s*)([－—–])\s")
_FLOW_LIST = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*:\s*([\[【].*)$")
_WRAPPED_QUOTES = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*:\s*([“‘「『]).*[”’」』]\s*$")
_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:")
_BLOCK_SCALAR = re.compile(r":\s*[|>][+-]?\d*\s*(#.*)?$")
_ASCII_FOR = {"：": ":", "，": ",", "【": "[", "】": "]", "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
              "『": '"', "』": '"', "－": "-", "—": "-", "–": "-", "\u3000": " "}


def _key_of(line: str) -> str:
    """The field a line writes (`title: …` → "title"), or "" for a line that starts with none."""
    key = _KEY_LINE.match(line)
    return key.group(2) if key else ""


FORBIDDEN_CHARS = UNSAFE_CHARS  # control characters, bidi overrides: see schema.py
_CHAR_NAMES = {"\x00": "空字符 NUL", "\x1b": "ESC", "\x7f": "DEL", "\ufeff": "BOM"}


def char_name(char: str) -> str:
    """`U+202E（文字方向控制符）`: how a message names an invisible character."""
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        name = "文字方向控制符"
    else:
        name = _CHAR_NAMES.get(char, "控制字符")
    return f"U+{ord(char):04X}（{name}）"


def forbidden_characters(text: str, path: Path) -> list[Problem]:
    """Every line holding a control character or bidi override, with its column (PyYAML only says
    'position 5' of the file, and takes escapes such as "\\0" or "\\e" as they are)."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = FORBIDDEN_CHARS.search(line)
        if found:
            problems.append(Problem(path, "control_char", number, found.start() + 1, _key_of(line),
                                    {"char": char_name(found.group())}))
    return problems


_ODD_SPACE_AFTER_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*):([\u3000\u00a0\u2000-\u200b\u202f])")
_ODD_SPACE_NAMES = {"\u3000": "全角空格", "\u00a0": "不间断空格（NBSP）"}


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
        if re.match(r"^[ \u3000]*\t", line):
            add("tab", line.index("\t") + 1, field)
            continue
        if re.match(r"^ *\u3000", line):
            add("fullwidth", line.index("\u3000") + 1, field, char="全角空格", ascii="空格")
            continue
        if m := _ODD_SPACE_AFTER_KEY.match(line):  # YAML takes it for text: the error surfaces a line later
            char = m.group(3)
            add("fullwidth", m.start(3) + 1, m.group(2), char=_ODD_SPACE_NAMES.get(char, f"特殊空格 U+{ord(char):04X}"),
                ascii="空格")
            continue
        if re.match(r"^ *\u00a0", line):
            add("fullwidth", line.index("\u00a0") + 1, field, char="不间断空格（NBSP）", ascii="空格")
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
    ("did not find expected ',' or ']'", "方括号 [ ] 没有成对；如果值里有方括号，请给整个值加上半角引号"),
    ("did not find expected ',' or '}'", "花括号 { } 没有成对；如果值里有花括号，请给整个值加上半角引号"),
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
    deep = _too_deep(text)
    if deep is not None:
        return None, {}, [Problem(path, "too_deep", deep.line + 1, deep.column + 1, "", {"limit": MAX_DEPTH})]
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


def _too_deep(text: str) -> yaml.Mark | None:
    """Where nesting first goes deeper than MAX_DEPTH, found before anything is built.

    PyYAML's C composer recurses once per level: 50,000 nested `[` (100 kB) overflow the C stack and
    kill the process (SIGSEGV, no message). libyaml's event parser keeps its own stack, so walking the
    events is safe at any depth; it stops at the first level too deep (cost: about a third of a parse).
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass  # the parse that follows reports it, and it stops where this did: no deeper
    return None


# YAML 1.1 reads some plain values as something else than the editor wrote (PyYAML follows 1.1).
_CANONICAL_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0b[01_]+")


def _surprise(node: yaml.ScalarNode, value: object) -> tuple[str, dict[str, object]] | None:
    """A plain value YAML read differently from how it looks: `010` → 8, `12:30` → 750, `NO` → false."""
    if node.style:  # None (pure-Python loader) or "" (C loader) for plain values
        return None  # quoted or block text is text
    written, kind = node.value, node.tag.rsplit(":", 1)[-1]
    if kind == "bool" and written.lower() not in ("true", "false"):
        return "yaml_bool", {"value": written, "read": str(value).lower()}
    if kind in ("int", "float") and ":" in written:
        return "yaml_sexagesimal", {"value": written, "read": value}
    if kind == "int" and not _CANONICAL_INT.fullmatch(written):
        sign = written[0] if written[0] in "+-" else ""
        return "yaml_octal", {"value": written, "read": value, "decimal": sign + (written.lstrip("+-0") or "0")}
    return None


_OPEN_QUOTE = re.compile(r"^\s*(?:-\s+)?(?:[A-Za-z_][A-Za-z0-9_]*\s*:\s+)?([\"'])")


def _unclosed_quote(text: str, path: Path, error: Problem) -> Problem | None:
    """A value opened with a quote and never closed makes the parser fail lines later; point at its start."""
    for number, line in enumerate(text.splitlines()[: error.line or None], start=1):
        match = _OPEN_QUOTE.match(line)
        if match and line.rstrip().count(match.group(1)) == 1 and not line.rstrip().endswith(("|", ">")):
            detail = "引号没有成对：这一行以引号开头，却没有结束的引号"
            return Problem(path, "yaml_syntax", number, match.start(1) + 1, _key_of(line),
                           {"detail": detail, "english": "unclosed quote"})
    return None


def _windows_path(text: str, path: Path, error: Problem) -> Problem | None:
    """`"C:\\Users\\me\\a.png"` (Explorer's "copy as path"): YAML reads the backslashes as escapes and
    says 'did not find expected hexdecimal number'. Name the real fault instead."""
    if error.code != "yaml_syntax" or error.line is None:
        return None
    line = text.split("\n")[error.line - 1] if error.line <= text.count("\n") + 1 else ""
    found = re.search(r"\"[^\"]*\\[^\"]*\"?", line)
    if not found:
        return None
    return Problem(path, "windows_path", error.line, found.start() + 1, _key_of(line),
                   {"value": found.group().strip('"')})


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
        raise _Reject("alias", node, field=dotted(at), where=locations.get(key_path))
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _Reject("too_deep", node)
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise _Reject("tag", node, tag=node.tag, field=dotted(at))
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Reject("alias", key_node)
            key = str(_construct(loader, key_node, at, {}, seen, depth + 1))
            if key in result:
                raise _Reject("duplicate_key", key_node, field=dotted(at + (key,)), first=locations[at + (key,)][0])
            locations[at + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(loader, value_node, at + (key,), locations, seen, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _Reject("tag", node, tag=node.tag, field=dotted(at))
        items = []
        for index, item in enumerate(node.value):
            locations[at + (index,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_construct(loader, item, at + (index,), locations, seen, depth + 1))
        return items
    if not node.tag.startswith("tag:yaml.org,2002:") or node.tag.endswith((":binary", ":omap", ":pairs", ":set")):
        raise _Reject("tag", node, tag=node.tag, field=dotted(at))
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        # e.g. `date: 2022-13-45` resolves as a timestamp the calendar rejects; keep it as text
        # so validation reports it against the field with the proper message.
        if node.tag.endswith(":timestamp"):
            return node.value
        raise _Reject("yaml_syntax", node, detail=str(error), field=dotted(at)) from None
    surprise = _surprise(node, value)
    if surprise:
        raise _Reject(surprise[0], node, field=dotted(at), **surprise[1])
    if isinstance(value, str) and (bad := FORBIDDEN_CHARS.search(value)):  # written as an escape: "\\0", "\\e"
        raise _Reject("control_char", node, field=dotted(at), char=char_name(bad.group()))
    return value


def dotted(at: FieldPath) -> str:
    """A field path as editors write it: `highlights[0].label`."""
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in at).replace(".[", "[")


# --- one file ----------------------------------------------------------------------------------


def read_entry(path: Path, cases_dir: Path) -> tuple[RawEntry | None, list[Problem]]:
    """Read one entry file; return the entry or every problem found in it."""
    place = classify_place(path.relative_to(cases_dir).parts)
    if place is None:
        return None, [Problem(path, "misplaced")]
    kind, year = place
    slug = path.stem
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(path, "too_large", args={"size": size, "limit": MAX_BYTES})]
        raw = path.read_bytes()
    except OSError as error:  # vanished, a folder, no permission, a lock held by another program
        return None, [Problem(path, "unreadable", args={"detail": error.strerror or type(error).__name__})]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(path, "encoding", line, None, "", {"byte": error.start + 1})]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    invisible = forbidden_characters(text, path)
    if invisible:
        return None, invisible
    problems = lint_text(text, path)
    data, locations, yaml_problems = parse_yaml(text, path)
    if yaml_problems and not problems:
        problems = [_windows_path(text, path, yaml_problems[0]) or _unclosed_quote(text, path, yaml_problems[0])
                    or yaml_problems[0]]
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
