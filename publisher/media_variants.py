"""Media that plays everywhere: phone-sized pictures and audio for every browser, made from what editors supply.

Editors drop whatever they have into cases/media/ (a 6 MB phone photo, an Ogg or WAV recording). The site
publishes, beside or instead of it, what phones need:

- a picture in a few widths, as WebP and as JPEG (for browsers without WebP), with its width and height so
  the page keeps its place while it loads; the original itself is not published (it can weigh megabytes);
- an audio postcard as Ogg/Opus and as AAC in .m4a (iPhones and in-app browsers), with its duration;
- a video and anything else as they are.

`describe()` reads what pages need (sizes, durations, site paths): the template global `media` (see
templates/_macros.html). Its `drawings` are made by the build's Store (store.py) like share images: named by
a hash of the source's content and of how they are made (`RECIPE`, library versions), kept between builds,
made again only when missing. Nothing else is kept between builds: describe() reads each file (hash, size,
duration) again, a few milliseconds a file.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from . import urls
from .store import Drawing

log = logging.getLogger("mkdocs.plugins.publisher.media")

RECIPE = "media-2"  # bump when the making changes, so cached files are made again
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
    path: str  # a media path, like the editors' (under cases/): urls.media() makes its site path
    width: int
    format: str  # "webp" | "jpeg"


@dataclass(frozen=True)
class Picture:
    """A picture as pages show it: its shape (after the camera's rotation) and its published sizes."""

    source: str  # path under cases/
    width: int
    height: int
    variants: tuple[Variant, ...]

    def srcset(self, url: Callable[..., str], format: str) -> str:
        """For <source>/<img srcset>: `url` is the template's (media is shared by every language's pages)."""
        return ", ".join(f"{url('media', v.path)} {v.width}w" for v in self.variants if v.format == format)

    def fallback(self) -> Variant:
        jpegs = [v for v in self.variants if v.format == "jpeg"]
        return next((v for v in jpegs if v.width >= FALLBACK_WIDTH), jpegs[-1])

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
    files: tuple[tuple[str, str], ...]  # (media path, type attribute)

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
    path: str  # media path
    type: str
    width: int | None
    height: int | None


@dataclass
class MediaSet:
    """Every media file the site uses, described: what pages show, and what the build publishes."""

    pictures: dict[str, Picture] = field(default_factory=dict)  # by path under cases/
    sounds: dict[str, Sound] = field(default_factory=dict)
    clips: dict[str, Clip] = field(default_factory=dict)
    as_is: dict[str, Path] = field(default_factory=dict)  # site path → the supplied file
    drawings: dict[str, Drawing] = field(default_factory=dict)  # site path → file the Store makes

    # template helpers: None/plain when a path was not described (pages rendered without a MediaSet)
    def picture(self, path: str) -> Picture | None:
        return self.pictures.get(_norm(path))

    def sound(self, path: str) -> Sound:
        return self.sounds.get(_norm(path)) or Sound(path, None, ((_norm(path), _audio_type(path)),))

    def clip(self, path: str) -> Clip:
        return self.clips.get(_norm(path)) or Clip(path, _norm(path), _video_type(path), None, None)


def describe(media: Iterable[str], cases_dir: Path) -> MediaSet:
    """What pages need to know of every media path (under cases/)."""
    found = MediaSet()
    for rel in sorted({_norm(p) for p in media}):
        _describe_one(found, rel, cases_dir / rel)
    return found


def _describe_one(found: MediaSet, rel: str, source: Path) -> None:
    suffix = PurePosixPath(rel).suffix.lower()
    kind = "picture" if suffix in PICTURE_TYPES else "audio" if suffix in AUDIO_TYPES else \
        "video" if suffix in VIDEO_TYPES else "other"
    if kind == "other":
        found.as_is[urls.media(rel)] = source
        return
    stat = source.stat()
    content, facts = _read(kind, str(source.resolve()), stat.st_size, stat.st_mtime_ns)
    base = str(PurePosixPath(rel).with_suffix("")) + "." + _key(content)[:12]
    if kind == "picture" and facts.get("width"):
        _describe_picture(found, rel, source, content, facts, base)
    elif kind == "audio":
        _describe_sound(found, rel, source, content, facts, base)
    else:  # a video, or a picture Pillow cannot read (shown by a plain <img>): published as it is
        found.as_is[urls.media(rel)] = source
        if kind == "video":
            found.clips[rel] = Clip(rel, rel, _video_type(rel), facts.get("width"), facts.get("height"))


def _describe_picture(found: MediaSet, rel: str, source: Path, content: str, facts: dict, base: str) -> None:
    width, height = facts["width"], facts["height"]
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})  # never enlarged
    variants = []
    for format, suffix in (("webp", ".webp"), ("jpeg", ".jpg")):
        for w in widths:
            variants.append(Variant(f"{base}-{w}{suffix}", w, format))
            found.drawings[urls.media(variants[-1].path)] = Drawing(
                _key(content, w, format), suffix, make_picture, (str(source), content, w, format))
    found.pictures[rel] = Picture(rel, width, height, tuple(variants))


def _describe_sound(found: MediaSet, rel: str, source: Path, content: str, facts: dict, base: str) -> None:
    """Ogg/Opus first (smaller; browsers that cannot play it say so from the type), then AAC for everyone."""
    suffix = PurePosixPath(rel).suffix.lower()
    codec = facts.get("codec")
    if ffmpeg() is None:
        log.warning("未找到 ffmpeg，音频只发布原文件：%s (no ffmpeg: audio published as supplied)", rel)
        found.as_is[urls.media(rel)] = source
        found.sounds[rel] = Sound(rel, facts.get("duration"), ((rel, _audio_type(rel)),))
        return
    files = []
    for format, supplied in (("ogg", suffix in (".ogg", ".oga", ".opus") and codec == "opus"),
                             ("m4a", suffix == ".m4a" and codec == "aac")):
        if supplied:
            found.as_is[urls.media(rel)] = source
            files.append((rel, MIME[format]))
        else:
            files.append((f"{base}.{format}", MIME[format]))
            found.drawings[urls.media(files[-1][0])] = Drawing(_key(content, format), f".{format}",
                                                               make_audio, (str(source), format))
    if suffix == ".mp3":  # already plays everywhere: keep it too, last
        found.as_is[urls.media(rel)] = source
        files.append((rel, MIME["mp3"]))
    found.sounds[rel] = Sound(rel, facts.get("duration"), tuple(files))


def _key(content: str, *how: object) -> str:
    """Names a made file: its source's content and how it is made (no dots: the Store splits names on them)."""
    return hashlib.sha256(json.dumps([_version(), content, *how]).encode()).hexdigest()[:32]


# --- reading files -----------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # `serve` builds again and again: a file read once is known while it is unchanged
def _read(kind: str, source: str, size: int, mtime_ns: int) -> tuple[str, dict]:
    """The file's content hash (it names what is made of it) and what pages need of it."""
    return hashlib.sha256(Path(source).read_bytes()).hexdigest(), _facts(kind, Path(source))


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
        log.warning("图片无法读取，按原样发布：%s（%s）(picture published as supplied)", source.name, error)
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


# --- making files (by the Store, in worker processes when there are many) ----------------------------------


def make_picture(source: str, content: str, width: int, format: str) -> bytes:
    """One published size of a picture, upright, without the camera's metadata. A file that cannot be decoded
    (cut short, say) gives a brand-coloured picture of its size, with a warning naming it: never a failed build."""
    try:
        image = _resized(source, content, width)
    except (OSError, ValueError) as error:
        from PIL import Image

        log.warning("图片无法处理，已用占位图代替：%s（%s）(could not resize it)", source, error)
        image = Image.new("RGB", (width, max(1, width * 9 // 16)), "#0b5cad")
    out = io.BytesIO()
    if format == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        _flattened(image).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


@lru_cache(maxsize=8)  # the sizes of one picture are made one after another: decode once, shrink step by step
def _resized(source: str, content: str, width: int):  # -> Image.Image
    from PIL import Image

    upright = _upright(source, content)
    larger = [w for w in WIDTHS if width < w < upright.width]
    start = _resized(source, content, larger[0]) if larger else upright
    if start.width == width:
        return start
    return start.resize((width, max(1, round(upright.height * width / upright.width))), Image.LANCZOS,
                        reducing_gap=2.0)


@lru_cache(maxsize=1)
def _upright(source: str, content: str):  # -> Image.Image; `content` ties the cache to the file's bytes
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        opened.draft("RGB", (WIDTHS[-1] * 2, WIDTHS[-1] * 2))  # a huge JPEG decodes at a fraction of its size
        image = ImageOps.exif_transpose(opened)
        transparent = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
        return image.convert("RGBA" if transparent else "RGB")


def _flattened(image):  # -> Image.Image: JPEG has no transparency: lay it on white
    from PIL import Image

    if image.mode != "RGBA":
        return image
    white = Image.new("RGB", image.size, "#ffffff")
    white.paste(image, mask=image.getchannel("A"))
    return white


_AUDIO_ARGS = {
    "m4a": ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "mp4"],
    "ogg": ["-c:a", "libopus", "-b:a", "48k", "-f", "ogg"],
}


def make_audio(source: str, format: str) -> bytes:
    """The audio transcoded by ffmpeg, without metadata, bit-exact flags set (same input, same bytes).
    A failure gives an empty file and a warning naming the source: browsers then take the next <source>."""
    with tempfile.TemporaryDirectory(prefix="publisher-audio-") as scratch:
        target = Path(scratch) / f"out.{format}"
        command = [ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", source, "-vn",
                   "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", *_AUDIO_ARGS[format],
                   str(target)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=600)
            return target.read_bytes()
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("音频转码失败：%s（%s）(could not transcode this audio)", source, error)
            return b""


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
