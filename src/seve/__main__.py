"""``python -m seve``: the same as the ``seve`` command."""

import sys

from .cli import main

sys.exit(main())
