"""Plan a batch: find a folder's inputs, settle each one's options and book name, and skip what is built."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from booksmith.batch.manifest import Manifest, load_manifest
from booksmith.config import FOLDER_CONFIG, book_settings, folder_build_defaults, folder_tables
from booksmith.decode import read_bytes
from booksmith.errors import BooksmithError, ConfigError, InputError, located
from booksmith.naming import book_name, safe_stem
from booksmith.options import BatchOptions, BuildOptions

CONVERTED, SKIPPED, FAILED = "converted", "skipped", "failed"


@dataclass(frozen=True)
class Job:
    """One input to convert: everything a worker needs, picklable, with absolute paths."""

    source: Path
    # The input's path relative to the input folder (posix): the manifest key and the name shown.
    key: str
    output_dir: Path
    # The books' file name without suffix, unique among this run's outputs.
    stem: str
    options: BuildOptions
    strict: bool
    # sha256 of the input's bytes.
    digest: str
    # Id of the effective options (with the config files that shaped them) in the manifest.
    options_id: str
    # The books' paths relative to the manifest's folder.
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class JobResult:
    """What became of one input."""

    key: str
    status: str  # CONVERTED, SKIPPED or FAILED
    reason: str | None = None
    outputs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass
class Plan:
    """The inputs of a run: the jobs to do, and those already settled (up to date or unusable)."""

    root: Path
    manifest: Manifest
    jobs: list[Job] = field(default_factory=list)
    settled: list[JobResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.jobs) + len(self.settled)


def plan_batch(
    directory: Path | str, build: BuildOptions, batch: BatchOptions, *, only: set[Path] | None = None
) -> Plan:
    """Plan the conversion of a folder; `only` limits it to some of its inputs (for watch)."""
    from booksmith.writers import suffix

    root = Path(directory).resolve()
    if not root.is_dir():
        raise InputError(located(directory, "is not a folder; pass the folder that holds the .txt files"))
    out_root = Path(batch.output).resolve() if batch.output else root
    manifest = load_manifest(out_root)
    plan = Plan(root, manifest)
    if manifest.ignored_because:
        plan.warnings.append(located(manifest.path, manifest.ignored_because))
    sources = discover(root, batch.pattern, batch.recursive, skip=out_root, warnings=plan.warnings)
    keys = {source: source.relative_to(root).as_posix() for source in sources}
    for key in [k for k in manifest.entries if not (root / k).is_file()]:
        manifest.forget(key)  # its input is gone
    output_dirs = {s: (out_root / keys[s]).parent for s in sources}
    folders = _FolderSettings()
    settled: dict[Path, tuple[BuildOptions, str, str] | str] = {}
    for source in sources:
        try:
            options, config_digest = folders.options_for(source, build, batch.command_line)
            digest = hashlib.sha256(read_bytes(source)).hexdigest()
            settled[source] = (options, config_digest, digest)
        except BooksmithError as error:
            settled[source] = reason_of(error, source)
        except Exception as error:  # a bug: report it on this file, keep the batch going
            settled[source] = f"internal error ({type(error).__name__}: {error})"
    bases = {keys[s]: _named_base(s, keys[s], settled[s], manifest, batch.strict) for s in sources}
    stems = assign_stems([(keys[s], s, output_dirs[s]) for s in sources], manifest, bases)
    if only is not None:  # names are settled among all inputs first, so none collides with the rest
        wanted = {p.resolve() for p in only}
        sources = [s for s in sources if s in wanted]
    for source in sources:
        key, stem, output_dir = keys[source], stems[keys[source]], output_dirs[source]
        if isinstance(settled[source], str):
            plan.settled.append(JobResult(key, FAILED, settled[source]))
            continue
        options, config_digest, digest = settled[source]
        outputs = tuple((output_dir / f"{stem}{suffix(f)}").relative_to(out_root).as_posix() for f in options.formats)
        options_id = _register_options(manifest, options, batch.strict, config_digest)
        if not batch.force and manifest.up_to_date(key, digest, options_id, list(outputs)):
            plan.settled.append(JobResult(key, SKIPPED, outputs=outputs))
            continue
        plan.jobs.append(Job(source, key, output_dir, stem, options, batch.strict, digest, options_id, outputs))
    remove_leftovers(out_root, [j.outputs for j in plan.jobs])
    return plan


def discover(root: Path, pattern: str, recursive: bool, *, skip: Path, warnings: list[str]) -> list[Path]:
    """The files under `root` whose names match `pattern` (any case), hidden ones left out, sorted."""
    wanted = pattern.casefold()
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        warnings.append(located(error.filename, f"cannot be listed ({error.strerror}); its files were left out"))

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        subfolders[:] = [] if not recursive else [d for d in subfolders if not d.startswith(".")]
        if skip != root:
            subfolders[:] = [d for d in subfolders if here / d != skip]
        for name in names:
            if not name.startswith(".") and fnmatch.fnmatchcase(name.casefold(), wanted) and (here / name).is_file():
                found.append(here / name)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _named_base(
    source: Path, key: str, settled: tuple[BuildOptions, str, str] | str, manifest: Manifest, strict: bool
) -> str:
    """The name a book's files get before collisions are numbered: the text's file name, or the
    --name (or booksmith.toml `name`) template filled from its metadata. A book built before
    from the same text and options keeps its name without the text being read again."""
    if isinstance(settled, str):
        return safe_stem(source.stem)
    options, config_digest, digest = settled
    template = options.name or _folder_name(source)
    if not template:
        return safe_stem(source.stem)
    options_id = _register_options(manifest, options, strict, config_digest)
    entry = manifest.entries.get(key, {})
    if entry.get("hash") == digest and entry.get("options") == options_id and isinstance(entry.get("stem"), str):
        return entry["stem"]
    from booksmith.pipeline import load

    try:
        metadata = load(source, replace(options, verify=False)).book.metadata
    except BooksmithError:
        return safe_stem(source.stem)  # the build will fail on the same error and say so
    return book_name(template, metadata, source.stem)


def _folder_name(source: Path) -> str | None:
    return book_settings(source).name


def assign_stems(
    inputs: list[tuple[str, Path, Path]], manifest: Manifest, bases: dict[str, str] | None = None
) -> dict[str, str]:
    """A unique book name for each (key, source, output folder): names equal but for case,
    Unicode form or unsafe characters get -2, -3 … Names from earlier runs are kept first,
    so a new input never renames an existing book. `bases` gives the names wanted (from
    a --name template) where they are not the inputs' file names."""
    bases = bases or {}
    taken: set[str] = set()
    stems: dict[str, str] = {}

    def claim(key: str, folder: Path, stem: str) -> bool:
        slot = unicodedata.normalize("NFC", str(folder / stem)).casefold()
        if slot in taken:
            return False
        taken.add(slot)
        stems[key] = stem
        return True

    for key, source, folder in inputs:
        base, previous = bases.get(key) or safe_stem(source.stem), manifest.entries.get(key, {}).get("stem")
        if isinstance(previous, str) and re.fullmatch(re.escape(base) + r"(-\d+)?", previous):
            claim(key, folder, previous)
    for key, source, folder in inputs:
        if key in stems:
            continue
        base, number = bases.get(key) or safe_stem(source.stem), 2
        if not claim(key, folder, base):
            while not claim(key, folder, f"{base}-{number}"):
                number += 1
    return stems


def remove_leftovers(out_root: Path, outputs: list[tuple[str, ...]]) -> None:
    """Delete the temporary files a killed run left for the books about to be rebuilt."""
    by_folder: dict[Path, set[str]] = {}
    for output in (o for group in outputs for o in group):
        path = out_root / output
        by_folder.setdefault(path.parent, set()).add(path.name)
    for folder, names in by_folder.items():
        try:
            entries = [e for e in os.scandir(folder) if e.name.startswith(".") and e.name.endswith(".part")]
        except OSError:
            continue
        for entry in entries:
            # atomic_output names its temporary files ".NAME.RANDOM.part".
            if entry.name[1:].rsplit(".", 2)[0] in names:
                Path(entry.path).unlink(missing_ok=True)


def reason_of(error: BaseException, source: Path) -> str:
    """An error's message without the leading file name (the summary shows the file)."""
    message = str(error)
    return message.removeprefix(f"{source}: ")


class _FolderSettings:
    """Each folder's booksmith.toml settings, read once per folder."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[dict[str, tuple[Any, Path]], str] | ConfigError] = {}

    def options_for(self, source: Path, build: BuildOptions, command_line: frozenset[str]) -> tuple[BuildOptions, str]:
        """The source's options (folder settings under the command line's) and a hash of its config files."""
        folder = source.parent
        if folder not in self._cache:
            try:
                files = [path for path, _ in folder_tables(source)]
                self._cache[folder] = (folder_build_defaults(source), _digest_of(files))
            except ConfigError as error:
                self._cache[folder] = error
        cached = self._cache[folder]
        if isinstance(cached, ConfigError):
            raise cached
        settings, folder_digest = cached
        sidecar = source.with_suffix(".toml")
        sidecar_digest = _digest_of([sidecar]) if sidecar.is_file() and sidecar.name != FOLDER_CONFIG else ""
        # The book's own cover (STEM.jpg or a `cover =`): a new image rebuilds the book.
        cover = book_settings(source).cover
        cover_digest = _digest_of([cover]) if cover else ""
        return _with_settings(build, settings, command_line), f"{folder_digest}{sidecar_digest}{cover_digest}"


def _with_settings(build: BuildOptions, settings: dict[str, tuple[Any, Path]], command_line: frozenset[str]):
    from booksmith.render import themes

    formats, render = build.formats, build.render
    for key, (value, path) in settings.items():
        if key in command_line:
            continue
        if key == "formats":
            formats = value
            continue
        if key == "theme" and value not in themes():
            raise ConfigError(located(path, f"'theme' is '{value}'; choose one of: {', '.join(themes())}"))
        render = replace(render, **{key: value})
    return replace(build, formats=formats, render=render)


def _digest_of(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
        except OSError as error:
            raise ConfigError(located(path, f"cannot be read ({error.strerror or error}); make it readable")) from None
    return digest.hexdigest()[:16] if paths else ""


def _register_options(manifest: Manifest, options: BuildOptions, strict: bool, config_digest: str) -> str:
    """The id of a set of effective options (a hash of them), stored in the manifest once."""
    text = json.dumps({"build": asdict(options), "strict": strict, "config": config_digest}, sort_keys=True)
    options_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    if options_id not in manifest.options:
        manifest.options[options_id] = json.loads(text)
    return options_id
