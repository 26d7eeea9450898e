"""``python -m compliant_scraper.demo`` (what ``make demo`` runs)."""

from __future__ import annotations

import sys
from pathlib import Path

from .runner import main

if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
