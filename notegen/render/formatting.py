"""The one place numbers become text: thousands separators, SI prefixes, ×10ⁿ, TeX.

Everything here is a pure function; they double as jinja filters (see ``FILTERS``).
"""

from __future__ import annotations

from fractions import Fraction
from math import floor, log10
from typing import Sequence

from notegen.engine.expr import Expr, Fn, Num, Sym, normal


def count(n: int | float) -> str:
    """18496 -> '18,496' (floats keep up to 4 decimals)."""
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,.4f}".rstrip("0").rstrip(".")
    return f"{int(n):,}"


def human(n: int | float, digits: int = 3) -> str:
    """25557032 -> '25.6 M', 4089184256 -> '4.09 G' (3 significant digits)."""
    for scale, prefix in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if abs(n) >= scale:
            return f"{_sig(n / scale, digits)} {prefix}"
    return _sig(n, digits) if isinstance(n, float) else str(n)


def _sig(x: float, digits: int) -> str:
    if x == 0:
        return "0"
    decimals = max(digits - 1 - floor(log10(abs(x))), 0)
    return f"{x:.{decimals}f}"


def sci(n: int | float, digits: int = 2) -> str:
    """150994944 -> '1.51 \\times 10^{8}' (TeX; ``digits`` decimals in the mantissa)."""
    if n == 0:
        return "0"
    exp = floor(log10(abs(n)))
    mantissa = n / 10**exp
    if round(mantissa, digits) >= 10:
        exp, mantissa = exp + 1, mantissa / 10
    return f"{mantissa:.{digits}f} \\times 10^{{{exp}}}"


def sci_text(n: int | float, digits: int = 2) -> str:
    """150994944 -> '1.51×10^8' for plain text."""
    return sci(n, digits).replace(" \\times ", "×").replace("{", "").replace("}", "")


def shape(dims: Sequence[int]) -> str:
    """(64, 56, 56) -> '64×56×56'."""
    return "×".join(str(d) for d in dims)


def shape_tex(dims: Sequence[int]) -> str:
    return " \\times ".join(str(d) for d in dims)


def tex_number(x: int | float | Fraction) -> str:
    """A number inside TeX math: 18{,}496; fractions as \\frac; floats to 4 decimals."""
    x = normal(x)
    if isinstance(x, Fraction):
        return f"\\frac{{{tex_number(x.numerator)}}}{{{x.denominator}}}"
    if isinstance(x, float):
        if x.is_integer():
            return tex_number(int(x))
        text = f"{x:,.4f}".rstrip("0").rstrip(".")
        return text.replace(",", "{,}")
    return f"{x:,}".replace(",", "{,}")


def text_number(x: int | float | Fraction) -> str:
    x = normal(x)
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    return count(x)


# --- expressions ----------------------------------------------------------------------

_PREC = {"+": 1, "-": 1, "*": 2, "/": 3}


def expr_tex(e: Expr, substitute: bool = False) -> str:
    """TeX for an expression, in symbols or with the numbers substituted."""
    return _tex(e, substitute, 0)


def _tex(e: Expr, sub: bool, parent: int) -> str:
    if isinstance(e, Sym):
        return tex_number(e.value) if sub else e.tex
    if isinstance(e, Num):
        return tex_number(e.value)
    if isinstance(e, Fn):
        inner = ", ".join(_tex(a, sub, 0) for a in e.args)
        if e.name == "floor":
            return f"\\left\\lfloor {inner} \\right\\rfloor"
        if e.name == "ceil":
            return f"\\left\\lceil {inner} \\right\\rceil"
        if e.name == "sqrt":
            return f"\\sqrt{{{inner}}}"
        if e.name == "square":
            return f"\\left({inner}\\right)^2"
        if e.name == "abs":
            return f"\\left|{inner}\\right|"
        return f"\\{e.name}\\left({inner}\\right)"
    prec = _PREC[e.op]
    if e.op == "/":
        return f"\\frac{{{_tex(e.left, sub, 0)}}}{{{_tex(e.right, sub, 0)}}}"
    left = _tex(e.left, sub, prec)
    right = _tex(e.right, sub, prec + (1 if e.op == "-" else 0))
    sym = {"+": "+", "-": "-", "*": "\\cdot"}[e.op]
    out = f"{left} {sym} {right}"
    return f"\\left({out}\\right)" if prec < parent else out


def expr_text(e: Expr, substitute: bool = False) -> str:
    """Plain-text form for the terminal: floor((64 + 2·1 − 3) / 1) + 1."""
    return _text(e, substitute, 0)


def _text(e: Expr, sub: bool, parent: int) -> str:
    if isinstance(e, Sym):
        return text_number(e.value) if sub else (e.text or _plain(e.tex))
    if isinstance(e, Num):
        return text_number(e.value)
    if isinstance(e, Fn):
        inner = ", ".join(_text(a, sub, 0) for a in e.args)
        return f"|{inner}|" if e.name == "abs" else f"{e.name}({inner})"
    prec = _PREC[e.op]
    left = _text(e.left, sub, prec)
    right = _text(e.right, sub, prec + 1 if e.op in "-/" else prec)
    sym = {"+": "+", "-": "−", "*": "·", "/": "/"}[e.op]
    out = f"{left} {sym} {right}"
    return f"({out})" if prec < parent or (e.op == "/" and parent == 3) else out


def _plain(tex: str) -> str:
    out = tex.replace("\\text{", "").replace("{", "").replace("}", "").replace("\\", "")
    return out


FILTERS = {
    "count": count,
    "human": human,
    "sci": sci,
    "sci_text": sci_text,
    "shape": shape,
    "shape_tex": shape_tex,
    "tex_number": tex_number,
    "expr_tex": expr_tex,
}
