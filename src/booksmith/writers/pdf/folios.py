"""Draw page numbers (folios) straight into a joined PDF's content streams, in the book's own font.

The chunked path knows every page number only after all chapters are laid out.
Laying out an overlay of numbered empty pages with WeasyPrint costs about 2.5 ms
a page (most of the join's time); drawing a few glyphs with pypdf costs almost
nothing. The folio sits where print.css puts it on single-pass pages: centred
under the text block, 0.85 em, its top 1.2 em below the text block's foot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from booksmith.resources import data_path, data_toml
from booksmith.writers.pdf.fonts import subset

# CSS units and named page sizes in PDF points.
UNITS = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "px": 0.75}
FOLIO_SIZE = 0.85  # of the page's font size, as print.css's @bottom-center
FOLIO_GAP = 1.2  # em of the folio between the text block and the folio's top
FONT_NAME = "/BsFolio"


@dataclass(frozen=True)
class Geometry:
    """What placing a folio needs to know of a page size, in points."""

    width: float
    bottom: float
    # Left and right margins of right-hand pages, then of left-hand pages.
    right_page: tuple[float, float]
    left_page: tuple[float, float]
    font_size: float


def _length(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", value.strip()).groups()
    return float(number) * UNITS[unit]


def geometry(page_size: str, font_size: float | None) -> Geometry:
    """The page size, margins and font size of data/pages.toml, the values print-page.css is filled with."""
    page = data_toml("pages.toml")[page_size]
    inside, outside = _length(page["inside"]), _length(page["outside"])
    # The first page is a recto: inside margin on the left (print-page.css's @page rule).
    left_page = (outside, inside) if page["facing"] else (inside, outside)
    size_pt = float(font_size) if font_size else _length(page["font_size"])
    return Geometry(_length(page["width"]), _length(page["bottom"]), (inside, outside), left_page, size_pt)


@dataclass(frozen=True)
class _Face:
    path: Path
    glyphs: dict[str, int]  # digit -> glyph id
    widths: dict[int, float]  # glyph id -> advance in 1/1000 em
    ascent: float  # in 1/1000 em
    descent: float
    bbox: tuple[int, int, int, int]
    otf: bool


@cache
def _face() -> _Face:
    """The digits of the book's regular face (the first 400-weight upright face in fonts.toml)."""
    from fontTools.ttLib import TTFont

    entry = next(f for f in data_toml("fonts/fonts.toml")["face"] if f["weight"] == 400 and f["style"] == "normal")
    path = data_path("fonts", entry["file"])
    font = TTFont(path, lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    glyphs = {digit: font.getGlyphID(cmap[ord(digit)]) for digit in "0123456789"}
    widths = {gid: font["hmtx"][cmap[ord(d)]][0] * scale for d, gid in glyphs.items()}
    head = font["head"]
    bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    return _Face(path, glyphs, widths, font["hhea"].ascent * scale, font["hhea"].descent * scale, bbox, "CFF " in font)


def folio_font(writer):
    """A Type0 font for the digits; `merge_fonts` later shares its file with the body's regular face."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    face = _face()

    def name(value: str):
        return NameObject(value)

    data = subset(face.path, 0, set(face.widths))
    program = DecodedStreamObject()
    program.set_data(data)
    if face.otf:
        program[name("/Subtype")] = name("/OpenType")
    else:
        program[name("/Length1")] = NumberObject(len(data))
    base = name("/BSFOLI+EB-Garamond-Folio")
    descriptor = DictionaryObject(
        {
            name("/Type"): name("/FontDescriptor"),
            name("/FontName"): base,
            name("/FontFamily"): TextStringObject("EB Garamond"),
            name("/Flags"): NumberObject(34),  # serif, non-symbolic
            name("/FontBBox"): ArrayObject([NumberObject(v) for v in face.bbox]),
            name("/ItalicAngle"): NumberObject(0),
            name("/Ascent"): FloatObject(face.ascent),
            name("/Descent"): FloatObject(face.descent),
            name("/CapHeight"): FloatObject(face.ascent),
            name("/StemV"): NumberObject(80),
            name("/FontFile3" if face.otf else "/FontFile2"): writer._add_object(program),
        }
    )
    widths = ArrayObject()
    for gid in sorted(face.widths):
        widths += [NumberObject(gid), ArrayObject([FloatObject(face.widths[gid])])]
    cid_font = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/CIDFontType0" if face.otf else "/CIDFontType2"),
            name("/BaseFont"): base,
            name("/CIDSystemInfo"): DictionaryObject(
                {
                    name("/Registry"): TextStringObject("Adobe"),
                    name("/Ordering"): TextStringObject("Identity"),
                    name("/Supplement"): NumberObject(0),
                }
            ),
            name("/CIDToGIDMap"): name("/Identity"),
            name("/W"): widths,
            name("/FontDescriptor"): writer._add_object(descriptor),
        }
    )
    to_unicode = DecodedStreamObject()
    pairs = "\n".join(f"<{gid:04x}> <{ord(d):04x}>" for d, gid in sorted(face.glyphs.items()))
    to_unicode.set_data(
        (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\n"
            f"endcodespacerange\n{len(face.glyphs)} beginbfchar\n{pairs}\nendbfchar\nendcmap\n"
            "CMapName currentdict /CMap defineresource pop\nend\nend"
        ).encode()
    )
    font = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/Type0"),
            name("/BaseFont"): base,
            name("/Encoding"): name("/Identity-H"),
            name("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
            name("/ToUnicode"): writer._add_object(to_unicode),
        }
    )
    return writer._add_object(font)


class Folios:
    """Draws page numbers on a joined book's pages, all with one font object in the book's regular face."""

    def __init__(self, writer, page_size: str, font_size: float | None, *, rtl: bool = False) -> None:
        self.shape = geometry(page_size, font_size)
        self.rtl = rtl
        self.face = _face()
        self.size = self.shape.font_size * FOLIO_SIZE
        self.baseline = self.shape.bottom - FOLIO_GAP * self.size - self.face.ascent * self.size / 1000
        self.writer = writer
        self.font = folio_font(writer)

    def draw(self, page, folio: int) -> None:
        """Write `folio` at the foot of `page`, a page of the writer (a blank page stays bare)."""
        from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

        contents = page.get("/Contents")
        if contents is None:
            return
        face, size = self.face, self.size
        # Odd folios are rectos: right-hand pages, or left-hand ones in a right-to-left book.
        recto = folio % 2 == 1
        left, right = self.shape.right_page if recto != self.rtl else self.shape.left_page
        digits = str(folio)
        advance = sum(face.widths[face.glyphs[d]] for d in digits) * size / 1000
        x = left + (self.shape.width - left - right - advance) / 2
        glyphs = "".join(f"{face.glyphs[d]:04x}" for d in digits)
        text = DecodedStreamObject()
        text.set_data(f"q BT {FONT_NAME} {size:.3f} Tf {x:.3f} {self.baseline:.3f} Td <{glyphs}> Tj ET Q\n".encode())
        resources = page["/Resources"].get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[NameObject(FONT_NAME)] = self.font
        own = list(contents.get_object()) if isinstance(contents.get_object(), list) else [contents]
        # Drawn first, in the default coordinates: WeasyPrint's streams change them and may not restore them.
        page[NameObject("/Contents")] = ArrayObject([self.writer._add_object(text), *own])
