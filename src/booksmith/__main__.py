"""Run the command line as `python -m booksmith`."""

import sys

from booksmith.cli import main

sys.exit(main())
