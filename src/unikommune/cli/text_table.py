"""Tables of many rows as text, drawn as rich draws them, at the speed of joining strings.

rich measures and lays out every cell through its renderables: about 70 µs a cell,
so the partner table of a national network (20,000 rows of 14 figures) took longer to
print than to compute.  :func:`render` draws the same table (rich's heavy-headed box,
one space of padding, the title centred above) from plain strings in one pass: a table
that fits ``width`` is the text rich prints for it, character for character
(``tests/test_text_table.py`` holds the two to that).  A table wider than ``width``
has its widest columns narrowed, each to no less than the next widest, until it fits,
and their cells wrapped at word boundaries (a word longer than its column cut, with an
ellipsis), as rich does; the lines it breaks may differ from rich's.  A title wider than
the table stands on one line of its own (rich wraps it).  Cells are printed as given:
unlike a rich table, a ``[`` in a cell is never read as markup, and a control character
(a tab, a line break) shows as a space.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Literal

from rich.cells import cell_len

__all__ = ["Justify", "render"]

Justify = Literal["left", "right"]


#: Control characters (a text may hold a tab or a line break) shown as one space each.
_CONTROLS = dict.fromkeys((*range(32), 127), " ")


def _shown(text: str) -> str:
    """Return ``text`` as a cell shows it: on one line, a control character as a space."""
    return text if text.isprintable() else text.translate(_CONTROLS)


def _width(text: str) -> int:
    """Return the number of terminal cells ``text`` takes (a wide character takes two)."""
    return len(text) if text.isascii() else cell_len(text)


def _pad(text: str, width: int, justify: Justify) -> str:
    room = width - _width(text)
    if room <= 0:
        return text
    return text + " " * room if justify == "left" else " " * room + text


def _narrowed(widths: list[int], most: int) -> list[int]:
    """Return column widths whose sum is at most ``most``: the widest narrowed first.

    Each round takes the columns of the greatest width down toward the next greatest
    (or by what is still too much, shared among them), so the widest columns give up
    room first and no column is narrowed below another that was narrower; no column
    goes below one cell.
    """
    widths = list(widths)
    while sum(widths) > most:
        excess = sum(widths) - most
        top = max(widths)
        if top <= 1:
            break
        widest = [at for at, width in enumerate(widths) if width == top]
        below = max((width for width in widths if width < top), default=1)
        step = min(top - max(below, 1), -(-excess // len(widest)))
        for at in widest:
            widths[at] -= step
            excess -= step
            if excess <= 0:
                break
    return widths


def _wrapped(text: str, width: int) -> list[str]:
    """Return the lines of ``text`` wrapped in ``width`` cells (at least one line).

    A word longer than the width is cut, its last cell an ellipsis, as rich cuts it.
    """
    if _width(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [_cut(line, width) for line in lines or [""]]


def _cut(line: str, width: int) -> str:
    """Return ``line`` cut to ``width`` cells, ending in an ellipsis when it was longer."""
    if _width(line) <= width:
        return line
    cut = min(len(line), width)
    while cut > 0 and _width(line[:cut]) > width - 1:
        cut -= 1
    return line[:cut] + "…"


def render(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    justify: Sequence[Justify],
    width: int,
) -> str:
    """Return the table as text, each line ending in a newline.

    Args:
        title: the title, centred above the table.
        header: the column headings.
        rows: the cells, row by row, each row as long as ``header``.
        justify: how each column's cells and heading sit.
        width: the most cells a line may take; a wider table is narrowed and wrapped.
    """
    header = [_shown(name) for name in header]
    rows = [[_shown(cell) for cell in row] for row in rows]
    natural = [max(map(_width, column)) for column in zip(header, *rows, strict=True)]
    # Each column takes its text, a space either side and one rule; the table one rule more.
    frame = 3 * len(header) + 1
    widths = natural
    if sum(natural) + frame > width:
        widths = _narrowed(natural, max(width - frame, len(header)))
    table_width = sum(widths) + frame
    out: list[str] = []
    if _width(title) <= table_width:
        room = table_width - _width(title)
        out.append(" " * (room // 2) + title + " " * (room - room // 2))
    else:
        out.append(title)
    out.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    out.extend(_lines(header, widths, justify, "┃"))
    out.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    for row in rows:
        out.extend(_lines(row, widths, justify, "│"))
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(out) + "\n"


def _lines(
    cells: Sequence[str], widths: list[int], justify: Sequence[Justify], rule: str
) -> list[str]:
    """Return the lines of one row, its cells wrapped to their columns' widths."""
    wrapped = [_wrapped(cell, w) for cell, w in zip(cells, widths, strict=True)]
    height = max(len(lines) for lines in wrapped)
    return [
        f"{rule} "
        + f" {rule} ".join(
            _pad(lines[line] if line < len(lines) else "", w, how)
            for lines, w, how in zip(wrapped, widths, justify, strict=True)
        )
        + f" {rule}"
        for line in range(height)
    ]
