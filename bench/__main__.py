"""Every benchmark: ``python -m bench`` (``make bench``). Results: docs/benchmarks.md.

The theme coder is also measured on the public NHS FFT data when it is found: at $NHS_FFT, or
else at ../shared/data/nhs-fft-qdc-v6.csv beside the repository (``make bench NHS_FFT=PATH``).
"""

import os
from pathlib import Path

from bench import (
    capacity_bench,
    core_bench,
    export_bench,
    flood_bench,
    redact_bench,
    safety_bench,
    storage_bench,
    telegram_bench,
    themes_bench,
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
capacity_bench.main([])
web_bench.main([])
export_bench.main([])
NHS = Path(__file__).resolve().parents[2] / "shared" / "data" / "nhs-fft-qdc-v6.csv"
themes_bench.main(["--nhs", os.environ.get("NHS_FFT") or str(NHS)])
