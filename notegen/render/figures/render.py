"""Draw the figures that are not cached yet, in parallel, and return every figure's SVG.

The cache is a folder of ``<key>.svg`` files; a key (see :func:`jobs.figure_key`) changes
whenever the geometry, the drawing code version or matplotlib changes, so a cached file
is always the right picture and stale ones are simply never read again.
"""

from __future__ import annotations

import multiprocessing
import os
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
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    names = [job.filename for job in jobs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"two figures share the file name {duplicates[0]}")
    keys = {job.filename: figure_key(job) for job in jobs}
    svgs: dict[str, bytes] = {}
    todo: dict[str, FigureJob] = {}  # key -> job; equal figures are drawn once
    for job in jobs:
        cached = cache_dir / f"{keys[job.filename]}.svg"
        if cached.is_file():
            svgs[job.filename] = cached.read_bytes()
        else:
            todo.setdefault(keys[job.filename], job)
    drawn = _draw_all(todo, workers)
    for key, data in sorted(drawn.items()):
        _write_atomic(cache_dir / f"{key}.svg", data)
    for job in jobs:
        if job.filename not in svgs:
            svgs[job.filename] = drawn[keys[job.filename]]
    return RenderOutcome({name: svgs[name] for name in sorted(svgs)}, len(drawn))


# A spawned worker costs about 0.8 s before it draws (a fresh interpreter importing
# matplotlib) and a figure about 0.03 s, so with ``workers=None`` a pool is used only when
# there are enough figures to win that back on two cores.
POOL_MIN = 48


def _draw_all(todo: dict[str, FigureJob], workers: int | None) -> dict[str, bytes]:
    if workers is None:
        workers = (os.cpu_count() or 1) if len(todo) >= POOL_MIN else 1
    count = min(workers, len(todo))
    if count <= 1:
        return {key: draw(job.kind, job.geometry) for key, job in todo.items()}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        futures = {key: pool.submit(draw_job, job.kind, job.geometry) for key, job in todo.items()}
        return {key: future.result() for key, future in futures.items()}
