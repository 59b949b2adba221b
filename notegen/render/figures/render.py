"""Draw the figures that are not cached yet, in parallel, and return every figure's SVG.

The cache is a folder of ``<key>.svg`` files; a key (see :func:`jobs.figure_key`) changes
whenever the geometry, the drawing code version or matplotlib changes, so a cached file
is always the right picture and stale ones are simply never read again.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from notegen.render.figures.draw import draw, draw_job
from notegen.render.figures.jobs import FigureJob, figure_key


@dataclass(frozen=True)
class RenderOutcome:
    svgs: dict[str, bytes] = field(default_factory=dict)  # filename -> SVG bytes
    drawn: int = 0  # figures actually drawn (not read from the cache)
    keys: dict[str, str] = field(default_factory=dict)  # filename -> figure_key (hashed once)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def render_figures(jobs: Sequence[FigureJob], cache_dir: Path, *,
                   workers: int | None = None) -> RenderOutcome:
    """SVG bytes for every job; only jobs without a cached SVG are drawn.

    ``workers``: processes to draw with (None: one per core when there are at least
    POOL_MIN figures to draw, else this process). The pool uses the spawn start method, so
    it behaves the same on every platform and never forks a process holding matplotlib
    state; callers must be import-safe (``if __name__ == "__main__":``).
    """
    pending = start_figures(jobs, cache_dir, workers=workers)
    outcome = pending.result()
    pending.store()
    return outcome


class PendingFigures:
    """Figures being drawn: a pool draws in the background (while the build renders the
    notes) and :meth:`result` waits for it; nothing is written until :meth:`store`, so a
    build that fails meanwhile leaves no trace."""

    def __init__(self, jobs: Sequence[FigureJob], cache_dir: Path, workers: int | None) -> None:
        names = [job.filename for job in jobs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"two figures share the file name {duplicates[0]}")
        self.jobs, self.cache_dir = list(jobs), Path(cache_dir)
        self.keys = {job.filename: figure_key(job) for job in jobs}
        self.cached: dict[str, bytes] = {}
        self.todo: dict[str, FigureJob] = {}  # key -> job; equal figures are drawn once
        for job in jobs:
            cached = self.cache_dir / f"{self.keys[job.filename]}.svg"
            if cached.is_file():
                self.cached[job.filename] = cached.read_bytes()
            else:
                self.todo.setdefault(self.keys[job.filename], job)
        self.workers = _worker_count(len(self.todo), workers)
        self.drawn: dict[str, bytes] | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        if self.workers > 1:  # the pool's processes draw; this thread only waits for them
            self._thread = threading.Thread(target=self._draw, name="notegen-figures", daemon=True)
            self._thread.start()

    def _draw(self) -> None:
        try:
            self.drawn = _draw_all(self.todo, self.workers)
        except BaseException as exc:  # re-raised in the caller's thread by result()
            self._failure = exc

    def result(self) -> RenderOutcome:
        if self._thread is not None:
            self._thread.join()
            if self._failure is not None:
                raise self._failure
        elif self.drawn is None:
            self.drawn = _draw_all(self.todo, 1)
        drawn = self.drawn or {}
        svgs = dict(self.cached)
        for job in self.jobs:
            if job.filename not in svgs:
                svgs[job.filename] = drawn[self.keys[job.filename]]
        return RenderOutcome({name: svgs[name] for name in sorted(svgs)}, len(drawn), self.keys)

    def store(self) -> None:
        """Save the newly drawn figures in the cache folder."""
        if self.drawn:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            for key, data in sorted(self.drawn.items()):
                _write_atomic(self.cache_dir / f"{key}.svg", data)


def start_figures(jobs: Sequence[FigureJob], cache_dir: Path, *,
                  workers: int | None = None) -> PendingFigures:
    """Read the cached figures and start drawing the others (see :func:`render_figures`)."""
    return PendingFigures(jobs, cache_dir, workers)


# A spawned worker costs about 0.8 s before it draws (a fresh interpreter importing
# matplotlib) and a figure about 0.03 s, so with ``workers=None`` a pool is used only when
# there are enough figures to win that back on two cores.
POOL_MIN = 48


def _worker_count(todo: int, workers: int | None) -> int:
    if workers is None:
        workers = (os.cpu_count() or 1) if todo >= POOL_MIN else 1
    return min(workers, todo)


def _draw_all(todo: dict[str, FigureJob], workers: int | None) -> dict[str, bytes]:
    count = _worker_count(len(todo), workers)
    if count <= 1:
        return {key: draw(job.kind, job.geometry) for key, job in todo.items()}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        futures = {key: pool.submit(draw_job, job.kind, job.geometry) for key, job in todo.items()}
        return {key: future.result() for key, future in futures.items()}
