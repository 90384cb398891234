"""``python -m api.cli``: the same as ``energy-planner``."""

import sys

from api.cli import main

sys.exit(main())
