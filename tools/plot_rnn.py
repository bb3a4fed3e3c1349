#!/usr/bin/python3
# docs/architecture.md, "Outputs".
"""Plots an `eisim rnn` output folder like the book's Fig. 4.2: the readout z(t) against the
target, and the error, with the learning period shaded.

Usage: tools/plot_rnn.py DIR [-o OUT.png]     (numpy and matplotlib)
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("-o", "--out", help="PNG to write (default DIR/rnn.png)")
    args = parser.parse_args()
    summary_path = os.path.join(args.dir, "rnn_summary.json")
    if not os.path.isfile(summary_path):
        sys.exit(f"plot_rnn.py: error: {summary_path} not found (run `eisim rnn --out {args.dir}` first)")
    with open(summary_path) as f:
        s = json.load(f)
    t, z, y, e = (np.load(os.path.join(args.dir, f"rnn_{name}.npy")) for name in ("t", "output", "target", "error"))

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(9, 5))
    for ax in (top, bottom):
        ax.axvspan(s["learn_from_ms"], s["learn_until_ms"], color="0.9", label="learning on")
    top.plot(t, y, "k--", lw=1, label="target")
    top.plot(t, z, "C0", lw=1, label="readout z")
    top.set_ylabel("z, target")
    top.legend(loc="upper right", fontsize=8)
    top.set_title(f"chaotic RNN, N = {s['N']}, rho = {s['rho']}, {s['learning'].upper()}: "
                  f"RMS error after learning {s['rms_error_after_learning']:.3f}", fontsize=10)
    bottom.plot(t, e, "C3", lw=1)
    bottom.set_ylabel("error z - target")
    bottom.set_xlabel("time (ms)")
    fig.tight_layout()
    out = args.out or os.path.join(args.dir, "rnn.png")
    fig.savefig(out, dpi=100)
    print(out)


if __name__ == "__main__":
    main()
