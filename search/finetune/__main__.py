"""``python -m search.finetune [--base DIR] [--out DIR] [--force] [--stats]`` (see :mod:`.cli`)."""

import sys

from search.finetune.cli import main

sys.exit(main())
