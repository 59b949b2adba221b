import hashlib
import json

import pytest

from notegen.errors import NotegenError
from notegen.vault.manifest import (FORMAT_VERSION, Manifest, load_manifest, manifest_bytes,
                                    parse_manifest, sha256)


def test_bytes_are_sorted_and_independent_of_insertion_order():
    a = Manifest({"b.md": "2", "a.md": "1"})
    b = Manifest({"a.md": "1", "b.md": "2"})
    assert manifest_bytes(a) == manifest_bytes(b)
    assert manifest_bytes(a) == (
        b'{\n  "files": {\n    "a.md": "1",\n    "b.md": "2"\n  },\n  "format": 1\n}\n')


def test_round_trip_keeps_entries_and_pending_hashes():
    a, b, c, d = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)
    m = Manifest({"Topics/Ré.md": a}, {"Topics/Ré.md": (b, c), "new.svg": (d,)},
                 {"Topics/Ré.md": "topic:re"})
    back = parse_manifest(manifest_bytes(m))
    assert back == m
    assert back.accepted_hashes("Topics/Ré.md") == {a, b, c}
    assert back.path_of("topic:re") == "Topics/Ré.md"
    assert back.known_paths() == {"Topics/Ré.md", "new.svg"}


def test_pending_hashes_accumulate_across_interrupted_builds():
    m = Manifest({"a.md": "old"}).with_pending({"a.md": "first"}).with_pending({"a.md": "second"})
    assert m.accepted_hashes("a.md") == {"old", "first", "second"}


def test_no_timestamps_only_format_files_and_pending():
    doc = json.loads(manifest_bytes(Manifest({"a.md": "x"}, {"a.md": ("y",)})))
    assert set(doc) == {"format", "files", "pending"}
    assert doc["format"] == FORMAT_VERSION


def test_sha256_is_the_standard_digest():
    # Known answer: SHA-256 of the empty string (FIPS 180-4 test vector).
    assert sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256(b"abc") == hashlib.sha256(b"abc").hexdigest()


def test_missing_manifest_is_empty(tmp_path):
    assert load_manifest(tmp_path) == Manifest()


@pytest.mark.parametrize("data, says", [
    (b"{not json", "not valid JSON"),
    (b'{"files": {}}', "no format version"),
    (b'{"format": 1, "files": {"a.md": 3}}', "not a file inside the vault with a SHA-256"),
    (b'{"format": 1, "files": []}', "wrong shape"),
    (b'{"format": 1, "files": {"../outside.txt": "' + b"a" * 64 + b'"}}', "'../outside.txt'"),
    (b'{"format": 1, "files": {"/tmp/x": "' + b"a" * 64 + b'"}}', "'/tmp/x'"),
    (b'{"format": 1, "files": {".notegen/lock": "' + b"a" * 64 + b'"}}', "'.notegen/lock'"),
])
def test_a_damaged_manifest_is_untrusted_not_fatal(data, says):
    m = parse_manifest(data)
    assert not m.trusted
    assert says in m.warning and m.warning.startswith(".notegen/manifest.json: ")
    assert all(not p.startswith(("/", "..", ".notegen")) for p in m.known_paths())


def test_a_newer_manifest_stops_the_build():
    with pytest.raises(NotegenError) as err:
        parse_manifest(b'{"format": 99, "files": {}}')
    assert "newer notegen" in err.value.render()
