"""The op vocabulary of the spec language: one registered unit per op.

Each unit (see :mod:`notegen.ops.base`) declares its arguments and knows, for an input
shape, its output shape, parameter count, MACs and sliding-window geometry. Adding an op
means adding one unit to one module here and registering it; the parser and the engine
look everything up in :data:`OPS`.
"""

from notegen.ops.base import OPS, Arg, OpError, OpUnit, Window, register  # noqa: F401
from notegen.ops import conv, pool, dense, elementwise  # noqa: F401,E402  (registers the units)

__all__ = ["OPS", "Arg", "OpError", "OpUnit", "Window", "register"]
