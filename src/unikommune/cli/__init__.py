"""The ``unikommune`` command: a thin shell over the library.

Each subcommand lives in its own module with ``register(subparsers)`` and a
``run(args)`` that calls one library function and prints the result.  This
module alone maps errors to messages and exit codes, so no traceback reaches
a user:

====  ==========================================================
code  meaning
====  ==========================================================
0     success; no findings of severity error
1     findings of severity error (or warnings, with ``--strict``)
2     usage error, or input that cannot be read
3     an internal error (a bug: please report it)
====  ==========================================================
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from unikommune.collector import frozen
from unikommune.errors import UnikommuneError

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3

#: Subcommand modules under ``unikommune.cli``, in the order ``--help`` lists them; a module
#: not (yet) in the package is skipped.
COMMANDS = (
    "validate",
    "schema",
    "init",
    "explain",
    "graph",
    "metrics",
    "indicators",
    "assess",
    "report",
    "export",
    "import_",  # the command "import" (a module cannot be named for a keyword)
    "harvest",
    "merge",
    "upgrade",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with code 2 and one line of advice."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``unikommune`` command with every available subcommand."""
    from unikommune import __version__

    parser = _Parser(
        prog="unikommune",
        description="Publish, validate and analyse university-municipality partnership data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"unikommune.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"unikommune.cli.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        with frozen():  # what a command loads stays out of the collector's walks
            code: int = args.run(args)
    except UnikommuneError as error:
        print(f"unikommune: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("unikommune: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the one place that stops tracebacks
        print(
            f"unikommune: internal error: {type(error).__name__}: {error}. "
            "This is a bug in unikommune; please report it with the command you ran.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return code
