"""The build cache is data, never code: an altered, foreign or planted cache is ignored and
the build starts cold; what is cached comes back exactly (numbers stay numbers)."""

from __future__ import annotations

import datetime
import hashlib
import json
import pickle
from fractions import Fraction
from pathlib import Path

import pytest

from notegen.build import build
from notegen.config import BuildOptions
from notegen.model import Loc
from notegen.vault.cache import CACHE_FILE, RenderedNote, codec, load_cache
from notegen.vault.cache_codec import CacheFormatError
from tests.conftest import ROOT

TOPIC = "---\ntitle: {title}\n---\nSome text about {title}, see [[Alpha]] and [[Beta]].\n"


def course(tmp_path: Path) -> Path:
    source = tmp_path / "content"
    (source / "topics").mkdir(parents=True)
    for title in ("Alpha", "Beta"):
        (source / "topics" / f"{title.lower()}.md").write_text(TOPIC.format(title=title))
    return source


def options(source: Path, out: Path) -> BuildOptions:
    return BuildOptions(source=source, out=out, templates=ROOT / "templates")


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    source, vault = course(tmp_path), tmp_path / "vault"
    assert build(options(source, vault)).problems == ()
    return source, vault


def sections(vault: Path) -> tuple[dict, bytes, list[bytes]]:
    """The header, the state line and the payload's lines (one per entry) of the cache."""
    header, state, *entries = (vault / CACHE_FILE).read_bytes().split(b"\n")
    return json.loads(header), state, entries[:-1]


def forge(vault: Path, header: dict, state: bytes, entries: list[bytes]) -> None:
    """Write a cache file whose checksums match its (attacker-chosen) content."""
    payload = b"".join(e + b"\n" for e in entries)
    header = dict(header, sha256=[hashlib.sha256(state).hexdigest(), hashlib.sha256(payload).hexdigest()])
    (vault / CACHE_FILE).write_bytes(json.dumps(header).encode() + b"\n" + state + b"\n" + payload)


def rebuild_after_a_source_change(source: Path, vault: Path):
    """A rebuild that must use the cache's payload (a no-change rebuild reads only its state)."""
    (source / "topics" / "alpha.md").write_text(TOPIC.format(title="Alpha") + "More.\n")
    return build(options(source, vault))


def test_values_come_back_exactly() -> None:
    value = {"ints": [0, -7, 2**80], "floats": (0.1, -0.0, 1e308, 5e-324), "exact": Fraction(7, 3),
             1: "int key", (2, 3): "tuple key", "nested": [(1, [2, (3,)])], "set": {"b", "a"},
             "when": datetime.date(2024, 5, 1), "at": datetime.datetime(2024, 5, 1, 8, 30),
             "raw": b"\x00\xff", "loc": Loc("a.yaml", 3), "none": None, "yes": True}
    back = codec().loads_payload(codec().dumps_payload(value))
    assert back == value
    assert [type(v) for v in back["ints"]] == [int, int, int]
    assert type(back["floats"]) is tuple and type(back["nested"][0][1][1]) is tuple
    assert type(back["exact"]) is Fraction and type(back["loc"]) is Loc
    assert back["yes"] is True and type(back["ints"][0]) is int


def test_unknown_types_are_refused_both_ways() -> None:
    with pytest.raises(TypeError):
        codec().dumps_payload({"x": object()})
    for payload in (b'{"posix.system": ["touch MARKER"]}', b'{"a": 1, "b": 2}', b'{"Q": [1, 0]}',
                    b'{"Loc": ["a.yaml"]}', b'\x80\x04K\x01.'):
        with pytest.raises(CacheFormatError):
            codec().loads_payload(payload)


def test_altered_cache_is_discarded_and_the_build_starts_cold(built) -> None:
    source, vault = built
    data = (vault / CACHE_FILE).read_bytes()
    assert b"Some text about Beta" in data
    (vault / CACHE_FILE).write_bytes(data.replace(b"Some text about Beta", b"Evil text about Beta"))
    outcome = rebuild_after_a_source_change(source, vault)
    assert outcome.rendered == outcome.notes  # nothing taken from the altered cache
    assert "Evil" not in (vault / "Topics" / "Beta.md").read_text()
    assert build(options(source, vault)).report is None  # and a sound cache was saved again


def test_cache_of_another_version_is_discarded(built) -> None:
    source, vault = built
    header, state, entries = sections(vault)
    forge(vault, dict(header, version="0.0-other"), state, entries)
    assert build(options(source, vault)).report is not None  # not "nothing changed"


def test_planted_pickle_never_runs(built, tmp_path: Path) -> None:
    source, vault = built
    marker = tmp_path / "MARKER"

    class Plant:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    planted = pickle.dumps(Plant())
    pickle.loads(planted)  # the plant is real: unpickling it creates the marker ...
    assert marker.exists()
    marker.unlink()
    header, state, _ = sections(vault)
    for attempt in ("raw", "forged"):
        if attempt == "raw":
            (vault / CACHE_FILE).write_bytes(planted)
        else:  # checksums that match: an attacker can compute sha256 too
            forge(vault, header, state, [planted])
        (vault / ".notegen" / "cache" / "build.pickle").write_bytes(planted)  # the old name
        outcome = rebuild_after_a_source_change(source, vault)
        assert not marker.exists()  # ... but the build never unpickles it
        assert outcome.rendered == outcome.notes and outcome.problems == ()


def test_cached_figure_names_cannot_lead_out_of_the_vault(built, tmp_path: Path) -> None:
    source, vault = built
    header, state, entries = sections(vault)
    decoded = [codec().loads_payload(e) for e in entries]
    at = next(i for i, (section, _, _) in enumerate(decoded) if section == "notes")
    section, path, note = decoded[at]
    for figure in (("x.svg", "../../../../etc/passwd"), ("../../outside.svg", "0" * 64)):
        forged = codec().dumps_payload([section, path, RenderedNote(note.key, "", (figure,))])
        forge(vault, header, state, entries[:at] + [forged] + entries[at + 1:])
        assert load_cache(vault, header["version"]).notes == {}  # the whole payload is refused
    forge(vault, header, state, entries)  # the genuine entries again: accepted
    assert path in load_cache(vault, header["version"]).notes
