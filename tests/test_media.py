"""Media that plays everywhere (publisher/media_variants.py): phone photos resized, audio transcoded, both cached.

What editors supply is whatever they have: a 3–8 MB phone photo taken sideways, an Ogg or a WAV. The site
publishes a few widths as WebP and JPEG with the picture's true shape, the audio as Ogg/Opus and AAC with its
duration, and makes none of it twice. A cache that is broken or read-only makes a build slower, never failed.
"""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT
from publisher import media, media_variants as mv
from publisher import cards as share
from publisher import urls
from publisher.store import Store

DEMO_AUDIO = "media/audio/treat-first-pay-later.ogg"
DEMO_VIDEO = ROOT / "cases" / "media" / "video" / "treat-first-pay-later.mp4"


# --- inputs as editors supply them --------------------------------------------------------------------------


def phone_photo(path: Path, size: tuple[int, int] = (4032, 3024), orientation: int = 6) -> Path:
    """A camera-sized JPEG of 3–8 MB (smooth shapes under sensor noise), stored sideways with an EXIF rotation."""
    rng = random.Random(7)
    small = Image.new("RGB", (size[0] // 64, size[1] // 64))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(small.width * small.height)])
    image = small.resize(size, Image.BICUBIC)
    noise = Image.effect_noise(size, 60).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def wav(path: Path, seconds: float = 2.5) -> Path:
    subprocess.run([mv.ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={seconds}", str(path)], check=True)
    return path


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    (folder / "media").mkdir(parents=True)
    return folder


@pytest.fixture
def materialised():
    """What the build does (pipeline.prepare): describe, then a Store makes the drawings (closed afterwards)."""
    stores: list[Store] = []

    def make(media: list[str], cases: Path, cache: Path) -> tuple[mv.MediaSet, dict[str, Path]]:
        found = mv.describe(media, cases)
        stores.append(Store(cache / "drawn"))
        return found, {**found.as_is, **stores[-1].files(found.drawings)}

    yield make
    for store in stores:
        store.close()


# --- pictures -----------------------------------------------------------------------------------------------


def test_a_phone_photo_is_published_upright_in_phone_sizes_not_as_uploaded(materialised,
                                                                           cases: Path, tmp_path: Path) -> None:
    photo = phone_photo(cases / "media" / "photo.jpg")
    assert 3_000_000 <= photo.stat().st_size <= 8_000_000  # what editors upload
    found, files = materialised(["media/photo.jpg"], cases, tmp_path / "cache")
    picture = found.picture("media/photo.jpg")
    assert (picture.width, picture.height) == (3024, 4032)  # EXIF orientation 6: a portrait photo
    assert "files/media/photo.jpg" not in files  # the original megabytes stay home
    widths = {v.format: [] for v in picture.variants}
    for variant in picture.variants:
        widths[variant.format].append(variant.width)
        made = Image.open(files[urls.media(variant.path)])
        assert made.format == {"webp": "WEBP", "jpeg": "JPEG"}[variant.format]
        assert made.size == (variant.width, round(4032 * variant.width / 3024))  # upright, not stretched
        assert "exif" not in made.info  # no camera metadata (place, device) published
    assert widths == {"webp": list(mv.WIDTHS), "jpeg": list(mv.WIDTHS)}
    phone_size = next(v for v in picture.variants if v.format == "webp" and v.width == 800)
    assert files[urls.media(phone_size.path)].stat().st_size < 200_000


def test_a_small_picture_is_never_enlarged(materialised, cases: Path, tmp_path: Path) -> None:
    Image.new("RGB", (500, 300), "#0b5cad").save(cases / "media" / "small.png")
    found, files = materialised(["media/small.png"], cases, tmp_path / "cache")
    picture = found.picture("media/small.png")
    assert sorted({v.width for v in picture.variants}) == [160, 400, 500]
    assert all(Image.open(files[urls.media(v.path)]).width <= 500 for v in picture.variants)


def test_a_transparent_png_keeps_its_transparency_in_webp_and_gets_white_in_jpeg(materialised,
                                                                                 cases: Path, tmp_path: Path) -> None:
    Image.new("RGBA", (400, 200), (11, 92, 173, 0)).save(cases / "media" / "logo.png")
    found, files = materialised(["media/logo.png"], cases, tmp_path / "cache")
    picture = found.picture("media/logo.png")
    webp = Image.open(files[urls.media(next(v.path for v in picture.variants if v.format == "webp"))])
    jpeg = Image.open(files[urls.media(picture.fallback().path)])
    assert webp.mode == "RGBA" and webp.getpixel((10, 10))[3] == 0
    assert jpeg.getpixel((10, 10)) == (255, 255, 255)


def test_made_files_are_named_by_content_and_made_once(materialised, cases: Path, tmp_path: Path, monkeypatch) -> None:
    phone_photo(cases / "media" / "photo.jpg", size=(1600, 1200), orientation=1)
    cache = tmp_path / "cache"
    first, files = materialised(["media/photo.jpg"], cases, cache)
    read, made = [], []
    monkeypatch.setattr(mv, "_facts", lambda *args: read.append(args) or {})
    monkeypatch.setattr(mv, "make_picture", lambda *args: made.append(args) or b"")
    again, files_again = materialised(["media/photo.jpg"], cases, cache)
    assert read == [] and made == [] and files_again == files  # nothing read or made twice
    assert again.pictures == first.pictures
    monkeypatch.undo()
    Image.new("RGB", (1200, 1200), "#f5b700").save(cases / "media" / "photo.jpg")  # the editor replaced it
    changed = mv.describe(["media/photo.jpg"], cases)
    assert changed.picture("media/photo.jpg").height == 1200
    assert set(changed.drawings).isdisjoint(first.drawings)  # new names: browsers never keep the old picture


def test_a_cache_that_cannot_be_written_makes_a_slower_build_not_a_failed_one(materialised,
                                                                              cases: Path, tmp_path: Path) -> None:
    Image.new("RGB", (900, 600), "#083f7a").save(cases / "media" / "a.jpg")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")  # made files cannot be kept
    found, files = materialised(["media/a.jpg"], cases, blocked)
    assert files and all(path.is_file() for path in files.values())
    assert found.picture("media/a.jpg").width == 900


def test_a_picture_cut_short_still_builds_with_a_warning(materialised, cases: Path, tmp_path: Path, caplog) -> None:
    phone_photo(cases / "media" / "photo.jpg", size=(1600, 1200), orientation=1)
    whole = (cases / "media" / "photo.jpg").read_bytes()
    (cases / "media" / "photo.jpg").write_bytes(whole[: len(whole) // 3])  # an upload that broke off
    found, files = materialised(["media/photo.jpg"], cases, tmp_path / "cache")
    assert all(Image.open(files[urls.media(v.path)]).width == v.width for v in found.picture("media/photo.jpg").variants)
    assert "photo.jpg" in caplog.text


def test_check_refuses_a_picture_cut_short_or_of_too_many_pixels_and_takes_a_whole_photo(tmp_path: Path) -> None:
    """A half-downloaded photo would be published as a blank box, a 30000² PNG would exhaust the build's
    memory: `check` names both (with the field's file and line, like every media fault)."""
    (tmp_path / "media").mkdir()
    photo = phone_photo(tmp_path / "media" / "whole.jpg", size=(1600, 1200), orientation=1)
    (tmp_path / "media" / "cut.jpg").write_bytes(photo.read_bytes()[: photo.stat().st_size // 3])
    Image.new("1", (30_000, 30_000)).save(tmp_path / "media" / "bomb.png")  # 109 KB on disk

    assert media.check(tmp_path, "media/whole.jpg", ("image",)) is None
    assert media.check(tmp_path, "media/cut.jpg", ("image",)).code == "media_broken"
    assert media.check(tmp_path, "media/bomb.png", ("image",)).code == "media_pixels"


def test_the_hint_for_a_bad_file_name_gives_the_name_to_use_in_both_languages(tmp_path: Path) -> None:
    from publisher.problems import Problem

    fault = media.check(tmp_path, "media/照片 1.jpg", ("image",))
    problem = Problem(tmp_path / "case.yaml", fault.code, 7, 1, "image", fault.args)
    assert "把文件改名为 照片-1.jpg 这样" in problem.format("zh")
    assert "Rename the file, e.g. 照片-1.jpg (" in problem.format("en")


def test_a_file_pillow_cannot_read_is_published_as_it_is(materialised, cases: Path, tmp_path: Path) -> None:
    (cases / "media" / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    found, files = materialised(["media/broken.jpg"], cases, tmp_path / "cache")
    assert found.picture("media/broken.jpg") is None
    assert files == {"files/media/broken.jpg": cases / "media" / "broken.jpg"}
    assert mv.MediaSet().picture("media/broken.jpg") is None


# --- audio --------------------------------------------------------------------------------------------------


def test_the_demo_postcard_is_published_as_ogg_and_aac_with_its_duration(materialised, tmp_path: Path) -> None:
    cases = ROOT / "cases"
    found, files = materialised([DEMO_AUDIO], cases, tmp_path / "cache")
    sound = found.sound(DEMO_AUDIO)
    assert [t for _, t in sound.files] == ['audio/ogg; codecs="opus"', "audio/mp4"]
    assert sound.files[0][0] == DEMO_AUDIO  # the supplied Ogg/Opus, as it is
    m4a = mv.probe(files[urls.media(sound.files[1][0])])
    assert m4a["codec"] == "aac" and abs(m4a["duration"] - sound.duration) < 0.2
    assert sound.duration_label == "0:44" and sound.duration_iso == "PT44S"


def test_a_wav_recording_is_transcoded_to_both_and_the_wav_is_not_published(materialised,
                                                                            cases: Path, tmp_path: Path) -> None:
    wav(cases / "media" / "voice.wav")
    found, files = materialised(["media/voice.wav"], cases, tmp_path / "cache")
    sound = found.sound("media/voice.wav")
    codecs = [mv.probe(files[urls.media(path)])["codec"] for path, _ in sound.files]
    assert codecs == ["opus", "aac"]
    assert "files/media/voice.wav" not in files
    assert sound.duration_label == "0:03"


def test_an_mp3_is_kept_beside_the_two(materialised, cases: Path, tmp_path: Path) -> None:
    source = wav(tmp_path / "voice.wav", 1.0)
    subprocess.run([mv.ffmpeg(), "-loglevel", "error", "-i", str(source), str(cases / "media" / "voice.mp3")],
                   check=True)
    found, files = materialised(["media/voice.mp3"], cases, tmp_path / "cache")
    assert [t for _, t in found.sound("media/voice.mp3").files] == ['audio/ogg; codecs="opus"', "audio/mp4",
                                                                    "audio/mpeg"]
    assert "files/media/voice.mp3" in files


@pytest.mark.parametrize("seconds, label", [(0.4, "0:00"), (44.45, "0:44"), (59.6, "1:00"), (725, "12:05"),
                                            (3723, "1:02:03")])
def test_duration_labels(seconds: float, label: str) -> None:
    assert mv.Sound("a.ogg", seconds, ()).duration_label == label


def test_the_ffmpeg_the_requirements_install_makes_every_format_the_site_needs() -> None:
    import imageio_ffmpeg

    assert mv.ffmpeg() == imageio_ffmpeg.get_ffmpeg_exe()  # from the pinned wheel, not the machine
    encoders = subprocess.run([mv.ffmpeg(), "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    for encoder in ("aac", "libopus", "libx264"):
        assert re.search(rf"^ A?V?\S* {encoder} ", encoders, re.M), encoder


# --- the demo's own media -----------------------------------------------------------------------------------


def test_the_demo_video_plays_inline_on_phones() -> None:
    """H.264 (Main), yuv420p, AAC, ≤ 2 MB, moov atom first (starts before it has fully downloaded)."""
    data = DEMO_VIDEO.read_bytes()
    assert len(data) <= 2_000_000
    assert data[4:8] == b"ftyp" and data.find(b"moov") < data.find(b"mdat")  # +faststart
    facts = mv.probe(DEMO_VIDEO)
    assert facts["video_codec"] == "h264" and facts["codec"] == "aac" and facts["duration"] > 5
    header = subprocess.run([mv.ffmpeg(), "-hide_banner", "-i", str(DEMO_VIDEO)], capture_output=True,
                            text=True).stderr
    assert "yuv420p" in header and "(Main)" in header


def test_demo_pictures_are_small_and_every_one_is_used() -> None:
    pictures = sorted((ROOT / "cases" / "media" / "images").glob("*.jpg"))
    assert len(pictures) >= 4
    used = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "cases").rglob("*.yaml"))
    for picture in pictures:
        assert picture.stat().st_size < 150_000, picture.name
        assert f"media/images/{picture.name}" in used, picture.name


# --- a CJK font for share images ---------------------------------------------------------------------------


def test_share_images_find_the_packaged_cjk_font_without_debians(monkeypatch) -> None:
    monkeypatch.delenv(share.FONT_ENV, raising=False)
    monkeypatch.setattr(share, "DEBIAN_FONTS", ("/nonexistent/Regular.ttc", "/nonexistent/Bold.ttc"))
    fonts = share.find_fonts()
    assert fonts is not None and "noto_cjk_sans_otc" in str(fonts.regular)
    font = share._font(fonts.regular, 48)
    assert font.getname()[0] == "Noto Sans CJK SC"
    for text in ("营商青岛·共赢之道", "先诊疗后付费", "龘"):  # common and rare Han characters all have glyphs
        image = Image.new("L", (600, 80), 0)
        from PIL import ImageDraw

        ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
        assert image.getbbox() is not None
        assert font.getmask(text[-1]).getbbox() != font.getmask("\uffff").getbbox()  # not the missing-glyph box
    card = share.draw_card(share.Card("先诊疗后付费", "二级及以上公立医院", "2022 年度十大创新案例", "第 2 名", (),
                                      False, "营商青岛·共赢之道"), fonts)
    assert Image.open(io.BytesIO(card)).size == (1200, 630)


def test_a_linked_folder_is_named_by_its_own_path_when_a_folder_above_has_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "media/a").mkdir(parents=True)
    (tmp_path / "media/a/a").symlink_to(tmp_path / "media/a", target_is_directory=True)
    fault = media.check(tmp_path, "media/a/a/x.png", ("image",))
    assert fault is not None and fault.code == "symlink" and fault.args["value"] == "media/a/a"
