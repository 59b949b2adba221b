"""The kill test's driver: `notegen build` run as its own process and SIGKILLed on cue.

The process imports the notegen of this checkout (first on PYTHONPATH), whatever copy is
installed. Its progress is watched from outside through the vault's manifest, which the
writer saves with *pending* entries before replacing the first file (docs/regeneration.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ".notegen/manifest.json"
POLL = 0.0005  # seconds between looks at the manifest; a build writes for tens of ms


def run_build(source: Path, vault: Path, templates: Path, *, kill_at: float | None = None,
              kill_after_pending: float | None = None) -> int:
    """Run the build to its end, or SIGKILL it ``kill_at`` seconds after it started or
    ``kill_after_pending`` seconds after its pending manifest appeared (no kill if the build
    ends first, or if the manifest was pending too briefly to be seen). Returns the exit
    status (``-SIGKILL`` when killed)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    manifest = vault / MANIFEST
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", "from notegen.cli import main; main()", "build",
                             "--source", str(source), "--out", str(vault), "--templates", str(templates)],
                            env=env, cwd=vault.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # its own group: the kill takes any helper too
    pending_at = None
    while proc.poll() is None:
        now = time.monotonic() - start
        if pending_at is None and kill_after_pending is not None and _pending(manifest):
            pending_at = now
        if ((kill_at is not None and now >= kill_at)
                or (pending_at is not None and now >= pending_at + kill_after_pending)):
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(POLL)
    return proc.wait()


def _pending(manifest: Path) -> bool:
    try:
        return b'"pending"' in manifest.read_bytes()  # replaced atomically: old or new, never torn
    except FileNotFoundError:
        return False
