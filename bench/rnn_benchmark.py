#!/usr/bin/env python3
# docs/architecture.md, "Benchmarks".
"""RLS (FORCE) training speed of the chaotic RNN: training steps per second at several N, on the
CPU (Eigen) and the GPU (cuBLAS), side by side. Standard library only.

Usage: bench/rnn_benchmark.py [--eisim build/eisim] [--sizes 1000 2000 5000] [--backends cpu cuda]
                              [--cpu-ms 20] [--gpu-ms 200] [--out bench/results/rnn_benchmark.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def steps_per_s(eisim, n, backend, t_ms):
    with tempfile.TemporaryDirectory() as out:
        cmd = [eisim, "rnn", "--learning", "rls", "--N", str(n), "--backend", backend, "--T", str(t_ms),
               "--learn-from", "0", "--learn-until", str(t_ms), "--out", out]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"rnn_benchmark: {' '.join(cmd)} failed:\n{done.stderr}")
        return json.loads(done.stdout)["steps_per_s"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eisim", default=os.path.join(REPO, "build", "eisim"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--backends", nargs="+", default=["cpu", "cuda"])
    parser.add_argument("--cpu-ms", type=float, default=20.0, help="simulated time per CPU run (0.1 ms steps)")
    parser.add_argument("--gpu-ms", type=float, default=200.0, help="simulated time per GPU run")
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results", "rnn_benchmark.json"))
    args = parser.parse_args()

    rows = []
    for n in args.sizes:
        row = {"N": n}
        for backend in args.backends:
            row[backend] = steps_per_s(args.eisim, n, backend, args.cpu_ms if backend == "cpu" else args.gpu_ms)
        rows.append(row)
    print(f"{'N':>6} " + " ".join(f"{b + ' steps/s':>16}" for b in args.backends) +
          ("   gpu/cpu" if {"cpu", "cuda"} <= set(args.backends) else ""))
    for row in rows:
        ratio = f"   {row['cuda'] / row['cpu']:7.1f}x" if "cpu" in row and "cuda" in row else ""
        print(f"{row['N']:>6} " + " ".join(f"{row[b]:>16.1f}" for b in args.backends) + ratio)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"rls_training_steps_per_s": rows}, f, indent=2)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
