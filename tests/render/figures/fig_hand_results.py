"""Hand-built engine results for figure tests, so the figures can be checked on their own.

Shapes follow torch's formula ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 and fields the propagation
rule r ← r + (k_eff − 1)·j, start ← start + ((k_eff − 1)/2 − p)·j, j ← j·s; the tests
derive the numbers they assert by hand, not from these helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from notegen.engine.results import RF, LayerResult, NetworkResult
from notegen.model import Loc

LOC = Loc("hand.yaml", 1)
INPUT_RF = RF((1, 1), (1, 1), (0.0, 0.0))


@dataclass
class Builder:
    """Appends layers to a running (shape, field); groups are built from the layers made."""

    shape: tuple[int, ...]
    rf: RF | None = INPUT_RF
    depth: int = 0
    prefix: str = ""
    made: list[LayerResult] = field(default_factory=list)

    def _path(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def window(self, op: str, name: str, k: int, s: int = 1, p: int = 0, d: int = 1,
               out: int | None = None) -> LayerResult:
        c, h, w = self.shape
        keff = d * (k - 1) + 1
        size = (h + 2 * p - keff) // s + 1, (w + 2 * p - keff) // s + 1
        shape = (out if out is not None else c, *size)
        rf = self.rf
        assert rf is not None
        new = RF(tuple(r + (keff - 1) * j for r, j in zip(rf.size, rf.jump)),
                 tuple(j * s for j in rf.jump),
                 tuple(st + ((keff - 1) / 2 - p) * j for st, j in zip(rf.start, rf.jump)))
        # the resolved arguments as notegen.ops gives them
        args: dict = {"k": (k, k), "s": (s, s), "p": ((p, p), (p, p))}
        params = 0
        if out is not None:
            args.update(out=out, d=(d, d), groups=1, bias=True)
            params = out * c * k * k + out
        else:
            args.update(ceil=False)
        return self._add(LayerResult(self._path(name), name, op, self.depth, self.shape, shape,
                                     params, 0, 0, new, LOC, args))

    def conv(self, name: str, out: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> LayerResult:
        return self.window("conv", name, k, s, p, d, out)

    def pool(self, name: str, k: int, s: int | None = None, p: int = 0) -> LayerResult:
        return self.window("maxpool", name, k, k if s is None else s, p)

    def same(self, op: str, name: str, **args) -> LayerResult:
        """A shape-preserving op (bn, relu, dropout)."""
        return self._add(LayerResult(self._path(name), name, op, self.depth, self.shape,
                                     self.shape, 0, 0, 0, self.rf, LOC, args))

    def collapse(self, op: str, name: str, shape: tuple[int, ...], **args) -> LayerResult:
        """gap / flatten / linear: the output is no longer a feature map."""
        layer = LayerResult(self._path(name), name, op, self.depth, self.shape, shape, 0, 0, 0,
                            None, LOC, args)
        self.rf = None
        return self._add(layer)

    def _add(self, layer: LayerResult) -> LayerResult:
        self.made.append(layer)
        self.shape, self.rf = layer.output, layer.rf
        return layer

    def child(self, name: str) -> "Builder":
        """A builder for the inside of group ``name`` (one level deeper)."""
        return Builder(self.shape, self.rf, self.depth + 1, f"{self._path(name)}.")

    def group(self, op: str, name: str, inner: "Builder", start_shape: tuple[int, ...],
              branches: tuple[tuple[LayerResult, ...], ...] = (), block: str | None = None,
              rf: RF | None = None, output: tuple[int, ...] | None = None, **args) -> LayerResult:
        children = tuple(inner.made) if not branches else tuple(x for b in branches for x in b)
        layer = LayerResult(self._path(name), name, op, self.depth, start_shape,
                            output or inner.shape, sum(c.params for c in children), 0, 0,
                            rf if rf is not None else inner.rf, LOC, args, children, block, branches)
        return self._add(layer)


def network(title: str, input_shape: tuple[int, ...], layers: list[LayerResult]) -> NetworkResult:
    last_map = [l.rf for l in layers if l.rf is not None]
    return NetworkResult(title, input_shape, layers[-1].output, sum(l.params for l in layers), 0,
                         0, last_map[-1] if last_map else None, tuple(layers))


