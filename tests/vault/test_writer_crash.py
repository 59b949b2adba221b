"""A build killed at any instant leaves no partial file and the next build converges.

Run as a script (``python test_writer_crash.py <vault> <version>``) this module is the
writer process the SIGKILL test kills.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from notegen.vault import atomic
from notegen.vault.writer import GeneratedFile, write_vault

N_FILES = 300


def course(version: int) -> list[GeneratedFile]:
    """300 files; version 2 changes two thirds of them, drops some and adds others."""
    files = []
    for i in range(N_FILES):
        if version == 2 and i % 10 == 0:
            continue  # source removed
        changed = version == 2 and i % 3 != 0
        words = f"v{2 if changed else 1} topic {i} " * (40 + i % 50)  # 1-5 kB notes
        if i % 7 == 0:
            files.append(GeneratedFile(f"attachments/fig{i:03}.svg", f"<svg>{words}</svg>\n".encode()))
            continue
        body = f"{words}\n\n#flashcards/cnn\n\nQuestion {i}?::answer {words[:20]}\n"
        files.append(GeneratedFile(f"Topics/{i % 5}/Note {i:03}.md",
                                   (f"# Note {i}\n\n{body}\n## My notes\n"
                                    "%% notegen:user begin %%\n%% notegen:user end %%\n").encode()))
    if version == 2:
        files += [GeneratedFile(f"Topics/new/Added {i}.md", f"# Added {i}\n\n## My notes\n"
                                "%% notegen:user begin %%\n%% notegen:user end %%\n".encode())
                  for i in range(20)]
    return files


def lived_in_vault(root: Path) -> None:
    """Version 1 built, then reviewed and annotated by the student in every 4th note."""
    write_vault(root, course(1))
    for n, path in enumerate(sorted(root.glob("Topics/*/*.md"))):
        if n % 4 == 0:
            text = path.read_text()
            text = text.replace("\n\n## My notes", f"\n<!--SR:!2026-12-0{n % 9 + 1},3,250-->\n\n## My notes")
            text = text.replace("begin %%\n", f"begin %%\nmy note on {path.stem}\n")
            path.write_text(text)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def no_fsync(fd: int) -> None:
    """In-process builds here model a killed process, not a power cut, so durability is not
    under test and skipping fsync keeps them fast; the subprocess writer fsyncs for real."""


@pytest.fixture(scope="module")
def start_and_clean(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A lived-in vault, its files, and the files after an uninterrupted version-2 build."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(atomic.os, "fsync", no_fsync)
        start = tmp_path_factory.mktemp("start") / "vault"
        lived_in_vault(start)
        clean = tmp_path_factory.mktemp("clean") / "vault"
        shutil.copytree(start, clean)
        write_vault(clean, course(2))
    return start, snapshot(start), snapshot(clean)


def assert_recoverable(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    """Every file is whole: its old or its new bytes (or absent where it was or will be)."""
    now = {k: v for k, v in snapshot(root).items()
           if not atomic.is_temp_name(k.rsplit("/", 1)[-1]) and k != ".notegen/manifest.json"}
    for path, data in now.items():
        assert data in (old.get(path), new.get(path)), f"{path} is neither old nor new"
    for path in set(old) & set(new) - {".notegen/manifest.json"}:
        assert path in now, f"{path} vanished"


def test_a_build_that_dies_at_any_rename_converges(tmp_path, start_and_clean, monkeypatch):
    start, old, new = start_and_clean
    monkeypatch.setattr(atomic.os, "fsync", no_fsync)
    renames = [0]
    real_replace = os.replace

    def counting(src, dst):
        renames[0] += 1
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", counting)
    probe = tmp_path / "probe"
    shutil.copytree(start, probe)
    write_vault(probe, course(2))
    total = renames[0]
    assert total > N_FILES / 2  # a pending manifest, the changed files, the final manifest

    for die_at in sorted({1, 2, 3, total // 2, total - 1, total}):
        vault = tmp_path / f"died-{die_at}"
        shutil.copytree(start, vault)
        calls = [0]

        def dying(src, dst):
            calls[0] += 1
            if calls[0] == die_at:
                raise KeyboardInterrupt  # the process is gone before this rename
            real_replace(src, dst)

        monkeypatch.setattr(atomic.os, "replace", dying)
        with pytest.raises(KeyboardInterrupt):
            write_vault(vault, course(2))
        monkeypatch.setattr(atomic.os, "replace", real_replace)
        assert_recoverable(vault, old, new)
        write_vault(vault, course(2))
        assert snapshot(vault) == new, f"no convergence after dying at rename {die_at}"


def run_writer(vault: Path, kill_after: float | None = None) -> float:
    """Run the writer in a subprocess; kill it ``kill_after`` seconds into the write.
    Returns the seconds from the start of the write to the process's end."""
    proc = subprocess.Popen([sys.executable, __file__, str(vault), "2"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "ready\n"  # imports done; the write starts now
    began = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    return time.monotonic() - began


@pytest.fixture(scope="module")
def write_seconds(tmp_path_factory, start_and_clean) -> float:
    """How long an uninterrupted write takes here, to spread the kills over it."""
    vault = tmp_path_factory.mktemp("timed") / "vault"
    shutil.copytree(start_and_clean[0], vault)
    return run_writer(vault)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.5])
def test_a_killed_writer_process_leaves_whole_files_and_converges(
        tmp_path, start_and_clean, write_seconds, fraction):
    start, old, new = start_and_clean
    vault = tmp_path / "vault"
    shutil.copytree(start, vault)
    run_writer(vault, kill_after=fraction * write_seconds)
    assert_recoverable(vault, old, new)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(atomic.os, "fsync", no_fsync)
        write_vault(vault, course(2))
    assert snapshot(vault) == new


if __name__ == "__main__":
    target, version = Path(sys.argv[1]), int(sys.argv[2])
    files = course(version)
    print("ready", flush=True)
    write_vault(target, files)
