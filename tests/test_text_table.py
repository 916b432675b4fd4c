"""The text tables of ``unikommune metrics``: rich's look, drawn without rich's layout engine."""

from __future__ import annotations

import io

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from unikommune.cli.text_table import Justify, render


def _rich(
    title: str, header: list[str], rows: list[list[str]], justify: list[Justify], width: int
) -> str:
    table = Table(title=title)
    for name, how in zip(header, justify, strict=True):
        table.add_column(name, justify=how)
    for row in rows:
        table.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=width, force_terminal=False).print(table)
    return buffer.getvalue()


def test_a_small_table_by_hand() -> None:
    text = render("Tt", ["a", "bb"], [["x", "1"], ["long é 中", "22"]], ["left", "right"], 200)
    assert text == (
        "        Tt        \n"
        "┏━━━━━━━━━━━┳━━━━┓\n"
        "┃ a         ┃ bb ┃\n"
        "┡━━━━━━━━━━━╇━━━━┩\n"
        "│ x         │  1 │\n"
        "│ long é 中 │ 22 │\n"
        "└───────────┴────┘\n"
    )


def test_a_narrowed_column_wraps_at_words_and_cuts_a_long_word() -> None:
    text = render("T", ["a", "b"], [["one two three", "x"], ["abcdefghij", "y"]], ["left"] * 2, 13)
    assert text.splitlines()[4:] == [
        "│ one   │ x │",
        "│ two   │   │",
        "│ three │   │",
        "│ abcd… │ y │",
        "└───────┴───┘",
    ]


def test_a_control_character_shows_as_a_space_and_markup_as_itself() -> None:
    text = render("T", ["a"], [["tab\there"], ["[bold]x[/bold]"]], ["left"], 80)
    assert "│ tab here       │" in text
    assert "│ [bold]x[/bold] │" in text


def test_a_title_wider_than_the_table_stands_on_its_own_line() -> None:
    assert render("A long title", ["a"], [["x"]], ["left"], 80).splitlines()[0] == "A long title"


# Words of letters, digits, dots, dashes, Norwegian letters and a wide character: no
# markup or emoji codes, which a rich table would read.
_WORD = st.text(st.sampled_from("abcxyzæøåÅ0123456789.-中"), min_size=1, max_size=12)
_CELL = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]], list[Justify]]:
    columns = draw(st.integers(1, 5))
    header = draw(st.lists(_WORD, min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(_CELL, min_size=columns, max_size=columns), max_size=6))
    justify: list[Justify] = draw(
        st.lists(st.sampled_from(("left", "right")), min_size=columns, max_size=columns)
    )
    return "Table", header, rows, justify


@settings(max_examples=60, deadline=None)
@given(_tables())
def test_a_table_that_fits_is_what_rich_prints(
    table: tuple[str, list[str], list[list[str]], list[Justify]],
) -> None:
    title, header, rows, justify = table
    natural = [max(cell_len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    assume(sum(natural) + 3 * len(header) + 1 <= 200)
    assert render(title, header, rows, justify, 200) == _rich(title, header, rows, justify, 200)


@settings(max_examples=60, deadline=None)
@given(_tables(), st.integers(20, 60))
def test_a_table_too_wide_is_narrowed_to_fit_and_keeps_its_rows(
    table: tuple[str, list[str], list[list[str]], list[Justify]], width: int
) -> None:
    _, header, rows, justify = table
    lines = render("T", header, rows, justify, width).splitlines()[1:]
    if 4 * len(header) + 1 <= width:  # room for a cell and its padding per column
        assert all(cell_len(line) <= width for line in lines)
    body = lines[3:-1]
    assert len(body) >= len(rows)
    # Every line of the body is one row's cells, or their continuation.
    assert all(line.startswith("│ ") and line.endswith(" │") for line in body)
