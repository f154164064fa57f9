"""Draw the demo's pictures and make its video: our own media, so the site can be judged with pictures.

    .venv/bin/python tools/demo_media.py            # writes cases/media/images/*.jpg and cases/media/video/*

Illustrations per category (flat, layered shapes in the brand's colours, as an editorial illustration),
three portraits (faceless busts, as magazines draw people they have not photographed), and a short video
made with ffmpeg from the case's share image and its audio postcard. Every output is deterministic: the
same script draws the same pixels. The build never runs this; the outputs are committed.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEA, DEEP, GOLD = (11, 92, 173), (8, 63, 122), (245, 183, 0)
FOAM, MIST, INK = (231, 241, 251), (160, 196, 232), (5, 38, 76)
W, H, SS = 1600, 900, 2  # drawn at twice the size, then scaled down: smooth edges


def mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def canvas(top: tuple, bottom: tuple, size: tuple[int, int] = (W, H)) -> Image.Image:
    width, height = size[0] * SS, size[1] * SS
    column = Image.new("RGB", (1, height))
    for y in range(height):
        column.putpixel((0, y), mix(top, bottom, y / (height - 1)))
    return column.resize((width, height))


def waves(draw: ImageDraw.ImageDraw, base: float, colours: list[tuple], seed: int, size=(W, H)) -> None:
    """Layered sea bands along the bottom: Qingdao's bay."""
    width, height = size[0] * SS, size[1] * SS
    rng = random.Random(seed)
    for layer, colour in enumerate(colours):
        top = height * (base + layer * 0.055)
        amplitude, period, phase = height * 0.012, width / rng.uniform(2.5, 4.5), rng.uniform(0, 6.28)
        points = [(x, top + amplitude * math.sin(x / period * 6.28 + phase)) for x in range(0, width + 40, 40)]
        draw.polygon(points + [(width, height), (0, height)], fill=colour)


def sun(draw: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    for ring, alpha in ((2.1, 0.12), (1.6, 0.22)):
        draw.ellipse([(x - r * ring) * SS, (y - r * ring) * SS, (x + r * ring) * SS, (y + r * ring) * SS],
                     fill=mix(DEEP, GOLD, alpha))
    draw.ellipse([(x - r) * SS, (y - r) * SS, (x + r) * SS, (y + r) * SS], fill=GOLD)


def rect(draw, x0, y0, x1, y1, fill, radius=0):
    draw.rounded_rectangle([x0 * SS, y0 * SS, x1 * SS, y1 * SS], radius=radius * SS, fill=fill)


def windows(draw, x0, y0, x1, y1, rng, lit=0.3, cols=4, rows=10):
    cw, rh = (x1 - x0) / cols, (y1 - y0) / rows
    for c in range(cols):
        for r in range(rows):
            colour = GOLD if rng.random() < lit else mix(DEEP, FOAM, 0.25)
            rect(draw, x0 + c * cw + cw * 0.25, y0 + r * rh + rh * 0.3, x0 + (c + 1) * cw - cw * 0.25,
                 y0 + (r + 1) * rh - rh * 0.2, colour)


def skyline(draw, rng, base=640, colour=None, count=9, tallest=380):
    colour = colour or mix(DEEP, INK, 0.4)
    x = -20
    while x < W:
        w = rng.uniform(70, 150)
        h = rng.uniform(tallest * 0.35, tallest)
        rect(draw, x, base - h, x + w, base + 10, colour)
        x += w + rng.uniform(4, 20)


def finish(image: Image.Image, size=(W, H)) -> Image.Image:
    image = image.resize(size, Image.LANCZOS)
    grain = Image.effect_noise(size, 10).convert("RGB")  # a little paper grain, as printed
    return Image.blend(image, Image.merge("RGB", [grain.getchannel(0)] * 3), 0.035).filter(ImageFilter.SMOOTH)


# --- one illustration per category ------------------------------------------------------------------------


def enterprise() -> Image.Image:
    """Towers with lit windows and a rising gold line: a firm's whole life, from registration on."""
    rng = random.Random(1)
    image = canvas(DEEP, SEA)
    draw = ImageDraw.Draw(image)
    sun(draw, 1270, 210, 70)
    skyline(draw, rng, base=660, colour=mix(DEEP, SEA, 0.35))
    for x, w, h in ((280, 170, 470), (480, 210, 560), (730, 160, 400), (930, 190, 500)):
        rect(draw, x, 660 - h, x + w, 670, mix(INK, DEEP, 0.5), radius=6)
        windows(draw, x + 12, 680 - h, x + w - 12, 640, rng, lit=0.28, cols=4, rows=max(6, h // 45))
    points = [(140, 600), (380, 520), (560, 560), (780, 400), (980, 440), (1230, 250)]
    draw.line([(x * SS, y * SS) for x, y in points], fill=GOLD, width=14 * SS, joint="curve")
    tip = points[-1]
    draw.polygon([((tip[0] + 40) * SS, (tip[1] - 40) * SS), ((tip[0] - 36) * SS, (tip[1] - 18) * SS),
                  ((tip[0] + 18) * SS, (tip[1] + 36) * SS)], fill=GOLD)
    waves(draw, 0.74, [mix(SEA, FOAM, 0.2), SEA, DEEP, INK], seed=1)
    return finish(image)


def individual() -> Image.Image:
    """Houses by the bay, a parent walking with a child: services across a person's life."""
    rng = random.Random(2)
    image = canvas(mix(SEA, FOAM, 0.35), SEA)
    draw = ImageDraw.Draw(image)
    sun(draw, 300, 220, 85)
    for x, w, h, roof in ((700, 220, 200, DEEP), (940, 170, 260, INK), (1130, 240, 180, DEEP), (1390, 200, 230, INK)):
        base = 640
        rect(draw, x, base - h, x + w, base + 10, mix(FOAM, MIST, 0.3), radius=4)
        draw.polygon([((x - 18) * SS, (base - h) * SS), ((x + w / 2) * SS, (base - h - 90) * SS),
                      ((x + w + 18) * SS, (base - h) * SS)], fill=roof)
        windows(draw, x + 20, base - h + 20, x + w - 20, base - 60, rng, lit=0.45, cols=3, rows=3)
        rect(draw, x + w / 2 - 22, base - 70, x + w / 2 + 22, base + 10, GOLD, radius=6)
    for cx, scale, colour in ((420, 1.0, INK), (520, 0.62, DEEP)):  # a parent and a child, hand in hand
        head = 40 * scale
        top = 700 - 300 * scale
        draw.ellipse([(cx - head) * SS, top * SS, (cx + head) * SS, (top + 2 * head) * SS], fill=colour)
        rect(draw, cx - 55 * scale, top + 2.3 * head, cx + 55 * scale, 700, colour, radius=40 * scale)
    draw.line([(470 * SS, 560 * SS), (490 * SS, 590 * SS)], fill=INK, width=16 * SS)
    waves(draw, 0.8, [mix(SEA, FOAM, 0.4), SEA, DEEP], seed=2)
    return finish(image)


def project() -> Image.Image:
    """A crane over a rising frame, gold beams: a project from approval to acceptance."""
    rng = random.Random(3)
    image = canvas(mix(DEEP, INK, 0.3), mix(SEA, FOAM, 0.15))
    draw = ImageDraw.Draw(image)
    sun(draw, 1320, 190, 60)
    skyline(draw, rng, base=680, colour=mix(SEA, DEEP, 0.4), tallest=260)
    frame_colour = mix(FOAM, MIST, 0.5)
    x0, x1, floors = 560, 1080, 7
    for floor in range(floors + 1):  # the frame
        y = 680 - floor * 62
        rect(draw, x0, y - 10, x1, y, GOLD if floor == floors else frame_colour)
    for x in range(x0, x1 + 1, 104):
        rect(draw, x - 6, 680 - floors * 62, x + 6, 680, frame_colour)
    rect(draw, x0, 680 - 4 * 62, x1, 680, mix(SEA, DEEP, 0.2))  # floors already closed in
    windows(draw, x0 + 10, 680 - 4 * 62 + 8, x1 - 10, 672, rng, lit=0.35, cols=10, rows=4)
    mast = 330  # the crane
    for y in range(140, 690, 40):
        draw.line([((mast - 22) * SS, y * SS), ((mast + 22) * SS, (y + 40) * SS)], fill=GOLD, width=5 * SS)
        draw.line([((mast + 22) * SS, y * SS), ((mast - 22) * SS, (y + 40) * SS)], fill=GOLD, width=5 * SS)
    rect(draw, mast - 24, 130, mast - 16, 690, GOLD)
    rect(draw, mast + 16, 130, mast + 24, 690, GOLD)
    rect(draw, mast - 160, 118, mast + 720, 138, GOLD)
    rect(draw, mast - 170, 138, mast - 90, 190, INK, radius=4)
    draw.line([((mast + 600) * SS, 138 * SS), ((mast + 600) * SS, 300 * SS)], fill=FOAM, width=4 * SS)
    rect(draw, mast + 540, 300, mast + 660, 322, GOLD, radius=3)
    waves(draw, 0.8, [mix(SEA, FOAM, 0.2), SEA, DEEP], seed=3)
    return finish(image)


def innovation() -> Image.Image:
    """A lamp above circuit lines and a starry sky: new firms started in one stop."""
    rng = random.Random(4)
    image = canvas(INK, DEEP)
    draw = ImageDraw.Draw(image)
    for _ in range(90):  # stars
        x, y, r = rng.uniform(0, W), rng.uniform(0, 520), rng.uniform(1, 3.2)
        draw.ellipse([(x - r) * SS, (y - r) * SS, (x + r) * SS, (y + r) * SS], fill=mix(FOAM, GOLD, rng.random()))
    for _ in range(14):  # circuit lines converging on the lamp
        y = rng.uniform(520, 760)
        x = rng.choice([rng.uniform(0, 420), rng.uniform(1180, W)])
        bend = 800 + rng.uniform(-80, 80)
        draw.line([(x * SS, y * SS), (bend * SS, y * SS), (800 * SS, 600 * SS)], fill=mix(SEA, FOAM, 0.3),
                  width=4 * SS)
        draw.ellipse([(x - 9) * SS, (y - 9) * SS, (x + 9) * SS, (y + 9) * SS], fill=GOLD)
    cx, cy, r = 800, 330, 170
    for ring, alpha in ((2.2, 0.10), (1.7, 0.20), (1.3, 0.35)):
        draw.ellipse([(cx - r * ring) * SS, (cy - r * ring) * SS, (cx + r * ring) * SS, (cy + r * ring) * SS],
                     fill=mix(DEEP, GOLD, alpha))
    draw.ellipse([(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS], fill=GOLD)
    draw.polygon([((cx - 95) * SS, (cy + 120) * SS), ((cx + 95) * SS, (cy + 120) * SS),
                  ((cx + 70) * SS, (cy + 230) * SS), ((cx - 70) * SS, (cy + 230) * SS)], fill=GOLD)
    for k in range(3):
        rect(draw, cx - 75, cy + 240 + k * 30, cx + 75, cy + 260 + k * 30, FOAM, radius=10)
    draw.line([((cx - 60) * SS, (cy + 40) * SS), ((cx - 20) * SS, (cy - 40) * SS), ((cx + 20) * SS, (cy + 40) * SS),
               ((cx + 60) * SS, (cy - 40) * SS)], fill=DEEP, width=12 * SS, joint="curve")
    return finish(image)


# --- portraits ---------------------------------------------------------------------------------------------


def portrait(seed: int, hair: str, jacket: tuple, backdrop: tuple) -> Image.Image:
    """A faceless bust on a patterned backdrop: how editorial pages draw people they have not photographed."""
    size = (1200, 1200)
    rng = random.Random(seed)
    image = canvas(backdrop, mix(backdrop, DEEP, 0.6), size)
    draw = ImageDraw.Draw(image)
    for _ in range(7):  # soft circles behind
        x, y, r = rng.uniform(0, 1200), rng.uniform(0, 800), rng.uniform(80, 260)
        draw.ellipse([(x - r) * SS, (y - r) * SS, (x + r) * SS, (y + r) * SS], fill=mix(backdrop, FOAM, 0.12))
    sun(draw, 900, 300, 70)
    skin, hair_colour = (232, 190, 160), (40, 30, 28)
    cx = 600
    rect(draw, cx - 330, 860, cx + 330, 1300, jacket, radius=260)  # shoulders
    draw.polygon([((cx - 90) * SS, 860 * SS), ((cx + 90) * SS, 860 * SS), (cx * SS, 1010 * SS)], fill=FOAM)  # collar
    rect(draw, cx - 55, 700, cx + 55, 900, mix(skin, (0, 0, 0), 0.08), radius=30)  # neck
    if hair == "long":
        rect(draw, cx - 200, 360, cx + 200, 930, hair_colour, radius=170)
    draw.ellipse([(cx - 165) * SS, 380 * SS, (cx + 165) * SS, 800 * SS], fill=skin)  # head
    if hair == "short":
        draw.chord([(cx - 175) * SS, 350 * SS, (cx + 175) * SS, 700 * SS], 180, 360, fill=hair_colour)
        rect(draw, cx - 175, 520, cx - 150, 600, hair_colour, radius=10)
        rect(draw, cx + 150, 520, cx + 175, 600, hair_colour, radius=10)
    elif hair == "long":
        draw.chord([(cx - 180) * SS, 350 * SS, (cx + 180) * SS, 720 * SS], 180, 360, fill=hair_colour)
    else:  # "grey": a receding line and glasses
        draw.chord([(cx - 172) * SS, 365 * SS, (cx + 172) * SS, 640 * SS], 195, 345, fill=(130, 130, 135))
        for side in (-1, 1):
            x = cx + side * 70
            draw.ellipse([(x - 48) * SS, 560 * SS, (x + 48) * SS, 640 * SS], outline=INK, width=9 * SS)
        draw.line([((cx - 22) * SS, 595 * SS), ((cx + 22) * SS, 595 * SS)], fill=INK, width=8 * SS)
    rect(draw, cx + 150, 990, cx + 230, 1020, GOLD, radius=8)  # a badge on the jacket
    return finish(image, size)


def save_jpeg(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=82, optimize=True, progressive=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


# --- the video ---------------------------------------------------------------------------------------------


def video(slug: str, year: int = 2022) -> None:
    """A short H.264 video of the case's share image, slowly zooming, with its audio postcard: plays inline."""
    from publisher import share
    from publisher.media_variants import ffmpeg
    from publisher.pipeline import load

    catalog = load(ROOT)
    entry = next(e for ed in catalog.editions if ed.year == year for e in ed.cases if e.slug == slug)
    fonts = share.find_fonts()
    card = share.entry_card(entry, catalog.site.brand)
    out_dir = ROOT / "cases" / "media" / "video"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        still = Path(scratch) / "card.png"
        still.write_bytes(share.draw_card(card, fonts))
        poster = out_dir / f"{slug}-poster.jpg"
        Image.open(still).convert("RGB").save(poster, "JPEG", quality=82, optimize=True, progressive=True)
        audio = ROOT / "cases" / entry.data.audio.file
        target = out_dir / f"{slug}.mp4"
        subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-framerate", "25",
                        "-i", str(still), "-i", str(audio),
                        "-filter_complex", "[0:v]scale=1920:-2,zoompan=z='min(1+0.0006*on,1.12)':d=1:"
                        "x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=960x504:fps=25,format=yuv420p[v]",
                        "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-profile:v", "main", "-preset", "slow",
                        "-crf", "30", "-tune", "stillimage", "-c:a", "aac", "-b:a", "64k", "-ac", "1",
                        "-shortest", "-movflags", "+faststart", "-map_metadata", "-1", str(target)], check=True)
    for path in (poster, target):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


def main() -> None:
    images = ROOT / "cases" / "media" / "images"
    for name, draw in (("enterprise", enterprise), ("individual", individual), ("project", project),
                       ("innovation", innovation)):
        save_jpeg(draw(), images / f"illustration-{name}.jpg")
    for name, args in (("portrait-short", (11, "short", DEEP, SEA)), ("portrait-long", (12, "long", INK, mix(SEA, FOAM, 0.3))),
                       ("portrait-grey", (13, "grey", mix(DEEP, INK, 0.5), mix(SEA, GOLD, 0.15)))):
        save_jpeg(portrait(*args), images / f"{name}.jpg")
    video("treat-first-pay-later")


if __name__ == "__main__":
    main()
