"""Give a rendered book its identifier: the one it was given (an ISBN as a URN), or one derived from its text."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from booksmith.render import Rendered

ISBN = re.compile(r"^(?:97[89])?\d{9}[\dX]$")


def book_identifier(rendered: Rendered) -> str:
    """The given identifier, or a UUID derived from the text: the same text always gets the same one."""
    metadata = rendered.book.metadata
    if metadata.identifier:
        return package_identifier(metadata.identifier)
    digest = hashlib.sha256()
    for part in (metadata.title or "", *metadata.authors):
        digest.update(part.encode("utf-8") + b"\0")
    for document in rendered.documents:
        digest.update(document.body.encode("utf-8"))
    return f"urn:uuid:{uuid.UUID(bytes=digest.digest()[:16], version=5)}"


def package_identifier(identifier: str) -> str:
    """An ISBN as a urn:isbn: URN (what calibre and stores read); any other identifier as given."""
    compact = re.sub(r"[\s-]", "", identifier.removeprefix("urn:isbn:")).upper()
    return f"urn:isbn:{compact}" if ISBN.match(compact) else identifier
