"""Tiny expression trees for worked solutions.

A formula is built once as a tree whose leaves are named symbols bound to numbers. The
same tree is rendered in symbols, rendered with the numbers substituted, and evaluated —
so the working shown to a student can never disagree with the figure it arrives at.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor, sqrt
from typing import Union

Number = Union[int, float, Fraction]


@dataclass(frozen=True)
class Sym:
    """A named quantity: ``tex`` is its symbol (``H_{in}``), ``value`` its number."""

    tex: str
    value: Number
    text: str = ""  # plain-text symbol for the terminal; defaults to a simplified tex


@dataclass(frozen=True)
class Num:
    value: Number


@dataclass(frozen=True)
class Bin:
    op: str  # + - * /
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Fn:
    name: str  # floor ceil max sqrt square abs sum
    args: tuple["Expr", ...]


Expr = Union[Sym, Num, Bin, Fn]


def add(*xs: Expr) -> Expr:
    out = xs[0]
    for x in xs[1:]:
        out = Bin("+", out, x)
    return out


def mul(*xs: Expr) -> Expr:
    out = xs[0]
    for x in xs[1:]:
        out = Bin("*", out, x)
    return out


def sub(a: Expr, b: Expr) -> Expr:
    return Bin("-", a, b)


def div(a: Expr, b: Expr) -> Expr:
    return Bin("/", a, b)


def fn(name: str, *args: Expr) -> Expr:
    return Fn(name, tuple(args))


def evaluate(e: Expr) -> Number:
    """Exact value: integers and Fractions stay exact; floats only where inputs are floats."""
    if isinstance(e, (Sym, Num)):
        return e.value
    if isinstance(e, Bin):
        a, b = evaluate(e.left), evaluate(e.right)
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        if isinstance(a, float) or isinstance(b, float):
            return a / b
        return Fraction(a, 1) / b
    vals = [evaluate(a) for a in e.args]
    if e.name == "floor":
        return floor(vals[0])
    if e.name == "ceil":
        return ceil(vals[0])
    if e.name == "max":
        return max(vals)
    if e.name == "sqrt":
        return sqrt(vals[0])
    if e.name == "square":
        return vals[0] * vals[0]
    if e.name == "abs":
        return abs(vals[0])
    if e.name == "sum":
        return sum(vals)
    raise ValueError(e.name)


def normal(value: Number) -> Number:
    """A Fraction with denominator 1 becomes an int (so results print as integers)."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value
