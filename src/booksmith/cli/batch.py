"""`booksmith batch`: convert every text in a folder, in parallel, skipping books already built."""

from __future__ import annotations

import json
import sys
import time
from contextlib import closing
from itertools import chain
from typing import Annotated, Any

import typer

from booksmith.cli import common as c
from booksmith.cli.options import build_options, with_build_flags
from booksmith.config import BUILD_KEYS
from booksmith.files import escape_surrogates, printable_path

Recursive = Annotated[bool, typer.Option("--recursive", "-r", help="Also convert the files in subfolders.")]
Glob = Annotated[str, typer.Option("--glob", help="Which files to convert (file-name pattern, any case).")]
Jobs = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Books built at once (default: every core).")]


@with_build_flags()
def batch(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(help="Folder of text files to convert.", show_default=False)],
    output: c.Output = None,
    recursive: Recursive = False,
    glob: Glob = "*.txt",
    jobs: Jobs = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild every book, even those up to date.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object with every file's status.")] = False,
    executor: Annotated[str, typer.Option("--executor", help="Where books are built: local or dask.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:8786.")
    ] = None,
    strict: c.Strict = False,
    quiet: c.Quiet = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print each file's warnings.")] = False,
    debug: c.Debug = False,
    flags: dict | None = None,
) -> None:
    """Convert every text in a folder; the books mirror the folder's tree under -o DIR (or sit beside each input).

    Books already built from the same text and options are skipped (see .booksmith-manifest.json);
    one bad file never stops the run. Exit code 1 when any file failed.
    """
    from booksmith.batch import plan_batch, run_plan, summary

    values = locals()
    build, settings = batch_options(ctx, values, flags)
    started = time.monotonic()
    plan = c.guarded(lambda: plan_batch(directory, build, settings), debug=debug)
    for warning in plan.warnings:
        c.warn(warning)
    if not plan.total:
        c.warn(f"{directory}: no files match '{glob}'" + ("" if recursive else "; add --recursive for subfolders"))

    def run() -> list:
        with Progress(plan.total, quiet=quiet, verbose=verbose) as report, closing(run_plan(plan, settings)) as running:
            return [report.done(result) for result in chain(plan.settled, running)]

    results = c.guarded(run, debug=debug)
    facts = summary(plan, results, time.monotonic() - started)
    if as_json:
        # File names that are not UTF-8 hold lone surrogates (os.fsdecode): written as JSON
        # escapes, so the output stays valid UTF-8 and the name can be turned back into bytes.
        text = json.dumps(facts, ensure_ascii=False)
        typer.echo(escape_surrogates(text))
    elif not quiet or facts["failed"]:
        print_summary(facts)
    if facts["failed"]:
        raise typer.Exit(1)


def batch_options(ctx: typer.Context, values: dict[str, Any], flags: dict[str, Any] | None):
    """BuildOptions and BatchOptions from a batch-like command's parameters and build flags."""
    from booksmith.options import BatchOptions

    build = build_options(flags, timestamp=c.source_date_epoch())
    # Build options a booksmith.toml may also set: the command line wins only where the user typed them.
    # Compared by name: typer may bring its own copy of click's ParameterSource.
    typed = {"COMMANDLINE", "ENVIRONMENT"}
    command_line = frozenset(key for key in BUILD_KEYS if getattr(ctx.get_parameter_source(key), "name", "") in typed)
    settings = BatchOptions(
        pattern=values["glob"],
        recursive=values["recursive"],
        output=values["output"],
        jobs=values["jobs"],
        force=values.get("force", False),
        strict=values["strict"],
        executor=values.get("executor", "local"),
        scheduler=values.get("scheduler"),
        command_line=command_line,
    )
    return build, settings


class Progress:
    """A rich progress bar on a terminal, one plain line per file otherwise; all on stderr."""

    def __init__(self, total: int, *, quiet: bool, verbose: bool = False) -> None:
        self.total, self.count, self.quiet, self.verbose = total, 0, quiet, verbose
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from rich import progress
            from rich.console import Console

            self.bar = progress.Progress(
                progress.BarColumn(),
                progress.MofNCompleteColumn(),
                progress.TimeElapsedColumn(),
                progress.TimeRemainingColumn(),
                progress.TextColumn("{task.description}"),
                console=Console(stderr=True),
            )
            self.task = self.bar.add_task("", total=total)

    def __enter__(self) -> Progress:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()

    def done(self, result) -> None:
        self.count += 1
        if self.bar:
            self.bar.update(self.task, advance=1, description=result.key)
        elif not self.quiet:
            reason = f": {result.reason}" if result.reason else ""
            typer.echo(printable_path(f"[{self.count}/{self.total}] {result.status} {result.key}{reason}"), err=True)
        if self.verbose:
            c.warn_about(result.key, result.warnings)
        return result


def print_summary(facts: dict[str, Any]) -> None:
    """The counts, then each failed file with its reason."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    table = Table("Converted", "Skipped", "Failed", "Seconds", title=f"booksmith batch {facts['folder']}")
    table.add_row(str(facts["converted"]), str(facts["skipped"]), str(facts["failed"]), f"{facts['seconds']:.1f}")
    console.print(table)
    failures = [f for f in facts["files"] if f["status"] == "failed"]
    if failures:
        failed = Table("Failed file", "Reason", show_lines=False)
        for entry in failures:
            # Text: no markup in reasons
            failed.add_row(Text(printable_path(entry["path"])), Text(printable_path(entry["reason"])))
        console.print(failed)
