"""First paint without waiting for stylesheets: each page carries, inline, the CSS rules its own HTML
can use, and loads the full stylesheets without blocking rendering.

Material's main.css is 137 KB, most of it for things a page of ours does not have (admonitions, code,
tabs, search results …), and a stylesheet in <head> holds the first paint until it has arrived. As
MkDocs writes each HTML page, the hook has `Stylesheets.rewrite` turn its stylesheet links into:

    <style>the rules of main.css and publisher.css whose classes and ids all occur in this page</style>
    <link rel="stylesheet" href="main.css" media="print" data-pub-deferred>   (the same files, loaded
    <noscript><link rel="stylesheet" href="main.css"></noscript>              after; a small script
    <script>… media = "all" once all have loaded …</script>                   applies them)

The full sheets stay in place, in the same order, so once loaded they change nothing that was already
drawn; they bring what JavaScript needs later (search results, tooltips). A rule is kept when every
class and id its selector names occurs in the page's static HTML (or, for `:is()`/`:where()`, in one of
its alternatives); pseudo-classes and attribute tests are not evaluated, so in doubt a rule is kept.
"""

from __future__ import annotations

import html
import os
import re
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import offline

# what Material's JavaScript adds at once, before the full sheets have arrived: its rules must be inline
ALWAYS_PRESENT = frozenset({"js", "md-header--shadow"})
_LINK = re.compile(r"""<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>""", re.I)
_HREF = re.compile(r"""\bhref=["']([^"']+)["']""", re.I)
_MEDIA = re.compile(r"""\bmedia=""", re.I)
# Found by their literal start, the character before checked after: several times faster than a pattern
# that starts with \s or ignores case. Our pages' attribute names are lower case (Jinja templates,
# Markdown, Material; nh3 writes hand-written pages' HTML in lower case).
_CLASS_ATTR = re.compile(r"""class=["']([^"']*)["']""")
_ID_ATTR = re.compile(r"""id=["']([^"']*)["']""")
_SELECTOR_NAME = re.compile(r"([.#])((?:\\.|[\w-])+)")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_ANY_OF = re.compile(r":(?:is|where|matches|-webkit-any|-moz-any)\(", re.I)
_OTHER_FUNCTION = re.compile(r":{1,2}[\w-]+\(")
_PSEUDO = re.compile(r":{1,2}[\w-]+")
_ELEMENT = re.compile(r"(?<![\w-])([a-zA-Z][\w-]*)")
_TAG = re.compile(r"<([a-zA-Z][\w-]*)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_PROPERTY = re.compile(r"\s*(--[\w-]+)\s*:")
_WORD = re.compile(r"[a-zA-Z][\w-]*")
_SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")
# applies the deferred sheets together once all have loaded (one by one, main.css would briefly win over
# publisher.css and the page would shift); a script rather than onload="…" attributes, so that no page
# of ours carries an inline event handler (the safety tests treat every on… attribute as injected)
APPLY_DEFERRED = ('<script>{const ls=[...document.querySelectorAll("link[data-pub-deferred]")];'
                  'Promise.all(ls.map(l=>l.sheet?0:new Promise(r=>{l.addEventListener("load",r);'
                  'l.addEventListener("error",r)}))).then(()=>{for(const l of ls)l.media="all"})}</script>')


# --- reading CSS -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    prelude: str  # selector list, or an at-rule's head ("@media screen and (…)")
    body: str  # declarations; for a grouping at-rule, its inner CSS
    nested: tuple["Rule", ...] | None = None  # the rules inside @media / @supports / @container / @layer


def _closing(text: str, start: int, open_char: str = "{", close_char: str = "}") -> int:
    """Index of the bracket that closes the one at `start`, skipping quoted strings."""
    depth, quote, i = 0, "", start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == open_char:
            depth += 1
        elif char == close_char:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text) - 1


GROUPING = ("@media", "@supports", "@container", "@layer", "@document")


def parse(css: str) -> tuple[Rule, ...]:
    """Top-level rules of a stylesheet (comments dropped); grouping at-rules hold their rules."""
    rules, i = [], 0
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    while i < len(css):
        brace, semicolon = css.find("{", i), css.find(";", i)
        if brace < 0:
            break
        if css[i:].lstrip().startswith("@") and 0 <= semicolon < brace:  # @charset, @import, @layer a, b;
            rules.append(Rule(css[i:semicolon].strip(), ""))
            i = semicolon + 1
            continue
        end = _closing(css, brace)
        prelude, body = css[i:brace].strip(), css[brace + 1:end]
        if prelude.lower().startswith(GROUPING):
            rules.append(Rule(prelude, body, parse(body)))
        else:
            rules.append(Rule(prelude, body))
        i = end + 1
    return tuple(rules)


def _split_top_level(text: str, separator: str = ",") -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        depth += char in "(["
        depth -= char in ")]"
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


# --- does a page need a rule? ------------------------------------------------------------------------------------
# Each selector is read once into what it requires (a Requirement); a page is then judged with set
# operations only. Reading the selectors again for every page was half the demo's build time.


@dataclass(frozen=True)
class Requirement:
    names: frozenset[str]  # every class (".x"), id ("#y") and element ("table") the selector names
    any_of: tuple[tuple["Requirement", ...], ...] = ()  # each :is()/:where(): one alternative must hold

    def met_by(self, names: frozenset[str]) -> bool:
        return self.names <= names and all(any(alt.met_by(names) for alt in group) for group in self.any_of)


@lru_cache(maxsize=None)
def requirement(selector: str) -> Requirement:
    """What a selector requires of a page. Pseudo-classes and attribute tests are not judged (kept in doubt)."""
    selector = _ATTRIBUTE.sub(" ", selector)
    any_of = []
    while (found := _ANY_OF.search(selector)) is not None:
        close = _closing(selector, found.end() - 1, "(", ")")
        any_of.append(tuple(requirement(alternative) for alternative in _split_top_level(selector[found.end():close])))
        selector = selector[:found.start()] + " " + selector[close + 1:]
    while (found := _OTHER_FUNCTION.search(selector)) is not None:  # :not(), :has(), :nth-child() … not judged
        close = _closing(selector, found.end() - 1, "(", ")")
        selector = selector[:found.start()] + " " + selector[close + 1:]
    names = {kind + name.replace("\\", "") for kind, name in _SELECTOR_NAME.findall(selector)}
    elements = _PSEUDO.sub(" ", _SELECTOR_NAME.sub(" ", selector))
    names |= {element.lower() for element in _ELEMENT.findall(elements)}
    return Requirement(frozenset(names), tuple(any_of))


def selector_matches_names(selector: str, names: frozenset[str]) -> bool:
    """Whether every class (".x"), id ("#y") and element ("table") the selector requires is among `names`."""
    return requirement(selector).met_by(names)


@lru_cache(maxsize=None)
def _selectors(prelude: str) -> tuple[Requirement, ...]:
    return tuple(requirement(selector) for selector in _split_top_level(prelude))


def rule_needed(rule: Rule, names: frozenset[str]) -> bool:
    if rule.prelude.startswith("@"):
        return True  # @font-face, @keyframes, @property …: small, and a kept rule may refer to them
    return any(selector.met_by(names) for selector in _selectors(rule.prelude))


def _kept(rules: tuple[Rule, ...], names: frozenset[str]) -> list[Rule]:
    kept = []
    for rule in rules:
        if rule.nested is not None:
            inner = _kept(rule.nested, names)
            if inner:
                kept.append(Rule(rule.prelude, "", tuple(inner)))
        elif (not rule.body and rule.prelude.startswith("@")) or rule_needed(rule, names):
            kept.append(rule)
    return kept


def _flat(rules: list[Rule] | tuple[Rule, ...]) -> list[Rule]:
    return [leaf for rule in rules for leaf in (_flat(rule.nested) if rule.nested is not None else [rule])]


@dataclass(frozen=True)
class Declaration:
    text: str
    declares: str | None  # the custom property it sets ("--x"), if any


@dataclass(frozen=True)
class Body:
    """A rule's declarations, read for the custom properties they set and read."""

    declarations: tuple[Declaration, ...]
    reads: frozenset[str]  # custom properties its ordinary declarations read through var()
    sets: tuple[tuple[str, frozenset[str]], ...]  # custom properties it sets, each with those its value reads


@lru_cache(maxsize=None)
def _body(body: str) -> Body:
    declarations, reads, sets = [], set(), []
    for part in _split_top_level(body, ";"):
        found = _PROPERTY.match(part)
        declarations.append(Declaration(part, found.group(1) if found else None))
        if found:
            sets.append((found.group(1), frozenset(_VAR.findall(part))))
        else:
            reads.update(_VAR.findall(part))
    return Body(tuple(declarations), frozenset(reads), tuple(sets))


def _without_unused_properties(rules: list[Rule]) -> list[Rule]:
    """Drop custom properties (--x: …) that no kept rule reads: Material declares dozens on :root,
    icons among them, as data URIs. A property is read by a plain declaration, or by a property read."""
    bodies = [_body(rule.body) for rule in _flat(rules)]
    reads_of: dict[str, set[str]] = {}
    for body in bodies:
        for name, reads in body.sets:
            reads_of.setdefault(name, set()).update(reads)
    waiting = [name for body in bodies for name in body.reads]
    used: set[str] = set()
    while waiting:
        name = waiting.pop()
        if name not in used:
            used.add(name)
            waiting += reads_of.get(name, ())

    def rebuild(rule: Rule) -> Rule | None:
        if rule.nested is not None:
            inner = tuple(r for r in (rebuild(child) for child in rule.nested) if r is not None)
            return Rule(rule.prelude, "", inner) if inner else None
        body = _body(rule.body)
        if all(name in used for name, _ in body.sets):
            return rule
        text = ";".join(part.text for part in body.declarations
                        if (part.declares is None or part.declares in used) and part.text.strip())
        return Rule(rule.prelude, text) if text else None

    return [r for r in (rebuild(rule) for rule in rules) if r is not None]


def _text(rules: list[Rule] | tuple[Rule, ...]) -> str:
    return "".join(f"{rule.prelude}{{{_text(rule.nested)}}}" if rule.nested is not None
                   else (f"{rule.prelude}{{{rule.body}}}" if rule.body or not rule.prelude.startswith("@")
                         else rule.prelude + ";") for rule in rules)


def subset(rules: tuple[Rule, ...], names: frozenset[str]) -> str:
    """The CSS text of the rules a page with these class, id and element names can use."""
    return _text(_without_unused_properties(_kept(rules, names)))


def page_names(page_html: str) -> frozenset[str]:
    """The classes (".x"), ids ("#y") and elements ("table") of a page's static HTML."""
    names = {"." + name for value in _attribute_values(_CLASS_ATTR, page_html) for name in html.unescape(value).split()}
    names |= {"#" + html.unescape(value).strip() for value in _attribute_values(_ID_ATTR, page_html)}
    names |= {tag.lower() for tag in _TAG.findall(page_html)}
    return frozenset(names | {"." + name for name in ALWAYS_PRESENT})


def _attribute_values(attribute: re.Pattern[str], page_html: str) -> list[str]:
    return [found.group(1) for found in attribute.finditer(page_html) if page_html[found.start() - 1].isspace()]


# --- rewriting the site -----------------------------------------------------------------------------------------


class Stylesheets:
    """The site's own stylesheets, each parsed once, and the subsets already made from them: pages of one
    kind share their relevant names, so each subset is made once per build."""

    def __init__(self, site_dir: Path, site_url: str | None = None):
        """`site_url`'s path resolves absolute links (404.html has them); its address is the site's own
        (a url() to anywhere else is neutralised, as in the published sheets)."""
        self.site_dir = site_dir.resolve()
        base_path = urllib.parse.urlsplit(site_url or "/").path
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.own = (site_url or "").rstrip("/") + "/" if site_url else ""
        self._parsed: dict[Path, tuple[tuple[Rule, ...], frozenset[str]]] = {}
        self._found: dict[Path, bool] = {}
        self._subsets: dict[tuple[tuple[Path, ...], tuple[frozenset[str], ...]], str] = {}
        self._modifiers: dict[tuple[Path, ...], dict[str, set[str]]] = {}  # sheets → block → its modifiers

    def resolve(self, page: Path, href: str) -> Path | None:
        parts = urllib.parse.urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.endswith(".css"):
            return None
        path = urllib.parse.unquote(parts.path)
        if path.startswith("/"):
            if not path.startswith(self.base_path):
                return None
            target = self.site_dir / path[len(self.base_path):]
        else:
            target = page.parent / path
        target = Path(os.path.normpath(target))
        if target not in self._found:
            self._found[target] = target.is_file() and self.site_dir in target.parents
        return target if self._found[target] else None

    def rules(self, path: Path) -> tuple[tuple[Rule, ...], frozenset[str]]:
        """A sheet's rules, and every class and id it names (a page's other names cannot matter)."""
        if path not in self._parsed:
            css = offline.neutralise_text(_SOURCE_MAP.sub("", path.read_text(encoding="utf-8")), ".css", self.own)
            rules = parse(css)
            named = {kind + name.replace("\\", "") for kind, name in _SELECTOR_NAME.findall(css)}
            self._parsed[path] = (rules, frozenset(named | {word.lower() for word in _WORD.findall(css)}))
        return self._parsed[path]

    def critical(self, sheets: tuple[Path, ...], names: frozenset[str]) -> str:
        names = names | self._sibling_modifiers(sheets, names)
        relevant = tuple(names & self.rules(sheet)[1] for sheet in sheets)
        if (sheets, relevant) not in self._subsets:
            # custom properties are pruned over all sheets together: publisher.css sets colours main.css reads
            kept = [rule for sheet, names in zip(sheets, relevant) for rule in _kept(self.rules(sheet)[0], names)]
            self._subsets[sheets, relevant] = _text(_without_unused_properties(kept))
        return self._subsets[sheets, relevant]

    def _sibling_modifiers(self, sheets: tuple[Path, ...], names: frozenset[str]) -> set[str]:
        """For each modifier class a page has (".pub-ph--2"), every modifier of that block the sheets name.
        Their rules are small, and with them pages of one kind share one subset: without them, a
        1,000-entry site needed 997 different subsets (placeholder colours, chip kinds) instead of 83."""
        if sheets not in self._modifiers:
            families: dict[str, set[str]] = {}
            for name in frozenset().union(*(self.rules(sheet)[1] for sheet in sheets)):
                if name.startswith(".") and "--" in name:
                    families.setdefault(name.split("--")[0], set()).add(name)
            self._modifiers[sheets] = families
        families = self._modifiers[sheets]
        return {sibling for name in names if name.startswith(".") and "--" in name
                for sibling in families.get(name.split("--")[0], ())}

    def rewrite(self, page_html: str, page: Path) -> str:
        """The page (to be written at `page`) with its critical CSS inline and its own stylesheets loaded
        without blocking."""
        links = [(match, self.resolve(page, html.unescape(_HREF.search(match.group()).group(1))))
                 for match in _LINK.finditer(page_html)
                 if _HREF.search(match.group()) and not _MEDIA.search(match.group())]
        links = [(match, sheet) for match, sheet in links if sheet is not None]
        if not links:
            return page_html
        css = self.critical(tuple(sheet for _, sheet in links), page_names(page_html))
        out, last = [], 0
        for number, (match, _) in enumerate(links):
            tag = match.group()
            out.append(page_html[last:match.start()])
            if number == 0:
                out.append("<style>" + css.replace("</", "<\\/") + "</style>")
            out.append(tag[:-1].rstrip("/ ") + ' media="print" data-pub-deferred>' + f"<noscript>{tag}</noscript>")
            last = match.end()
        out.append(APPLY_DEFERRED + page_html[last:])
        return "".join(out)
