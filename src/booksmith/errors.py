"""Define the errors booksmith raises: each carries one user-facing line."""

from __future__ import annotations


class BooksmithError(Exception):
    """A failure the user can act on; its message is one line naming the file and the fix."""

    exit_code = 1


class InputError(BooksmithError):
    """The input cannot be read or is not a text booksmith can convert."""


class EncodingError(InputError):
    """The bytes cannot be decoded with the detected or requested encoding."""


class OutputError(BooksmithError):
    """An output file could not be written."""


class UnknownFormatError(BooksmithError):
    """An output format name that no writer handles."""


class ConfigError(BooksmithError):
    """A malformed booksmith.toml or STEM.toml file."""


class VerificationError(BooksmithError):
    """The rendered book lost or reordered words of its source text."""


def located(path: object, message: str) -> str:
    """Prefix a message with the file it is about, the way every error line starts."""
    return f"{path}: {message}"


class DeviceError(BooksmithError):
    """A book could not be put on an e-reader (not mounted, full, wrong format)."""


class MailError(BooksmithError):
    """A book could not be e-mailed (no server configured, refused, too big)."""
