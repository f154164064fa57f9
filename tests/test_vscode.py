"""VS Code: the tasks run commands build.py has, and `check` problems land on the right line of the right file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from publisher.cli import main as cli
from publisher.cli import parse_arguments

VSCODE = ROOT / ".vscode"
ANSWERS = {"slug": ["yi-wang-tong-ban", ""], "year": ["2023", ""]}  # a typed answer, and Enter on an empty prompt


def tasks() -> dict:
    return json.loads((VSCODE / "tasks.json").read_text(encoding="utf-8"))


def task(label: str) -> dict:
    return next(t for t in tasks()["tasks"] if t["label"] == label)


def test_settings_and_recommendations_are_valid_json_and_map_every_schema() -> None:
    settings = json.loads((VSCODE / "settings.json").read_text(encoding="utf-8"))
    mapped = set(settings["yaml.schemas"])
    assert mapped == {f"./schemas/{p.name}" for p in (ROOT / "schemas").glob("*.schema.json")}
    for schema_file, glob in settings["yaml.schemas"].items():
        assert (ROOT / schema_file).is_file()
        assert list((ROOT).glob(glob)), f"{glob} matches no entry"
    assert "redhat.vscode-yaml" in json.loads((VSCODE / "extensions.json").read_text())["recommendations"]


def test_tasks_cover_what_editors_do() -> None:
    commands = [t["args"][1:3] for t in tasks()["tasks"]]
    for wanted in (["check"], ["serve", "--open"], ["new", "case"], ["new", "person"], ["new", "ambassador"]):
        assert wanted in commands, wanted


@pytest.mark.parametrize("answer", [0, 1])
def test_every_task_runs_a_command_build_py_understands(answer: int) -> None:
    inputs = {i["id"] for i in tasks()["inputs"]}
    for item in tasks()["tasks"]:
        assert item["command"] == "python3" and item["windows"]["command"] == "py"
        args = [re.sub(r"\$\{input:(\w+)\}", lambda m: ANSWERS[m.group(1)][answer], a) for a in item["args"]]
        used = {m for a in item["args"] for m in re.findall(r"\$\{input:(\w+)\}", a)}
        assert used <= inputs, used - inputs
        assert args[0] == "build.py"
        parsed = parse_arguments(ROOT, args[1:])  # exits (SystemExit) on anything the parser refuses
        assert parsed.command == args[1]
        if parsed.command == "new" and answer == 1:
            assert parsed.slug is None and parsed.year is None  # empty answers mean the defaults


def test_new_tasks_ask_for_slug_and_year(project: Path, capsys: pytest.CaptureFixture) -> None:
    args = [a.replace("${input:slug}", "yi-wang-tong-ban").replace("${input:year}", "2023") for a in task("新建案例")["args"]]
    assert cli(project, args[1:]) == 0
    assert (project / "cases/2023/top-cases/yi-wang-tong-ban.yaml").is_file()
    assert "${input:year}" not in " ".join(task("新建大使")["args"])


def matchers() -> list[dict]:
    return task("检查全部条目")["problemMatcher"]


def match(output: str) -> list[dict]:
    """What VS Code makes of `output` with the task's matchers (Python's re reads these JS patterns alike)."""
    lines = output.splitlines()
    found = []
    for matcher in matchers():
        first, second = (re.compile(p["regexp"]) for p in matcher["pattern"])
        groups = matcher["pattern"][0]
        for index, line in enumerate(lines[:-1]):
            head, hint = first.match(line), second.match(lines[index + 1])
            if head and hint:
                found.append({"severity": matcher["severity"], "file": head.group(groups["file"]),
                              "line": int(head.group(groups["line"])), "column": int(head.group(groups["column"])),
                              "code": head.group(groups["code"]),
                              "message": head.group(groups["message"]) + "\n" + hint.group(1)})
    return found


def test_problem_matcher_underlines_real_check_output(project: Path, capsys: pytest.CaptureFixture) -> None:
    case = project / "cases/2022/top-cases/smart-form-registration.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("category: enterprise", "category: enterprize").replace("summary:", "sumary:"),
                    encoding="utf-8")
    assert cli(project, ["new", "ambassador", "li-si"]) == 0
    capsys.readouterr()
    assert cli(project, ["check"]) == 1
    captured = capsys.readouterr()
    problems = match(captured.out + captured.err)
    for matcher in matchers():
        assert matcher["fileLocation"] == ["relative", "${workspaceFolder}"]
    errors = [p for p in problems if p["severity"] == "error"]
    by_code = {p["code"]: p for p in errors}
    lines = text.replace("summary:", "sumary:").splitlines()
    assert by_code["category"]["line"] == next(i for i, l in enumerate(lines, 1) if l.startswith("category:"))
    assert by_code["sumary"]["line"] == next(i for i, l in enumerate(lines, 1) if l.startswith("sumary:"))
    assert "是不是“enterprise”" in by_code["category"]["message"] and "\n可选值" in by_code["category"]["message"]
    for problem in problems:
        assert (project / problem["file"]).is_file(), problem["file"]


def test_problem_matcher_marks_placeholders_as_warnings(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli(project, ["new", "ambassador", "li-si"]) == 0
    capsys.readouterr()
    assert cli(project, ["check"]) == 0
    captured = capsys.readouterr()
    problems = match(captured.out + captured.err)
    assert problems and {p["severity"] for p in problems} == {"warning"}
    assert {p["file"] for p in problems} == {"cases/ambassadors/li-si.yaml"}
    assert "name" in {p["code"] for p in problems}
