"""``python -m callflow``: the same as the ``callflow`` command."""

import sys

from callflow.cli import main

if __name__ == "__main__":
    sys.exit(main())
