"""render_figures: cache by key, draw only what changed, same bytes from the pool."""

from __future__ import annotations

import dataclasses

import pytest

from notegen.engine import analyze
from notegen.render.figures import FigureJob, figure_key, network_figures, render_figures, rf_figures
from notegen.render.figures.draw import draw
from notegen.sources.specs import parse_spec

SPEC = ("title: Small\ninput: [1, 12, 12]\nlayers:\n  - conv: {out: 2, k: 3, p: 1}\n"
        "  - maxpool: {k: 2}\n  - conv: {out: 2, k: 3, p: 1}\n")


@pytest.fixture(scope="module")
def small_jobs() -> list[FigureJob]:
    result = analyze(parse_spec(SPEC, "small.yaml"))
    return network_figures(result, "small") + rf_figures(result, "small")


def test_filenames_are_deterministic(small_jobs):
    assert [j.filename for j in small_jobs] == [
        "small-rf-growth.svg", "small-sketch.svg", "small-rf-grid.svg", "small-rf-pyramid.svg"]


def test_key_depends_on_geometry_and_kind_only(small_jobs):
    job = small_jobs[1]
    assert figure_key(job) == figure_key(dataclasses.replace(job, caption="other", filename="x.svg"))
    moved = dataclasses.replace(job.geometry, width=job.geometry.width + 1)
    assert figure_key(dataclasses.replace(job, geometry=moved)) != figure_key(job)
    assert len(figure_key(job)) == 64


def test_second_render_draws_nothing_and_a_changed_job_redraws_only_it(small_jobs, tmp_path):
    first = render_figures(small_jobs, tmp_path, workers=1)
    assert first.drawn == 4 and sorted(first.svgs) == sorted(j.filename for j in small_jobs)
    assert len(list(tmp_path.glob("*.svg"))) == 4

    again = render_figures(small_jobs, tmp_path, workers=1)
    assert again.drawn == 0 and again.svgs == first.svgs

    sketch = small_jobs[1]
    wider = dataclasses.replace(sketch, geometry=dataclasses.replace(
        sketch.geometry, width=sketch.geometry.width + 0.5))
    changed = [wider if j is sketch else j for j in small_jobs]
    third = render_figures(changed, tmp_path, workers=1)
    assert third.drawn == 1
    assert third.svgs["small-sketch.svg"] != first.svgs["small-sketch.svg"]
    assert {k: v for k, v in third.svgs.items() if k != "small-sketch.svg"} == \
        {k: v for k, v in first.svgs.items() if k != "small-sketch.svg"}


def test_pool_draws_the_same_bytes_as_one_process(small_jobs, tmp_path):
    pooled = render_figures(small_jobs, tmp_path, workers=2)
    assert pooled.drawn == 4
    for job in small_jobs:
        assert pooled.svgs[job.filename] == draw(job.kind, job.geometry)


def test_duplicate_filenames_are_refused(small_jobs, tmp_path):
    with pytest.raises(ValueError, match="small-sketch.svg"):
        render_figures([small_jobs[1], small_jobs[1]], tmp_path)
