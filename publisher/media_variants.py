"""Media that plays everywhere: phone-sized pictures and audio for every browser, made from what editors supply.

Editors drop whatever they have into cases/media/ (a 6 MB phone photo, an Ogg or WAV recording). The site
publishes, beside or instead of it, what phones need:

- a picture in a few widths, as WebP and as JPEG (for browsers without WebP), with its width and height so
  the page keeps its place while it loads; the original itself is not published (it can weigh megabytes);
- an audio postcard as Ogg/Opus and as AAC in .m4a (iPhones and in-app browsers), with its duration;
- a video, its poster and anything else as they are.

Two steps, like share images: `describe()` reads what pages need (sizes, durations, site paths) and is
cheap on a warm cache; `MediaSet.materialise()` makes the files. Every made file is named by a hash of its
source's content and of how it is made (`RECIPE`, library versions), kept in `.cache/media/` and made again
only when missing. A cache that cannot be read or written costs time, never the build: files are then made
in a temporary folder. The template global `media` is the MediaSet (see templates/_macros.html).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from .cache import Memo

log = logging.getLogger("mkdocs.plugins.publisher.media")

RECIPE = "media-1"  # bump when the making changes, so cached files are made again
WIDTHS = (160, 400, 800, 1200, 1600)  # thumbnails, phones at 1×/2×, tablets, desktops
FALLBACK_WIDTH = 800  # the <img src> for browsers that ignore srcset
WEBP_QUALITY, JPEG_QUALITY = 76, 80
PICTURE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif"}
AUDIO_TYPES = {".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".wav", ".flac"}
VIDEO_TYPES = {".mp4", ".m4v", ".mov", ".webm"}
MIME = {"webp": "image/webp", "jpeg": "image/jpeg", "ogg": 'audio/ogg; codecs="opus"', "m4a": "audio/mp4",
        "mp3": "audio/mpeg", "mp4": "video/mp4", "webm": "video/webm"}
# How wide each kind of visual is on screen (templates name the kind; CSS in templates/theme/assets).
SIZES = {
    "": "(min-width: 76.25em) 24rem, (min-width: 45em) 50vw, 100vw",  # ranking cards
    "pub-visual--wide": "(min-width: 76.25em) 38rem, (min-width: 45em) 50vw, 100vw",  # an entry's head
    "pub-visual--portrait": "14rem",
    "pub-visual--small": "3.2rem",
    "pub-visual--round": "4.6rem",
}
FIRST_SCREEN = {"pub-visual--wide", "pub-visual--portrait"}  # an entry page's head: loaded at once, not lazily
_LIBRARIES = ("pillow", "imageio-ffmpeg")


# --- what pages need ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    site_path: str
    width: int
    format: str  # "webp" | "jpeg"


@dataclass(frozen=True)
class Picture:
    """A picture as pages show it: its shape (after the camera's rotation) and its published sizes."""

    source: str  # path under cases/
    width: int
    height: int
    variants: tuple[Variant, ...]

    def srcset(self, link: Callable[[str], str], format: str) -> str:
        return ", ".join(f"{link(v.site_path)} {v.width}w" for v in self.variants if v.format == format)

    def fallback(self) -> Variant:
        jpegs = [v for v in self.variants if v.format == "jpeg"]
        return next((v for v in jpegs if v.width >= FALLBACK_WIDTH), jpegs[-1])

    def largest(self, format: str = "jpeg") -> Variant:
        return [v for v in self.variants if v.format == format][-1]

    @staticmethod
    def sizes(size_class: str) -> str:
        return SIZES.get(size_class, SIZES[""])

    @staticmethod
    def first_screen(size_class: str) -> bool:
        return size_class in FIRST_SCREEN


@dataclass(frozen=True)
class Sound:
    """An audio postcard: its files in the order browsers should try them, and its length."""

    source: str
    duration: float | None  # seconds; None when it could not be read
    files: tuple[tuple[str, str], ...]  # (site path, type attribute)

    @property
    def duration_label(self) -> str:
        """"0:44", "12:05", "1:02:03"."""
        if self.duration is None:
            return ""
        seconds = int(self.duration + 0.5)  # half a second up, as people round (round() would go to even)
        hours, rest = divmod(seconds, 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"

    @property
    def duration_iso(self) -> str:
        """For <time datetime>: "PT44S"."""
        return f"PT{int(self.duration + 0.5)}S" if self.duration is not None else ""


@dataclass(frozen=True)
class Clip:
    """A video as published (as supplied: editors upload H.264 MP4), with its frame size when known."""

    source: str
    site_path: str
    type: str
    width: int | None
    height: int | None


# --- jobs: what materialise() makes ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """Files to make from one source: (cache file name, width, format) for pictures, (cache name, format) for audio."""

    source: Path
    kind: str  # "picture" | "audio"
    outputs: tuple[tuple, ...]


@dataclass
class MediaSet:
    """Every media file the site uses, described; `materialise()` makes what is missing and lists all."""

    cases_dir: Path
    cache_dir: Path | None
    pictures: dict[str, Picture] = field(default_factory=dict)
    sounds: dict[str, Sound] = field(default_factory=dict)
    clips: dict[str, Clip] = field(default_factory=dict)
    as_is: dict[str, str] = field(default_factory=dict)  # site path → path under cases/
    made: dict[str, str] = field(default_factory=dict)  # site path → cache file name
    jobs: list[_Job] = field(default_factory=list)
    digest: str = ""  # changes whenever anything a page prints of the media changes

    # template helpers: None/plain when a path was not described (pages rendered without a MediaSet)
    def picture(self, path: str) -> Picture | None:
        return self.pictures.get(_norm(path))

    def sound(self, path: str) -> Sound:
        return self.sounds.get(_norm(path)) or Sound(path, None, ((f"files/{_norm(path)}", _audio_type(path)),))

    def clip(self, path: str) -> Clip:
        return self.clips.get(_norm(path)) or Clip(path, f"files/{_norm(path)}", _video_type(path), None, None)

    def materialise(self) -> dict[str, Path]:
        """Site path → file for every published media file, made now or taken from the cache."""
        files = {site: self.cases_dir / rel for site, rel in self.as_is.items()}
        folder = _writable(self.cache_dir)
        present = set(os.listdir(folder))
        missing = [job for job in self.jobs if any(out[0] not in present for out in job.outputs)]
        for job in _run_all(missing):
            for name, content in job:
                _write_atomically(folder / name, content)
        files.update({site: folder / name for site, name in self.made.items()})
        return files


def describe(media: Iterable[str], cases_dir: Path, cache_dir: Path | None) -> MediaSet:
    """What pages need to know of every media path (under cases/): cheap once the cache knows the files."""
    memo = _memo(cache_dir / "media.sqlite" if cache_dir else None)
    found = MediaSet(cases_dir, cache_dir / "media" if cache_dir else None)
    try:
        for rel in sorted({_norm(p) for p in media}):
            _describe_one(found, rel, cases_dir / rel, memo)
        memo.save()
    finally:
        memo.close()
    found.digest = hashlib.sha256(json.dumps(
        [_version(), sorted(found.made), sorted(found.as_is), repr(sorted(found.pictures.items())),
         repr(sorted(found.sounds.items())), repr(sorted(found.clips.items()))]).encode()).hexdigest()[:16]
    return found


def _memo(path: Path | None) -> Memo:
    try:
        return Memo(path, _version())
    except OSError:  # e.g. a file where the cache folder should be: Memo only forgives SQLite's errors
        return Memo(None, _version())


def _describe_one(found: MediaSet, rel: str, source: Path, memo: Memo) -> None:
    suffix = PurePosixPath(rel).suffix.lower()
    kind = "picture" if suffix in PICTURE_TYPES else "audio" if suffix in AUDIO_TYPES else \
        "video" if suffix in VIDEO_TYPES else "other"
    if kind == "other":
        found.as_is[f"files/{rel}"] = rel
        return
    content = _content_hash(source, memo)
    key = hashlib.sha256(f"{_version()}\n{content}".encode()).hexdigest()[:16]
    facts = memo.get(f"facts {kind} {content}", lambda: json.dumps(_facts(kind, source)))
    facts = json.loads(facts)
    stem, folder = PurePosixPath(rel).stem, str(PurePosixPath("files", rel).parent)
    if kind == "picture" and facts.get("width"):
        _describe_picture(found, rel, source, key, facts, f"{folder}/{stem}.{key[:12]}")
    elif kind == "audio":
        _describe_sound(found, rel, source, key, facts, f"{folder}/{stem}.{key[:12]}")
    elif kind == "video":
        found.as_is[f"files/{rel}"] = rel
        found.clips[rel] = Clip(rel, f"files/{rel}", _video_type(rel), facts.get("width"), facts.get("height"))
    else:  # a picture Pillow cannot read: published as it is, shown by a plain <img>
        found.as_is[f"files/{rel}"] = rel


def _describe_picture(found: MediaSet, rel: str, source: Path, key: str, facts: dict, base: str) -> None:
    width, height = facts["width"], facts["height"]
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})  # never enlarged
    variants, outputs = [], []
    for format, ext in (("webp", "webp"), ("jpeg", "jpg")):
        for w in widths:
            variants.append(Variant(f"{base}-{w}.{ext}", w, format))
            outputs.append((f"{key}-{w}.{ext}", w, format))
            found.made[variants[-1].site_path] = outputs[-1][0]
    found.pictures[rel] = Picture(rel, width, height, tuple(variants))
    found.jobs.append(_Job(source, "picture", tuple(outputs)))


def _describe_sound(found: MediaSet, rel: str, source: Path, key: str, facts: dict, base: str) -> None:
    """Ogg/Opus first (smaller; browsers that cannot play it say so from the type), then AAC for everyone."""
    suffix = PurePosixPath(rel).suffix.lower()
    codec = facts.get("codec")
    files, outputs = [], []
    if ffmpeg() is None:
        log.warning("未找到 ffmpeg，音频只发布原文件：%s (no ffmpeg: audio published as supplied)", rel)
        found.as_is[f"files/{rel}"] = rel
        found.sounds[rel] = Sound(rel, facts.get("duration"), ((f"files/{rel}", _audio_type(rel)),))
        return
    for format, supplied in (("ogg", suffix in (".ogg", ".oga", ".opus") and codec == "opus"),
                             ("m4a", suffix == ".m4a" and codec == "aac")):
        if supplied:
            found.as_is[f"files/{rel}"] = rel
            files.append((f"files/{rel}", MIME[format]))
        else:
            files.append((f"{base}.{format}", MIME[format]))
            outputs.append((f"{key}.{format}", format))
            found.made[files[-1][0]] = outputs[-1][0]
    if suffix == ".mp3":  # already plays everywhere: keep it too, last
        found.as_is[f"files/{rel}"] = rel
        files.append((f"files/{rel}", MIME["mp3"]))
    if outputs:
        found.jobs.append(_Job(source, "audio", tuple(outputs)))
    found.sounds[rel] = Sound(rel, facts.get("duration"), tuple(files))


# --- reading files -----------------------------------------------------------------------------------------


def _content_hash(source: Path, memo: Memo) -> str:
    """sha256 of the file, remembered by place, size and modification time (photos weigh megabytes)."""
    stat = source.stat()
    return memo.get(f"hash {source.resolve()} {stat.st_size} {stat.st_mtime_ns}",
                    lambda: hashlib.sha256(source.read_bytes()).hexdigest())


def _facts(kind: str, source: Path) -> dict:
    if kind == "picture":
        return _picture_facts(source)
    return probe(source)


def _picture_facts(source: Path) -> dict:
    from PIL import Image

    try:
        with Image.open(source) as image:
            width, height = image.size
            if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # the camera turned it a quarter
                width, height = height, width
            return {"width": width, "height": height}
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        log.warning("图片无法读取，按原样发布：%s (%s) (picture published as supplied)", source.name, error)
        return {}


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_AUDIO_CODEC = re.compile(r"Stream #\S+: Audio: (\w+)")
_VIDEO = re.compile(r"Stream #\S+: Video: (\w+)[^\n]*?, (\d{2,5})x(\d{2,5})")


def probe(source: Path) -> dict:
    """Duration, codecs and frame size, as ffmpeg reads them ({} without ffmpeg)."""
    exe = ffmpeg()
    if exe is None:
        return {}
    try:
        run = subprocess.run([exe, "-hide_banner", "-nostdin", "-i", str(source)], capture_output=True,
                             timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    text = run.stderr.decode("utf-8", "replace")
    facts: dict = {}
    if match := _DURATION.search(text):
        hours, minutes, seconds = match.groups()
        facts["duration"] = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if match := _AUDIO_CODEC.search(text):
        facts["codec"] = match.group(1)
    if match := _VIDEO.search(text):
        facts["video_codec"], facts["width"], facts["height"] = match.group(1), int(match.group(2)), int(match.group(3))
    return facts


@lru_cache(maxsize=1)
def ffmpeg() -> str | None:
    """The ffmpeg that the pinned imageio-ffmpeg wheel ships (or $IMAGEIO_FFMPEG_EXE), else one on PATH."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


# --- making files ------------------------------------------------------------------------------------------


def make_pictures(source: Path, outputs: tuple[tuple, ...]) -> list[tuple[str, bytes]]:
    """Every (name, width, format) of one picture: decoded once, turned upright, metadata dropped."""
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        widest = max(width for _, width, _ in outputs)
        opened.draft("RGB", (widest * 2, widest * 2))  # JPEG decodes at a fraction of a phone photo's size
        image = ImageOps.exif_transpose(opened)
        transparent = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if transparent else "RGB")
    resized, larger = {}, image
    for width in sorted({width for _, width, _ in outputs}, reverse=True):  # each from the next larger: fast
        height = max(1, round(image.height * width / image.width))
        larger = resized[width] = larger if width == larger.width else \
            larger.resize((width, height), Image.LANCZOS, reducing_gap=2.0)
    made = []
    for name, width, format in outputs:
        out = io.BytesIO()
        if format == "webp":
            resized[width].save(out, "WEBP", quality=WEBP_QUALITY, method=4)
        else:
            _flattened(resized[width]).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        made.append((name, out.getvalue()))
    return made


def _flattened(image):  # -> Image.Image: JPEG has no transparency: lay it on white
    from PIL import Image

    if image.mode != "RGBA":
        return image
    white = Image.new("RGB", image.size, "#ffffff")
    white.paste(image, mask=image.getchannel("A"))
    return white


_AUDIO_ARGS = {
    "m4a": ["-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", "-f", "mp4"],
    "ogg": ["-c:a", "libopus", "-b:a", "48k", "-f", "ogg"],
}


def make_audio(source: Path, outputs: tuple[tuple, ...]) -> list[tuple[str, bytes]]:
    """Each (name, format) transcoded by ffmpeg; same input, same bytes (no metadata, bit-exact flags)."""
    made = []
    with tempfile.TemporaryDirectory(prefix="publisher-audio-") as scratch:
        for name, format in outputs:
            target = Path(scratch) / name
            command = [ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), "-vn",
                       "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                       *_AUDIO_ARGS[format], str(target)]
            subprocess.run(command, check=True, capture_output=True, timeout=600)
            made.append((name, target.read_bytes()))
    return made


def _make(job: _Job) -> list[tuple[str, bytes]]:
    try:
        return (make_pictures if job.kind == "picture" else make_audio)(job.source, job.outputs)
    except (OSError, ValueError, subprocess.SubprocessError) as error:
        # validation already read the file; what cannot be made here is left out of the page's sources
        log.warning("媒体文件处理失败：%s (%s) (could not make media variants)", job.source.name, error)
        return []


def _run_all(jobs: list[_Job]) -> Iterable[list[tuple[str, bytes]]]:
    """Each job's files, on every core when there are several (a phone photo takes ~0.5 s)."""
    workers = min(os.cpu_count() or 1, 4, len(jobs))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return map(_make, jobs)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_make, jobs))


# --- the cache folder --------------------------------------------------------------------------------------


_scratch: list[Path] = []  # one temporary folder per process, when the cache cannot be written


def _writable(folder: Path | None) -> Path:
    """`folder`, created, when files can be written there; else a temporary folder (a slower build)."""
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe_file = folder / f".probe.{os.getpid()}"
            probe_file.write_bytes(b"")
            probe_file.unlink()
            return folder
        except OSError:
            log.warning("媒体缓存不可写，本次构建改用临时目录：%s (media cache not writable)", folder)
    if not _scratch:
        _scratch.append(Path(tempfile.mkdtemp(prefix="publisher-media-")))
    return _scratch[0]


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # builds may run side by side
    temporary.write_bytes(content)
    os.replace(temporary, path)


# --- small helpers -----------------------------------------------------------------------------------------


def _norm(path: str) -> str:
    return path.strip().replace("\\", "/")


def _audio_type(path: str) -> str:
    return {".mp3": MIME["mp3"], ".m4a": MIME["m4a"], ".aac": "audio/aac", ".wav": "audio/wav",
            ".flac": "audio/flac"}.get(PurePosixPath(path).suffix.lower(), "audio/ogg")


def _video_type(path: str) -> str:
    return MIME["webm"] if PurePosixPath(path).suffix.lower() == ".webm" else MIME["mp4"]


@lru_cache(maxsize=1)
def _version() -> str:
    import importlib.metadata

    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return ", ".join([RECIPE, *versions])


# --- a CJK font from the requirements, for share images ------------------------------------------------------


def fonts_from_package():  # -> share.Fonts | None
    """Noto Sans CJK from the pinned PyPI package noto-cjk-sans-otc (the very file Debian's fonts-noto-cjk
    installs, OFL-1.1), for machines without that Debian package. Regular only: titles are drawn in it too."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    if not path.is_file():
        return None
    from .share import Fonts

    return Fonts(path, path)
