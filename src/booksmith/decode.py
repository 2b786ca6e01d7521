"""Turn the bytes of a text file into a str: BOMs, detection, mojibake repair, binary refusal."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from booksmith.errors import EncodingError, InputError, located

# Leading bytes of file types people rename to .txt or drop into a folder by
# mistake. Checked before any decoding, so the message can name the type.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (EPUB, DOCX or ODT)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"\xca\xfe\xba\xbe", "a Java class or Mach-O file"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
    (b"fLaC", "a FLAC file"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"{\\rtf", "an RTF document"),
)

# Checked longest first: the UTF-32 LE BOM begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
BOM_NAMES = {
    "utf-8": "utf-8-sig",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "utf-32-le": "utf-32",
    "utf-32-be": "utf-32",
}

# Characters a cp1252 reading of a Western text plausibly contains above ASCII.
# chardet's guesses for short Western texts (MacLatin2, Windows-1250 …) are
# checked against this: when cp1252 yields only these, cp1252 is the answer.
WESTERN = set(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŠšŸŽž"
    "“”‘’„‚–—…«»‹›¡¿°£€¥©®™§¶·•†‡ªº¹²³¼½¾×÷±¢¤¦¨¯´¸¬µ\u00a0\u00ad"
)

# Code pages chardet proposes for Latin-script texts; only these may be
# overruled by the cp1252 plausibility check.
LATIN_CODEPAGES = {
    "windows-1250",
    "windows-1252",
    "windows-1254",
    "windows-1257",
    "iso-8859-1",
    "iso-8859-2",
    "iso-8859-9",
    "iso-8859-15",
    "maclatin2",
    "macroman",
    "ascii",
    "cp1250",
    "cp1252",
    "cp1254",
    "latin-1",
    "mac-latin2",
    "maciceland",
}

# A text whose share of unreadable characters passes this is binary, not text.
MAX_UNREADABLE_SHARE = 0.02
REPLACEMENT = "\ufffd"
MOJIBAKE_MARKERS = ("â€", "Ã©", "Ã¨", "Ã¢", "Ã§", "Ã¶", "Ã¼", "Ã¤", "Ã±", "Ã³", "Ã­", "Ã¡", "Ã ")


@dataclass(frozen=True)
class DecodedText:
    """A decoded text and how it was decoded."""

    text: str
    encoding: str
    # chardet's score, 1.0 for a BOM, a clean UTF-8 decode or a forced encoding.
    confidence: float
    # True when UTF-8 read as cp1252 ("donâ€™t") was found and repaired.
    repaired_mojibake: bool = False


def read_bytes(path: Path) -> bytes:
    """Read a whole input file, turning every OS failure into a one-line InputError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(located(path, "no such file; check the path")) from None
    except IsADirectoryError:
        raise InputError(
            located(path, "is a folder, not a text file; pass a .txt file or use 'booksmith batch'")
        ) from None
    except PermissionError:
        raise InputError(located(path, "permission denied; make the file readable")) from None
    except OSError as error:
        raise InputError(located(path, f"cannot be read ({error.strerror or error})")) from None


def decode(data: bytes, *, encoding: str | None = None, name: str = "<input>") -> DecodedText:
    """Decode bytes to text, refusing binary data with an error that names its type."""
    if not data.strip():
        raise InputError(located(name, "is empty; there is no text to convert"))
    if encoding is not None:
        result = _decode_forced(data, encoding, name)
    else:
        signature = _binary_signature(data)
        if signature:
            raise InputError(located(name, f"looks like {signature}, not text; pass a .txt file"))
        result = _detect(data)
    _refuse_unreadable(result.text, name)
    if not result.text.strip():
        raise InputError(located(name, "is empty; there is no text to convert"))
    return result


def _decode_forced(data: bytes, encoding: str, name: str) -> DecodedText:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise EncodingError(
            located(name, f"unknown encoding '{encoding}'; use a name such as utf-8, cp1252 or latin-1")
        ) from None
    for bom, bom_codec in BOMS:
        if data.startswith(bom) and bom_codec.startswith(codec.replace("-sig", "")[:6]):
            data = data[len(bom) :]
            break
    try:
        return DecodedText(data.decode(codec), codec, 1.0)
    except UnicodeDecodeError as error:
        raise EncodingError(
            located(name, f"is not valid {codec} (byte {error.start}); try another --encoding or none")
        ) from None


def _binary_signature(data: bytes) -> str | None:
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            # "MZ" and "RIFF" are also plausible starts of words; require a NUL soon after.
            if signature in (b"MZ", b"RIFF", b"ID3", b"BZh") and b"\x00" not in data[:64]:
                continue
            return kind
    return None


def _detect(data: bytes) -> DecodedText:
    for bom, codec in BOMS:
        if data.startswith(bom):
            # A BOM is a strong sign: a truncated or damaged file still reads, with its
            # few bad bytes replaced (the unreadable-share check refuses a damaged one).
            errors = "booksmith-cp1252" if codec == "utf-8" else "replace"
            return DecodedText(data[len(bom) :].decode(codec, errors=errors), BOM_NAMES[codec], 1.0)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    try:
        return _repair_mojibake(DecodedText(data.decode("utf-8"), "utf-8", 1.0))
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed:
        return mixed
    import chardet  # imported here: detection is only needed for non-UTF-8 input

    guess = chardet.detect(data, max_bytes=len(data), should_rename_legacy=True)
    guessed = (guess.get("encoding") or "cp1252").lower()
    confidence = float(guess.get("confidence") or 0.0)
    western = _plausible_cp1252(data)
    if western is not None and (guessed in LATIN_CODEPAGES or _codec(guessed) is None):
        return DecodedText(western, "cp1252", confidence)
    codec = _codec(guessed)
    if codec is not None:
        try:
            return DecodedText(data.decode(codec), codec, confidence)
        except UnicodeDecodeError:
            pass
    # Every byte decodes in latin-1, so a text is never refused for its encoding
    # alone; the unreadable-character check afterwards catches binary data.
    return DecodedText(data.decode("cp1252", errors="replace"), "cp1252", confidence)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Read the bytes that are not UTF-8 as cp1252, the encoding such strays usually come from."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("booksmith-cp1252", _cp1252_fallback)


def _mostly_utf8(data: bytes) -> DecodedText | None:
    """UTF-8 with a few stray bytes (texts pasted together from two editors), or None."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count(REPLACEMENT) - data.count(REPLACEMENT.encode("utf-8"))
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - invalid
    # A cp1252 or latin-1 text almost never contains valid multi-byte sequences.
    if non_ascii < 4 * max(invalid, 1):
        return None
    return DecodedText(data.decode("utf-8", errors="booksmith-cp1252"), "utf-8", 0.9)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> DecodedText | None:
    """UTF-16 shows as NULs in every other byte for Latin text; decode it if it reads as text."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if max(even_nuls, odd_nuls) < 0.3 or min(even_nuls, odd_nuls) > 0.05:
        return None
    codec = "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    letters = sum(ch.isalpha() for ch in text[:2048])
    return DecodedText(text, codec, 0.9) if letters > len(text[:2048]) * 0.3 else None


def _plausible_cp1252(data: bytes) -> str | None:
    """The cp1252 reading of the bytes, if every non-ASCII character in it is a Western one."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    high = {ch for ch in text if ord(ch) > 127}
    return text if high <= WESTERN else None


def _repair_mojibake(decoded: DecodedText) -> DecodedText:
    """Undo UTF-8 that was once decoded as cp1252 and saved again ("donâ€™t" -> "don’t")."""
    text = decoded.text
    if not any(marker in text for marker in MOJIBAKE_MARKERS):
        return decoded
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return decoded
    return DecodedText(repaired, decoded.encoding, decoded.confidence, repaired_mojibake=True)


def _refuse_unreadable(text: str, name: str) -> None:
    sample = text if len(text) <= 200_000 else text[:100_000] + text[-100_000:]
    unreadable = sum(1 for ch in sample if _unreadable(ch))
    if unreadable > max(2, len(sample) * MAX_UNREADABLE_SHARE):
        raise InputError(located(name, "looks like binary data, not text; pass a .txt file or set --encoding"))


def _unreadable(ch: str) -> bool:
    if ch in "\n\r\t\f\v":
        return False
    category = unicodedata.category(ch)
    return ch == "\ufffd" or category in ("Cc", "Cn", "Co", "Cs")
