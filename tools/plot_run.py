#!/usr/bin/python3
# docs/architecture.md, "Outputs".
"""Plot an eisim output folder: spike rasters per recorded population and
Gaussian-smoothed population rates (with balanced-state predictions if known).

Usage: plot_run.py OUTDIR [-o OUT.png] [--neurons 200] [--sigma 10] [--from MS] [--to MS]
"""
import argparse
import json
import os
import sys

import numpy as np
import matplotlib
matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt

COLOURS = {"E": "tab:red", "I": "tab:blue", "X": "0.45"}
EXTRA_COLOURS = ["tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:cyan"]
BIN_MS = 1.0  # histogram bin width for rates


def die(msg):
    print(f"plot_run.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def load_spikes(outdir, pop):
    """Return (times_ms, ids) for pop, or None if its spike files are missing."""
    tf = os.path.join(outdir, f"{pop}_spike_times.npy")
    idf = os.path.join(outdir, f"{pop}_spike_ids.npy")
    if not (os.path.isfile(tf) and os.path.isfile(idf)):
        return None
    t, ids = np.load(tf), np.load(idf)
    if t.shape != ids.shape:
        die(f"{pop}: spike_times and spike_ids have different lengths")
    return t.astype(float), ids.astype(np.int64)


def smoothed_rate(t, n, t0, t1, sigma_ms):
    """Population rate in Hz: 1 ms histogram / (n * bin), Gaussian-smoothed."""
    edges = t0 + BIN_MS * np.arange(int(np.ceil((t1 - t0) / BIN_MS)) + 1)
    counts, _ = np.histogram(t, bins=edges)
    rate = counts / (n * BIN_MS * 1e-3)
    centres = edges[:-1] + BIN_MS / 2
    if sigma_ms <= 0 or rate.size == 0:
        return centres, rate
    half = int(np.ceil(4 * sigma_ms / BIN_MS))
    x = np.arange(-half, half + 1) * BIN_MS
    k = np.exp(-0.5 * (x / sigma_ms) ** 2)
    k /= k.sum()
    # Divide by the smoothed "ones" so the window edges are not pulled to 0.
    num = np.convolve(rate, k, mode="same")
    den = np.convolve(np.ones_like(rate), k, mode="same")
    return centres, num / den


def main():
    ap = argparse.ArgumentParser(
        description="Plot an eisim output folder (spike rasters per recorded population "
                    "and Gaussian-smoothed population rates) into one PNG.")
    ap.add_argument("outdir", help="folder written by `eisim run ... --out DIR`")
    ap.add_argument("-o", "--output", metavar="OUT.png", help="PNG to write (default OUTDIR/raster.png)")
    ap.add_argument("--neurons", type=int, default=200, metavar="N",
                    help="neurons per population in the raster, with evenly spaced ids "
                         "across 0..n-1 (default 200; all if n is smaller)")
    ap.add_argument("--sigma", type=float, default=10.0, metavar="MS",
                    help="Gaussian smoothing width for rates, ms (default 10; 0 = none)")
    ap.add_argument("--from", dest="t_from", type=float, metavar="MS", help="start of time window, ms (default 0)")
    ap.add_argument("--to", dest="t_to", type=float, metavar="MS", help="end of time window, ms (default t_sim_ms)")
    a = ap.parse_args()

    if not os.path.isdir(a.outdir):
        die(f"output folder not found: {a.outdir}")
    spath = os.path.join(a.outdir, "summary.json")
    if not os.path.isfile(spath):
        die(f"no summary.json in {a.outdir}")
    try:
        with open(spath) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        die(f"cannot read {spath}: {e}")
    if a.neurons < 1:
        die("--neurons must be at least 1")

    # Recorded populations, in summary order, that actually have spike files.
    pops = []
    for name, info in summary.get("populations", {}).items():
        if not info.get("recorded", False):
            continue
        sp = load_spikes(a.outdir, name)
        if sp is None:
            print(f"plot_run.py: warning: {name} marked recorded but spike files missing",
                  file=sys.stderr)
            continue
        pops.append((name, int(info["n"]), info.get("rate_hz"), sp))
    if not pops:
        die(f"no recorded populations with spike files in {a.outdir}")

    t_sim = float(summary.get("t_sim_ms") or max((sp[0][-1] for _, _, _, sp in pops if sp[0].size),
                                                 default=1.0))
    t0 = 0.0 if a.t_from is None else a.t_from
    t1 = t_sim if a.t_to is None else a.t_to
    if t1 <= t0:
        die(f"empty time window [{t0}, {t1}] ms")
    balanced = summary.get("balanced_rates_hz") or {}
    burn_in = float(summary.get("burn_in_ms") or 0.0)

    fig, axes = plt.subplots(len(pops) + 1, 1, sharex=True,
                             figsize=(10, 1.9 * len(pops) + 2.8),
                             gridspec_kw={"height_ratios": [1] * len(pops) + [1.3]})
    cycle = iter(EXTRA_COLOURS * 10)
    rate_ax = axes[-1]
    ymax = 0.0
    for ax, (name, n, rate_hz, (t, ids)) in zip(axes, pops):
        colour = COLOURS.get(name) or next(cycle)
        # Raster: evenly spaced neuron ids, spikes inside the window.
        chosen = np.unique(np.linspace(0, n - 1, min(a.neurons, n)).round().astype(np.int64))
        m = np.isin(ids, chosen) & (t >= t0) & (t <= t1)
        ax.scatter(t[m], ids[m], s=8, marker="|", c=colour, linewidths=0.8, rasterized=True)
        ax.set_ylim(-0.5, n - 0.5)
        ax.set_ylabel(f"{name} neuron id")
        ax.set_title(f"{name}: {len(chosen)} of {n} neurons shown", fontsize=9, loc="left")
        # Smoothed rate of the whole population (all n neurons).
        tc, r = smoothed_rate(t, n, t0, t1, a.sigma)
        label = name if rate_hz is None else f"{name} (summary {rate_hz:.2f} Hz)"
        rate_ax.plot(tc, r, color=colour, lw=1.3, label=label)
        ymax = max(ymax, r.max(initial=0.0))
        if balanced.get(name) is not None:
            rate_ax.axhline(balanced[name], color=colour, ls="--", lw=1,
                            label=f"{name} balanced {balanced[name]:.2f} Hz")
            ymax = max(ymax, balanced[name])

    for ax in axes:
        if burn_in > t0:  # shade the burn-in period excluded from statistics
            ax.axvspan(t0, min(burn_in, t1), color="0.9", zorder=0)
    rate_ax.set_xlim(t0, t1)
    rate_ax.set_ylim(0, 1.35 * ymax if ymax > 0 else 1.0)  # headroom for the legend
    rate_ax.set_xlabel("time (ms)")
    rate_ax.set_ylabel("rate (Hz)")
    rate_ax.set_title(f"population rates, Gaussian sigma = {a.sigma:g} ms", fontsize=9, loc="left")
    rate_ax.legend(fontsize=8, loc="upper right", ncol=2)
    fig.suptitle(f"{os.path.basename(os.path.abspath(a.outdir))}  "
                 f"(backend {summary.get('backend', '?')}, seed {summary.get('seed', '?')})",
                 fontsize=10)
    fig.tight_layout()

    out = a.output or os.path.join(a.outdir, "raster.png")
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
