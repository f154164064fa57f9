"""Random YAML and random bytes never crash `check` and never take long."""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.load import read_entry
from publisher.validate import check_entry

ENTRY = Path("cases/2022/top-cases/fuzz.yaml")

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=40), st.dates())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=5)),
                      max_leaves=20)
keys = st.sampled_from(["rank", "title", "summary", "category", "unit", "tags", "highlights", "body", "sources",
                        "audio", "sample", "x", "标题"])


def check_bytes(tmp: Path, data: bytes) -> None:
    path = tmp / ENTRY
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    started = time.perf_counter()
    raw, problems = read_entry(path, tmp / "cases")
    if raw is not None:
        entry, problems = check_entry(raw)
        assert entry is not None or problems
    else:
        assert problems, "a file that cannot be read must say why"
    for problem in problems:
        problem.format("zh")
        problem.format("en")
    assert time.perf_counter() - started < 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    check_bytes(tmp_path, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys, values, max_size=10))
def test_random_yaml_mappings_never_crash(tmp_path: Path, document: dict) -> None:
    check_bytes(tmp_path, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\t\n ：，“”0123456789")), max_size=300))
def test_random_yaml_like_text_never_crashes(tmp_path: Path, text: str) -> None:
    check_bytes(tmp_path, text.encode("utf-8"))
