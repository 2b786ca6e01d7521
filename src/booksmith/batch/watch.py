"""Watch a folder and rebuild the books of the texts (and settings) that change."""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from booksmith.batch.plan import JobResult, Plan, plan_batch
from booksmith.batch.run import run_plan
from booksmith.options import BatchOptions, BuildOptions

# Milliseconds of quiet before a burst of changes (an editor's save) is acted on.
DEBOUNCE_MS = 300


def watch_folder(
    directory: Path | str,
    build: BuildOptions,
    batch: BatchOptions,
    *,
    on_result: Callable[[JobResult], None],
    on_plan: Callable[[Plan], None] = lambda plan: None,
    stop: threading.Event | None = None,
) -> None:
    """Bring the folder's books up to date, then rebuild what changes until `stop` is set.

    Each round is an incremental batch (the manifest skips what is current), limited to
    the changed texts unless a .toml file changed, which may touch any book.
    """
    # watchfiles (inotify, FSEvents, ReadDirectoryChangesW, with a polling fallback
    # for network shares) rather than polling by hand: it sees an editor's
    # write-to-temporary-and-rename saves and batches a burst of events into one.
    import watchfiles

    root = Path(directory)
    pattern = batch.pattern.casefold()

    def relevant(change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name.casefold()
        if name.startswith(".") or change == watchfiles.Change.deleted:
            return False
        # A cover image (STEM.jpg, or one a .toml names) may belong to any book: a full round.
        return name.endswith((".toml", ".jpg", ".jpeg", ".png")) or fnmatch.fnmatchcase(name, pattern)

    def build_round(only: set[Path] | None) -> None:
        plan = plan_batch(root, build, batch, only=only)
        on_plan(plan)
        with closing(run_plan(plan, batch)) as results:
            for result in results:
                on_result(result)

    build_round(None)
    for changes in watchfiles.watch(
        root,
        watch_filter=relevant,
        recursive=batch.recursive,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        raise_interrupt=False,
    ):
        paths = {Path(path) for _, path in changes}
        everything = any(p.suffix.lower() in (".toml", ".jpg", ".jpeg", ".png") for p in paths)
        build_round(None if everything else paths)
