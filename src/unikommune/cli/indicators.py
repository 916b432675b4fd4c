"""``unikommune indicators``: the evaluation indicators of a dataset, year by year."""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any

from unikommune import outputs
from unikommune.cli.options import (
    add_filters,
    add_jobs,
    add_output,
    output_format,
    time_filter,
    via_option,
    write_result,
    years_side_by_side,
)

__all__ = ["parse_rate", "register", "run"]


def parse_rate(text: str) -> tuple[str, float]:
    """Return ``(currency, rate)`` from ``EUR=11.5``."""
    currency, _, number = text.partition("=")
    try:
        rate = float(number)
    except ValueError:
        rate = -1.0
    if len(currency) != 3 or not currency.isalpha() or not rate > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate such as EUR=11.5")
    return currency.upper(), rate


def register(subparsers: Any) -> None:
    """Add the ``indicators`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "indicators",
        help="evaluation indicators per year (activity, funding, education, SDGs, network)",
        description="Compute the catalogue of evaluation indicators (docs/indicators.md) "
        "for every year of a dataset: from its records, else from the figures it reports. "
        "'–' is no data (never 0); '~' marks an approximate value, '?' one that depends on "
        "an uncertain date, and a range in brackets the least and most it may be.",
    )
    add_filters(parser, level="organisation")
    parser.add_argument(
        "--indicator",
        type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
        metavar="CODES",
        help="only these indicators, comma-separated (default: all)",
    )
    parser.add_argument(
        "--breakdowns",
        action="store_true",
        help="add a row per breakdown category (CSV and JSON; the table shows totals)",
    )
    parser.add_argument(
        "--no-network",
        action="store_true",
        help="leave out the network indicators (a co-participation network per year)",
    )
    parser.add_argument(
        "--rate",
        type=parse_rate,
        action="append",
        metavar="CUR=RATE",
        help="exchange rate to --currency, such as EUR=11.5; repeat per currency",
    )
    parser.add_argument("--currency", help="the currency --rate converts to, such as NOK")
    add_jobs(parser, "the passes over the collections and the years of the network indicators")
    parser.add_argument("--lang", choices=("nb", "en"), default="en", help="language of titles")
    add_output(parser)
    parser.set_defaults(run=run)


def table_text(found: Any, lang: str) -> str:
    """Return the indicators as a rich table: one row per indicator, one column per period."""
    from rich.console import Console
    from rich.table import Table

    from unikommune.evaluation.values import display

    periods: list[str] = []
    for series in found:
        periods.extend(key for key in series.values if key not in periods)
    periods.sort(key=lambda key: (not key[:4].isdigit(), key))
    table = Table(title="Indikatorer" if lang == "nb" else "Indicators")
    table.add_column("indicator")
    table.add_column("unit")
    for period in periods:
        table.add_column(period, justify="right")
    for series in found:
        entry = series.indicator
        cells = [
            display(series.values[p], lang="nb" if lang == "nb" else "en")
            if p in series.values
            else "–"
            for p in periods
        ]
        table.add_row(entry.title.get(lang, entry.title["en"]), series.unit, *cells)
    buffer = io.StringIO()
    Console(file=buffer, width=60 + 12 * len(periods), force_terminal=False).print(table)
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    """Compute and print the indicators; return the exit code."""
    from unikommune.evaluation import indicators
    from unikommune.loading import load

    fmt = output_format(args)
    rates = dict(args.rate) if args.rate else None
    if rates is not None and not args.currency:
        print("unikommune indicators: error: --rate needs --currency", file=sys.stderr)
        return 2
    dataset = load(args.dataset)
    options: dict[str, Any] = {
        "counting": args.counting,
        "level": args.level,
        **via_option(args),
    }
    found = indicators(
        dataset,
        args.indicator,
        when=time_filter(args),
        rates=rates,
        currency=args.currency.upper() if args.currency else None,
        network=not args.no_network,
        network_options=options,
        breakdowns=args.breakdowns,
        side_by_side=years_side_by_side(args.jobs),
    )
    rows = found.rows(breakdowns=args.breakdowns, lang=args.lang)
    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    elif fmt == "csv":
        text = outputs.csv_text(rows, list(rows[0]) if rows else [])
    else:
        text = table_text(found, args.lang)
    write_result(args, text, f"{len(rows)} rows ({fmt})")
    return 0
