"""Make a book's cover image: a user's JPEG/PNG made safe for e-readers, or a typographic one from metadata.

Why by hand: no library lays out a title page as an image; Pillow draws it.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

from booksmith.errors import InputError, located
from booksmith.model import Metadata
from booksmith.options import RenderOptions
from booksmith.resources import data_path

# The largest cover e-readers and stores want (Amazon and Kobo recommend 1600x2560).
MAX_SIZE = (1600, 2560)
# A cover larger than this many pixels is refused before decoding (a "decompression bomb").
MAX_PIXELS = 100_000_000
COVER_TYPES = {"JPEG", "PNG"}
# Colours of the generated cover per theme: paper, ink, accent.
PALETTES = {
    "classic": ((243, 236, 220), (43, 33, 24), (138, 109, 59)),
    "modern": ((31, 42, 54), (250, 250, 248), (224, 184, 79)),
}
MARGIN = 160
log = logging.getLogger("booksmith.cover")


def cover_image(metadata: Metadata, options: RenderOptions) -> bytes:
    """The book's cover as JPEG bytes: the user's image (`--cover`), else a generated one."""
    return user_cover(options.cover) if options.cover else generated_cover(metadata, options.theme)


def user_cover(path: Path) -> bytes:
    """The image at `path` scaled to fit MAX_SIZE, re-encoded as JPEG without its EXIF data."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            if image.format not in COVER_TYPES:
                raise InputError(located(path, f"is a {image.format} image; give --cover a JPEG or PNG file"))
            if image.width * image.height > MAX_PIXELS:
                raise InputError(
                    located(
                        path, f"is {image.width}x{image.height} pixels, too large to decode safely; scale it down first"
                    )
                )
            image.load()
            picture = ImageOps.exif_transpose(image)
    except FileNotFoundError:
        raise InputError(located(path, "no such file; check the --cover path")) from None
    except Image.DecompressionBombError:
        raise InputError(located(path, "has too many pixels to decode safely; scale it down first")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise InputError(located(path, f"is not a readable JPEG or PNG image ({error}); export it again")) from None
    if picture.mode in ("RGBA", "LA", "P"):
        picture = picture.convert("RGBA")
        flat = Image.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
    picture.thumbnail(MAX_SIZE, Image.Resampling.LANCZOS)
    return _jpeg(picture)


# The most a cover shows: six lines of a few dozen characters each.
MAX_COVER_LINES = 6
MAX_COVER_CHARS = 600


def generated_cover(metadata: Metadata, theme: str = "classic") -> bytes:
    """A 1600x2560 typographic cover: series at the top, the title in the middle, the author below."""
    from PIL import ImageDraw

    _, ink, accent = PALETTES.get(theme, PALETTES["classic"])
    width, height = MAX_SIZE
    image = _background(theme).copy()
    draw = ImageDraw.Draw(image)
    text_width = width - 2 * MARGIN

    title_lines, title_font = _fit(metadata.title or "Untitled", text_width, sizes=(180, 150, 124, 104, 88, 72))
    line_height = int(title_font.size * 1.2)
    top = int(height * 0.38) - len(title_lines) * line_height // 2
    for number, line in enumerate(title_lines):
        draw.text((width // 2, top + number * line_height), line, font=title_font, fill=ink, anchor="mt")
    rule_y = top + len(title_lines) * line_height + 60
    draw.line((width // 2 - 160, rule_y, width // 2 + 160, rule_y), fill=accent, width=5)

    if metadata.subtitle:
        lines, font = _fit(metadata.subtitle, text_width, sizes=(84, 72, 60), style="Italic")
        for number, line in enumerate(lines):
            draw.text(
                (width // 2, rule_y + 70 + number * int(font.size * 1.25)), line, font=font, fill=ink, anchor="mt"
            )
    if metadata.authors:
        lines, font = _fit(" & ".join(metadata.authors), text_width, sizes=(96, 80, 68, 56))
        bottom = int(height * 0.84)
        for number, line in enumerate(reversed(lines)):
            draw.text((width // 2, bottom - number * int(font.size * 1.25)), line, font=font, fill=ink, anchor="mb")
    if metadata.series:
        index = f" {metadata.series_index:g}" if metadata.series_index is not None else ""
        lines, font = _fit(f"{metadata.series}{index}", text_width, sizes=(68, 56, 48), style="Italic")
        for number, line in enumerate(lines):
            draw.text((width // 2, 300 + number * int(font.size * 1.25)), line, font=font, fill=accent, anchor="mt")
    return _jpeg(image)


def _fit(text: str, width: int, *, sizes: tuple[int, ...], style: str = "Regular") -> tuple[list[str], object]:
    """The text wrapped to `width` at the largest size that needs at most four lines."""
    if len(text) > MAX_COVER_CHARS:
        # Six lines show at most a few hundred characters: a 32,000-character title
        # took 48 s to wrap and 5 MB overflowed PIL; the book's title page has it all.
        text = text[: MAX_COVER_CHARS - 1] + "…"
    sample = _missing(text)
    for size in sizes:
        font = _font(style, size, sample)
        lines = _wrap(text, font, width)
        if len(lines) <= 4:
            return lines, font
    return lines[:6], font


def _wrap(text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if len(lines) > MAX_COVER_LINES:
            break  # the cover shows no more; measuring the rest only costs time
        # A word wider than the cover is cut where it overflows.
        while font.getlength(word) > width and len(word) > 1:
            cut = max(1, int(len(word) * width / font.getlength(word)) - 1)
            if lines and not lines[-1]:
                lines[-1] = word[:cut]
            else:
                lines.append(word[:cut])
            word = word[cut:]
        if lines and lines[-1] and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@cache
def _background(theme: str):
    """The theme's paper with its double frame, drawn once per process (batches make many covers)."""
    from PIL import Image, ImageDraw

    paper, _, accent = PALETTES.get(theme, PALETTES["classic"])
    width, height = MAX_SIZE
    image = Image.new("RGB", MAX_SIZE, paper)
    draw = ImageDraw.Draw(image)
    inset = MARGIN // 2
    draw.rectangle((inset, inset, width - inset, height - inset), outline=accent, width=6)
    draw.rectangle((inset + 24, inset + 24, width - inset - 24, height - inset - 24), outline=accent, width=2)
    return image


@cache
def _font(style: str, size: int, script_sample: str = ""):
    """EB Garamond, or for a script it lacks (Arabic, Hebrew, CJK …) an installed font that draws it."""
    from PIL import ImageFont

    path, index = str(data_path("fonts", f"EBGaramond12-{style}.otf")), 0
    if script_sample:
        path, index = font_covering(script_sample) or (path, index)
    return ImageFont.truetype(path, size, index=index)


@cache
def shipped_characters() -> frozenset[int]:
    """The code points the shipped regular face draws, from its charset file (ranges of hex code points)."""
    covered: set[int] = set()
    for line in data_path("fonts", "EBGaramond12-Regular.charset").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, _, last = line.strip().partition("-")
            covered.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(covered)


def _missing(text: str) -> str:
    """The characters of `text` the shipped font cannot draw, each once, in order of appearance ('' if none)."""
    covered = shipped_characters()
    return "".join(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in covered))


@cache
def font_covering(characters: str) -> tuple[str, int] | None:
    """A font file (and its index in a collection) whose cmap has every one of `characters`, or None.

    fontconfig's `fc-match` answers with its best font even when that font lacks
    the glyphs (DejaVu for Chinese on a machine without a CJK font), which drew
    boxes on covers; so every candidate is checked against its own cmap: the
    installed fonts fontconfig lists as covering the characters, then the fonts
    bundled with booksmith. With none, the cover is drawn anyway and a warning
    names the characters and the fix.
    """
    for path, index in (*_system_fonts_covering(characters), *_bundled_fonts()):
        if _cmap_covers(path, index, characters):
            return path, index
    log.warning(
        "the cover's text has characters no installed font draws (%s); they show as boxes on the cover. "
        "Install a font for the script (e.g. Debian's fonts-noto-cjk, fonts-noto-core) or give --cover an image",
        characters[:12],
    )
    return None


def _system_fonts_covering(characters: str) -> list[tuple[str, int]]:
    """fontconfig's fonts that claim every character, regular faces first (fc-list, not fc-match: see above)."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return []
    query = ":charset=" + " ".join(f"{ord(ch):x}" for ch in characters)
    try:
        listed = subprocess.run(
            ["fc-list", "--format=%{file}|%{index}|%{style[0]}\n", query],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in sorted(set(listed.splitlines())):
        path, _, rest = line.partition("|")
        index, _, style = rest.partition("|")
        if path.lower().endswith((".ttf", ".otf", ".ttc")) and index.isdigit():
            # Regular before bold and italic, then a stable order (the same cover on every run).
            fonts.append((style.lower() not in ("regular", "book", "normal"), path, int(index)))
    return [(path, index) for _, path, index in sorted(fonts)]


def _bundled_fonts() -> list[tuple[str, int]]:
    """Fallback fonts shipped with booksmith for scripts EB Garamond lacks (src/booksmith/fonts/, if present)."""
    folder = Path(__file__).parent / "fonts"
    if not folder.is_dir():
        return []
    return [(str(p), 0) for p in sorted(folder.rglob("*")) if p.suffix.lower() in (".ttf", ".otf")]


@cache
def _cmap_covers(path: str, index: int, characters: str) -> bool:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # a font file fontTools cannot read is skipped, not fatal
        return False
    return all(ord(ch) in cmap for ch in characters)


def _jpeg(image) -> bytes:
    # No EXIF, no ICC profile, no timestamps: the same picture always gives the same bytes.
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, optimize=False, progressive=False)
    return buffer.getvalue()
