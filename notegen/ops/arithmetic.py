"""Output-size formulas with PyTorch's exact semantics (pure integer arithmetic)."""

from __future__ import annotations


def effective_kernel(k: int, d: int) -> int:
    """Dilated kernel extent: d·(k−1)+1 (a 3×3 kernel with d=2 spans 5 pixels)."""
    return d * (k - 1) + 1


def conv_out(n: int, k: int, s: int, pad_total: int, d: int = 1) -> int:
    """⌊(n + P_total − k_eff)/s⌋ + 1, as torch.nn.Conv2d (P_total = both sides)."""
    return (n + pad_total - effective_kernel(k, d)) // s + 1


def pool_out(n: int, k: int, s: int, p: int, ceil: bool, d: int = 1) -> int:
    """Pooling output size, mirroring torch's ``pooling_output_shape``.

    With ``ceil`` the division rounds up, but torch then drops the last window if it would
    start in the right padding: if (out−1)·s ≥ n + p, out −= 1.
    """
    span = n + 2 * p - effective_kernel(k, d)
    out = (span + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


def same_padding(k: int, d: int) -> tuple[int, int]:
    """torch ``padding='same'`` (stride 1): total d·(k−1), the odd pixel goes right/bottom."""
    total = d * (k - 1)
    return (total // 2, total - total // 2)


def adaptive_windows(n: int, out: int) -> list[tuple[int, int]]:
    """torch adaptive pooling windows [start, end) for each output index."""
    return [((i * n) // out, -((-(i + 1) * n) // out)) for i in range(out)]
