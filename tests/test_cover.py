"""Covers: a user's image made safe for e-readers, the generated typographic cover, and bad images."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from booksmith.errors import InputError
from booksmith.model import Metadata

STORY = "The Glass Orchard\n\nby Ines Mora\n\nChapter 1\n\nThe trees rang in the wind.\n"


def test_generated_cover_is_full_size_and_stable():
    from booksmith.cover import generated_cover

    metadata = Metadata(title="The Glass Orchard", authors=("Ines Mora",), series="Orchards", series_index=1)
    data = generated_cover(metadata)
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (1600, 2560))
    assert data == generated_cover(metadata)
    assert data != generated_cover(Metadata(title="Another Orchard"))
    # A title with a word wider than the cover still fits.
    wide = Image.open(io.BytesIO(generated_cover(Metadata(title="W" * 80))))
    assert wide.size == (1600, 2560)


def test_user_cover_is_scaled_reencoded_and_stripped(tmp_path):
    from booksmith.cover import user_cover

    source = tmp_path / "big.png"
    exif = Image.Exif()
    exif[0x010E] = "secret location"
    Image.new("RGBA", (3200, 6400), (200, 30, 30, 255)).save(source, exif=exif.tobytes())
    image = Image.open(io.BytesIO(user_cover(source)))
    assert image.format == "JPEG" and image.size == (1280, 2560)
    assert not image.getexif() and "exif" not in image.info


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not an image at all", "not a readable JPEG or PNG"), (b"GIF89a" + bytes(40), "not a readable JPEG or PNG")],
)
def test_broken_cover_is_a_clear_error(tmp_path, content, message):
    from booksmith.cover import user_cover

    path = tmp_path / "cover.jpg"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        user_cover(path)


def test_decompression_bomb_is_refused(tmp_path):
    from booksmith.cover import user_cover

    path = tmp_path / "bomb.png"
    Image.new("1", (20_000, 20_000)).save(path, optimize=True)
    with pytest.raises(InputError, match=r"too (large|many pixels)"):
        user_cover(path)


def test_cli_cover_option_and_its_errors(tmp_path, run_cli):
    source = tmp_path / "orchard.txt"
    source.write_text(STORY, encoding="utf-8")
    picture = tmp_path / "art.jpg"
    Image.new("RGB", (800, 1200), (10, 90, 40)).save(picture)
    result = run_cli("build", source, "-f", "epub", "--cover", picture, "-o", tmp_path / "ok")
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "ok" / "orchard.epub") as archive:
        cover = Image.open(io.BytesIO(archive.read("EPUB/images/cover.jpg")))
    assert cover.size == (800, 1200)

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(30))
    result = run_cli("build", source, "-f", "epub", "--cover", broken, "-o", tmp_path / "bad")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "broken.png" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "bad" / "orchard.epub").exists()
    both = run_cli("build", source, "--cover", picture, "--no-cover")
    assert both.exit_code == 1 and "contradict" in both.stderr


def test_cover_finds_a_font_for_scripts_eb_garamond_lacks():
    from booksmith.cover import _missing, generated_cover

    assert _missing("The Sea") == "" and _missing("Море") == ""
    assert _missing("البحر") == "البحر" and _missing("月光月") == "月光"
    image = Image.open(io.BytesIO(generated_cover(Metadata(title="البحر", authors=("سلمى",)))))
    assert image.size == (1600, 2560)


def test_charset_file_matches_the_shipped_font():
    from fontTools.ttLib import TTFont

    from booksmith.cover import shipped_characters
    from booksmith.resources import data_path

    with TTFont(str(data_path("fonts", "EBGaramond12-Regular.otf")), lazy=True) as font:
        assert shipped_characters() == frozenset(font.getBestCmap())


def _fontconfig_with_only(tmp_path: Path, *fonts: Path) -> Path:
    """A fontconfig configuration that knows only `fonts` (a machine without the fonts a script needs)."""
    import shutil

    folder = tmp_path / "fonts"
    folder.mkdir()
    for font in fonts:
        shutil.copy(font, folder)
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        f"<dir>{folder}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return config


def _fresh_font_choice():
    from booksmith import cover

    for cached in (cover._font, cover.font_covering, cover._cmap_covers):
        cached.cache_clear()


def test_a_cjk_cover_without_a_cjk_font_warns_instead_of_drawing_boxes_silently(tmp_path, monkeypatch, caplog):
    from booksmith.cover import generated_cover
    from booksmith.resources import data_path

    latin_only = _fontconfig_with_only(tmp_path, data_path("fonts", "EBGaramond-Bold.ttf"))
    monkeypatch.setenv("FONTCONFIG_FILE", str(latin_only))
    _fresh_font_choice()
    try:
        with caplog.at_level("WARNING", logger="booksmith.cover"):
            generated_cover(Metadata(title="月光下的灯塔", authors=("林小雨",)))
    finally:
        _fresh_font_choice()
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert "月光下的灯塔"[:3] in warning and "fonts-noto-cjk" in warning


def test_the_cover_font_draws_every_character_of_the_title():
    from fontTools.ttLib import TTFont

    from booksmith.cover import font_covering

    _fresh_font_choice()
    title = "月光下的灯塔，林小雨"
    found = font_covering(title)
    if found is None:
        pytest.skip("no CJK font is installed (.ci/run installs fonts-noto-cjk)")
    path, index = found
    with TTFont(path, fontNumber=index, lazy=True) as font:
        assert all(ord(ch) in font.getBestCmap() for ch in title)
