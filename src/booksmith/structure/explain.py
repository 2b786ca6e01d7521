"""Say what decided the structure of a text: each heading, scene break and convention, and what was rejected."""

from __future__ import annotations

from booksmith.structure.lines import Item, Removal

CONVENTIONS = {
    "blank": "a blank line between paragraphs",
    "indent": "an indent at the start of each paragraph",
    "line": "one paragraph per line",
    "wrapped": "hard-wrapped lines, with a blank line between paragraphs",
}


def explain(items: list[Item], convention: str, rejected: list[str], removed: list[Removal]) -> tuple[str, ...]:
    """One line per decision, in the order of the text."""
    lines = [f"paragraphs: {CONVENTIONS.get(convention, convention)}"]
    for item in items:
        if item.kind == "heading":
            label = item.level if item.level in ("part", "front", "back") else "chapter"
            lines.append(f"line {item.lines[0].number}: {label} heading `{_short(item.text)}`: {item.why or 'heading'}")
        elif item.kind == "break":
            why = item.why or f"a scene-break mark `{_short(item.text)}`"
            lines.append(f"line {item.lines[0].number}: scene break: {why}")
        elif item.kind == "dropped" and item.why:
            lines.append(f"line {item.lines[0].number}: left out: {item.why}")
    lines.extend(rejected)
    lines.extend(f"line {r.line}: removed `{_short(r.text)}`: {r.reason}" for r in removed)
    return tuple(lines)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
