"""Write output files atomically: a temporary name beside the target, renamed when complete."""

from __future__ import annotations

import os
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
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
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


def readable_title(stem: str) -> str:
    """A title from a file name: `my_story-ch1` -> `My Story Ch1`."""
    words = stem.replace("_", " ").replace("-", " ").replace(".", " ").split()
    return " ".join(w[:1].upper() + w[1:] if not w.isupper() else w for w in words) or "Untitled"
