#!/usr/bin/python3
# docs/architecture.md, "Benchmarks".
"""Benchmark eisim's CPU backend on configs/balanced_eif.json at several sizes N.

For each N, runs `eisim run ... --quiet` under /usr/bin/time (peak resident
memory), reads the summary JSON eisim prints on stdout, prints a table and
writes the results as JSON. Standard library only.
"""
import argparse
import json
import os
import shutil
import platform
import shlex
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = "configs/balanced_eif.json"  # relative to REPO (eisim runs there)


def machine():
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "nproc": os.cpu_count(), "hostname": platform.node(),
            "kernel": platform.release()}


def run_once(args, n, tmp):
    """One eisim run; returns (summary dict, peak RSS in MiB or None)."""
    cmd = [args.eisim, "run", CONFIG, "--set", f"N={n}", "--set", f"T={args.T:g}",
           "--threads", str(args.threads), "--quiet", "--out", os.path.join(tmp, "out")]
    shutil.rmtree(os.path.join(tmp, "out"), ignore_errors=True)  # eisim refuses a folder holding an earlier run
    mem_file = os.path.join(tmp, "maxrss")
    use_time = os.access("/usr/bin/time", os.X_OK)
    full = (["/usr/bin/time", "-f", "%M", "-o", mem_file] if use_time else []) + cmd
    p = subprocess.run(full, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"error: eisim failed (exit {p.returncode}) for N={n}:\n"
                 f"  {shlex.join(cmd)}\n{p.stderr.strip()}")
    try:
        summary = json.loads(p.stdout[p.stdout.index("{"):])
    except ValueError as e:
        sys.exit(f"error: cannot parse eisim's summary JSON for N={n}: {e}\n{p.stdout[-2000:]}")
    mem = None
    if use_time:
        with open(mem_file) as f:
            kib = [l for l in f.read().split() if l.isdigit()]
        mem = int(kib[-1]) / 1024 if kib else None
    return summary, mem


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eisim", default=os.path.join(REPO, "build", "eisim"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000], help="values of N")
    ap.add_argument("--T", type=float, default=1000, help="simulated time (ms)")
    ap.add_argument("--threads", type=int, default=1, help="eisim --threads (network construction)")
    ap.add_argument("--repeats", type=int, default=1, help="keep the best wall time")
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results", "cpu_benchmark.json"))
    args = ap.parse_args()
    args.eisim = os.path.abspath(args.eisim)
    if not os.access(args.eisim, os.X_OK):
        sys.exit(f"error: eisim binary not found or not executable: {args.eisim}")

    rows = []
    for n in args.sizes:
        best, peak = None, None
        for r in range(args.repeats):
            print(f"N={n} run {r + 1}/{args.repeats} ...", file=sys.stderr, flush=True)
            with tempfile.TemporaryDirectory(prefix="eisim_bench_") as tmp:
                s, mem = run_once(args, n, tmp)
            if mem is not None:
                peak = mem if peak is None else max(peak, mem)
            if best is None or s["wall_s"] < best["wall_s"]:
                best = s
        pops, bal = best["populations"], best.get("balanced_rates_hz", {})
        rows.append({
            "N": n, "neurons": best["neurons"], "synapses": best["synapses"],
            "build_s": best["build_s"], "wall_s": best["wall_s"],
            "wall_s_per_simulated_s": best["wall_s_per_simulated_s"],
            "rate_hz": {k: v["rate_hz"] for k, v in pops.items()},
            "balanced_rates_hz": bal, "peak_rss_mib": peak,
        })

    m = machine()
    print(f"\nCPU: {m['cpu']}   nproc: {m['nproc']}   threads: {args.threads}   "
          f"T: {args.T:g} ms   repeats: {args.repeats}")
    hdr = (f"{'N':>7} {'synapses':>11} {'build_s':>8} {'wall/sim_s':>10} "
           f"{'E Hz':>6} {'(bal)':>6} {'I Hz':>6} {'(bal)':>6} {'peak MiB':>9}")
    print(hdr + "\n" + "-" * len(hdr))
    f2 = lambda x: "-" if x is None else f"{x:.2f}"
    for r in rows:
        rt, b = r["rate_hz"], r["balanced_rates_hz"]
        print(f"{r['N']:>7} {r['synapses']:>11,} {r['build_s']:>8.2f} "
              f"{r['wall_s_per_simulated_s']:>10.3f} {f2(rt.get('E')):>6} {f2(b.get('E')):>6} "
              f"{f2(rt.get('I')):>6} {f2(b.get('I')):>6} {f2(r['peak_rss_mib']):>9}")

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"machine": m, "command": [sys.executable] + sys.argv,
                   "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "config": CONFIG,
                   "T_ms": args.T, "threads": args.threads, "repeats": args.repeats,
                   "rows": rows}, f, indent=2)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
