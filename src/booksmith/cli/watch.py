"""`booksmith watch`: rebuild a folder's books whenever one of its texts changes."""

from __future__ import annotations

from typing import Annotated

import typer

from booksmith.cli import common as c
from booksmith.cli.batch import Glob, Jobs, Recursive, batch_options
from booksmith.cli.options import with_build_flags


@with_build_flags()
def watch(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(help="Folder of text files to watch.", show_default=False)],
    output: c.Output = None,
    recursive: Recursive = False,
    glob: Glob = "*.txt",
    jobs: Jobs = None,
    strict: c.Strict = False,
    debug: c.Debug = False,
    flags: dict | None = None,
) -> None:
    """Build a folder's books, then rebuild each one when its text or a booksmith.toml changes (Ctrl-C stops)."""
    from booksmith.batch.watch import watch_folder

    build, settings = batch_options(ctx, locals(), flags)

    def show(result) -> None:
        reason = f": {result.reason}" if result.reason else ""
        typer.echo(f"{result.status} {result.key}{reason}", err=result.status == "failed")

    def start(plan) -> None:
        for warning in plan.warnings:
            c.warn(warning)

    typer.echo(f"watching {directory} (Ctrl-C stops)", err=True)
    c.guarded(lambda: watch_folder(directory, build, settings, on_result=show, on_plan=start), debug=debug)
