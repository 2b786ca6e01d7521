"""Merge the per-chunk font subsets of a joined PDF into one subset per font file.

Written by hand because no library does it: pypdf joins pages but keeps every
chunk's fonts, and each chunk has its own subset of each face. WeasyPrint keeps
glyph ids when it subsets (and writes Identity-H fonts), so the pages' text stays
valid if all fonts of a face point to one subset of the original file holding the
union of the glyphs, with the union of the widths and of the Unicode maps.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from booksmith.resources import data_path

# Tables a PDF viewer never reads: shaping was done by WeasyPrint.
UNUSED_TABLES = (b"GSUB", b"GPOS", b"GDEF", b"BASE", b"JSTF", b"MATH", b"FFTM", b"DSIG")
BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


@dataclass
class _Face:
    """Every Type0 font object of one BaseFont name, and where pages use them."""

    objects: dict[int, object] = field(default_factory=dict)
    uses: list[tuple[object, str]] = field(default_factory=list)


def merge_fonts(writer) -> None:
    """Point every page at one Type0 font per face, all faces of a file sharing one subset of it."""
    faces: dict[str, _Face] = {}
    for resources in _all_resources(writer):
        fonts = resources.get("/Font")
        if fonts is None:
            continue
        fonts = fonts.get_object()
        for name, reference in fonts.items():
            font = reference.get_object()
            if font.get("/Subtype") != "/Type0":
                continue
            face = faces.setdefault(str(font["/BaseFont"]), _Face())
            face.objects[reference.idnum] = reference
            face.uses.append((fonts, name))
    by_original: dict[tuple[Path, int], list[object]] = {}
    for face in faces.values():
        first = next(iter(face.objects.values())).get_object()
        original = _original(_font_file(first).get_data())
        if original is None:  # no file to cut one subset from: each chunk keeps its own (larger, still right)
            continue
        by_original.setdefault(original, []).append(_merge_face(face))
    for (path, index), fonts in by_original.items():
        glyphs = set()
        for font in fonts:
            glyphs |= set(_widths(_descendant(font)))
        data = subset(path, index, glyphs)
        shared = _font_file(fonts[0])
        shared.set_data(data)
        if "/Length1" in shared:
            from pypdf.generic import NumberObject

            shared[_name("/Length1")] = NumberObject(len(data))
        for font in fonts[1:]:
            _descriptor(font)[_name(_file_key(font))] = _descriptor(fonts[0]).raw_get(_file_key(fonts[0]))


def _all_resources(writer):
    """The resource dictionaries of every page and of the forms they draw."""
    for page in writer.pages:
        resources = page["/Resources"].get_object()
        yield resources
        for form in resources.get("/XObject", {}).get_object().values() if "/XObject" in resources else ():
            form = form.get_object()
            if form.get("/Subtype") == "/Form" and "/Resources" in form:
                yield form["/Resources"].get_object()


def _merge_face(face: _Face):
    """The face's first font object, given every object's widths and Unicode map; uses now point to it."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NumberObject

    references = list(face.objects.values())
    canonical = references[0]
    if len(references) == 1:
        return canonical.get_object()
    widths: dict[int, float] = {}
    unicode: dict[bytes, bytes] = {}
    kept = _font_file(canonical.get_object())
    for reference in references:
        font = reference.get_object()
        widths.update(_widths(_descendant(font)))
        unicode.update(BFCHAR.findall(font["/ToUnicode"].get_object().get_data()))
        if _font_file(font) is not kept:
            # pypdf writes every object it was given, used or not: empty the replaced font.
            _font_file(font).set_data(b"")
    array = ArrayObject()
    for gid in sorted(widths):
        array += [NumberObject(gid), ArrayObject([FloatObject(widths[gid])])]
    font = canonical.get_object()
    _descendant(font)[_name("/W")] = array
    to_unicode = DecodedStreamObject()
    to_unicode.set_data(_cmap(unicode))
    font[_name("/ToUnicode")] = to_unicode
    font[_name("/Encoding")] = _name("/Identity-H")
    for fonts, name in face.uses:
        fonts[name] = canonical
    return font


def _cmap(unicode: dict[bytes, bytes]) -> bytes:
    """A ToUnicode CMap (as WeasyPrint writes them) mapping glyph ids to text."""
    items = sorted(unicode.items())
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(b"<" + gid + b"> <" + text + b">" for gid, text in batch)
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _widths(descendant) -> dict[int, float]:
    """The `/W` array of a CID font as glyph id -> width (both of its forms)."""
    widths: dict[int, float] = {}
    array = list(descendant.get("/W", []))
    index = 0
    while index < len(array):
        first = int(array[index])
        following = array[index + 1].get_object() if hasattr(array[index + 1], "get_object") else array[index + 1]
        if isinstance(following, list):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        else:
            for gid in range(first, int(following) + 1):
                widths[gid] = float(array[index + 2])
            index += 3
    return widths


def _descendant(font):
    return font["/DescendantFonts"][0].get_object()


def _descriptor(font):
    return _descendant(font)["/FontDescriptor"].get_object()


def _file_key(font) -> str:
    return next(key for key in ("/FontFile3", "/FontFile2", "/FontFile") if key in _descriptor(font))


def _font_file(font):
    return _descriptor(font)[_file_key(font)].get_object()


def _name(value: str):
    from pypdf.generic import NameObject

    return NameObject(value)


def _original(data: bytes) -> tuple[Path, int] | None:
    """The installed font file an embedded subset was cut from, found by its PostScript name."""
    from fontTools.ttLib import TTFont

    try:
        name = TTFont(io.BytesIO(data), lazy=True)["name"].getDebugName(6)
    except Exception:  # a font fontTools cannot read stays as the chunks embedded it
        return None
    return _installed_fonts().get(name)


@cache
def _installed_fonts() -> dict[str, tuple[Path, int]]:
    """PostScript name -> (file, index in a collection): booksmith's fonts, then fontconfig's."""
    from fontTools.ttLib import TTFont

    found: dict[str, tuple[Path, int]] = {}
    if shutil.which("fc-list"):
        listing = subprocess.run(
            ["fc-list", "--format", "%{postscriptname}\t%{index}\t%{file}\n"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for line in listing.splitlines():
            name, index, file = ([*line.split("\t", 2), "", ""])[:3]
            if name and file and index.isdigit():
                found.setdefault(name, (Path(file), int(index)))
    for path in sorted(data_path("fonts").iterdir()):
        if path.suffix.lower() in (".otf", ".ttf", ".woff", ".woff2"):
            found[TTFont(path, lazy=True)["name"].getDebugName(6)] = (path, 0)
    return found


def subset(path: Path, index: int, glyphs: set[int]) -> bytes:
    """A subset of a font file keeping glyph ids (the PDF's text refers to them), without layout tables.

    HarfBuzz (uharfbuzz) subsets in milliseconds where fontTools takes most of a second per face.
    """
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(path)), index)
    request = hb.SubsetInput()
    for gid in glyphs | {0}:
        request.glyph_set.add(gid)
    request.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NOTDEF_OUTLINE
    dropped = request.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in UNUSED_TABLES:
        dropped.add(int.from_bytes(tag, "big"))
    return hb.subset(face, request).blob.data
