"""``python -m bench SCENARIO`` (``--help`` lists the scenarios and their flags)."""

from bench.cli import main

raise SystemExit(main())
