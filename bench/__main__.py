"""Every benchmark: ``python -m bench`` (``make bench``). Results: docs/benchmarks.md."""

from bench import (
    core_bench,
    export_bench,
    flood_bench,
    redact_bench,
    safety_bench,
    storage_bench,
    telegram_bench,
    web_bench,
    yaml_bench,
)

core_bench.main()
yaml_bench.main()
redact_bench.main()
safety_bench.main()
storage_bench.main([])
telegram_bench.main([])
flood_bench.main([])
web_bench.main([])
export_bench.main([])
