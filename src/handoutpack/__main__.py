"""`python -m handoutpack`: the command line, as the `handoutpack` script runs it."""

import sys

from .ui.cli import main

sys.exit(main())
