"""Apply a book's find-and-replace rules to its text before structure, as calibre's search and replace does."""

from __future__ import annotations

import re

from booksmith.errors import ConfigError
from booksmith.options import ReplaceRule


def apply_rules(text: str, rules: tuple[ReplaceRule, ...]) -> tuple[str, tuple[int, ...]]:
    """The text with each rule applied in turn, and how many times each one matched."""
    counts = []
    for rule in rules:
        try:
            text, made = re.compile(rule.find, re.MULTILINE).subn(rule.replace, text, count=rule.count)
        except re.error as error:  # checked when the file was read; kept for rules made in code
            raise ConfigError(f"{rule.origin or 'a replace rule'}: {error}; fix the pattern") from None
        counts.append(made)
    return text, tuple(counts)
