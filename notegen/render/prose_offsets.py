"""Offsets between markdown-it's token content and the note's source text.

markdown-it reports inline content without the block markers (list bullets, blockquote
``>``, table pipes); auto-linking must edit the source, so these map spans of content back
to source offsets, line by line and table cell by table cell.
"""

from __future__ import annotations

import re

Span = tuple[int, int]
Piece = tuple[int, int, int]  # content start, content end, source offset of content start
_EOL = re.compile(r"\r\n|\r|\n")  # markdown-it's own line breaks
_DELIMITER_ROW = re.compile(r"(?=.*-)[ \t:|-]*\|[ \t:|-]*")  # loosely: a table's "|---|" row



class Lines:
    def __init__(self, text: str) -> None:
        breaks = list(_EOL.finditer(text))
        self.starts = [0] + [m.end() for m in breaks]
        self.ends = [m.start() for m in breaks] + [len(text)]
        self.text = text

    def line(self, n: int) -> str:
        return self.text[self.starts[n] : self.ends[n]] if n < len(self.starts) else ""

    def span(self, first: int, stop: int) -> Span:
        return self.starts[first], self.starts[stop] if stop < len(self.starts) else len(self.text)


def paragraph_pieces(content: str, first_line: int, lines: Lines) -> list[Piece]:
    """One piece per content line. markdown-it strips container markers and indentation
    from the front of each line and whitespace from the end of the paragraph, so a content
    line without its leading blanks ends its source line (or its source line's text).
    A line that does not (e.g. a NUL markdown-it replaced) is left without links."""
    pieces: list[Piece] = []
    offset = 0
    content_lines = content.split("\n")
    for n, content_line in enumerate(content_lines):
        body = content_line.lstrip()
        source = lines.line(first_line + n)
        # A link's "|" would turn this line and a following "---|---" into a table.
        if n + 1 < len(content_lines) and _DELIMITER_ROW.fullmatch(content_lines[n + 1]):
            body = ""
        for candidate in (source, source.rstrip()):
            if body and candidate.endswith(body):
                lead = len(content_line) - len(body)
                source_start = lines.starts[first_line + n] + len(candidate) - len(body)
                pieces.append((offset + lead, offset + len(content_line), source_start))
                break
        else:
            pieces.append((offset, offset, 0))  # keeps piece n on content line n
        offset += len(content_line) + 1
    return pieces


def row_cells(lines: Lines, line: int, cells: list[str]) -> list[tuple[str, int]]:
    """Source text and offset of each cell markdown-it found on a table row. The row may
    sit behind container markers ("> ", "- "), so try each start the markers allow and
    keep the one whose split gives markdown-it's cells."""
    source = lines.line(line)
    prefix = re.match(r"[ \t>*+\-.)0-9]*", source).end()
    for start in range(prefix + 1):
        found = split_row(source, start)
        texts = [source[s:e] for s, e in found]
        padded = [t.replace("\\|", "|") for t in texts] + [""] * len(cells)
        if padded[: len(cells)] == cells:
            base = lines.starts[line]
            return [(t, base + s) for t, (s, _) in zip(texts, found[: len(cells)]) if t]
    return []


def split_row(source: str, start: int) -> list[Span]:
    """Cell spans of ``source[start:]`` split the way markdown-it's table rule splits."""
    end = len(source.rstrip())
    start += len(source[start:end]) - len(source[start:end].lstrip())
    spans: list[Span] = []
    cell = start
    for pos in range(start, end):
        if source[pos] == "|" and (pos == start or source[pos - 1] != "\\"):
            spans.append((cell, pos))
            cell = pos + 1
    spans.append((cell, end))
    if spans and spans[0][0] == spans[0][1]:
        spans.pop(0)
    if spans and spans[-1][0] == spans[-1][1]:
        spans.pop()
    trimmed = []
    for s, e in spans:
        text = source[s:e]
        s += len(text) - len(text.lstrip())
        trimmed.append((s, s + len(text.strip())))
    return trimmed


def map_spans(spans: list[Span], pieces: list[Piece]) -> list[Span]:
    """The parts of content ``spans`` covered by ``pieces``, as source spans."""
    mapped = []
    for c_start, c_end, s_start in pieces:
        for start, end in spans:
            lo, hi = max(start, c_start), min(end, c_end)
            if lo < hi:
                mapped.append((s_start + lo - c_start, s_start + hi - c_start))
    return mapped


def merge_spans(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def complement(spans: list[Span], length: int) -> list[Span]:
    """The gaps between sorted, merged ``spans`` within ``[0, length)``."""
    gaps, last = [], 0
    for start, end in spans:
        if start > last:
            gaps.append((last, start))
        last = max(last, end)
    if last < length:
        gaps.append((last, length))
    return gaps


def inside(pos: int, spans: list[Span]) -> bool:
    return any(start <= pos < end for start, end in spans)
