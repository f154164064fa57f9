"""Media files the entries refer to: only what a reader's browser can safely show, from cases/media/.

A media file is published as it is, on the site's own origin. So it must be a regular file inside
`cases/media/` (a symbolic link is reported, never followed: a link to /etc/passwd would publish it),
its content must be what the field expects, judged by its first bytes and not by its name (an HTML
page or an SVG with a script, named `.png`, would run as the site), its size must suit a phone, and
its name must work unchanged in a URL (`#`, `?`, `%` and spaces break links; we refuse them rather
than encode them, so the name an editor sees is the name in the address).
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

MEDIA_FOLDER = "media"
MB = 1024 * 1024
MAX_PIXELS = 89_478_485  # Pillow's own bomb threshold: a 48-megapixel phone photo passes, a 30000² PNG does not


@dataclass(frozen=True)
class Kind:
    label_zh: str
    label_en: str
    formats: frozenset[str]  # format names `sniff` returns
    extensions: frozenset[str]
    limit: int  # bytes
    shrink_zh: str
    shrink_en: str


IMAGE = Kind("图片（PNG、JPEG、WebP、AVIF 或 GIF）", "an image (PNG, JPEG, WebP, AVIF or GIF)",
             frozenset({"png", "jpeg", "webp", "avif", "gif"}),
             frozenset({".png", ".jpg", ".jpeg", ".webp", ".avif", ".gif"}), 12 * MB,  # phone photos: the build resizes them
             "用画图或手机相册把图片缩小到宽 1600 像素以内，另存为 JPEG（质量 80%）或 WebP。",
             "Resize it to at most 1600 pixels wide and save it as JPEG (quality 80) or WebP.")
AUDIO = Kind("音频（OGG/Opus、MP3、M4A/AAC 或 WebM）", "audio (OGG/Opus, MP3, M4A/AAC or WebM)",
             frozenset({"ogg", "mp3", "mp4", "aac", "webm"}),
             frozenset({".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".webm"}), 10 * MB,
             "用 Audacity 等软件导出为 MP3 或 OGG，单声道、64 kbps 足够朗读使用。",
             "Export it as mono MP3 or OGG at 64 kbps (plenty for speech).")
VIDEO = Kind("视频（MP4/H.264 或 WebM）", "video (MP4/H.264 or WebM)", frozenset({"mp4", "webm"}),
             frozenset({".mp4", ".m4v", ".webm"}), 50 * MB,
             "用剪映或 HandBrake 导出为 MP4（H.264），分辨率 720p、码率 1.5 Mbps 左右；长视频请放在视频网站，用 url 链接。",
             "Export it as 720p H.264 MP4 at about 1.5 Mbps; put long videos on a video site and use url.")
KINDS = {"image": IMAGE, "audio": AUDIO, "video": VIDEO}
_FIELD_KINDS = {"image": IMAGE, "photo": IMAGE, "poster": IMAGE, "audio": AUDIO, "video": VIDEO}

# Characters that change what a URL means (#, ?, %, &, +) or need escaping in it (spaces, quotes, <>):
# a name with one of them is refused rather than encoded, so the name in the folder is the name in links.
_SAFE_NAME = re.compile(r"[\w.\-]+")  # \w: letters of every script (Chinese names work), digits, _


def kind_of_field(field: tuple[object, ...]) -> Kind:
    """What a media field expects: `image`, `photo`, `video.poster` → image; `audio.file` → audio …"""
    return IMAGE if field[-1] == "poster" else _FIELD_KINDS[str(field[0])]


def sniff(head: bytes) -> str:
    """The format of a file from its first bytes: png, jpeg, gif, webp, avif, ogg, mp3, aac, mp4, webm,
    svg, html, or "unknown"."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brands = _ftyp_brands(head)
        return "avif" if brands & {b"avif", b"avis"} else "mp4"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else "unknown"  # Matroska (.mkv) is not played everywhere
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)):
        return "mp3"  # an ID3 tag, or an MPEG audio frame (layer III/II)
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"  # ADTS
    return _markup(head)


def _ftyp_brands(head: bytes) -> set[bytes]:
    size = int.from_bytes(head[:4], "big")
    box = head[8: max(16, min(size, len(head)))]
    return {box[i:i + 4] for i in range(0, len(box) - 3, 4)} - {b"\0\0\0\0"}


def _markup(head: bytes) -> str:
    text = head[:1024].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    if "<svg" in text:
        return "svg"
    if text.startswith("<") or "<script" in text or "<html" in text or "<!doctype" in text:
        return "html"
    return "unknown"


FORMAT_NAMES = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP", "avif": "AVIF", "ogg": "OGG",
                "mp3": "MP3", "aac": "AAC", "mp4": "MP4", "webm": "WebM", "html": "HTML 网页",
                "unknown": "无法识别的格式"}


@dataclass(frozen=True)
class Fault:
    """What is wrong with one referenced media file: a message code and its arguments."""

    code: str
    args: dict[str, object]


def check(cases_dir: Path, rel: str, field: tuple[object, ...]) -> Fault | None:
    """The first thing wrong with media file `rel` (relative to `cases_dir`) used in `field`, or None."""
    kind = kind_of_field(field)
    parts = rel.split("/")
    if parts[0] != MEDIA_FOLDER or len(parts) < 2:
        return Fault("media_outside", {"value": rel})
    bad_part = next((part for part in parts if not _SAFE_NAME.fullmatch(part)), None)
    if bad_part is not None:
        return Fault("media_name", {"value": rel, "name": bad_part, "rename": _safe_name(bad_part)})
    path = cases_dir
    for depth, part in enumerate(parts, start=1):  # no link on the way: a linked folder could lead anywhere
        path = path / part
        if os.path.islink(path):
            return Fault("symlink", {"value": "/".join(parts[:depth])})
    if not path.is_file():
        return Fault("missing_file", {"value": rel})
    size = path.stat().st_size
    with open(path, "rb") as file:
        found = sniff(file.read(1024))
    if found == "svg":
        return Fault("media_svg", {"value": rel})
    if found not in kind.formats or path.suffix.lower() not in kind.extensions:
        return Fault("media_type", {"value": rel, "found": FORMAT_NAMES.get(found, found),
                                    "expected_zh": kind.label_zh, "expected_en": kind.label_en,
                                    "extensions": " ".join(sorted(kind.extensions))})
    if size > kind.limit:  # messages pick the _zh or _en argument
        return Fault("media_too_large", {"value": rel, "size": f"{size / MB:.1f}", "limit": kind.limit // MB,
                                         "shrink_zh": kind.shrink_zh, "shrink_en": kind.shrink_en})
    if kind is IMAGE:
        return _picture_fault(path, rel)
    return None


def _picture_fault(path: Path, rel: str) -> Fault | None:
    """A picture must decode in full: one cut short (a download from a chat app that stopped half way) would
    be published as a blank box, and one of a billion pixels would exhaust the build's memory."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Image.DecompressionBombError
                image.draft("RGB", (image.width // 8, image.height // 8))  # JPEG: a small decode, still of every byte
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Fault("media_pixels", {"value": rel, "limit": MAX_PIXELS // 10_000, "limit_en": MAX_PIXELS // 1_000_000,
                                      "shrink_zh": IMAGE.shrink_zh, "shrink_en": IMAGE.shrink_en})
    except (OSError, ValueError, SyntaxError, EOFError):
        return Fault("media_broken", {"value": rel})
    return None


def _safe_name(name: str) -> str:
    """A name that would work: the unsafe characters replaced by hyphens."""
    stem = re.sub(r"[^\w.\-]+", "-", name).strip("-")
    return stem or "file"
