"""Test helper: would every formula in a note typeset in Obsidian?

Obsidian renders math with MathJax 3, so the formulas are parsed by MathJax itself
(``tests/mathjax/tex_check.js``, run under node). latex2mathml would be lighter but is too
lenient to be a check: it converts undefined macros, unbalanced braces, ``\\frac{a}`` and
unknown environments without complaint.

Formulas are found with the vault checker's own reading of a note
(:func:`notegen.vault.markdown_scan.scan_note`): ``$...$`` and ``$$...$$`` outside code.

Setup, once: ``npm ci --prefix tests/mathjax`` (needs node >= 18).
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
from pathlib import Path

from notegen.vault.markdown_scan import scan_note

MATHJAX_DIR = Path(__file__).parent / "mathjax"
INSTALL = "npm ci --prefix tests/mathjax"


class MathJaxUnavailable(RuntimeError):
    """node or the MathJax package is missing; the message says how to install it."""


class _MathJax:
    """One long-lived node process (MathJax takes a moment to load), asked one formula a line."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._cache: dict[tuple[str, bool], str | None] = {}

    def _start(self) -> subprocess.Popen[str]:
        node = shutil.which("node")
        if node is None:
            raise MathJaxUnavailable("node is not on PATH; the math check runs MathJax under node")
        if not (MATHJAX_DIR / "node_modules" / "mathjax-full").is_dir():
            raise MathJaxUnavailable(f"MathJax is not installed: run `{INSTALL}`")
        process = subprocess.Popen(
            [node, str(MATHJAX_DIR / "tex_check.js")], cwd=MATHJAX_DIR, text=True,
            encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        atexit.register(self.close)
        return process

    def error(self, tex: str, display: bool) -> str | None:
        """MathJax's error message for ``tex``, or None when it typesets."""
        key = (tex, display)
        if key not in self._cache:
            if self._process is None:
                self._process = self._start()
            assert self._process.stdin and self._process.stdout
            self._process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self._process.stdin.flush()
            reply = self._process.stdout.readline()
            if not reply:
                stderr = self._process.stderr.read() if self._process.stderr else ""
                self._process = None
                raise MathJaxUnavailable(f"the MathJax process stopped: {stderr.strip()}")
            self._cache[key] = json.loads(reply)["error"]
        return self._cache[key]

    def close(self) -> None:
        if self._process is not None:
            process, self._process = self._process, None
            assert process.stdin
            process.stdin.close()  # end of input: the script's readline loop ends
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


_MATHJAX = _MathJax()


def tex_error(tex: str, display: bool = False) -> str | None:
    """Why MathJax cannot typeset ``tex`` (TeX without delimiters), or None."""
    return _MATHJAX.error(tex, display)


def math_errors(markdown: str) -> list[str]:
    """A readable error for every formula in ``markdown`` that would not typeset,
    including ``$`` / ``$$`` left unclosed; empty when all math is fine."""
    note = scan_note(markdown)
    errors = [f"line {line}: {message}" for line, message in note.math_problems]
    for formula in note.math:
        error = tex_error(formula.tex, formula.display)
        if error:
            fence = "$$" if formula.display else "$"
            shown = " ".join(formula.tex.split())
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            errors.append(f"line {formula.line}: {fence}{shown}{fence}: {error}")
    return errors
