"""Read and write a batch's manifest: per input, its hash, options, version and outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booksmith import __version__
from booksmith.files import atomic_output, escape_surrogates

MANIFEST_NAME = ".booksmith-manifest.json"
# Bumped when the layout of the file changes; an older layout is ignored and rewritten.
LAYOUT = 1


@dataclass
class Manifest:
    """What earlier runs built, by input path relative to the root (posix separators)."""

    path: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Each set of options used, by its id: written once, not once per input (a batch has few).
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Why the file on disk was not used (damaged, other layout); None when it was read or absent.
    ignored_because: str | None = None
    # Whether this differs from the file on disk (a run that changed nothing leaves the file alone).
    changed: bool = False

    def __post_init__(self) -> None:
        self.changed = self.changed or self.ignored_because is not None

    def up_to_date(self, key: str, digest: str, options_id: str, outputs: list[str]) -> bool:
        """Whether the recorded build of `key` matches this input, options, version and outputs."""
        entry = self.entries.get(key)
        return (
            entry is not None
            and entry.get("hash") == digest
            and entry.get("options") == options_id
            and entry.get("booksmith") == __version__
            and entry.get("outputs") == outputs
            and all((self.path.parent / output).is_file() for output in outputs)
        )

    def record(self, key: str, digest: str, options_id: str, outputs: list[str], stem: str) -> None:
        self.changed = True
        self.entries[key] = {
            "hash": digest,
            "options": options_id,
            "booksmith": __version__,
            "stem": stem,
            "outputs": outputs,
        }

    def forget(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self.changed = True

    def save(self) -> None:
        """Write the manifest atomically: a reader never sees half of it."""
        used = {entry.get("options") for entry in self.entries.values()}
        options = {key: value for key, value in self.options.items() if key in used}
        data = {"layout": LAYOUT, "entries": self.entries, "options": options}
        text = escape_surrogates(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
        with atomic_output(self.path) as temporary:
            temporary.write_text(text + "\n", encoding="utf-8")
        self.changed = False


def load_manifest(root: Path) -> Manifest:
    """The manifest at `root`; a missing, damaged or foreign one gives an empty manifest."""
    path = root / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Manifest(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return Manifest(path, ignored_because=f"is damaged ({error}); rebuilding everything and rewriting it")
    known = isinstance(data, dict) and data.get("layout") == LAYOUT
    entries, options = (data.get("entries"), data.get("options")) if known else (None, None)
    if not isinstance(entries, dict) or not all(isinstance(v, dict) for v in entries.values()):
        return Manifest(path, ignored_because="has an unknown layout; rebuilding everything and rewriting it")
    return Manifest(path, entries, options if isinstance(options, dict) else {})
