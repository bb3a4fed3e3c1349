#!/usr/bin/env python3
# docs/architecture.md, "Benchmarks".
"""Tabulates `eisim run` summaries (the JSON it prints) from benchmark runs and writes them as one JSON.

Usage: bench/summarize.py SUMMARY.json... [--out combined.json]   (standard library only)
"""
import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("summaries", nargs="+")
    parser.add_argument("--out", help="write the rows here as JSON")
    args = parser.parse_args()

    rows = []
    for path in args.summaries:
        try:
            with open(path) as f:
                s = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            print(f"skipping {path}: {e}", file=sys.stderr)
            continue
        pops, balanced = s["populations"], s.get("balanced_rates_hz", {})
        config = s["config"].rsplit("/", 1)[-1].removesuffix(".json")
        if s["parameters"].get("eta") == 0:  # plasticity switched off: its cost at the static network's rates
            config += " eta=0"
        rows.append({
            "config": config,
            "N": s["parameters"].get("N"), "p": s["parameters"].get("p"), "backend": s["backend"],
            "mode": s["mode"], "device": s["device"], "synapses": s["synapses"], "build_s": s["build_s"],
            "wall_s_per_simulated_s": s["wall_s_per_simulated_s"],
            "backend_share": s["collect_s"] / s["wall_s"] if s["wall_s"] > 0 else 0.0,
            "rate_E_hz": pops["E"]["rate_hz"], "rate_I_hz": pops["I"]["rate_hz"],
            "balanced_E_hz": balanced.get("E"), "balanced_I_hz": balanced.get("I"),
            "synaptic_events_per_wall_s": s["synaptic_events_per_wall_s"],
        })
    rows.sort(key=lambda r: (r["backend"], r["mode"], r["config"], r["N"] or 0))
    if rows:
        print(f"device: {rows[0]['device']}")
    header = f"{'config':>20} {'N':>8} {'p':>6} {'mode':>13} {'synapses':>14} {'build_s':>8} {'wall/sim_s':>10} " \
             f"{'backend':>7} {'E Hz':>6} {'I Hz':>6} {'events/s':>9}"
    print(header)
    print("-" * len(header))  # backend: share of the loop spent in the backend (GPU wait and readback)
    for r in rows:
        print(f"{r['config']:>20} {r['N']:>8.0f} {r['p']:>6g} {r['mode']:>13} {r['synapses']:>14,} {r['build_s']:>8.2f} "
              f"{r['wall_s_per_simulated_s']:>10.3f} {r['backend_share']:>7.0%} {r['rate_E_hz']:>6.2f} {r['rate_I_hz']:>6.2f} "
              f"{r['synaptic_events_per_wall_s']:>9.2e}")
    # Plasticity's cost: the plastic network against the static one at the same N and mode.
    static = {(r["N"], r["mode"]): r for r in rows if r["config"] == "balanced_eif"}
    for r in rows:
        base = static.get((r["N"], r["mode"])) if r["config"].startswith("plasticity_eif") else None
        if base and base["wall_s_per_simulated_s"] > 0:
            ratio = r["wall_s_per_simulated_s"] / base["wall_s_per_simulated_s"]
            print(f"{r['config']} at N = {r['N']:.0f}, {r['mode']}: {ratio:.2f}x the static network's wall time")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rows, f, indent=2)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
