"""`notegen build --watch`: a rebuild per batch of changes; a bad source does not stop it."""

from __future__ import annotations


import watchfiles

from notegen.config import BuildOptions
from notegen.errors import NotegenError, SourceError
from notegen.watch import watch_and_build


def test_rebuilds_after_each_change_and_survives_a_bad_source(monkeypatch, tmp_path, capsys) -> None:
    watched = []

    def fake_watch(*paths, **kwargs):
        watched.extend(paths)
        yield {(watchfiles.Change.modified, f"{tmp_path}/content/examples/a.yaml")}
        yield {(watchfiles.Change.added, f"{tmp_path}/content/examples/b.yaml")}

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    calls = []

    def build_once() -> bool:
        calls.append(len(calls))
        if len(calls) == 2:  # the first change breaks a source
            raise NotegenError([SourceError("content/examples/a.yaml", 3, "bad")])
        return True

    options = BuildOptions(source=tmp_path / "content", out=tmp_path / "vault", templates=tmp_path / "t")
    watch_and_build(options, build_once)
    assert len(calls) == 3  # the first build, then one per batch of changes
    assert watched == [str(tmp_path / "content"), str(tmp_path / "t")]
    err = capsys.readouterr().err
    assert "content/examples/a.yaml:3: bad" in err
    assert "changed: a.yaml" in err and "changed: b.yaml" in err
