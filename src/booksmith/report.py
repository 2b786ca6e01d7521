"""Describe what the pipeline understood of a source, as plain data for `inspect`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from booksmith.model import Paragraph, SceneBreak, Verse, block_texts, chapter_texts
from booksmith.options import BuildOptions
from booksmith.pipeline import load
from booksmith.removals import summary
from booksmith.structure.language import identify_language


def describe(source: Path | bytes, options: BuildOptions) -> dict[str, Any]:
    """A JSON-ready description: encoding, metadata, chapters with counts, and warnings."""
    loaded = load(source, options)
    book = loaded.book
    chapters = []
    for chapter in book.chapters:
        chapters.append(
            {
                "title": chapter.title if not chapter.subtitle else f"{chapter.title}: {chapter.subtitle}",
                "kind": chapter.kind,
                "depth": chapter.depth,
                "words": sum(len(text.split()) for text in chapter_texts(chapter)),
                "paragraphs": sum(1 for b in chapter.blocks if isinstance(b, Paragraph | Verse)),
                "scene_breaks": sum(1 for b in chapter.blocks if isinstance(b, SceneBreak)),
            }
        )
    metadata = book.metadata
    sample = " ".join(t for ch in book.chapters[:50] for b in ch.blocks[:200] for t in block_texts(b))
    identified = identify_language(sample)
    if identified.tag != metadata.language:
        language_how = "given (a header, a sidecar or --language)"
    elif identified.fallback:
        language_how = f"fallback: {identified.fallback}"
    else:
        language_how = f"identified, {identified.confidence:.0%} sure"
    return {
        "encoding": loaded.decoded.encoding,
        "confidence": round(loaded.decoded.confidence, 3),
        "repaired_mojibake": loaded.decoded.repaired_mojibake,
        "repairs": list(loaded.decoded.repairs),
        "title": metadata.title,
        "author": ", ".join(metadata.authors) or None,
        "authors": list(metadata.authors),
        "language": metadata.language,
        "language_confidence": round(identified.confidence, 3) if identified.tag == metadata.language else None,
        "language_how": language_how,
        "description": metadata.description,
        "subjects": list(metadata.subjects),
        "series": metadata.series,
        "series_index": metadata.series_index,
        "paragraph_convention": loaded.convention,
        "words": sum(c["words"] for c in chapters),
        "chapters": chapters,
        "scene_breaks": sum(c["scene_breaks"] for c in chapters),
        "warnings": list(loaded.warnings),
        "source": metadata.source,
        "date": metadata.date,
        "modified": metadata.modified,
        "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in loaded.removed],
        "removed_by_kind": summary(loaded.removed),
        "authors_notes": [{"line": n.line, "lines": len(n.lines), "text": n.text} for n in loaded.notes],
        "site_lines": [{"line": line, "count": count, "text": text} for text, count, line in loaded.site_lines],
        "replace_rules": [
            {"rule": rule.origin, "find": rule.find, "matches": matches} for rule, matches in loaded.rules
        ],
        "explanations": list(loaded.explanations),
    }
