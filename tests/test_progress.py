"""Progress output: silent for quick builds, stage lines and a bar for long ones."""

from __future__ import annotations

import notegen.progress as progress


def test_quick_build_prints_nothing(capsys) -> None:
    with progress.StageReporter() as r:
        r.stage("reading sources")
        r.count(5, 10, "notes")
    assert capsys.readouterr().err == ""


def test_long_build_prints_stages_and_a_bar_on_a_terminal(capsys, monkeypatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    with progress.StageReporter() as r:
        r.tty = True  # as if stderr were a terminal
        r.stage("rendering 4 of 4 notes")
        for done in range(1, 5):
            r.count(done, 4, "notes")
        r.stage("writing the vault")
    err = capsys.readouterr().err
    assert "rendering 4 of 4 notes" in err and "writing the vault" in err and "done" in err
    assert f"[{'#' * progress.BAR}] 4/4 notes" in err


def test_quiet_prints_nothing_even_when_slow(capsys, monkeypatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    with progress.StageReporter(enabled=False) as r:
        r.stage("reading sources")
        r.count(1, 1, "notes")
    assert capsys.readouterr().err == ""
