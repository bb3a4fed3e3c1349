#!/usr/bin/env python3
# docs/architecture.md, "Benchmarks".
"""Per-kernel GPU time from an Nsight Compute CSV export (ncu --import R --csv --page raw
--metrics gpu__time_duration.sum): count, median and total per kernel, and the total per step
when the number of steps profiled is given. Standard library only.

Usage: bench/kernel_times.py NCU.csv [--steps S]
"""
import argparse
import csv
import re
import statistics
import sys

UNIT_NS = {"nsecond": 1.0, "ns": 1.0, "usecond": 1e3, "us": 1e3, "msecond": 1e6, "ms": 1e6, "second": 1e9, "s": 1e9}
METRIC = "gpu__time_duration.sum"


def short_name(name):
    name = re.sub(r"[(<].*$", "", name)  # the argument list and template arguments
    return name.removeprefix("void ").rsplit("::", 1)[-1][:60]


def read_times(path):
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row]
    header_at = next(i for i, row in enumerate(rows) if "Kernel Name" in row and METRIC in row)
    header = rows[header_at]
    name_col, time_col = header.index("Kernel Name"), header.index(METRIC)
    units = rows[header_at + 1][time_col] if header_at + 1 < len(rows) else "nsecond"
    scale = UNIT_NS.get(units.strip(), None)
    body = rows[header_at + 1:]
    if scale is not None:
        body = body[1:]  # the units row
    else:
        scale = 1.0
    times = {}
    for row in body:
        try:
            value = float(row[time_col].replace(",", ""))
        except (ValueError, IndexError):
            continue
        times.setdefault(short_name(row[name_col]), []).append(value * scale)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--steps", type=float, help="steps the profiled kernels cover, for a per-step total")
    args = parser.parse_args()
    try:
        times = read_times(args.csv)
    except (OSError, StopIteration) as e:
        sys.exit(f"kernel_times: no {METRIC} column in {args.csv} ({e})")
    total = sum(sum(v) for v in times.values())
    print(f"{'kernel':<60} {'count':>6} {'median us':>10} {'total us':>10} {'share':>6}")
    for name, values in sorted(times.items(), key=lambda item: -sum(item[1])):
        print(f"{name:<60} {len(values):>6} {statistics.median(values) / 1e3:>10.2f} {sum(values) / 1e3:>10.1f} "
              f"{sum(values) / total:>6.0%}")
    if args.steps:
        print(f"GPU time per step, kernels alone: {total / args.steps / 1e3:.2f} us")


if __name__ == "__main__":
    main()
