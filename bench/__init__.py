"""Benchmarks of compliant-scraper (issue 6): ``python -m bench.run [--quick]``; see
docs/performance.md. Speed is measured here, never asserted in tests."""
