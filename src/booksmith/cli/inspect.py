"""`booksmith inspect`: show what booksmith understood of a text, without writing a book."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from booksmith.cli import common as c
from booksmith.cli.options import READING_FLAGS, build_options, with_build_flags


@with_build_flags(only=("title", "author", "language", *READING_FLAGS))
def inspect(
    file: Annotated[str, typer.Argument(help="Text file to inspect; '-' reads standard input.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also say what decided each heading, scene break and convention.")
    ] = False,
    debug: c.Debug = False,
    flags: dict | None = None,
) -> None:
    """Show the detected encoding, metadata, chapters, scene breaks and warnings of a text."""
    from booksmith.report import describe

    options = build_options(flags)
    source: Path | bytes = c.read_stdin() if file == "-" else Path(file)
    report = c.guarded(lambda: describe(source, options), debug=debug)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    _print_table(file, report)
    if explain:
        typer.echo("\n".join(report["explanations"]))
        typer.echo("\n".join(report["removed_by_kind"]))


def _print_table(name: str, report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{report['title']}[/bold]" + (f" by {', '.join(report['authors'])}" if report["authors"] else "")
    )
    console.print(
        f"{name}: {report['encoding']} (confidence {report['confidence']:.2f}), "
        f"language {report['language']} ({report['language_how']}), "
        f"paragraphs by {report['paragraph_convention']}, {report['words']} words"
    )
    table = Table("#", "Title", "Kind", "Paragraphs", "Scene breaks", "Words")
    for number, chapter in enumerate(report["chapters"], start=1):
        table.add_row(
            str(number),
            chapter["title"] or "—",
            chapter["kind"],
            str(chapter["paragraphs"]),
            str(chapter["scene_breaks"]),
            str(chapter["words"]),
        )
    console.print(table)
    for repaired in report["repairs"]:
        console.print(f"repaired: {repaired}")
    if report["series"]:
        index = f" {report['series_index']:g}" if report["series_index"] is not None else ""
        console.print(f"series: {report['series']}{index}")
    if report["source"]:
        console.print(f"source: {report['source']}")
    for note in report["authors_notes"]:
        console.print(f"author's note, line {note['line']}: {note['text']}", markup=False, highlight=False)
    for site in report["site_lines"]:
        strip = "" if any(r["line"] == site["line"] for r in report["removed"]) else " (--strip-site-lines removes it)"
        console.print(
            f"site line, {site['count']}× from line {site['line']}: {site['text']}{strip}",
            markup=False,
            highlight=False,
        )
    for rule in report["replace_rules"]:
        console.print(f"{rule['rule']} ({rule['find']}): {rule['matches']} matches", markup=False, highlight=False)
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}")
