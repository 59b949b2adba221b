"""The layer language: one list of layers -> model nodes.

Expands block calls and ``repeat``, substitutes ``$arg`` values, names every layer the way
torch would path it (``layer1.0.conv1``) and validates every op's arguments against its
unit in :mod:`notegen.ops`. Problems go to an ErrorCollector with file, line and layer path.
"""

from __future__ import annotations

from typing import Any, Mapping

from notegen.errors import ErrorCollector, suggest
from notegen.model import Concat, Group, Loc, Node, Op, Residual, Twin, child_path
from notegen.ops import OPS, OpError
from notegen.sources.yaml_loc import LocDict, LocList

STRUCTURAL = ("residual", "concat", "twin", "seq")
LAYER_KEYS = ("repeat", "name", "frozen")
TWIN_MERGES = ("none", "l1", "l2", "concat")
MAX_REPEAT = 1000        # a repeat beyond this is a typo, not a network
MAX_LAYERS = 200_000     # bound on the expanded network, so nested repeats cannot explode


class Abort(Exception):
    """Stops parsing a file whose expansion is out of bounds (already reported)."""


class SpecParser:
    """Parses the layer language for one source file (a spec or a worked example)."""

    def __init__(self, path: str, blocks: Any = None, errors: ErrorCollector | None = None) -> None:
        self.path = path
        self.errors = errors or ErrorCollector()
        self.count = 0
        self.blocks: dict[str, LocDict] = {}
        if blocks is not None:
            self._read_blocks(blocks)

    # --- error helpers ---------------------------------------------------------------
    def error(self, line: int, message: str, hint: str = "", layer: str = "") -> None:
        self.errors.add(self.path, line, message, hint, layer)

    def _read_blocks(self, blocks: Any) -> None:
        if not isinstance(blocks, LocDict):
            self.error(getattr(blocks, "line", 0), "blocks must be a mapping of name: {args, layers}")
            return
        for name, body in blocks.items():
            line = blocks.line_of(name)
            if not isinstance(name, str) or not name.isidentifier():
                self.error(line, f"block name {name!r} must be a simple identifier", "e.g. bottleneck")
            elif name in OPS or name in STRUCTURAL:
                self.error(line, f"block name '{name}' is already an op", "rename the block")
            elif not isinstance(body, LocDict) or "layers" not in body:
                self.error(line, f"block '{name}' needs a 'layers' list (and optional 'args')")
            else:
                for key in body:
                    if key not in ("args", "layers", "summary"):
                        self.error(body.line_of(key), f"unknown key '{key}' in block '{name}'",
                                   suggest(str(key), {"args", "layers", "summary"},
                                           "a block takes args, layers and summary"))
                args = body.get("args") or LocDict()
                if not isinstance(args, dict):
                    self.error(body.line_of("args"), f"args of block '{name}' must be a mapping",
                               "e.g. args: {width: null, stride: 1}  (null = required)")
                    continue
                self.blocks[name] = body

    # --- layers ----------------------------------------------------------------------
    def layers(self, seq: Any, line: int, prefix: str, env: Mapping[str, Any],
               stack: tuple[str, ...], frozen: bool, what: str = "layers",
               by_index: bool = False) -> tuple[Node, ...]:
        """Parse a list of layers; ``by_index`` names unnamed ones 0, 1, … (torch Sequential)."""
        if not isinstance(seq, list):
            self.error(line, f"{what} must be a list of layers", "start each layer with '- '", prefix)
            return ()
        counters: dict[str, int] = {}
        names: set[str] = set()
        nodes = []
        for i, entry in enumerate(seq):
            item_line = seq.line_of(i) if isinstance(seq, LocList) else line
            node = self.layer(entry, item_line, prefix, env, stack, frozen, counters, names,
                              str(i) if by_index else None)
            if node is not None:
                nodes.append(node)
        return tuple(nodes)

    def layer(self, entry: Any, line: int, prefix: str, env: Mapping[str, Any],
              stack: tuple[str, ...], frozen: bool, counters: dict[str, int],
              names: set[str], default_name: str | None = None) -> Node | None:
        entry = self.subst(entry, env, line, prefix)
        if isinstance(entry, str):
            kind, value, extra = entry, None, LocDict()
        elif isinstance(entry, dict):
            heads = [k for k in entry if k not in LAYER_KEYS]
            if len(heads) != 1:
                self.error(line, f"a layer needs exactly one op, got {sorted(map(str, heads)) or 'none'}",
                           "write each op as its own '- op: {...}' item", prefix)
                return None
            kind, value = heads[0], entry[heads[0]]
            extra = entry
        else:
            self.error(line, f"a layer must be an op name or a mapping, got {entry!r}",
                       "e.g. '- relu' or '- conv: {out: 64, k: 3}'", prefix)
            return None
        if not isinstance(kind, str):
            self.error(line, f"op name must be text, got {kind!r}", layer=prefix)
            return None

        counters[kind] = counters.get(kind, 0) + 1
        name = extra.get("name", default_name or f"{kind}{counters[kind]}")
        if not isinstance(name, (str, int)) or not str(name) or "." in str(name):
            self.error(line, f"layer name {name!r} must be text without dots", layer=prefix)
            return None
        name = str(name)
        if name in names:
            self.error(line, f"two layers here are named '{name}'", "give each a unique name",
                       child_path(prefix, name))
            return None
        names.add(name)
        path = child_path(prefix, name)
        is_frozen = frozen or self._flag(extra, "frozen", line, path)
        repeat = extra.get("repeat", 1)
        if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= MAX_REPEAT:
            self.error(line, f"repeat must be a whole number from 1 to {MAX_REPEAT}, got {repeat!r}",
                       layer=path)
            return None

        def make(node_name: str, node_path: str) -> Node | None:
            return self.node(kind, value, line, node_name, node_path, env, stack, is_frozen)

        if repeat == 1:
            return make(name, path)
        children = []
        for i in range(repeat):
            child = make(str(i), f"{path}.{i}")
            if child is None:
                return None
            children.append(child)
        return Group("repeat", name, tuple(children), Loc(self.path, line),
                     block=kind if kind in self.blocks else None)

    def node(self, kind: str, value: Any, line: int, name: str, path: str,
             env: Mapping[str, Any], stack: tuple[str, ...], frozen: bool) -> Node | None:
        loc = Loc(self.path, line)
        if kind in OPS:
            return self.op(kind, value, loc, name, path, frozen)
        if kind == "residual":
            return self.residual(value, loc, name, path, env, stack, frozen)
        if kind == "concat":
            return self.concat(value, loc, name, path, env, stack, frozen)
        if kind == "twin":
            return self.twin(value, loc, name, path, env, stack, frozen)
        if kind == "seq":
            children = self.layers(value, loc.line, path, env, stack, frozen, "seq", by_index=True)
            return Group("seq", name, children, loc) if children else None
        if kind in self.blocks:
            return self.call(kind, value, loc, name, path, env, stack, frozen)
        known = set(OPS) | set(STRUCTURAL) | set(self.blocks)
        self.error(line, f"unknown op or block '{kind}'",
                   suggest(kind, known, "see docs/spec-format.md for the list of ops"), path)
        return None

    def op(self, kind: str, value: Any, loc: Loc, name: str, path: str, frozen: bool) -> Op | None:
        self.count += 1
        if self.count > MAX_LAYERS:
            self.error(loc.line, f"the network expands to more than {MAX_LAYERS:,} layers",
                       "check repeat counts", path)
            raise Abort
        raw = value if value is not None else {}
        if not isinstance(raw, dict):
            self.error(loc.line, f"arguments of {kind} must be a mapping, got {raw!r}",
                       f"e.g. {kind}: {{...}}", path)
            return None
        try:
            args = OPS[kind].resolve(raw)
        except OpError as err:
            line = raw.line_of(err.key) if isinstance(raw, LocDict) and err.key else loc.line
            self.error(line, err.message, err.hint, path)
            return None
        return Op(kind, args, name, loc, frozen)

    def residual(self, value: Any, loc: Loc, name: str, path: str, env: Mapping[str, Any],
                 stack: tuple[str, ...], frozen: bool) -> Residual | None:
        if not isinstance(value, dict) or "body" not in value:
            self.error(loc.line, "residual needs a 'body' list (and optional 'shortcut')",
                       "residual: {body: [...], shortcut: auto}", path)
            return None
        for key in value:
            if key not in ("body", "shortcut"):
                self.error(value.line_of(key), f"unknown key '{key}' in residual",
                           suggest(str(key), {"body", "shortcut"}, "residual takes body and shortcut"), path)
        body = self.layers(value["body"], value.line_of("body"), path, env, stack, frozen, "body")
        if not body:
            self.error(loc.line, "residual body is empty", "give the body at least one layer", path)
            return None
        sc = value.get("shortcut", "auto")
        if sc in ("auto", "identity"):
            return Residual(name, body, (), loc, sc, frozen)
        if isinstance(sc, list):
            shortcut = self.layers(sc, value.line_of("shortcut"), f"{path}.shortcut", env, stack,
                                   frozen, "shortcut")
            return Residual(name, body, shortcut, loc, "custom", frozen)
        self.error(value.line_of("shortcut"), f"shortcut must be auto, identity or a list, got {sc!r}",
                   layer=path)
        return None

    def concat(self, value: Any, loc: Loc, name: str, path: str, env: Mapping[str, Any],
               stack: tuple[str, ...], frozen: bool) -> Concat | None:
        if not isinstance(value, list) or len(value) < 2 or not all(isinstance(b, list) for b in value):
            self.error(loc.line, "concat needs a list of at least two branches, each a list",
                       "concat: [[...], [...]]  ([] is an identity branch)", path)
            return None
        branches = tuple(
            self.layers(b, value.line_of(i), f"{path}.branch{i + 1}", env, stack, frozen, "branch")
            for i, b in enumerate(value))
        return Concat(name, branches, loc)

    def twin(self, value: Any, loc: Loc, name: str, path: str, env: Mapping[str, Any],
             stack: tuple[str, ...], frozen: bool) -> Twin | None:
        if not isinstance(value, dict) or "encoder" not in value:
            self.error(loc.line, "twin needs an 'encoder' list",
                       "twin: {inputs: 2, merge: none, encoder: [...]}", path)
            return None
        for key in value:
            if key not in ("inputs", "merge", "encoder"):
                self.error(value.line_of(key), f"unknown key '{key}' in twin",
                           suggest(str(key), {"inputs", "merge", "encoder"},
                                   "twin takes inputs, merge and encoder"), path)
        inputs = value.get("inputs", 2)
        if isinstance(inputs, bool) or not isinstance(inputs, int) or not 2 <= inputs <= 16:
            self.error(value.line_of("inputs"), f"twin inputs must be 2 to 16, got {inputs!r}",
                       "2 for a Siamese pair, 3 for a triplet", path)
            return None
        merge = value.get("merge", "none")
        if merge not in TWIN_MERGES:
            self.error(value.line_of("merge"), f"twin merge must be one of {', '.join(TWIN_MERGES)}",
                       suggest(str(merge), set(TWIN_MERGES), ""), path)
            return None
        if merge in ("l1", "l2") and inputs != 2:
            self.error(value.line_of("merge"), f"merge {merge} compares exactly two inputs", layer=path)
            return None
        encoder = self.layers(value["encoder"], value.line_of("encoder"), path, env, stack, frozen,
                              "encoder")
        return Twin(name, encoder, inputs, merge, loc) if encoder else None

    def call(self, block: str, value: Any, loc: Loc, name: str, path: str,
             env: Mapping[str, Any], stack: tuple[str, ...], frozen: bool) -> Group | None:
        if block in stack:
            chain = " -> ".join(stack + (block,))
            self.error(loc.line, f"recursive block reference: {chain}",
                       "a block cannot call itself, directly or through another block", path)
            return None
        definition = self.blocks[block]
        declared = definition.get("args") or {}
        given = value if value is not None else {}
        if not isinstance(given, dict):
            self.error(loc.line, f"arguments of block '{block}' must be a mapping", layer=path)
            return None
        inner: dict[str, Any] = {}
        for key in given:
            if key not in declared:
                self.error(given.line_of(key) if isinstance(given, LocDict) else loc.line,
                           f"block '{block}' has no argument '{key}'",
                           suggest(str(key), set(map(str, declared)),
                                   f"it takes: {', '.join(map(str, declared)) or 'no arguments'}"), path)
                return None
        for key, default in declared.items():
            if key in given and given[key] is not None:
                inner[key] = given[key]
            elif default is None:
                self.error(loc.line, f"block '{block}' needs argument '{key}'",
                           f"add {key}: <value> to the call", path)
                return None
            else:
                inner[key] = default
        children = self.layers(definition["layers"], definition.line_of("layers"), path, inner,
                               stack + (block,), frozen, f"layers of block '{block}'")
        return Group("block", name, children, loc, block=block)

    # --- values ----------------------------------------------------------------------
    def subst(self, value: Any, env: Mapping[str, Any], line: int, path: str) -> Any:
        """Replace ``$arg`` strings by the block's argument values (recursively)."""
        if isinstance(value, str) and value.startswith("$"):
            key = value[1:]
            if key in env:
                return env[key]
            self.error(line, f"'{value}' is not an argument here",
                       suggest(key, set(env), "declare it under the block's args")
                       if env else "$names only work inside a block's layers", path)
            return None
        if isinstance(value, LocDict):
            out = LocDict((k, self.subst(v, env, value.line_of(k), path)) for k, v in value.items())
            out.line, out.key_lines = value.line, value.key_lines
            return out
        if isinstance(value, LocList):
            out = LocList(self.subst(v, env, value.line_of(i), path) for i, v in enumerate(value))
            out.line, out.item_lines = value.line, value.item_lines
            return out
        return value

    def _flag(self, extra: Mapping[str, Any], key: str, line: int, path: str) -> bool:
        v = extra.get(key, False)
        if not isinstance(v, bool):
            self.error(line, f"{key} must be true or false, got {v!r}", layer=path)
            return False
        return v
