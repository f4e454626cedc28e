"""`wirewatch demo` from the shell to its first headline on screen, in a real pseudo-terminal:
the first thing a newcomer runs. With the shipped word families of the starter's alert terms
(tui/data/word_families.json) and, side by side in the same run, without them (as before:
every demo, whose cache is new each time, read two or three dictionaries first).

    .venv/bin/python tests/bench/bench_demo_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_scale import PAINT_PROBE, paint_seconds

WITHOUT_SEED = "from tui.core.names import family\nfamily.load_seed = set\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    probes = {"with the shipped word families": PAINT_PROBE,
              "without them (before)": PAINT_PROBE.replace("try:\n",
                                                           WITHOUT_SEED + "try:\n")}
    seconds: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(args.runs):
        for name, probe in probes.items():
            painted = paint_seconds(ROOT, None, argv=["demo"], probe=probe)
            if painted is not None:
                seconds[name].append(painted)
    print(f"wirewatch demo, shell to first headline (pty 160x48), median of {args.runs}; "
          f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for name, values in seconds.items():
        figure = f"{statistics.median(values) * 1000:6.0f} ms" if values else "   never"
        print(f"  {name:34s} {figure}")


if __name__ == "__main__":
    main()
