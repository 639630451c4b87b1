"""``python -m classroom room ...``: the room's command line (see :mod:`classroom.room.cli`)."""

import sys

from classroom.room.cli import main

if __name__ == "__main__":
    sys.exit(main())
