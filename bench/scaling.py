#!/usr/bin/env python3
# docs/architecture.md, "Benchmarks".
"""Strong and weak scaling of `eisim run` over MPI ranks (mpirun -np K), CPU or GPU ranks, on the canonical network.

Each run is `MPIRUN -np K EISIM run configs/balanced_eif.json --backend B --out DIR --overwrite --quiet
--set N=.. --set p=.. --set T=.. --set burn_in=.. --threads 1`; the script reads DIR/summary.json
(its "rank_seconds": per rank build_s, loop_s, communication_s, peak_rss_mb).
  strong   fixed N (--strong-n) at p (--p); the spike files (*_spike_ids.npy, *_spike_times.npy) of every
           K are compared bytewise with those of the smallest K (1 by default): they must be identical.
  weak     N = K * n_per_rank (--weak-n-per-rank) at a fixed in-degree, p = P * n_per_rank / N, so that
           every rank holds the same neurons and synapses (at a fixed p a rank's synapses would grow as K).
  --construction   construction only: N = 10^6, p = 0.001, T = 1 ms; per-rank build_s and peak memory
           against K, with the target "each of 8 ranks takes at most a fifth of one rank's time and memory".
Per run: seconds per simulated second, the slowest rank's loop, the ranks' communication (mean, max; share
of the loop; µs per step), per-rank build seconds and peak memory, the population rates. Writes JSON and
a PNG (matplotlib; without it, no figure). Benchmarks, not tests: a missed target prints "FAIL", exit 0.
--oversubscribe is passed when K exceeds the cores, --allow-run-as-root when run as root (Open MPI).

Usage: bench/scaling.py [--eisim build/eisim] [--mpirun mpirun] [--backend cpu|cuda] [--ranks 1 2 4 8 16]
                        [--scaling strong weak] [--strong-n 50000] [--weak-n-per-rank 10000] [--p 0.1]
                        [--T 1000] [--burn-in 200] [--threads 1] [--construction]
                        [--json bench/results/scaling_<backend>.json] [--png <json stem>.png]
The issue's targets:
  16 cores, N = 50,000, 1 and 8 CPU ranks (8 ranks at least 5x faster, identical spikes):
    bench/scaling.py --backend cpu --ranks 1 8 --scaling strong --strong-n 50000
  one GPU shared by 1, 2 and 4 ranks at N = 100,000 (total and communication µs per step):
    bench/scaling.py --backend cuda --ranks 1 2 4 --scaling strong --strong-n 100000
  construction, 1 and 8 ranks:  bench/scaling.py --construction --ranks 1 8
bench/scaling_model.py --measured bench/results/scaling_cpu.json extrapolates the results to 1,024 GPUs.
"""
import argparse
import filecmp
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from cpu_benchmark import machine  # the same machine record as the CPU benchmark's

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(REPO, "configs", "balanced_eif.json")
CONSTRUCTION_N, CONSTRUCTION_P, CONSTRUCTION_RANKS = 1_000_000, 0.001, 8


def run(args, k, n, p, t_ms, burn_in_ms, out):
    """`eisim run` on k ranks; returns its summary.json."""
    command = shlex.split(args.mpirun) + ["-np", str(k)]
    if k > os.cpu_count():
        command.append("--oversubscribe")
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")
    command += [args.eisim, "run", CONFIG, "--backend", args.backend, "--out", out, "--overwrite", "--quiet",
                "--set", f"N={n}", "--set", f"p={p:g}", "--set", f"T={t_ms:g}", "--set", f"burn_in={burn_in_ms:g}"]
    if args.threads > 0:
        command += ["--threads", str(args.threads)]
    print(f"K={k} N={n} p={p:g} ...", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"scaling: {shlex.join(command)} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def row_of(s, k, n, p):
    ranks = s["rank_seconds"]
    if s["ranks"] != k or len(ranks) != k:
        sys.exit(f"scaling: summary of K={k} lists {s['ranks']} ranks and {len(ranks)} rank_seconds")
    steps = s.get("steps") or round(s["t_sim_ms"] / s["dt_ms"])
    loop = [r["loop_s"] for r in ranks]
    comm = [r["communication_s"] for r in ranks]
    pops = s["populations"]
    if isinstance(pops, list):  # summary.cpp writes an object keyed by name; accept a list of {"name": ..} too
        pops = {q["name"]: q for q in pops}
    spikes = sum(q["spikes"] for q in pops.values())  # over the whole run, as the loop's time is
    per_step_us = 1e6 / steps
    return {
        "ranks": k, "N": n, "p": p, "neurons": s["neurons"], "synapses": s["synapses"], "steps": steps,
        "neurons_per_rank": s["neurons"] / k, "spikes_per_step": spikes / steps,
        "synaptic_events_per_step": s["synaptic_events"] / steps,
        "device": s.get("device"), "build_s": s["build_s"], "wall_s": s["wall_s"],
        "wall_s_per_simulated_s": s["wall_s_per_simulated_s"],
        "loop_s_max": max(loop),
        "communication_s_mean": sum(comm) / k, "communication_s_max": max(comm),
        "communication_s_per_simulated_s": max(comm) / (s["t_sim_ms"] / 1000.0),
        "communication_share": max(c / l if l > 0 else 0.0 for c, l in zip(comm, loop)),
        "total_us_per_step": max(loop) * per_step_us,
        "communication_us_per_step": max(comm) * per_step_us,
        # What a rank computes between exchanges; the slowest rank sets the pace.
        "compute_us_per_step": max(l - c for l, c in zip(loop, comm)) * per_step_us,
        "rank_build_s": [r["build_s"] for r in ranks], "rank_peak_rss_mb": [r["peak_rss_mb"] for r in ranks],
        "rates_hz": {name: q["rate_hz"] for name, q in pops.items()},
    }


def spike_files(folder):
    return {os.path.basename(f): f for pattern in ("*_spike_ids.npy", "*_spike_times.npy")
            for f in glob.glob(os.path.join(folder, pattern))}


def differing_spike_files(reference, folder):
    """Names of the spike files that are missing from one folder or differ in a byte."""
    a, b = spike_files(reference), spike_files(folder)
    return sorted(name for name in a.keys() | b.keys()
                  if name not in a or name not in b or not filecmp.cmp(a[name], b[name], shallow=False))


def strong(args, tmp):
    rows, reference = [], None
    for k in args.ranks:
        out = os.path.join(tmp, f"strong_{k}")
        row = row_of(run(args, k, args.strong_n, args.p, args.T, args.burn_in, out), k, args.strong_n, args.p)
        if reference is None:
            reference = out
            if not spike_files(out):
                print("scaling: warning: the reference run wrote no spike files; spikes not compared", file=sys.stderr)
        else:
            if spike_files(reference):
                row["differing_spike_files"] = differing_spike_files(reference, out)
                row["spikes_identical"] = not row["differing_spike_files"]
                if not row["spikes_identical"]:
                    print(f"scaling: warning: at K={k} the spikes differ from K={args.ranks[0]}: "
                          f"{', '.join(row['differing_spike_files'])}", file=sys.stderr)
            shutil.rmtree(out)  # the reference folder is all later runs need
        rows.append(row)
    base = rows[0]
    for r in rows:
        r["speedup"] = base["wall_s_per_simulated_s"] / r["wall_s_per_simulated_s"]
    compared = [r["spikes_identical"] for r in rows if "spikes_identical" in r]
    return {"N": args.strong_n, "p": args.p, "reference_ranks": base["ranks"],
            "spikes_identical": all(compared) if compared else None, "rows": rows}


def weak(args, tmp):
    rows = []
    for k in args.ranks:
        n = k * args.weak_n_per_rank
        p = args.p * args.weak_n_per_rank / n
        out = os.path.join(tmp, f"weak_{k}")
        rows.append(row_of(run(args, k, n, p, args.T, args.burn_in, out), k, n, p))
        shutil.rmtree(out)
    return {"n_per_rank": args.weak_n_per_rank, "p_at_one_rank": args.p, "rows": rows}


def construction(args, tmp):
    rows = [row_of(run(args, k, CONSTRUCTION_N, CONSTRUCTION_P, 1.0, 0.0, os.path.join(tmp, f"build_{k}")),
                   k, CONSTRUCTION_N, CONSTRUCTION_P) for k in args.ranks]
    by_k = {r["ranks"]: r for r in rows}
    target = None
    if 1 in by_k and CONSTRUCTION_RANKS in by_k:
        one, many = by_k[1], by_k[CONSTRUCTION_RANKS]
        time_ratio = max(many["rank_build_s"]) / one["rank_build_s"][0]
        memory_ratio = max(many["rank_peak_rss_mb"]) / one["rank_peak_rss_mb"][0]
        target = {"ranks": CONSTRUCTION_RANKS, "at_most": 0.2, "time_ratio": time_ratio, "memory_ratio": memory_ratio,
                  "pass": time_ratio <= 0.2 and memory_ratio <= 0.2}
    return {"N": CONSTRUCTION_N, "p": CONSTRUCTION_P, "T_ms": 1.0, "target": target, "rows": rows}


def print_table(title, rows):
    print(f"\n{title}")
    hdr = (f"{'K':>3} {'N':>9} {'synapses':>14} {'wall/sim_s':>10} {'speedup':>7} {'loop_s':>8} {'comm mean':>9} "
           f"{'comm max':>8} {'share':>6} {'µs/step':>8} {'comm µs':>8} {'build_s':>8} {'peak MiB':>9} "
           f"{'E Hz':>6} {'I Hz':>6} {'spikes':>9}")
    print(hdr + "\n" + "-" * len(hdr))
    for r in rows:
        same = {True: "same", False: "DIFFER"}.get(r.get("spikes_identical"), "-")
        speedup = f"{r['speedup']:.2f}" if "speedup" in r else "-"
        rates = r["rates_hz"]
        rate = lambda name: "-" if rates.get(name) is None else f"{rates[name]:.2f}"
        print(f"{r['ranks']:>3} {r['N']:>9} {r['synapses']:>14,} {r['wall_s_per_simulated_s']:>10.3f} {speedup:>7} "
              f"{r['loop_s_max']:>8.2f} {r['communication_s_mean']:>9.3f} {r['communication_s_max']:>8.3f} "
              f"{r['communication_share']:>6.1%} {r['total_us_per_step']:>8.1f} {r['communication_us_per_step']:>8.1f} "
              f"{max(r['rank_build_s']):>8.2f} {max(r['rank_peak_rss_mb']):>9.1f} {rate('E'):>6} {rate('I'):>6} "
              f"{same:>9}")


def print_construction(rows):
    print(f"\nconstruction, N = {CONSTRUCTION_N:,}, p = {CONSTRUCTION_P:g}; per rank: the largest and the mean")
    hdr = f"{'K':>3} {'synapses':>14} {'build_s max':>11} {'mean':>8} {'peak MiB max':>12} {'mean':>9}"
    print(hdr + "\n" + "-" * len(hdr))
    for r in rows:
        b, m = r["rank_build_s"], r["rank_peak_rss_mb"]
        print(f"{r['ranks']:>3} {r['synapses']:>14,} {max(b):>11.2f} {sum(b) / len(b):>8.2f} {max(m):>12.1f} "
              f"{sum(m) / len(m):>9.1f}")


def plot_scaling(results, path, backend):
    import matplotlib.pyplot as plt
    kinds = [kind for kind in ("strong", "weak") if kind in results]
    fig, axes = plt.subplots(1, len(kinds), figsize=(6 * len(kinds), 4.5), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        rows = results[kind]["rows"]
        ks = [r["ranks"] for r in rows]
        total = [r["wall_s_per_simulated_s"] for r in rows]
        ax.plot(ks, total, "o-", label="measured")
        mpi = [(k, r["communication_s_per_simulated_s"]) for k, r in zip(ks, rows) if r["communication_s_max"] > 0]
        ax.plot([k for k, _ in mpi], [c for _, c in mpi], "s--", label="of which MPI (slowest rank)")  # none at K = 1
        for k, t, r in zip(ks, total, rows):
            ax.annotate(f"{r['communication_share']:.0%}", (k, t), textcoords="offset points", xytext=(4, 6), fontsize=7)
        if kind == "strong":
            ax.plot(ks, [total[0] * ks[0] / k for k in ks], ":", color="gray", label="ideal 1/K")
            ax.set_yscale("log")
            ax.set_title(f"strong: N = {results['strong']['N']:,}, p = {results['strong']['p']:g}")
        else:
            ax.axhline(total[0], ls=":", color="gray", label="ideal (flat)")
            ax.set_ylim(bottom=0)
            ax.set_title(f"weak: {results['weak']['n_per_rank']:,} N per rank, fixed in-degree")
        ax.set_xscale("log", base=2)
        ax.set_xticks(ks, [str(k) for k in ks])
        ax.set_xlabel(f"MPI ranks ({backend}); labels: MPI share of the loop")
        ax.set_ylabel("wall s per simulated s")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_construction(result, path, backend):
    import matplotlib.pyplot as plt
    rows = result["rows"]
    ks = [r["ranks"] for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, key, label in ((axes[0], "rank_build_s", "build s"), (axes[1], "rank_peak_rss_mb", "peak resident MiB")):
        worst = [max(r[key]) for r in rows]
        ax.plot(ks, worst, "o-", label="slowest / largest rank")
        ax.plot(ks, [sum(r[key]) / len(r[key]) for r in rows], "s--", label="mean over ranks")
        ax.plot(ks, [worst[0] * ks[0] / k for k in ks], ":", color="gray", label="ideal 1/K")
        if ks[0] == 1:
            ax.plot([CONSTRUCTION_RANKS], [worst[0] / 5], "v", color="red", label=f"target at K = {CONSTRUCTION_RANKS}: 1/5")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(ks, [str(k) for k in ks])
        ax.set_xlabel(f"MPI ranks ({backend})")
        ax.set_ylabel(f"{label} per rank")
        ax.legend(fontsize=7)
    fig.suptitle(f"construction: N = {result['N']:,}, p = {result['p']:g}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eisim", default=os.path.join(REPO, "build", "eisim"))
    parser.add_argument("--mpirun", default="mpirun", help="launcher and its own options, e.g. 'mpirun --bind-to core'")
    parser.add_argument("--backend", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4, 8, 16], help="values of K")
    parser.add_argument("--scaling", choices=("strong", "weak"), nargs="+", default=["strong", "weak"])
    parser.add_argument("--strong-n", type=int, default=50000, help="N of strong scaling")
    parser.add_argument("--weak-n-per-rank", type=int, default=10000, help="N per rank of weak scaling")
    parser.add_argument("--p", type=float, default=0.1, help="p (strong), p at one rank (weak)")
    parser.add_argument("--T", type=float, default=1000.0, help="simulated ms")
    parser.add_argument("--burn-in", type=float, default=200.0, help="ms")
    parser.add_argument("--threads", type=int, default=1,
                        help="eisim --threads per rank (construction threads); 1: K ranks use K cores; "
                             "0: eisim's default, a node's cores shared among its ranks")
    parser.add_argument("--construction", action="store_true",
                        help=f"construction only: N = {CONSTRUCTION_N:,}, p = {CONSTRUCTION_P:g}, T = 1 ms")
    parser.add_argument("--json", help="default bench/results/scaling_<backend>.json "
                                       "(scaling_construction_<backend>.json with --construction)")
    parser.add_argument("--png", help="default: the JSON's name with .png")
    args = parser.parse_args()
    args.eisim = os.path.abspath(args.eisim)
    if not os.access(args.eisim, os.X_OK):
        sys.exit(f"scaling: eisim binary not found or not executable: {args.eisim}")
    args.ranks = sorted(set(args.ranks))
    name = f"scaling_construction_{args.backend}" if args.construction else f"scaling_{args.backend}"
    args.json = args.json or os.path.join(REPO, "bench", "results", name + ".json")
    args.png = args.png or os.path.splitext(args.json)[0] + ".png"

    results = {"machine": machine(), "command": [sys.executable] + sys.argv,
               "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "config": os.path.relpath(CONFIG, REPO),
               "backend": args.backend, "mpirun": args.mpirun, "threads": args.threads}
    with tempfile.TemporaryDirectory(prefix="eisim_scaling_") as tmp:
        if args.construction:
            results["construction"] = construction(args, tmp)
        else:
            results.update(T_ms=args.T, burn_in_ms=args.burn_in)
            for kind in args.scaling:
                results[kind] = {"strong": strong, "weak": weak}[kind](args, tmp)

    for kind in ("strong", "weak"):
        if kind in results:
            print_table(f"{kind} scaling, backend {args.backend}, device {results[kind]['rows'][0]['device']}",
                        results[kind]["rows"])
    if "construction" in results:
        print_construction(results["construction"]["rows"])
    by_k = {r["ranks"]: r for r in results.get("strong", {}).get("rows", [])}
    if args.backend == "cpu" and 1 in by_k and 8 in by_k:
        ok = by_k[8]["speedup"] >= 5 and by_k[8].get("spikes_identical") is True
        print(f"\ntarget, 8 CPU ranks at least 5x faster than 1 with identical spikes: "
              f"{by_k[8]['speedup']:.2f}x, spikes {by_k[8].get('spikes_identical')}: {'PASS' if ok else 'FAIL'}")
    if "construction" in results:
        t = results["construction"]["target"]
        if t is None:
            print(f"\ntarget not evaluated: it needs K = 1 and K = {CONSTRUCTION_RANKS}")
        else:
            print(f"\ntarget, each of {t['ranks']} ranks at most 1/5 of one rank's build time and memory: "
                  f"time {t['time_ratio']:.3f}, memory {t['memory_ratio']:.3f}: {'PASS' if t['pass'] else 'FAIL'}")

    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nwrote {args.json}")
    try:
        import matplotlib
        matplotlib.use("Agg")
    except ImportError:
        print("scaling: no matplotlib, no figure", file=sys.stderr)
        return
    if args.construction:
        plot_construction(results["construction"], args.png, args.backend)
    else:
        plot_scaling(results, args.png, args.backend)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
