#!/usr/bin/env python3
"""The cortical microcircuit (configs/microcircuit.json) against NEST's reference run, and its speed.

Runs `eisim run` once per seed, then checks each population's rate, averaged over the seeds, against
NEST's (within --tolerance, 10% by default) and its mean ISI CV against [0.7, 1.1], and draws a raster
and rate figure of the eight populations like the paper's Fig. 6. With --speed it also times the run
(real-time factor: wall seconds per simulated second, burn-in included, as the peers report it) with
and without spike files, and the construction. Benchmarks, not tests: it reports, and exits 1 when a
check fails so that a script can see it.

  bench/microcircuit.py --eisim build/eisim --backend cuda --seeds 5 --T 10500 --json out.json --plot out.png
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(REPO, "configs", "microcircuit.json")
POPULATIONS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
# NEST's reference rates (Hz), the and docs/microcircuit.md's.
NEST_RATES = {"L23E": 0.90, "L23I": 2.97, "L4E": 4.41, "L4I": 5.88, "L5E": 7.57, "L5I": 8.63, "L6E": 1.11, "L6I": 7.83}
CV_RANGE = (0.7, 1.1)


def run(eisim, config, out, args, seed, extra=()):
    launcher = []
    if args.ranks > 1:  # CPU or GPU ranks (MPI), as bench/scaling.py launches them
        launcher = ["mpirun", "--oversubscribe", "-np", str(args.ranks)] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    command = [*launcher, eisim, "run", config, "--backend", args.backend, "--mode", args.mode, "--seed", str(seed),
               "--set", f"T={args.T}", "--set", f"scale={args.scale}", "--out", out, "--quiet", "--overwrite",
               *extra]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def without_spike_files(tmp):
    with open(CONFIG) as f:
        config = json.load(f)
    config["recording"]["spikes"] = []
    path = os.path.join(tmp, "microcircuit_no_recording.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


def plot(out_dir, summaries, path, burn_in_ms):
    import numpy as np
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (raster, bars) = plt.subplots(1, 2, figsize=(11, 6), gridspec_kw={"width_ratios": [3, 1]})
    offset, ticks = 0, []
    window = (burn_in_ms + 100.0, burn_in_ms + 200.0)  # 100 ms after the burn-in, as the paper shows
    for k, pop in enumerate(POPULATIONS):
        times = np.load(os.path.join(out_dir, f"{pop}_spike_times.npy"))
        ids = np.load(os.path.join(out_dir, f"{pop}_spike_ids.npy"))
        n = summaries[0]["populations"][pop]["n"]
        shown = ids < max(1, n // 20)  # 5% of each population
        keep = shown & (times >= window[0]) & (times < window[1])
        color = "tab:blue" if pop.endswith("E") else "tab:red"
        raster.plot(times[keep], offset + ids[keep], ".", ms=1, color=color)
        ticks.append(offset + max(1, n // 20) / 2)
        offset += max(1, n // 20) + 20
    raster.set_yticks(ticks, POPULATIONS)
    raster.invert_yaxis()
    raster.set_xlabel("time (ms)")
    raster.set_title("spikes of 5% of each population")
    rates = [np.mean([s["populations"][p]["rate_hz"] for s in summaries]) for p in POPULATIONS]
    colors = ["tab:blue" if p.endswith("E") else "tab:red" for p in POPULATIONS]
    bars.barh(range(8), rates, color=colors, label="eisim")
    bars.plot([NEST_RATES[p] for p in POPULATIONS], range(8), "k|", ms=14, mew=2, label="NEST")
    bars.set_yticks(range(8), POPULATIONS)
    bars.invert_yaxis()
    bars.set_xlabel("rate (Hz)")
    bars.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eisim", default=os.path.join(REPO, "build", "eisim"))
    parser.add_argument("--backend", default="cuda", choices=["cpu", "cuda"])
    parser.add_argument("--mode", default="deterministic", choices=["deterministic", "fast"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--T", type=float, default=10500.0, help="ms, the 500 ms burn-in included")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--ranks", type=int, default=1, help="MPI ranks (mpirun)")
    parser.add_argument("--tolerance", type=float, default=0.10, help="relative, of the mean rate over seeds")
    parser.add_argument("--speed", action="store_true", help="also time fast and deterministic, with and without spike files")
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "eisim_microcircuit"))
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--plot", help="write the raster and rate figure here (PNG)")
    args = parser.parse_args()

    summaries = []
    for seed in range(1, args.seeds + 1):
        summaries.append(run(args.eisim, CONFIG, os.path.join(args.out, f"seed{seed}"), args, seed))
        rates = " ".join(f"{p} {summaries[-1]['populations'][p]['rate_hz']:.2f}" for p in POPULATIONS)
        print(f"seed {seed}: {rates} Hz ({summaries[-1]['wall_s']:.1f} s)", flush=True)

    report = {"backend": args.backend, "mode": args.mode, "device": summaries[0]["device"], "ranks": args.ranks,
              "scale": args.scale,
              "seeds": args.seeds, "T_ms": args.T, "burn_in_ms": summaries[0]["burn_in_ms"],
              "synapses": summaries[0]["synapses"], "populations": {}, "passed": True}
    for pop in POPULATIONS:
        rates = [s["populations"][pop]["rate_hz"] for s in summaries]
        cvs = [s["populations"][pop]["cv_isi"] for s in summaries if s["populations"][pop]["cv_isi"] is not None]
        mean_rate = sum(rates) / len(rates)
        mean_cv = sum(cvs) / len(cvs) if cvs else None
        rate_ok = abs(mean_rate - NEST_RATES[pop]) <= args.tolerance * NEST_RATES[pop]
        cv_ok = mean_cv is not None and CV_RANGE[0] <= mean_cv <= CV_RANGE[1]
        report["populations"][pop] = {"rate_hz": mean_rate, "rates_hz": rates, "nest_rate_hz": NEST_RATES[pop],
                                      "relative_difference": mean_rate / NEST_RATES[pop] - 1, "cv_isi": mean_cv,
                                      "rate_within_tolerance": rate_ok, "cv_in_range": cv_ok}
        report["passed"] &= rate_ok and cv_ok
        print(f"{pop:5s} {mean_rate:6.2f} Hz (NEST {NEST_RATES[pop]:.2f}, {100 * (mean_rate / NEST_RATES[pop] - 1):+5.1f}%)"
              f" {'ok' if rate_ok else 'OFF'}   CV {mean_cv if mean_cv is None else round(mean_cv, 3)}"
              f" {'ok' if cv_ok else 'OFF'}")

    if args.speed:
        with tempfile.TemporaryDirectory() as tmp:
            bare = without_spike_files(tmp)
            report["speed"] = {}
            for mode in ("fast", "deterministic") if args.backend == "cuda" else ("deterministic",):
                for recording, config in (("spike files", CONFIG), ("no spike files", bare)):
                    timed = argparse.Namespace(**{**vars(args), "mode": mode})
                    s = run(args.eisim, config, os.path.join(tmp, "speed"), timed, 1)
                    key = f"{mode}, {recording}"
                    report["speed"][key] = {"real_time_factor": s["wall_s"] / (args.T / 1000.0),
                                            "wall_s": s["wall_s"], "build_s": s["build_s"]}
                    print(f"{key}: {s['wall_s'] / (args.T / 1000.0):.3f} s per simulated s, construction {s['build_s']:.2f} s",
                          flush=True)

    if args.plot:
        plot(os.path.join(args.out, "seed1"), summaries, args.plot, summaries[0]["burn_in_ms"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    print("all within tolerance" if report["passed"] else "some population off the reference")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
