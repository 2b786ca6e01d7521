"""Load booksmith's data files (styles, templates, word lists, fonts) from the installed package."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any


def data_path(*parts: str) -> Path:
    """A file under booksmith/data/ as a real path (the package is always installed unzipped)."""
    return Path(str(files("booksmith").joinpath("data", *parts)))


def styles_path(*parts: str) -> Path:
    """A file under the themes folder: booksmith/styles/ in a wheel, styles/ in a source checkout."""
    installed = Path(str(files("booksmith").joinpath("styles")))
    root = installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "styles"
    return root.joinpath(*parts)


@cache
def data_text(*parts: str) -> str:
    return data_path(*parts).read_text(encoding="utf-8")


@cache
def data_toml(name: str) -> dict[str, Any]:
    return tomllib.loads(data_text(name))


def locale(language: str | None) -> dict[str, Any]:
    """The conventions and generated words for a BCP 47 tag, falling back to English.

    Every prefix of the tag is looked up, shortest first, each laid over the last:
    "zh-TW" takes [zh] then the Traditional words of [zh-hant] it is an alias of,
    where the main language alone would have given a Taiwanese book Simplified ones.
    """
    table = data_toml("locale.toml")
    aliases = table["aliases"]
    subtags = (language or "en").lower().replace("_", "-").split("-")
    conventions = dict(table["en"])
    for end in range(1, len(subtags) + 1):
        tag = "-".join(subtags[:end])
        tag = aliases.get(tag, tag)
        if tag != "aliases":
            conventions.update(table.get(tag, {}))
    return conventions
