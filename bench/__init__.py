"""The benchmark suite (docs/benchmarks.md): ``make bench`` and ``make bench-quick``."""
