"""The booksmith command line: a typer app with one module per command."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperOption

from booksmith import __version__
from booksmith.cli import batch as batch_command
from booksmith.cli import build as build_command
from booksmith.cli import devices as devices_command
from booksmith.cli import inspect as inspect_command
from booksmith.cli import send as send_command
from booksmith.cli import serve as serve_command
from booksmith.cli import verify as verify_command
from booksmith.cli import watch as watch_command

app = typer.Typer(
    name="booksmith",
    help="Turn raw .txt stories into EPUB, Kobo KEPUB and typeset PDF ebooks.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"booksmith {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Turn raw .txt stories into EPUB, Kobo KEPUB and typeset PDF ebooks.

    Start with [bold]booksmith build story.txt[/bold]; see what booksmith understood with
    [bold]booksmith inspect story.txt[/bold].
    """


# In the order a user meets them: make books, check them, put them on a reader.
app.command("build")(build_command.build)
app.command("batch")(batch_command.batch)
app.command("watch")(watch_command.watch)
app.command("inspect")(inspect_command.inspect)
app.command("verify")(verify_command.verify)
app.command("send")(send_command.send)
app.command("devices")(devices_command.devices)
app.command("serve")(serve_command.serve)


def _without_type_labels(command: typer.core.TyperCommand) -> typer.core.TyperCommand:
    """Replace typer's `<bool>`/`<str>` type labels on options: flags show nothing, values a metavar."""
    for param in command.params:
        if isinstance(param, TyperOption) and param.metavar is None:
            param.metavar = "" if param.is_flag else param.name.upper()
    for sub in getattr(command, "commands", {}).values():
        _without_type_labels(sub)
    return command


def main(argv: list[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv) and return the exit code."""
    command = _without_type_labels(typer.main.get_command(app))
    try:
        command.main(args=argv, prog_name="booksmith", standalone_mode=True)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
