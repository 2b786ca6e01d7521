"""Run a planned batch on a process pool or a Dask cluster, yielding each input's result as it finishes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager

from booksmith.batch.plan import CONVERTED, FAILED, Job, JobResult, Plan, reason_of
from booksmith.errors import BooksmithError, InputError
from booksmith.options import BatchOptions

# A worker is replaced after this many books, so memory that libraries keep
# (lxml, fontconfig caches) cannot grow with the size of the folder.
BOOKS_PER_WORKER = 100
# The manifest is saved at least this often during a run, so a run killed
# outright loses at most this much of its record.
SAVE_EVERY_SECONDS = 5.0
# Imported once by the fork server, so each worker starts warm.
PRELOAD = ["booksmith.pipeline", "booksmith.render", "booksmith.verify", "booksmith.writers.epub"]

Work = Callable[[Job], JobResult]
Submit = Callable[[Work, Job], Future]


def convert_job(job: Job) -> JobResult:
    """Convert one input in a worker; every failure becomes a FAILED result, never an exception."""
    from booksmith.pipeline import load, write_books

    started = time.perf_counter()
    try:
        loaded = load(job.source, job.options)
        if job.strict and loaded.warnings:
            raise InputError(f"{len(loaded.warnings)} warning(s) and --strict is set: {loaded.warnings[0]}")
        write_books(loaded, job.source, job.output_dir, job.options, stem=job.stem, taken=set())
    except BooksmithError as error:
        return JobResult(job.key, FAILED, reason_of(error, job.source), seconds=time.perf_counter() - started)
    except Exception as error:  # a bug in a stage or a writer: report it, keep the batch going
        reason = f"internal error ({type(error).__name__}: {error}); rerun 'booksmith build' on it with --debug"
        return JobResult(job.key, FAILED, reason, seconds=time.perf_counter() - started)
    return JobResult(job.key, CONVERTED, None, job.outputs, loaded.warnings, time.perf_counter() - started)


def run_plan(plan: Plan, batch: BatchOptions, *, work: Work = convert_job) -> Iterator[JobResult]:
    """Run the plan's jobs and yield their results as they finish; the manifest records each one.

    Close the iterator (or let it finish) to stop the workers and save the manifest.
    """
    running: dict[Future, Job] = {}
    try:
        if not plan.jobs:
            return
        waiting = iter(plan.jobs)
        formats = {f for job in plan.jobs for f in job.options.formats}
        with _executor(batch, len(plan.jobs), formats) as (submit, window):
            saved = time.monotonic()
            # Only `window` books are handed out at a time: a stopped run then has few
            # in flight to finish, and a folder of any size takes little memory here.
            while running or _hand_out(running, waiting, submit, work, window):
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    result = _result_of(future, job)
                    _record(plan, job, result)
                    if time.monotonic() - saved > SAVE_EVERY_SECONDS:
                        plan.manifest.save()
                        saved = time.monotonic()
                    yield result
                _hand_out(running, waiting, submit, work, window)
    finally:
        # Stopped early (Ctrl-C): the books that were being built have been finished; keep them.
        for future, job in running.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                _record(plan, job, future.result())
        if plan.manifest.changed:
            _save_uninterrupted(plan)


def _save_uninterrupted(plan: Plan) -> None:
    """Save the manifest with Ctrl-C held back until it is written: a Ctrl-C that lands
    here must not lose the record of the books this run finished."""
    if threading.current_thread() is not threading.main_thread():
        plan.manifest.save()  # only the main thread receives Ctrl-C
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        plan.manifest.save()
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


def _hand_out(running: dict[Future, Job], waiting: Iterator[Job], submit: Submit, work: Work, window: int) -> bool:
    """Submit waiting jobs until `window` are running; whether any is running."""
    while len(running) < window:
        job = next(waiting, None)
        if job is None:
            break
        running[submit(work, job)] = job
    return bool(running)


def _record(plan: Plan, job: Job, result: JobResult) -> None:
    if result.status == CONVERTED:
        plan.manifest.record(job.key, job.digest, job.options_id, list(job.outputs), job.stem)
    else:
        plan.manifest.forget(job.key)


def default_jobs() -> int:
    """Every core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _result_of(future: Future, job: Job) -> JobResult:
    try:
        return future.result()
    except Exception as error:
        from pebble import ProcessExpired

        if isinstance(error, ProcessExpired):
            died = _death(error.exitcode)
            reason = f"the worker converting it died ({died}); run 'booksmith build' on it alone to see why"
        else:
            reason = f"the worker failed ({type(error).__name__}: {error})"
        return JobResult(job.key, FAILED, reason)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"exit code {exitcode}"


@contextmanager
def _executor(batch: BatchOptions, job_count: int, formats: set[str]) -> Iterator[tuple[Submit, int]]:
    if batch.executor == "dask":
        with _dask_executor(batch) as handed:
            yield handed
        return
    if batch.executor != "local":
        raise BooksmithError(f"unknown executor '{batch.executor}'; choose local or dask")
    from pebble import ProcessPool

    # pebble rather than multiprocessing.Pool: a worker that dies (killed, out of
    # memory, a crash in a C library) fails only its own book, where Pool would
    # wait forever for it and ProcessPoolExecutor would fail every pending book.
    workers = max(1, min(batch.jobs or default_jobs(), job_count))
    pool = ProcessPool(
        max_workers=workers, max_tasks=BOOKS_PER_WORKER, initializer=_start_worker, context=_context(formats)
    )
    try:
        yield (lambda work, job: pool.schedule(_in_worker, (work, job))), 2 * workers
    except BaseException:
        # Stopped (Ctrl-C): let the few books in flight finish, so that they reach the
        # manifest and no worker dies halfway; a second Ctrl-C stops at once.
        try:
            pool.close()
            pool.join()
        except BaseException:
            pool.stop()
            pool.join()
        raise
    pool.close()
    pool.join()


@contextmanager
def _dask_executor(batch: BatchOptions) -> Iterator[tuple[Submit, int]]:
    try:
        from distributed import Client
    except ImportError:
        raise BooksmithError("--executor dask needs dask.distributed; pip install 'booksmith[dask]'") from None
    if not batch.scheduler:
        raise BooksmithError("--executor dask needs --scheduler tcp://HOST:8786, the address of the Dask scheduler")
    try:
        client = Client(batch.scheduler, timeout=10)
    except (OSError, TimeoutError, ValueError) as error:
        address = batch.scheduler
        raise BooksmithError(f"cannot reach the Dask scheduler at {address} ({error}); is it running?") from None
    try:
        executor = client.get_executor(pure=False)
        # Enough books queued that no worker thread waits on the network for its next one.
        yield executor.submit, max(4, 4 * sum(client.nthreads().values()))
    finally:
        client.close()


def _context(formats: set[str]):
    """A fork server when the platform has one: workers fork from a clean, preloaded process
    (not from this one, whose progress thread might hold a lock). WeasyPrint is preloaded
    only when a PDF is asked for; it takes a second to import and much memory."""
    main_file = getattr(sys.modules["__main__"], "__file__", None)
    if "forkserver" not in multiprocessing.get_all_start_methods() or (main_file and not os.path.isfile(main_file)):
        return multiprocessing.get_context()  # e.g. a script read from stdin, which a fork server cannot import
    context = multiprocessing.get_context("forkserver")
    # "__main__" too: imported once by the server rather than once by every worker.
    main = ["__main__"] if main_file else []
    pdf = ["booksmith.writers.pdf", "weasyprint"] if "pdf" in formats else []
    context.set_forkserver_preload(main + PRELOAD + pdf)
    return context


def _in_worker(work: Work, job: Job) -> JobResult:
    try:
        return work(job)
    except SystemExit as stop:
        # Told to stop (see _start_worker): the temporary files are gone now; exit
        # for real, as pebble would otherwise report the exit and take the next book.
        os._exit(stop.code if isinstance(stop.code, int) else 1)


def _start_worker() -> None:
    # pebble ends workers with SIGTERM and os._exit; raising SystemExit instead
    # lets atomic_output delete the temporary file of a book being written.
    signal.signal(signal.SIGTERM, _exit_cleanly)


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
