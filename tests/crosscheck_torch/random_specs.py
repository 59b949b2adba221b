"""Hypothesis strategies for random *valid* network specs (plain dicts, ready for YAML).

Every layer is drawn for the shape it will receive, so nothing has to be filtered away:
kernels never outgrow the padded input, groups divide both channel counts, pools keep
torch's "padding at most half the window" rule, and the paths into a residual add or a
concat always produce the same shape and total stride.

The shape bookkeeping uses torch's documented formulas (``torch.nn.Conv2d``,
``torch.nn.MaxPool2d`` and ``pooling_output_shape`` in ATen's ``Pool.h``); it only steers
generation, the tests compare the engine with torch itself.

Merging paths are built from "aligned" layers: an odd kernel with padding d·(k−1)/2 (or a
pool window equal to its stride in ceil mode) gives ⌈n/s⌉ outputs whatever n is, so every
path with the same total stride ends at the same size.
"""

from __future__ import annotations

from math import ceil, gcd
from typing import Any

from hypothesis import strategies as st

Shape = tuple[int, ...]
Entry = Any  # one layer of the spec: "relu" or {"conv": {...}, ...}

ELEMENTWISE = ("relu", "relu6", "leaky_relu", "sigmoid", "tanh", "gelu", "silu", "hardswish",
               "softmax", "bn", "gn", "dropout")
MAX_CHANNELS = 12  # keeps the torch modules tiny; concat may exceed it a little


def conv_out(n: int, k: int, s: int, pad_total: int, d: int) -> int:
    """torch.nn.Conv2d: ⌊(n + P − d·(k−1) − 1)/s⌋ + 1."""
    return (n + pad_total - d * (k - 1) - 1) // s + 1


def pool_out(n: int, k: int, s: int, p: int, ceil_mode: bool) -> int:
    """ATen pooling_output_shape, including the ceil-mode rule for the last window."""
    out = (n + 2 * p - k + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def _value(pair: tuple[Any, Any], as_int: bool) -> Any:
    """A per-axis pair written as the spec allows: one number when both agree, else [h, w]."""
    return pair[0] if as_int and pair[0] == pair[1] else list(pair)


# --- elementwise ops ---------------------------------------------------------------------

@st.composite
def elementwise(draw: st.DrawFn, shape: Shape) -> Entry:
    """A shape-preserving op valid for ``shape``."""
    # GroupNorm needs more than one value per group (torch and the engine refuse one)
    gn_groups = [g for g in _divisors(shape[0]) if len(shape) == 3
                 and shape[0] // g * shape[1] * shape[2] > 1]
    op = draw(st.sampled_from(ELEMENTWISE if gn_groups else [o for o in ELEMENTWISE if o != "gn"]))
    if op == "gn":
        return {"gn": {"groups": draw(st.sampled_from(gn_groups))}}
    if op == "dropout":
        return {"dropout": {"p": draw(st.sampled_from([0.0, 0.1, 0.5]))}}
    if op == "leaky_relu" and draw(st.booleans()):
        return {"leaky_relu": {"slope": 0.2}}
    return op


def _groups_and_out(draw: st.DrawFn, c_in: int, out: int | None) -> tuple[int, int]:
    if out is None:
        groups = draw(st.sampled_from(_divisors(c_in)))
        out = groups * draw(st.integers(1, max(1, MAX_CHANNELS // groups)))
    else:
        groups = draw(st.sampled_from(_divisors(gcd(c_in, out))))
    return groups, out


# --- free layers: any geometry torch accepts ------------------------------------------

def _conv_axis(draw: st.DrawFn, n: int, padding: str) -> tuple[int, int, int, int]:
    """(k, s, d, p) for one axis of size n such that at least one output remains."""
    d = draw(st.integers(1, 3))
    if padding == "same":  # torch allows 'same' only with stride 1; any kernel fits
        return draw(st.integers(1, 5)), 1, d, 0
    p = draw(st.integers(0, 3)) if padding == "number" else 0
    k = draw(st.integers(1, min(5, (n + 2 * p - 1) // d + 1)))
    return k, draw(st.integers(1, 3)), d, p


def _conv_axis_out(n: int, axis: tuple[int, int, int, int], padding: str) -> int:
    k, s, d, p = axis
    return conv_out(n, k, s, d * (k - 1) if padding == "same" else 2 * p, d)


@st.composite
def free_conv(draw: st.DrawFn, shape: Shape) -> tuple[Entry, Shape]:
    c, h, w = shape
    groups, out = _groups_and_out(draw, c, None)
    padding = draw(st.sampled_from(["number", "number", "same", "valid"]))
    ax_h = _conv_axis(draw, h, padding)
    square = draw(st.booleans()) and _conv_axis_out(w, ax_h, padding) >= 1
    ax_w = ax_h if square else _conv_axis(draw, w, padding)
    (kh, sh, dh, ph), (kw, sw, dw, pw) = ax_h, ax_w
    args: dict[str, Any] = {"out": out, "k": _value((kh, kw), square)}
    if (sh, sw) != (1, 1) or draw(st.booleans()):
        args["s"] = _value((sh, sw), square)
    if (dh, dw) != (1, 1) or draw(st.booleans()):
        args["d"] = _value((dh, dw), square)
    args["p"] = _value((ph, pw), square) if padding == "number" else padding
    if groups > 1:
        args["groups"] = groups
    if draw(st.booleans()):
        args["bias"] = draw(st.booleans())
    out_shape = (out, _conv_axis_out(h, ax_h, padding), _conv_axis_out(w, ax_w, padding))
    return {"conv": args}, out_shape


@st.composite
def free_pool(draw: st.DrawFn, shape: Shape) -> tuple[Entry, Shape]:
    c, h, w = shape
    op = draw(st.sampled_from(["maxpool", "avgpool"]))
    ceil_mode = draw(st.booleans())
    ks, ss, ps, sizes = [], [], [], []
    for n in (h, w):
        # torch: padding at most half the window, and the padded input must hold one window
        k = draw(st.sampled_from([k for k in range(1, 5) if n + 2 * (k // 2) >= k]))
        p = draw(st.integers(max(0, ceil((k - n) / 2)), k // 2))
        s = draw(st.integers(1, 3))
        ks.append(k), ss.append(s), ps.append(p)
        sizes.append(pool_out(n, k, s, p, ceil_mode))
    args: dict[str, Any] = {"k": _value((ks[0], ks[1]), True)}
    if ss != ks or draw(st.booleans()):
        args["s"] = _value((ss[0], ss[1]), True)
    if ps != [0, 0] or draw(st.booleans()):
        args["p"] = _value((ps[0], ps[1]), True)
    if ceil_mode or draw(st.booleans()):
        args["ceil"] = ceil_mode
    return {op: args}, (c, sizes[0], sizes[1])


@st.composite
def adaptive_pool(draw: st.DrawFn, shape: Shape) -> tuple[Entry, Shape]:
    """Output sizes that divide the input, so every window is k = s = n/out (exact field)."""
    c, h, w = shape
    oh, ow = draw(st.sampled_from(_divisors(h))), draw(st.sampled_from(_divisors(w)))
    return {"adaptive_avgpool": {"out": _value((oh, ow), True)}}, (c, oh, ow)


# --- aligned layers: ⌈n/s⌉ outputs, for paths that merge -------------------------------

@st.composite
def aligned_conv(draw: st.DrawFn, shape: Shape, stride: tuple[int, int],
                 out: int | None = None) -> tuple[Entry, Shape]:
    c, h, w = shape
    groups, out = _groups_and_out(draw, c, out)
    args: dict[str, Any] = {"out": out}
    if stride == (1, 1) and draw(st.booleans()):
        # torch padding='same', even kernels included (the odd pixel goes right/bottom)
        args["k"] = [draw(st.integers(1, 4)), draw(st.integers(1, 4))]
        args["d"] = draw(st.integers(1, 2))
        args["p"] = "same"
    else:
        k = (draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 3, 5])))
        d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
        args["k"] = _value(k, True)
        args["d"] = _value(d, True)
        args["p"] = _value((d[0] * (k[0] - 1) // 2, d[1] * (k[1] - 1) // 2), True)
        args["s"] = _value(stride, True)
    if groups > 1:
        args["groups"] = groups
    args["bias"] = draw(st.booleans())
    return {"conv": args}, (out, ceil(h / stride[0]), ceil(w / stride[1]))


@st.composite
def aligned_pool(draw: st.DrawFn, shape: Shape, stride: tuple[int, int]) -> tuple[Entry, Shape]:
    c, h, w = shape
    op = draw(st.sampled_from(["maxpool", "avgpool"]))
    if h >= stride[0] and w >= stride[1] and draw(st.booleans()):
        # window = stride in ceil mode: the last, partial window is kept
        args: dict[str, Any] = {"k": _value(stride, True), "ceil": True}
    else:
        k = (draw(st.sampled_from([1, 3])), draw(st.sampled_from([1, 3])))
        args = {"k": _value(k, True), "s": _value(stride, True),
                "p": _value((k[0] // 2, k[1] // 2), True)}
    return {op: args}, (c, ceil(h / stride[0]), ceil(w / stride[1]))


@st.composite
def aligned_layer(draw: st.DrawFn, shape: Shape, stride: tuple[int, int],
                  depth: int) -> tuple[Entry, Shape]:
    kinds = ["conv", "conv", "pool"] + (["elementwise"] if stride == (1, 1) else [])
    kinds += ["residual", "concat"] if depth > 0 else []
    kind = draw(st.sampled_from(kinds))
    if kind == "conv":
        return draw(aligned_conv(shape, stride))
    if kind == "pool":
        return draw(aligned_pool(shape, stride))
    if kind == "elementwise":
        return draw(elementwise(shape)), shape
    if kind == "residual":
        return draw(residual(shape, stride, depth - 1))
    return draw(concat(shape, stride, depth - 1))


@st.composite
def aligned_seq(draw: st.DrawFn, shape: Shape, stride: tuple[int, int], depth: int,
                out: int | None = None) -> tuple[list[Entry], Shape]:
    """1–3 layers with total stride ``stride`` (carried by one layer), ending with ``out`` channels."""
    n = draw(st.integers(1, 3))
    carrier = draw(st.integers(0, n - 1))
    layers = []
    for i in range(n):
        entry, shape = draw(aligned_layer(shape, stride if i == carrier else (1, 1), depth))
        layers.append(entry)
    if out is not None and shape[0] != out:
        entry, shape = draw(aligned_conv(shape, (1, 1), out))
        layers.append(entry)
    return layers, shape


@st.composite
def residual(draw: st.DrawFn, shape: Shape, stride: tuple[int, int],
             depth: int) -> tuple[Entry, Shape]:
    kind = draw(st.sampled_from(["auto", "identity", "custom"] if stride == (1, 1)
                                else ["auto", "custom"]))
    if kind == "identity":
        body, out = draw(aligned_seq(shape, (1, 1), depth, out=shape[0]))
        return {"residual": {"body": body, "shortcut": "identity"}}, out
    c_out = draw(st.sampled_from([shape[0], draw(st.integers(1, MAX_CHANNELS))]))
    body, out = draw(aligned_seq(shape, stride, depth, out=c_out))
    spec: dict[str, Any] = {"body": body}
    if kind == "custom":
        spec["shortcut"], sc_out = draw(aligned_seq(shape, stride, depth, out=c_out))
        assert sc_out == out, (sc_out, out)
    elif draw(st.booleans()):
        spec["shortcut"] = "auto"  # also the default
    return {"residual": spec}, out


@st.composite
def concat(draw: st.DrawFn, shape: Shape, stride: tuple[int, int],
           depth: int) -> tuple[Entry, Shape]:
    branches, channels, out = [], 0, shape
    for _ in range(draw(st.integers(2, 3))):
        if stride == (1, 1) and draw(st.integers(0, 3)) == 0:
            branches.append([])  # identity branch
            channels += shape[0]
            continue
        layers, out = draw(aligned_seq(shape, stride, depth))
        branches.append(layers)
        channels += out[0]
    h, w = ceil(shape[1] / stride[0]), ceil(shape[2] / stride[1])
    return {"concat": branches}, (channels, h, w)


# --- whole networks ------------------------------------------------------------------------

@st.composite
def feature_layer(draw: st.DrawFn, shape: Shape) -> tuple[Entry, Shape]:
    kind = draw(st.sampled_from(["conv", "conv", "pool", "elementwise", "residual",
                                 "residual", "concat", "adaptive"]))
    if kind == "conv":
        return draw(free_conv(shape))
    if kind == "pool":
        return draw(free_pool(shape))
    if kind == "elementwise":
        return draw(elementwise(shape)), shape
    if kind == "adaptive":
        return draw(adaptive_pool(shape))
    # No stride on a one-pixel axis: there a strided body keeps the shape, shortcut: auto
    # becomes the identity and the two paths merge with different jumps, which the engine
    # rejects (see test_strided_body_on_one_pixel_map).
    stride = (draw(st.integers(1, 2 if shape[1] > 1 else 1)),
              draw(st.integers(1, 2 if shape[2] > 1 else 1)))
    depth = draw(st.integers(0, 1))
    if kind == "concat":
        return draw(concat(shape, stride, depth))
    entry, out = draw(residual(shape, stride, depth))
    if out == shape and draw(st.booleans()):
        entry["repeat"] = draw(st.integers(2, 3))  # shape-preserving, so it can repeat
    return entry, out


@st.composite
def head(draw: st.DrawFn, shape: Shape) -> tuple[list[Entry], Shape]:
    """gap or flatten, then linear layers with vector ops between them."""
    layers: list[Entry] = []
    if len(shape) == 3:
        flat = shape[0] * shape[1] * shape[2]
        use_flatten = flat <= 2048 and draw(st.booleans())
        layers.append("flatten" if use_flatten else draw(st.sampled_from(["gap", {"gap": {}}])))
        shape = (flat,) if use_flatten else (shape[0],)
    for _ in range(draw(st.integers(1, 2))):
        if draw(st.booleans()):
            layers.append(draw(elementwise(shape)))
        out = draw(st.integers(1, MAX_CHANNELS))
        args: dict[str, Any] = {"out": out}
        if draw(st.booleans()):
            args["bias"] = draw(st.booleans())
        layers.append({"linear": args})
        shape = (out,)
    return layers, shape


@st.composite
def network_specs(draw: st.DrawFn, *, with_head: bool = True, min_size: int = 4,
                  max_size: int = 24, max_layers: int = 5) -> dict[str, Any]:
    """A whole spec dict. ``with_head=False`` keeps the output a feature map."""
    if with_head and draw(st.integers(0, 9)) == 0:
        shape: Shape = (draw(st.integers(1, 64)),)  # a vector-input network (an MLP)
        layers, _ = draw(head(shape))
        return {"title": "generated mlp", "input": list(shape), "layers": layers}
    shape = (draw(st.integers(1, 4)), draw(st.integers(min_size, max_size)),
             draw(st.integers(min_size, max_size)))
    spec = {"title": "generated", "input": list(shape)}
    layers = []
    for _ in range(draw(st.integers(1, max_layers))):
        entry, shape = draw(feature_layer(shape))
        layers.append(entry)
    if with_head and draw(st.booleans()):
        more, shape = draw(head(shape))
        layers += more
    spec["layers"] = layers
    return spec
