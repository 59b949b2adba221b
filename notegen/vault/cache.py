"""The build cache kept in the vault (``.notegen/cache/``): what the last build parsed,
rendered and checked, so that a rebuild redoes only what its inputs changed.

It is an optimisation only: a missing, unreadable, outdated or altered cache means a full
build, and a build that fails never saves one. Figures are cached beside it as
``figures/<key>.svg``.

A vault comes from anyone (zip, git, a sync service), so the cache is data, never code: it is
JSON in the format of :mod:`notegen.vault.cache_codec` (a version, a sha256 per section, and
only the types listed in ``_cache_types``), never a format that rebuilds objects by running
code. ``build.json`` is a header line (format, version, a sha256 of the state line and one of
the payload lines), the *state* line (what a no-change rebuild compares, read on its own),
then the *payload*, one line per entry (``[section, key, value]``: a parsed source, a
rendered note, a note's checker facts), read only when a build needs it. An entry that did
not change since it was read is saved again as the very bytes it was read from.
"""

from __future__ import annotations

import gc
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any, Iterator

from notegen import model
from notegen.vault.atomic import write_atomic
from notegen.vault.cache_codec import FORMAT, CacheFormatError, Codec

CACHE_DIR = ".notegen/cache"
CACHE_FILE = f"{CACHE_DIR}/build.json"
FIGURE_DIR = f"{CACHE_DIR}/figures"


@dataclass
class RenderedNote:
    key: str                           # digest of everything the note was rendered from
    text: str                          # the note as generated (empty user section)
    figures: tuple[tuple[str, str], ...]  # (attachment file name, figure cache key)


def _cache_types() -> tuple[type, ...]:
    from notegen.vault.check import _Note
    from notegen.vault.obsidian import Link

    parsed = (model.Loc, model.Op, model.Group, model.Residual, model.Concat, model.Twin,
              model.Network, model.Card, model.Topic, model.Variant, model.LossSpec,
              model.Example, model.Pattern)
    return parsed + (RenderedNote, _Note, Link)


_codec: Codec | None = None


def codec() -> Codec:
    global _codec
    if _codec is None:
        _codec = Codec(_cache_types())
    return _codec


@dataclass
class BuildCache:
    version: str = ""
    fingerprint: str = ""            # inputs of the last successful build
    vault_state: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)
    clean: bool = False              # whether the last build's check found no problem
    note_count: int = 0
    path: Path | None = None         # where the payload is read from, on first use
    _payload: dict[str, dict] | None = field(default=None, repr=False)
    # (section, key) -> (the value read, its line): saved again as is while it is that value
    _lines: dict[tuple[str, Any], tuple[Any, bytes]] = field(default_factory=dict, repr=False)

    @property
    def sources(self) -> dict[str, tuple[str, Any]]:  # shown path -> (sha256, parsed)
        return self._details()["sources"]

    @property
    def notes(self) -> dict[str, RenderedNote]:  # vault path -> rendered note
        return self._details()["notes"]

    @property
    def check(self) -> dict[str, Any]:  # note sha256 -> checker facts
        return self._details()["check"]

    def _details(self) -> dict[str, dict]:
        if self._payload is None:
            read = _read_payload(self.path, self.version) if self.path else None
            if read is None:
                self._payload = {section: {} for section in SECTIONS}
            else:
                self._payload, self._lines = read
        return self._payload

    def payload_lines(self) -> list[bytes]:
        """One line per entry, sorted: reused bytes for what did not change."""
        lines = []
        for section in SECTIONS:
            for key, value in sorted(self._details()[section].items()):
                kept = self._lines.get((section, key))
                if kept is not None and kept[0] is value:
                    lines.append(kept[1])
                else:
                    lines.append(codec().dumps_payload([section, key, value]))
        return lines


SECTIONS = ("sources", "notes", "check")


def load_cache(root: Path, version: str) -> BuildCache:
    """The cache's state; the payload is read when first asked for. A cache that is not
    exactly what this version wrote is ignored (the build starts cold)."""
    path = Path(root) / CACHE_FILE
    try:
        with path.open("rb") as f:
            header = _header(f.readline(), version)
            state_line = f.readline()
    except (OSError, CacheFormatError):
        return BuildCache(version=version)
    state = _section(state_line, header, 0)
    if not _state_ok(state):
        return BuildCache(version=version)
    vault = {p: (size, mtime) for p, (size, mtime) in state["vault_state"]}
    return BuildCache(version, state["fingerprint"], vault, state["clean"], state["notes"], path)


def save_cache(root: Path, cache: BuildCache) -> None:
    target = Path(root) / CACHE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    state = {"fingerprint": cache.fingerprint, "clean": cache.clean, "notes": len(cache.notes),
             "vault_state": [[p, list(v)] for p, v in cache.vault_state.items()]}
    with _no_gc():
        state_line = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        payload = b"".join(line + b"\n" for line in cache.payload_lines())
    header = {"format": FORMAT, "version": cache.version,
              "sha256": [sha256(state_line).hexdigest(), sha256(payload).hexdigest()]}
    write_atomic(target, json.dumps(header).encode("utf-8") + b"\n" + state_line + b"\n" + payload)


def _header(line: bytes, version: str) -> dict:
    try:
        header = json.loads(line)
    except ValueError:
        raise CacheFormatError("the header is not JSON") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CacheFormatError("not a notegen cache")
    if header.get("version") != version:
        raise CacheFormatError("written by another version of notegen")
    sums = header.get("sha256")
    if not isinstance(sums, list) or len(sums) != 2:
        raise CacheFormatError("no checksums")
    return header


def _section(line: bytes, header: dict, index: int) -> Any:
    line = line.removesuffix(b"\n")
    if sha256(line).hexdigest() != header["sha256"][index]:
        return None  # altered, or cut short
    try:
        return json.loads(line)
    except ValueError:
        return None


def _state_ok(state: Any) -> bool:
    return (isinstance(state, dict) and isinstance(state.get("fingerprint"), str)
            and type(state.get("clean")) is bool and type(state.get("notes")) is int
            and isinstance(state.get("vault_state"), list)
            and all(isinstance(e, list) and len(e) == 2 and isinstance(e[0], str)
                    and isinstance(e[1], list) and len(e[1]) == 2
                    and all(type(n) is int for n in e[1]) for e in state["vault_state"]))


def _read_payload(path: Path, version: str
                  ) -> tuple[dict[str, dict], dict[tuple[str, Any], tuple[Any, bytes]]] | None:
    try:
        with path.open("rb") as f:
            header = _header(f.readline(), version)
            f.readline()
            payload = f.read()
    except (OSError, CacheFormatError):
        return None
    if sha256(payload).hexdigest() != header["sha256"][1]:
        return None
    sections: dict[str, dict] = {section: {} for section in SECTIONS}
    lines: dict[tuple[str, Any], tuple[Any, bytes]] = {}
    decode = codec().loads_payload
    try:
        with _no_gc():  # many small objects: the cyclic collector would run dozens of times
            for line in payload.split(b"\n")[:-1]:
                entry = decode(line)
                if not (isinstance(entry, list) and len(entry) == 3 and entry[0] in sections
                        and isinstance(entry[1], str)):
                    return None
                section, key, value = entry
                sections[section][key] = value
                lines[section, key] = (value, line)
    except CacheFormatError:
        return None
    return (sections, lines) if _payload_ok(sections) else None


_DIGEST = re.compile(r"[0-9a-f]{64}")


def _payload_ok(payload: Any) -> bool:
    """The shape the build relies on; a figure named in a cached note must be a plain file
    name and its key a digest, since both become paths (the cache never names a path)."""
    if not all(isinstance(k, str) and isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str)
               for k, v in payload["sources"].items()):
        return False
    for note in payload["notes"].values():
        if not (isinstance(note, RenderedNote) and isinstance(note.key, str) and isinstance(note.text, str)
                and isinstance(note.figures, tuple)):
            return False
        for entry in note.figures:
            if not (isinstance(entry, tuple) and len(entry) == 2 and _plain_name(entry[0])
                    and isinstance(entry[1], str) and _DIGEST.fullmatch(entry[1])):
                return False
    return True


def _plain_name(name: Any) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..") and not name.startswith(".")
            and "/" not in name and "\\" not in name and "\0" not in name)


@contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def vault_state(root: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file in the vault outside hidden folders: a cheap way to see
    that nobody touched the vault since the last build."""
    state: dict[str, tuple[int, int]] = {}
    manifest = Path(root) / ".notegen" / "manifest.json"
    if manifest.is_file():  # notegen's own state counts too: a lost manifest means a real build
        st = manifest.stat()
        state[".notegen/manifest.json"] = (st.st_size, st.st_mtime_ns)

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    st = entry.stat()
                    state[prefix + entry.name] = (st.st_size, st.st_mtime_ns)

    if Path(root).is_dir():
        walk(str(root), "")
    return dict(sorted(state.items()))
