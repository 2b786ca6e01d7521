"""Turn the bytes of a text file into a str: BOMs, detection, mojibake repair, binary refusal."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from booksmith import chars
from booksmith.errors import EncodingError, InputError, located
from booksmith.repair import repair

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

# Single-byte code pages tried beside chardet's guess, in order of preference
# when two readings are equally plausible (cp1252 first: it is what most
# Western texts without a stated encoding are).
SINGLE_BYTE_CANDIDATES = ("cp1252", "iso8859-15", "cp1250", "iso8859-2", "mac-roman", "cp1251", "koi8-r")
# Punctuation a Western text may put between two letters ("don’t", "l·l").
INSIDE_WORDS = set("‘’–—…·")
# Symbols no real text puts next to a letter; a reading that does is wrong.
# Signs no text uses at all: a reading with them is the wrong code page.
NEVER_TYPED = set("¤¦¨¯´¸¬")
RARE_SYMBOLS = NEVER_TYPED | set("†‡ˆ˜¹²³¼½¾ºª¶µ÷×±¯¢¥£©®™§°•√∂∆∑∏π∫Ω≈≠≤≥◊ﬁﬂ")
# Enough words with non-ASCII characters to judge a reading by.
SCORED_WORDS = 20_000
NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")
CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
LETTERS = re.compile(r"[^\W\d_]+")

# A text whose share of unreadable characters passes this is binary, not text.
MAX_UNREADABLE_SHARE = 0.02
# Below this many characters a handful of stray controls passes any share: a short
# text is binary only if it is not mostly letters as well.
SHORT_TEXT = 2000
MIN_LETTER_SHARE = 0.5
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class DecodedText:
    """A decoded text and how it was decoded."""

    text: str
    encoding: str
    # chardet's score, 1.0 for a BOM, a clean UTF-8 decode or a forced encoding.
    confidence: float
    # True when UTF-8 read as cp1252 ("donâ€™t"), once or more, was found and repaired.
    repaired_mojibake: bool = False
    # What repair() changed (mojibake, escapes, entities, pasted tags), for `inspect`.
    repairs: tuple[str, ...] = ()


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
    # A forced encoding is the user's word: mojibake in it is left alone, the web's damage is not.
    repaired = repair(result.text, fix_encoding=encoding is None)
    if not repaired.repairs:
        return result
    mojibake = any(r.startswith("mojibake") for r in repaired.repairs)
    return replace(result, text=repaired.text, repaired_mojibake=mojibake, repairs=repaired.repairs)


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
    utf16 = _utf32_without_bom(data) or _utf16_without_bom(data)
    if utf16:
        return utf16
    iso2022 = _iso2022(data)
    if iso2022:
        return iso2022
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", 1.0)
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data) or _mixed_lines(data) or _utf16_cjk_without_bom(data)
    if mixed:
        return mixed
    import chardet  # imported here: detection is only needed for non-UTF-8 input

    # chardet reads only the first 200 KB unless told otherwise; a cp1252 quote
    # near the end of a long ASCII text would then come back as "ascii".
    guess = chardet.detect(data, max_bytes=len(data), prefer_superset=True)
    guessed = _codec((guess.get("encoding") or "cp1252").lower())
    confidence = float(guess.get("confidence") or 0.0)
    return _most_plausible(data, guessed, confidence)


# The escape sequences that switch a 7-bit ISO-2022 text into its double-byte
# set: Japanese mail and old Emacs or Usenet texts, Korean mail.
ISO_2022 = ((b"\x1b$)C", "iso2022_kr"), (b"\x1b$B", "iso2022_jp_2"), (b"\x1b$@", "iso2022_jp_2"))


def _iso2022(data: bytes) -> DecodedText | None:
    """A 7-bit ISO-2022 text, which would otherwise read as ASCII full of escape characters."""
    if b"\x1b$" not in data or not data.isascii():
        return None
    for designation, codec in ISO_2022:
        if designation in data:
            try:
                return DecodedText(data.decode(codec), codec, 1.0)
            except UnicodeDecodeError:
                return None
    return None


def _most_plausible(data: bytes, guessed: str | None, confidence: float) -> DecodedText:
    """Decode with the candidate code page whose reading looks most like real text.

    chardet's confidence is no usable threshold (right answers score 0.07-0.35)
    and on short Western texts it proposes rare code pages ("MacLatin2" for a
    cp1252 text with curly quotes), so its guess competes with the usual
    single-byte code pages on how plausible each reading is.
    """
    names = [name for name in (*SINGLE_BYTE_CANDIDATES[:1], guessed, *SINGLE_BYTE_CANDIDATES[1:]) if name]
    readings: dict[str, str] = {}
    for name in dict.fromkeys(names):
        try:
            readings[name] = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    if not readings:
        # Every byte decodes in latin-1, so a text is never refused for its encoding
        # alone; the unreadable-character check afterwards catches binary data.
        return DecodedText(data.decode("cp1252", errors="replace"), "cp1252", confidence)
    best = min(readings, key=lambda name: _implausibility(readings[name]))
    text = readings[best]
    # Name the most common code page that gives the same text: a latin-1 file
    # without cp1252's own bytes is reported as latin-1, not as what chardet guessed.
    name = best
    if readings.get("cp1252") == text:
        name = "cp1252" if CP1252_ONLY.search(data) else "iso8859-1"
    elif guessed in readings and readings[guessed] == text:
        name = guessed
    return DecodedText(text, name, confidence)


def _implausibility(text: str) -> int:
    """How many words of a reading no writer would type: the lower, the likelier the encoding."""
    bad = 0
    for count, match in enumerate(NON_ASCII_WORD.finditer(text)):
        if count >= SCORED_WORDS:
            break
        bad += _odd_word(match.group())
    return bad


def _odd_word(word: str) -> int:
    odd = 0
    scripts = set()
    for letters in LETTERS.findall(word):
        if len(letters) >= 2 and letters.isascii() is False and not any(ch.isascii() for ch in letters):
            # Latin words of two or more letters always have an ASCII letter;
            # Cyrillic read as cp1252 ("Ãëàâà") never does.
            scripts.add(_script(letters[0]))
            if _script(letters[0]) == "latin":
                odd += 1
        for index, ch in enumerate(letters):
            scripts.add(_script(ch))
            if index and ch.isupper() and letters[index - 1].islower() and not ch.isascii():
                odd += 1  # "schlŠft": a capital inside a lower-case word
    if len(scripts - {"other"}) > 1:
        odd += 1  # "Trиs": two alphabets in one word
    for index, ch in enumerate(word):
        if ch.isascii() or ch.isalpha() or ch in INSIDE_WORDS:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cn", "Co"):
            odd += 2  # a C1 control: latin-1 reading cp1252 quotes
        elif ch in NEVER_TYPED or (ch in RARE_SYMBOLS and _next_to_letter(word, index)):
            odd += 1
        elif 0 < index < len(word) - 1 and word[index - 1].isalpha() and word[index + 1].isalpha():
            odd += 1  # a symbol between two letters
    return odd


def _next_to_letter(word: str, index: int) -> bool:
    return (index > 0 and word[index - 1].isalpha()) or (index + 1 < len(word) and word[index + 1].isalpha())


def _script(ch: str) -> str:
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code < 0x1F00:
        return "latin"
    if 0x370 <= code < 0x400:
        return "greek"
    if 0x400 <= code < 0x530:
        return "cyrillic"
    if 0x590 <= code < 0x600:
        return "hebrew"
    if 0x600 <= code < 0x700:
        return "arabic"
    if 0x3040 <= code < 0xA000 or 0xAC00 <= code < 0xD7B0:
        return "cjk"
    return "other"


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


def _mixed_lines(data: bytes) -> DecodedText | None:
    """Lines of UTF-8 and lines of a code page in one file (texts pasted together from two editors).

    Each line that is valid UTF-8 is read as UTF-8; the others in the code page that
    reads them most plausibly. Read as a whole, such a file was taken for cp1250
    with every line garbled.
    """
    lines = data.split(b"\n")
    valid: list[bool] = []
    utf8_lines = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            valid.append(False)
            continue
        valid.append(True)
        utf8_lines += not line.isascii()
    if utf8_lines < 2 or all(valid):
        return None
    others = b"\n".join(line for line, ok in zip(lines, valid, strict=True) if not ok)
    codec = _most_plausible(others, None, 0.0).encoding
    codec = "cp1252" if codec == "iso8859-1" else codec
    text = "\n".join(
        line.decode("utf-8") if ok else line.decode(codec, errors="replace")
        for line, ok in zip(lines, valid, strict=True)
    )
    return DecodedText(text, f"utf-8 and {codec}", 0.8)


# Newlines and CJK punctuation: a CJK text in UTF-16 has them, a Western text misread as
# UTF-16 (every pair of ASCII bytes is a CJK ideograph) has none.
CJK_TEXT_MARKS = re.compile("[\n\u3000-\u303f\uff01-\uff1f]")


def _utf16_cjk_without_bom(data: bytes) -> DecodedText | None:
    """UTF-16 without a BOM holding only CJK text, which has too few NULs for _utf16_without_bom."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:4096]
        wide = len(chars.WIDE.findall(sample))
        if wide > len(sample) * 0.6 and len(CJK_TEXT_MARKS.findall(sample)) >= max(1, len(sample) // 200):
            return DecodedText(text, codec, 0.8)
    return None


def _utf32_without_bom(data: bytes) -> DecodedText | None:
    """UTF-32 without a BOM: every fourth byte pair is zero (text in the first 65,536 characters)."""
    if len(data) % 4 or len(data) < 8:
        return None
    sample = data[:4096]
    for codec, zeros in (("utf-32-le", sample[3::4] + sample[2::4]), ("utf-32-be", sample[0::4] + sample[1::4])):
        if zeros.count(0) == len(zeros):
            try:
                return DecodedText(data.decode(codec), codec, 0.9)
            except UnicodeDecodeError:
                return None
    return None


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


# Candidates for _unreadable, found at C speed: ASCII controls and every non-ASCII character
# (only those need a look at their Unicode category).
MAYBE_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]|[^\x00-\x7f]+")


def _refuse_unreadable(text: str, name: str) -> None:
    sample = text if len(text) <= 200_000 else text[:100_000] + text[-100_000:]
    if "\x1b" in sample:
        sample = chars.ANSI_ESCAPE.sub("", sample)  # colour codes are formatting, which clean() removes
    unreadable = sum(1 for run in MAYBE_UNREADABLE.findall(sample) for ch in run if _unreadable(ch))
    if unreadable > max(2, len(sample) * MAX_UNREADABLE_SHARE) and not _short_and_mostly_letters(sample):
        raise InputError(located(name, "looks like binary data, not text; pass a .txt file or set --encoding"))
    # A text without letters (a table of numbers, a line of dashes) is still
    # converted, as issue 9 asks: binary data is caught by its signature and
    # by its share of unreadable characters above, not by counting letters.


def _short_and_mostly_letters(sample: str) -> bool:
    """A short text with a stray NUL or control among its words (a 40-word story) is text."""
    if len(sample) >= SHORT_TEXT:
        return False
    visible = sum(1 for ch in sample if not ch.isspace())
    letters = sum(1 for ch in sample if ch.isalpha())
    return letters >= visible * MIN_LETTER_SHARE


def _unreadable(ch: str) -> bool:
    if ch in "\n\r\t\f\v":
        return False
    category = unicodedata.category(ch)
    return ch == "\ufffd" or category in ("Cc", "Cn", "Co", "Cs")
