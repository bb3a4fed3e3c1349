#!/usr/bin/env python3
# docs/architecture.md, "Benchmarks".
"""Times several eisim binaries on one GPU, interleaved, on what issue 4's target compares.

The static canonical network and the plastic one with eta = 0 (plasticity at the static
network's rates), N = 10^5, p = 0.1, fast mode, 1 s simulated after 0.2 s, every spike recorded:
the median wall seconds per simulated second of each, over ROUNDS runs taken in turn, and their
ratio, for each binary. Older commits (or variants), built here for sm_90; carry build-compare/:

  git worktree add /tmp/wt-C C
  cmake -S /tmp/wt-C -B /tmp/build-C -G Ninja -DCMAKE_BUILD_TYPE=Release -DEISIM_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES=90 -DEISIM_DEPS_DIR=$PWD/deps
  cmake --build /tmp/build-C --target eisim && mkdir -p build-compare/C && cp /tmp/build-C/eisim build-compare/C/

Usage: bench/compare_binaries.py NAME=EISIM... [--rounds 3] [--out compare.json]   (standard library only)
"""
import argparse
import json
import shutil
import statistics
import subprocess
import sys

NETWORKS = {
    "static": ["configs/balanced_eif.json"],
    "plastic_eta0": ["configs/plasticity_eif.json", "--set", "eta=0"],
}
COMMON = ["--backend", "cuda", "--mode", "fast", "--set", "N=100000", "--set", "p=0.1", "--set", "T=1000",
          "--set", "burn_in=200", "--quiet"]


def wall_per_simulated_s(eisim, network, out_dir):
    """One run: its wall seconds per simulated second, or None if it failed."""
    command = [eisim, "run", NETWORKS[network][0], *NETWORKS[network][1:], *COMMON, "--out", out_dir]
    shutil.rmtree(out_dir, ignore_errors=True)  # eisim refuses a folder holding an earlier run
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"{eisim} {network}: {e}", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"{eisim} {network}: exit {done.returncode}: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout)["wall_s_per_simulated_s"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+", metavar="NAME=EISIM")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", help="write the medians here as JSON")
    args = parser.parse_args()
    binaries = dict(b.split("=", 1) for b in args.binaries)

    walls = {(name, network): [] for name in binaries for network in NETWORKS}
    for _ in range(args.rounds):  # in turn, so a drift in the card's clocks reaches every binary alike
        for name, eisim in binaries.items():
            for network in NETWORKS:
                wall = wall_per_simulated_s(eisim, network, f"/tmp/compare_{name}_{network}")
                if wall is not None:
                    walls[(name, network)].append(wall)

    rows = []
    print(f"{'binary':<16} {'static s/sim-s':>15} {'plastic eta=0':>14} {'ratio':>6}  (medians of {args.rounds})")
    for name in binaries:
        static, plastic = walls[(name, "static")], walls[(name, "plastic_eta0")]
        if not static or not plastic:
            print(f"{name:<16} failed")
            continue
        row = {"binary": name, "static": statistics.median(static), "plastic_eta0": statistics.median(plastic),
               "runs": {"static": static, "plastic_eta0": plastic}}
        row["ratio"] = row["plastic_eta0"] / row["static"]
        rows.append(row)
        print(f"{name:<16} {row['static']:>15.3f} {row['plastic_eta0']:>14.3f} {row['ratio']:>6.2f}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rows, f, indent=1)
    return 0 if len(rows) == len(binaries) else 1


if __name__ == "__main__":
    sys.exit(main())
