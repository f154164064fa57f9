"""argparse, speaking to editors: Chinese errors with a usage line (English with `--lang en`).

argparse's own sentences ("unrecognized arguments", "invalid choice" …) are recognised by their
shape and said again in the editor's words; anything unrecognised is shown as argparse wrote it.
"""

from __future__ import annotations

import argparse
import functools
import re
from typing import NoReturn

# What each argument is, for a sentence about it (argparse only knows its dest or option string).
ARGUMENT_NAMES = {
    "command": ("命令（check 检查、build 生成网站、serve 预览、new 新建条目 …）", "a command"),
    "kind": ("条目类型（case 案例、person 人物、ambassador 大使）", "the kind of entry (case, person, ambassador)"),
    "--year": ("年份（--year）", "--year"),
    "--lang": ("语言（--lang）", "--lang"),
}
TYPE_NAMES = {"int": ("数字（如 2023）", "number (e.g. 2023)")}

# argparse's help headings → Chinese
HELP_WORDS = (("usage: ", "用法："), ("positional arguments:", "参数："), ("options:", "选项："),
              ("optional arguments:", "选项："), ("show this help message and exit", "显示这段说明"))


def _name(raw: str, lang: str) -> str:
    for key in (raw, *raw.split("/")):
        if key.strip() in ARGUMENT_NAMES:
            zh, en = ARGUMENT_NAMES[key.strip()]
            return zh if lang == "zh" else en
    return raw


def _choices(text: str) -> str:
    return "、".join(re.findall(r"'([^']*)'", text)) or text


def translate(message: str, lang: str = "zh") -> str:
    """argparse's error `message` in the editor's words."""
    match = re.fullmatch(r"argument (\S+): (.*)", message, re.S)
    if match:
        argument, inner = _name(match.group(1), lang), match.group(2)
        if lang == "en" or not inner.isascii():  # ours (ArgumentTypeError), already in the editor's words
            return inner if not inner.isascii() and lang == "zh" else f"{argument}: {inner}"
        choice = re.fullmatch(r"invalid choice: '([^']*)' \(choose from (.*)\)", inner, re.S)
        if choice:
            return f"{argument}不能是“{choice.group(1)}”；可以写：{_choices(choice.group(2))}"
        typed = re.fullmatch(r"invalid (\w+) value: '([^']*)'", inner)
        if typed:
            wanted = TYPE_NAMES.get(typed.group(1), (typed.group(1), typed.group(1)))[0]
            return f"{argument}应该是{wanted}，不能是“{typed.group(2)}”"
        if inner.startswith("expected"):
            return f"{argument}后面要写一个值"
        return f"{argument}：{inner}"
    if lang == "en":
        return message
    match = re.fullmatch(r"unrecognized arguments: (.*)", message, re.S)
    if match:
        return f"多出了看不懂的内容：{match.group(1)}（检查拼写，或者是不是多写了一个词）"
    match = re.fullmatch(r"the following arguments are required: (.*)", message, re.S)
    if match:
        names = "、".join(_name(part, lang) for part in match.group(1).split(", "))
        return f"缺少{names}"
    return message


class EditorArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors and help an editor can read.

    `lang` is decided before parsing (an error can come before `--lang` is read), and handed to
    every sub-command's parser.
    """

    def __init__(self, *args: object, lang: str = "zh", **kwargs: object):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def add_subparsers(self, **kwargs: object):
        return super().add_subparsers(parser_class=functools.partial(EditorArgumentParser, lang=self.lang), **kwargs)

    def format_usage(self) -> str:
        return self._in_language(super().format_usage())

    def format_help(self) -> str:
        return self._in_language(super().format_help())

    def _in_language(self, text: str) -> str:
        if self.lang == "en":
            return text
        for english, chinese in HELP_WORDS:
            text = text.replace(english, chinese)
        return text

    def error(self, message: str) -> NoReturn:
        help_command = f"{self.prog} --help"
        if self.lang == "en":
            self.exit(2, f"{self.format_usage()}error: {translate(message, 'en')}\nSee: {help_command}\n")
        self.exit(2, f"{self.format_usage()}错误：{translate(message)}。\n提示：运行 {help_command} 查看全部命令和写法。\n")


def language_of(argv: list[str], default: str) -> str:
    """`--lang en` / `--lang=en` anywhere in `argv`, else `default` (errors may come before parsing ends)."""
    for index, word in enumerate(argv):
        value = word.partition("=")[2] if word.startswith("--lang=") else (
            argv[index + 1] if word == "--lang" and index + 1 < len(argv) else "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return default

