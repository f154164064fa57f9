"""Drawn files (share images, QR codes) kept between builds, by content, in `.cache/drawn/`.

Drawing costs milliseconds per file and a site has hundreds; everything else a build makes is
cheap enough to make again. A file is stored as `<key>.<check>.<suffix>`: `key` hashes everything
that shapes it, `check` hashes its bytes, so a damaged file is noticed and drawn again. A store
that cannot be read or written (deleted, read-only, full) only makes the build slower: the build
draws into a folder of its own instead, with one warning, and never fails because of the store.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

log = logging.getLogger("publisher.store")

_PARALLEL_FROM = 32  # below this many drawings, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Drawing:
    """A file to draw: `make(*args)` gives its bytes; `key` names everything that shapes them."""

    key: str
    suffix: str  # ".png", ".svg"
    make: Callable[..., bytes]
    args: tuple


class Store:
    """A folder of drawn files. `files()` draws what is missing and says where each one is."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._own: Path | None = None  # this build's folder when `folder` cannot be used

    def files(self, drawings: dict[str, Drawing]) -> dict[str, Path]:
        """Site path → stored file, for every drawing; missing or damaged ones are drawn now."""
        stored = self._index()
        found: dict[str, Path] = {}
        missing: dict[str, Drawing] = {}
        intact: dict[str, bool] = {}  # key → its stored bytes still match their name (read once per key)
        for site_path, drawing in drawings.items():
            path = stored.get(drawing.key)
            if path is not None and drawing.key not in intact:
                intact[drawing.key] = _intact(path)
            if path is not None and intact[drawing.key]:
                found[site_path] = path
            else:
                missing[site_path] = drawing
        unique = {drawing.key: drawing for drawing in missing.values()}
        made = {key: self._keep(drawing, content)
                for (key, drawing), content in zip(unique.items(), _draw_all(list(unique.values())))}
        return {**found, **{site_path: made[drawing.key] for site_path, drawing in missing.items()}}

    def close(self) -> None:
        """Remove this build's own folder, if the store could not be used (after MkDocs copied the files)."""
        if self._own is not None:
            shutil.rmtree(self._own, ignore_errors=True)
            self._own = None

    def _index(self) -> dict[str, Path]:
        """Key → stored file, by name only (only the files a build uses are read, in `files`)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return {}
        return {parts[0]: self.folder / name for name in names if len(parts := name.split(".")) == 3}

    def _keep(self, drawing: Drawing, content: bytes) -> Path:
        name = f"{drawing.key}.{_check(content)}{drawing.suffix}"
        if self._own is None:
            try:
                return _write(self.folder, name, content)
            except OSError as error:
                self._own = Path(tempfile.mkdtemp(prefix="publisher-drawn-"))
                log.warning("图片缓存 %s 无法写入（%s），本次构建改用临时文件夹，速度会慢一些 "
                            "(the image store cannot be written; this build draws into a temporary folder)",
                            self.folder, error.strerror or error)
        return _write(self._own, name, content)


def _intact(path: Path) -> bool:
    try:
        return _check(path.read_bytes()) == path.name.split(".")[1]
    except OSError:
        return False


def _check(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def _write(folder: Path, name: str, content: bytes) -> Path:
    """Atomically: another build may read the folder at the same time."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _draw_all(drawings: list[Drawing]) -> Iterator[bytes]:
    """Every drawing's bytes, in order, on every core when there are many (a fresh checkout draws
    hundreds of images at ~25 ms each). Workers are forked, so they need no imports of their own."""
    workers = min(os.cpu_count() or 1, 8)
    if len(drawings) < _PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_draw, drawings)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_draw, drawings, chunksize=max(1, min(16, len(drawings) // (4 * workers))))


def _draw(drawing: Drawing) -> bytes:
    return drawing.make(*drawing.args)
