"""Write output files atomically: a temporary name beside the target, renamed when complete."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from booksmith.errors import OutputError, located


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces `path` only if the block finishes."""
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # The temporary name stays short: a 250-byte book name plus a random part and
        # ".part" passed the 255-byte limit of file names.
        handle, temporary = tempfile.mkstemp(prefix=f".{_short_name(path.name)}.", suffix=".part", dir=directory)
        os.close(handle)
    except OSError as error:
        raise OutputError(
            located(directory, f"cannot write here ({error.strerror or error}); choose another -o folder")
        ) from None
    temp = Path(temporary)
    try:
        yield temp
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise OutputError(
            located(path, f"could not be written ({error.strerror or error}); check free space and permissions")
        ) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _short_name(name: str, limit: int = 60) -> str:
    return os.fsencode(name)[:limit].decode("utf-8", errors="ignore") or "book"


def display_name(name: str) -> str:
    """A file name as text: bytes that were not UTF-8 (`caf\\xe9`, held as surrogates by os.fsdecode)
    read as cp1252, the usual source of such names; an old Windows or zip file's `café`."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
    return name


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(json_text: str) -> str:
    """JSON text with the lone surrogates of non-UTF-8 file names (os.fsdecode) as \\u escapes.

    The text is then valid UTF-8, and json.loads gives back the very same name.
    """
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def printable_path(path: Path | str) -> str:
    """A path (or a message naming one) that can be printed: bytes that are not UTF-8 shown as \\xe9."""
    text = str(path)
    if LONE_SURROGATE.search(text) is None:
        return text
    return LONE_SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def fitting_name(stem: str, suffix: str, limit: int = 255) -> str:
    """`stem + suffix`, the stem cut so the name fits the file system's 255-byte limit."""
    room = limit - len(os.fsencode(suffix))
    raw = os.fsencode(stem)
    if len(raw) <= room:
        return stem + suffix
    while room > 0 and raw[room] & 0xC0 == 0x80:  # not inside a UTF-8 character
        room -= 1
    return os.fsdecode(raw[:room]) + suffix


def readable_title(stem: str) -> str:
    """A title from a file name: `my_story-ch1` -> `My Story Ch1`."""
    stem = display_name(stem)
    words = stem.replace("_", " ").replace("-", " ").replace(".", " ").split()
    return " ".join(w[:1].upper() + w[1:] if not w.isupper() else w for w in words) or "Untitled"
