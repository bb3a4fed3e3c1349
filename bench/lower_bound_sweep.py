#!/usr/bin/env python3
# docs/architecture.md, "The lower bound and the balanced state".
"""Rates of the canonical network against in-degree, with and without the lower bound V_lb, at
dt = 0.1 and 0.05 ms: where the bound throws away inhibition and the network leaves the balanced
state. Writes the table as JSON and, where matplotlib is present, a figure.

Usage: bench/lower_bound_sweep.py [--eisim build/eisim] [--backend cpu|cuda] [--points N:p,...]
                                  [--T 1000] [--burn-in 200] [--out bench/results/lower_bound_sweep.json]
Each point runs four times: V_lb as configured (-85 mV) or moved to -1000 mV, at dt 0.1 or 0.05 ms.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(REPO, "configs", "balanced_eif.json")


def run(args, n, p, dt, unbounded, out):
    command = [args.eisim, "run", CONFIG, "--backend", args.backend, "--set", f"N={n}", "--set", f"p={p}",
               "--set", f"dt={dt}", "--set", f"T={args.T}", "--set", f"burn_in={args.burn_in}",
               "--quiet", "--overwrite", "--out", out]
    if unbounded:
        command += ["--set", "populations.E.V_lb=-1000", "--set", "populations.I.V_lb=-1000"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"lower_bound_sweep: {' '.join(command)} failed:\n{done.stderr}")
    summary = json.loads(done.stdout)
    pops = summary["populations"]
    return {"N": n, "p": p, "indegree_E": 0.8 * n * p, "dt_ms": dt, "V_lb_mv": -1000 if unbounded else -85,
            "rate_E_hz": pops["E"]["rate_hz"], "rate_I_hz": pops["I"]["rate_hz"],
            "lower_bound_fraction_E": pops["E"].get("lower_bound_fraction"),
            "lower_bound_fraction_I": pops["I"].get("lower_bound_fraction"),
            "balanced_E_hz": summary["balanced_rates_hz"]["E"], "balanced_I_hz": summary["balanced_rates_hz"]["I"],
            "wall_s": summary["wall_s"], "device": summary["device"], "warnings": summary["warnings"]}


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("lower_bound_sweep: no matplotlib, no figure", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for dt in sorted({r["dt_ms"] for r in rows}):
        for bound in (-85, -1000):
            pts = sorted((r["indegree_E"], r["rate_E_hz"]) for r in rows if r["dt_ms"] == dt and r["V_lb_mv"] == bound)
            label = f"dt = {dt} ms, " + ("V_lb = -85 mV" if bound == -85 else "no bound (V_lb = -1000 mV)")
            ax.plot([k for k, _ in pts], [r for _, r in pts], "o-" if bound == -85 else "s--", label=label)
    ax.axhline(rows[0]["balanced_E_hz"], color="gray", lw=1, label="balanced state")
    ax.set_xscale("log")
    ax.set_xlabel("in-degree from E (0.8 N p)")
    ax.set_ylabel("E rate (Hz)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eisim", default=os.path.join(REPO, "build", "eisim"))
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--points", default="5000:0.1,10000:0.2,20000:0.25",
                        help="comma-separated N:p (the GPU check uses 40000 at p 0.05 to 0.5, and 300000:0.1)")
    parser.add_argument("--T", type=float, default=1000.0)
    parser.add_argument("--burn-in", type=float, default=200.0)
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results", "lower_bound_sweep.json"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for point in args.points.split(","):
            n, p = point.split(":")
            for dt in (0.1, 0.05):
                for unbounded in (False, True):
                    row = run(args, int(n), float(p), dt, unbounded, os.path.join(tmp, "out"))
                    rows.append(row)
                    print(f"N={row['N']} p={row['p']} K_E={row['indegree_E']:.0f} dt={dt} V_lb={row['V_lb_mv']}: "
                          f"E {row['rate_E_hz']:.2f} Hz, I {row['rate_I_hz']:.2f} Hz, "
                          f"at bound E {row['lower_bound_fraction_E']}", flush=True)
    with open(args.out, "w") as f:
        json.dump({"backend": args.backend, "T_ms": args.T, "burn_in_ms": args.burn_in, "rows": rows}, f, indent=1)
    print(f"wrote {args.out}")
    plot(rows, os.path.splitext(args.out)[0] + ".png")


if __name__ == "__main__":
    main()
