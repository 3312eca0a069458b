"""Every benchmark: ``python -m bench`` (``make bench``)."""

from bench import core_bench, redact_bench

core_bench.main()
redact_bench.main()
