"""`booksmith watch`: rebuild a folder's books whenever one of its texts changes."""

from __future__ import annotations

from typing import Annotated

import typer

from booksmith.cli import common as c
from booksmith.cli.batch import Glob, Jobs, Recursive, batch_options


def watch(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(help="Folder of text files to watch.", show_default=False)],
    output: c.Output = None,
    formats: c.Formats = "epub,pdf",
    recursive: Recursive = False,
    glob: Glob = "*.txt",
    jobs: Jobs = None,
    title: c.Title = None,
    author: c.Author = None,
    language: c.Language = None,
    encoding: c.Encoding = None,
    theme: c.Theme = "classic",
    paragraphs: c.Paragraphs = None,
    chapter_pattern: c.ChapterPattern = None,
    keep_boilerplate: c.KeepBoilerplate = False,
    scene_break: c.SceneBreak = "⁂",
    page_size: c.PageSize = "a5",
    font_size: c.FontSize = None,
    quotes: c.Quotes = "auto",
    dash_style: c.DashStyle = "auto",
    no_smart_quotes: c.NoSmartQuotes = False,
    no_verify: c.NoVerify = False,
    pdf_variant: c.PdfVariant = None,
    cover_page: c.CoverPage = False,
    cover: c.Cover = None,
    no_cover: c.NoCover = False,
    embed_fonts: c.EmbedFonts = False,
    series: c.Series = None,
    series_index: c.SeriesIndex = None,
    description: c.Description = None,
    strict: c.Strict = False,
    debug: c.Debug = False,
) -> None:
    """Build a folder's books, then rebuild each one when its text or a booksmith.toml changes (Ctrl-C stops)."""
    from booksmith.batch.watch import watch_folder

    build, settings = batch_options(ctx, locals())

    def show(result) -> None:
        reason = f": {result.reason}" if result.reason else ""
        typer.echo(f"{result.status} {result.key}{reason}", err=result.status == "failed")

    def start(plan) -> None:
        for warning in plan.warnings:
            c.warn(warning)

    typer.echo(f"watching {directory} (Ctrl-C stops)", err=True)
    c.guarded(lambda: watch_folder(directory, build, settings, on_result=show, on_plan=start), debug=debug)
