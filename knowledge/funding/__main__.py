"""``python3 -m knowledge.funding check`` / ``checklist name=wert ...`` (see :mod:`.cli`)."""

from knowledge.funding.cli import main

raise SystemExit(main())
