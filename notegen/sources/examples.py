"""Worked examples (YAML): a question, what is asked, and the network(s) or loss behind it."""

from __future__ import annotations

import re

from notegen.errors import ErrorCollector
from notegen.model import QUANTITIES, Example, Loc, LossSpec, Network, Variant
from notegen.sources.fields import Fields
from notegen.sources.titles import check_titles
from notegen.sources.specs import network_from_data
from notegen.sources.yaml_loc import LocDict, LocList, load_yaml

EXAMPLE_KEYS = ("title", "pattern", "topic", "question", "discussion", "input", "blocks", "layers",
                "variants", "loss", "ask", "aliases", "tags")
VARIANT_KEYS = ("label", "input", "blocks", "layers")
LOSS_KINDS = ("contrastive", "triplet")
PATTERN_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def parse_example(text: str, path: str, errors: ErrorCollector) -> Example | None:
    start = len(errors.errors)
    data = load_yaml(text, path)
    if not isinstance(data, LocDict):
        errors.add(path, 1, "a worked example must be a mapping with title, pattern, topic, ask, ...")
        return None
    f = Fields(data, path, errors, EXAMPLE_KEYS)
    check_titles(data, path, errors)
    title = f.text("title", required=True)
    pattern = f.text("pattern", required=True)
    if pattern and not PATTERN_NAME.match(pattern):
        f.error("pattern", f"pattern '{pattern}' must be lowercase words joined by '-'",
                "e.g. pattern: shape-params-flops")
    topic = f.text("topic", required=True)
    ask = f.texts("ask")
    for q in ask:
        if q not in QUANTITIES:
            f.error("ask", f"cannot ask for '{q}'", f"ask takes any of: {', '.join(QUANTITIES)}")
    variants, loss = _sources(data, f, path, errors, title)
    if loss is None and not ask:
        f.error("ask" if "ask" in data else None, "'ask' is required: what should the solution compute?",
                f"e.g. ask: [output, params]  (any of {', '.join(QUANTITIES)})")
    if len(errors.errors) > start:
        return None
    return Example(title=title, pattern=pattern, topic=topic, ask=ask, loc=Loc(path, data.line),
                   question=f.text("question"), discussion=f.text("discussion"),
                   variants=variants, loss=loss, aliases=f.texts("aliases"), tags=f.tags(),
                   key_lines=dict(data.key_lines))


def _sources(data: LocDict, f: Fields, path: str, errors: ErrorCollector,
             title: str) -> tuple[tuple[Variant, ...], LossSpec | None]:
    given = [k for k in ("layers", "variants", "loss") if k in data]
    if len(given) != 1:
        f.error(given[1] if len(given) > 1 else None,
                "give exactly one of: input + layers (one network), variants (a comparison) or loss",
                "see docs/content-format.md")
        return (), None
    if "loss" in data:
        return (), _loss(data["loss"], f, path, errors)
    if "layers" in data:
        net = _network(data, path, errors, title, ("title", "input", "blocks", "layers"))
        return ((Variant("", net),) if net else ()), None
    seq = data["variants"]
    if not isinstance(seq, LocList) or len(seq) < 2:
        f.error("variants", "variants must be a list of at least two {label, input, layers}")
        return (), None
    variants = []
    for i, item in enumerate(seq):
        if not isinstance(item, LocDict):
            errors.add(path, seq.line_of(i), "each variant must be a mapping {label, input, layers}")
            continue
        vf = Fields(item, path, errors, VARIANT_KEYS)
        label = vf.text("label", required=True)
        if "blocks" not in item and "blocks" in data:
            item = _with_blocks(item, data)
        net = _network(item, path, errors, f"{title}: {label}", VARIANT_KEYS + ("title",))
        if net:
            variants.append(Variant(label, net))
    return tuple(variants), None


def _with_blocks(item: LocDict, data: LocDict) -> LocDict:
    merged = LocDict(item)
    merged["blocks"] = data["blocks"]
    merged.line, merged.key_lines = item.line, dict(item.key_lines, blocks=data.line_of("blocks"))
    return merged


def _network(data: LocDict, path: str, errors: ErrorCollector, title: str,
             allowed: tuple[str, ...]) -> Network | None:
    spec = LocDict((k, v) for k, v in data.items() if k in ("input", "blocks", "layers"))
    spec.line, spec.key_lines = data.line, data.key_lines
    return network_from_data(spec, path, allowed=allowed, title=title, errors=errors)


def _loss(value: object, f: Fields, path: str, errors: ErrorCollector) -> LossSpec | None:
    if not isinstance(value, LocDict):
        f.error("loss", "loss must be a mapping with kind, margin and the embeddings")
        return None
    lf = Fields(value, path, errors, ("kind", "margin", "pairs", "anchor", "positive", "negative"))
    kind = lf.text("kind", required=True)
    margin = value.get("margin", 1.0)
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin < 0:
        lf.error("margin", f"margin must be a non-negative number, got {margin!r}")
        return None
    if kind == "contrastive":
        pairs = value.get("pairs")
        if not isinstance(pairs, LocList) or not pairs:
            lf.error("pairs", "a contrastive loss needs pairs: [{a: [...], b: [...], same: true}, ...]")
            return None
        out = []
        for i, p in enumerate(pairs):
            if not isinstance(p, LocDict) or set(p) != {"a", "b", "same"} or not isinstance(p["same"], bool):
                errors.add(path, pairs.line_of(i), "each pair needs a, b (embeddings) and same: true/false")
                continue
            pf = Fields(p, path, errors, ("a", "b", "same"))
            a, b = pf.numbers(p["a"], "a"), pf.numbers(p["b"], "b")
            if a and b and len(a) != len(b):
                errors.add(path, pairs.line_of(i), f"a has {len(a)} numbers but b has {len(b)}",
                           "embeddings of a pair must have the same length")
            out.append((a, b, p["same"]))
        return LossSpec("contrastive", float(margin), pairs=tuple(out))
    if kind == "triplet":
        vecs = [lf.numbers(value.get(k), k) for k in ("anchor", "positive", "negative")]
        if all(vecs) and len({len(v) for v in vecs}) != 1:
            lf.error("anchor", "anchor, positive and negative must have the same length")
        return LossSpec("triplet", float(margin), anchor=vecs[0], positive=vecs[1], negative=vecs[2])
    lf.error("kind", f"unknown loss kind '{kind}'", f"use one of: {', '.join(LOSS_KINDS)}")
    return None
