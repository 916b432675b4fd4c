"""Run the command line: ``python -m unikommune``."""

from __future__ import annotations

import sys

from unikommune.cli import main

if __name__ == "__main__":
    sys.exit(main())
