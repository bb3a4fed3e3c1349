#!/usr/bin/env python3
# docs/architecture.md, "Benchmarks".
"""Predicted strong and weak scaling of eisim over MPI up to 1,024 GPUs, from measured per-rank compute and a
latency-bandwidth model of the spike exchange, beside NEST GPU's 3.3e9 neurons on 12,000 A100s (20 s per sim. s).

Input: the JSON of bench/scaling.py (--measured; its strong and weak rows), or the built-in example (--example,
the default without --measured), which is ILLUSTRATIVE ONLY: made-up numbers of the order of one H100's
(bench/NOTES.md), not a measurement. Standard library; matplotlib for the figure.

Model, per step of dt (default 0.1 ms; one exchange a step, as eisim has no synaptic delay to batch steps over):
  step          = compute + communication; seconds per simulated second = step * 1000 / dt
  compute       = c0 + c_n * neurons per rank + c_e * synaptic events per rank + c_r * spikes a rank receives
                  (every spike of the network, which it scans for its own targets); the coefficients are a
                  non-negative least-squares fit (relative errors) to the measured compute_us_per_step (the
                  slowest rank's loop less its MPI time). c_r also takes up whatever else grows with the
                  ranks of one node (imbalance, shared memory bandwidth), so large K may be overstated.
                  A rank is assumed to own its GPU, though ranks sharing one card were measured; compute
                  measured on CPU ranks stands for a GPU's.
  communication = alpha * log2(K) + (K - 1) / K * 4 bytes * spikes per step / beta: an allgather of 4-byte
                  spike ids, recursive doubling or Bruck (log2 K latency stages, not the K - 1 of a ring);
                  alpha = 5 us and beta = 25 GB/s by default, an InfiniBand-class interconnect between nodes.
                  The measured MPI time (on one node, including waits for slower ranks) is fitted to the same
                  form and printed beside these, but not used.
  spikes        = neurons * the measured spikes per neuron per step (mean over all populations, Poisson X
                  included); synaptic events = spikes * synapses / neurons (uniform connection probability).
  memory        = a GPU holds a rank when its synapses * bytes per synapse (10) fit in its memory (141 GB,
                  an H200); neuron state is neglected. Strong scaling starts at the fewest GPUs that hold it.
Networks:
  (a) canonical, configs/balanced_eif.json: N E and I neurons and 0.2 N Poisson inputs (1.2 N in all), each
      E and I neuron receiving p * 1.2 N synapses, p = 0.1. Strong at N = 10^5 and at the largest N one GPU
      holds; weak at that N per GPU with its in-degree held (p = 0.1 / K), so that every GPU stays full.
  (b) 10^8 neurons, each receiving K_in = 10^4 synapses (fixed in-degree), the canonical network's rates.
      Strong at 10^8; weak at 10^8 / 1,024 neurons per GPU, which reaches (b) at 1,024 GPUs.
NEST GPU's point takes (b)'s assumptions at 3.3e9 neurons (its own network's in-degree and rates differ); it
is beyond eisim's 32-bit neuron indices (2^31 - 1 neurons).

Usage: bench/scaling_model.py [--measured bench/results/scaling_cpu.json | --example] [--alpha-us 5]
                              [--beta-gbps 25] [--dt 0.1] [--bytes-per-synapse 10] [--gpu-memory-gb 141]
                              [--p 0.1] [--big-n 1e8] [--indegree 1e4] [--max-gpus 1024]
                              [--json bench/results/scaling_model.json] [--png <json stem>.png]
"""
import argparse
import itertools
import json
import math
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BYTES_PER_SPIKE = 4  # a 32-bit neuron id
NEST_GPU = {"neurons": 3.3e9, "gpus": 12000, "s_per_simulated_s": 20.0, "gpu": "A100"}
TERMS = ("c0_us", "per_neuron_us", "per_event_us", "per_received_spike_us")


def example():
    """Rows in bench/scaling.py's form, from made-up coefficients (illustrative only)."""
    coefficients = (6.0, 2e-5, 1.5e-5, 1e-3)  # us: launches, 20 us per 10^6 neurons, 6.7e10 events/s, 1 ns a spike
    spikes_per_neuron = (0.8 * 5.6 + 0.2 * 13.9 + 0.2 * 10.0) / 1.2 * 1e-4  # the balanced rates, dt = 0.1 ms

    def row(k, n, p):
        neurons = 1.2 * n
        spikes = neurons * spikes_per_neuron
        events = spikes * p * n  # synapses / neurons = p * N
        x = features(neurons / k, events / k, spikes)
        comm = 3.0 * math.log2(k) + (k - 1) / k * BYTES_PER_SPIKE * spikes / 5e4  # 3 us, 50 GB/s on a node
        return {"ranks": k, "N": n, "p": p, "neurons": neurons, "neurons_per_rank": neurons / k,
                "spikes_per_step": spikes, "synaptic_events_per_step": events,
                "compute_us_per_step": dot(coefficients, x), "communication_us_per_step": comm}

    return {"backend": "example", "strong": {"rows": [row(k, 100000, 0.1) for k in (1, 2, 4)]},
            "weak": {"rows": [row(k, 50000 * k, 0.1 / k) for k in (1, 2, 4)]}}


def features(neurons_per_rank, events_per_rank, spikes_received):
    return [1.0, neurons_per_rank, events_per_rank, spikes_received]


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def least_squares(a, y):
    """Solves the normal equations of a @ c = y (Gaussian elimination); None when the columns are dependent."""
    n = len(a[0])
    m = [[dot([r[i] for r in a], [r[j] for r in a]) for j in range(n)] + [dot([r[i] for r in a], y)]
         for i in range(n)]
    for i in range(n):
        pivot = max(range(i, n), key=lambda r: abs(m[r][i]))
        if abs(m[pivot][i]) < 1e-9 * max(abs(m[r][r]) for r in range(n)):
            return None
        m[i], m[pivot] = m[pivot], m[i]
        for r in range(i + 1, n):
            f = m[r][i] / m[i][i]
            m[r] = [x - f * z for x, z in zip(m[r], m[i])]
    c = [0.0] * n
    for i in reversed(range(n)):
        c[i] = (m[i][n] - dot(m[i][i + 1:n], c[i + 1:])) / m[i][i]
    return c


def nonnegative_fit(a, y):
    """Least squares of a @ c = y with c >= 0: the best of the unconstrained fits over subsets of columns
    whose coefficients all come out non-negative (few columns, so trying every subset is cheap)."""
    n = len(a[0])
    scale = [max(abs(r[j]) for r in a) or 1.0 for j in range(n)]  # columns of like size for the elimination
    best, best_residual = [0.0] * n, math.inf
    for size in range(1, n + 1):
        for cols in itertools.combinations(range(n), size):
            sub = [[r[j] / scale[j] for j in cols] for r in a]
            c = least_squares(sub, y)
            if c is None or min(c) < 0:
                continue
            residual = sum((dot(r, c) - v) ** 2 for r, v in zip(sub, y))
            if residual < best_residual:
                best, best_residual = [0.0] * n, residual
                for j, x in zip(cols, c):
                    best[j] = x / scale[j]
    return best


def fit(rows):
    """Compute coefficients (us) from the measured rows, and the on-node communication's alpha and beta."""
    a = [features(r["neurons_per_rank"], r["synaptic_events_per_step"] / r["ranks"], r["spikes_per_step"])
         for r in rows]
    y = [r["compute_us_per_step"] for r in rows]
    # Relative errors, so that every row counts alike.
    coefficients = nonnegative_fit([[x / v for x in r] for r, v in zip(a, y)], [1.0] * len(y))
    multi = [r for r in rows if r["ranks"] > 1]
    on_node = None
    if multi:
        b = [[math.log2(r["ranks"]), (r["ranks"] - 1) / r["ranks"] * BYTES_PER_SPIKE * r["spikes_per_step"]]
             for r in multi]
        alpha, inverse_beta = nonnegative_fit(b, [r["communication_us_per_step"] for r in multi])
        on_node = {"alpha_us": alpha, "beta_gbps": 1e-3 / inverse_beta if inverse_beta > 0 else None}
    return coefficients, [dot(r, coefficients) for r in a], on_node


def step(args, coefficients, k, neurons, synapses, spikes_per_neuron):
    """The predicted step on k GPUs for a network of `neurons` and `synapses`."""
    spikes = neurons * spikes_per_neuron
    events = spikes * synapses / neurons
    compute = dot(coefficients, features(neurons / k, events / k, spikes))
    comm = args.alpha_us * math.log2(k) + (k - 1) / k * BYTES_PER_SPIKE * spikes / (args.beta_gbps * 1e3)
    total = compute + comm
    return {"gpus": k, "neurons": neurons, "synapses": synapses, "synapses_per_gpu": synapses / k,
            "gpu_bytes": synapses / k * args.bytes_per_synapse,
            "fits": synapses / k * args.bytes_per_synapse <= args.gpu_memory_gb * 1e9,
            "spikes_per_step": spikes, "compute_us": compute, "communication_us": comm, "step_us": total,
            "s_per_simulated_s": total * 1e-6 * 1000.0 / args.dt, "communication_share": comm / total}


def curves(args, coefficients, spikes_per_neuron):
    """The largest canonical N one GPU holds, and the predicted points of both networks, strong and weak."""
    # p * 1.2 N^2 synapses, rounded down to a thousand
    n_one_gpu = math.floor(math.sqrt(args.gpu_memory_gb * 1e9 / (args.bytes_per_synapse * 1.2 * args.p)) / 1000) * 1000
    canonical = lambda n, p: (1.2 * n, p * 1.2 * n * n)  # neurons, synapses
    big_per_gpu = args.big_n / args.max_gpus
    specs = [
        (f"(a) canonical N = 10^5, p = {args.p:g}", "strong", lambda k: canonical(1e5, args.p)),
        (f"(a) canonical N = {n_one_gpu:,} (one GPU full), p = {args.p:g}", "strong",
         lambda k: canonical(n_one_gpu, args.p)),
        (f"(b) {args.big_n:.0e} neurons, K_in = {args.indegree:.0e}", "strong",
         lambda k: (args.big_n, args.big_n * args.indegree)),
        (f"(a) canonical, N = {n_one_gpu:,} per GPU, in-degree held", "weak",
         lambda k: canonical(k * n_one_gpu, args.p / k)),
        (f"(b) {big_per_gpu:,.0f} neurons per GPU, K_in = {args.indegree:.0e}", "weak",
         lambda k: (k * big_per_gpu, k * big_per_gpu * args.indegree)),
    ]
    gpus = [2 ** i for i in range(int(math.log2(args.max_gpus)) + 1)]
    return n_one_gpu, [{"network": name, "scaling": kind,
                        "points": [step(args, coefficients, k, *size(k), spikes_per_neuron) for k in gpus]}
                       for name, kind, size in specs]


def plot(predictions, reference, path, title):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("scaling_model: no matplotlib, no figure", file=sys.stderr)
        return
    fig, axes = plt.subplots(1, 2, figsize=(13, 5), sharey=True)
    for i, curve in enumerate(predictions):
        ax = axes[0 if curve["scaling"] == "strong" else 1]
        pts = [p for p in curve["points"] if p["fits"]]
        ax.plot([p["gpus"] for p in pts], [p["s_per_simulated_s"] for p in pts], "o-", color=f"C{i}", ms=3,
                label=curve["network"])
        comm = [p for p in pts if p["gpus"] > 1]  # none on one GPU, and a log axis
        ax.plot([p["gpus"] for p in comm], [p["s_per_simulated_s"] * p["communication_share"] for p in comm], "--",
                color=f"C{i}", lw=1)
    for ax, kind in zip(axes, ("strong", "weak")):
        ax.axhline(1.0, color="gray", lw=0.8)
        ax.text(1.1, 1.05, "real time", fontsize=7, color="gray")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ticks = [4 ** i for i in range(6) if 4 ** i <= predictions[0]["points"][-1]["gpus"]]
        ticks += [reference["gpus"]] if kind == "weak" else []
        ax.set_xticks(ticks, [f"{k:,}" for k in ticks])
        ax.minorticks_off()
        ax.set_xlabel("GPUs (one MPI rank each)")
        ax.set_title(f"{kind} scaling (dashed: communication part)")
    axes[0].set_ylabel("predicted wall s per simulated s")
    weak = axes[1]
    weak.plot([reference["gpus"]], [reference["s_per_simulated_s"]], "*", ms=14, color="black",
              label=f"NEST GPU: {reference['neurons']:.1e} neurons, {reference['gpus']:,} {reference['gpu']}s")
    weak.plot([reference["gpus"]], [reference["model"]["s_per_simulated_s"]], "*", ms=14, mfc="none", color="black",
              label="this model at that size")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--measured", help="JSON written by bench/scaling.py")
    source.add_argument("--example", action="store_true", help="built-in illustrative numbers (the default)")
    parser.add_argument("--alpha-us", type=float, default=5.0, help="latency of one allgather stage (us)")
    parser.add_argument("--beta-gbps", type=float, default=25.0, help="bandwidth into a rank (GB/s)")
    parser.add_argument("--dt", type=float, default=0.1, help="ms per step")
    parser.add_argument("--bytes-per-synapse", type=float, default=10.0)
    parser.add_argument("--gpu-memory-gb", type=float, default=141.0, help="per GPU, 10^9 bytes (H200: 141)")
    parser.add_argument("--p", type=float, default=0.1, help="connection probability of network (a)")
    parser.add_argument("--big-n", type=float, default=1e8, help="neurons of network (b)")
    parser.add_argument("--indegree", type=float, default=1e4, help="synapses a neuron receives in network (b)")
    parser.add_argument("--max-gpus", type=int, default=1024, help="a power of 2")
    parser.add_argument("--json", help="default bench/results/scaling_model.json "
                                       "(scaling_model_example.json for the example)")
    parser.add_argument("--png", help="default: the JSON's name with .png")
    args = parser.parse_args()
    if args.measured:
        with open(args.measured) as f:
            measured = json.load(f)
        source_text = args.measured
    else:
        measured = example()
        source_text = "built-in example (illustrative only, not a measurement)"
        print(f"scaling_model: {source_text}; pass --measured for real numbers", file=sys.stderr)
    rows = [r for kind in ("strong", "weak") for r in measured.get(kind, {}).get("rows", [])]
    if not rows:
        sys.exit(f"scaling_model: {source_text} holds no strong or weak scaling rows (a --construction run?)")
    args.json = args.json or os.path.join(REPO, "bench", "results",
                                          "scaling_model.json" if args.measured else "scaling_model_example.json")
    args.png = args.png or os.path.splitext(args.json)[0] + ".png"

    if len(rows) < len(TERMS) or not measured.get("weak", {}).get("rows"):
        print("scaling_model: warning: without weak scaling, or with fewer rows than the compute model's "
              f"{len(TERMS)} terms, the fit cannot tell them apart", file=sys.stderr)
    coefficients, fitted, on_node = fit(rows)
    spikes_per_neuron = sum(r["spikes_per_step"] / r["neurons"] for r in rows) / len(rows)
    print(f"compute fit ({len(rows)} rows, {measured['backend']}): " +
          ", ".join(f"{name} {c:.3g}" for name, c in zip(TERMS, coefficients)))
    print(f"{'K':>4} {'N':>9} {'measured us':>11} {'fitted us':>9}")
    for r, f in zip(rows, fitted):
        print(f"{r['ranks']:>4} {r['N']:>9} {r['compute_us_per_step']:>11.1f} {f:>9.1f}")
    if on_node:
        beta = "-" if on_node["beta_gbps"] is None else f"{on_node['beta_gbps']:.3g} GB/s"
        print(f"measured communication (one node): alpha {on_node['alpha_us']:.3g} us, beta {beta}; "
              f"the model uses alpha {args.alpha_us:g} us, beta {args.beta_gbps:g} GB/s")

    n_one_gpu, predictions = curves(args, coefficients, spikes_per_neuron)
    reference = dict(NEST_GPU)
    reference["model"] = step(args, coefficients, NEST_GPU["gpus"], NEST_GPU["neurons"],
                              NEST_GPU["neurons"] * args.indegree, spikes_per_neuron)
    print(f"\none GPU ({args.gpu_memory_gb:g} GB, {args.bytes_per_synapse:g} bytes a synapse) holds the canonical "
          f"network up to N = {n_one_gpu:,} at p = {args.p:g}")
    hdr = f"{'GPUs':>5} {'neurons':>9} {'syn/GPU':>9} {'compute us':>10} {'comm us':>8} {'s/sim-s':>9} {'comm':>5}"
    for curve in predictions:
        print(f"\n{curve['scaling']}: {curve['network']}\n{hdr}")
        for p in curve["points"]:
            if p["fits"]:
                print(f"{p['gpus']:>5} {p['neurons']:>9.2e} {p['synapses_per_gpu']:>9.2e} {p['compute_us']:>10.1f} "
                      f"{p['communication_us']:>8.1f} {p['s_per_simulated_s']:>9.3f} {p['communication_share']:>5.0%}")
    m = reference["model"]
    print(f"\nNEST GPU: {NEST_GPU['neurons']:.1e} neurons on {NEST_GPU['gpus']:,} {NEST_GPU['gpu']}s, "
          f"{NEST_GPU['s_per_simulated_s']:g} s per simulated s. This model at that size (K_in = {args.indegree:.0e}): "
          f"{m['s_per_simulated_s']:.3g} s per simulated s (compute {m['compute_us']:.1f} us, communication "
          f"{m['communication_us']:.1f} us a step, {m['communication_share']:.0%}), "
          f"{m['gpu_bytes'] / 1e9:.1f} GB of synapses per GPU; beyond eisim's 2^31 - 1 neurons.")

    assumptions = {
        "source": source_text, "measured_backend": measured["backend"], "dt_ms": args.dt,
        "step": "compute + communication; seconds per simulated second = step * 1000 / dt",
        "compute": "c0 + c_n * neurons per rank + c_e * synaptic events per rank + c_r * spikes received "
                   "(all of the network's); non-negative least squares on the measured compute_us_per_step",
        "communication": "alpha * log2(K) + (K - 1) / K * bytes_per_spike * spikes per step / beta "
                         "(allgather, recursive doubling / Bruck)",
        "alpha_us": args.alpha_us, "beta_gbps": args.beta_gbps, "bytes_per_spike": BYTES_PER_SPIKE,
        "spikes_per_neuron_per_step": spikes_per_neuron,
        "synaptic_events": "spikes * synapses / neurons (uniform connection probability)",
        "bytes_per_synapse": args.bytes_per_synapse, "gpu_memory_gb": args.gpu_memory_gb,
        "memory": "a GPU holds a rank when synapses per rank * bytes_per_synapse fit; neuron state neglected",
        "network_a": f"canonical: 1.2 N neurons (E, I, Poisson X), p * 1.2 N synapses onto each of N E and I "
                     f"neurons, p = {args.p:g}; weak scaling holds the in-degree of N = {n_one_gpu} per GPU",
        "network_b": f"{args.big_n:g} neurons, each receiving {args.indegree:g} synapses; weak scaling at "
                     f"{args.big_n / args.max_gpus:g} neurons per GPU",
        "exchange": "once a step (no synaptic delay to batch steps over); one rank per GPU",
        "nest_gpu": "predicted with network (b)'s in-degree and the measured spikes per neuron; NEST GPU's own "
                    "network differs, and 3.3e9 neurons exceed eisim's 32-bit neuron indices",
    }
    with open(args.json, "w") as f:
        json.dump({"assumptions": assumptions,
                   "fit": {"coefficients": dict(zip(TERMS, coefficients)),
                           "rows": [{"ranks": r["ranks"], "N": r["N"], "measured_us": r["compute_us_per_step"],
                                     "fitted_us": v} for r, v in zip(rows, fitted)],
                           "measured_communication_on_node": on_node},
                   "canonical_n_one_gpu": n_one_gpu, "predictions": predictions, "nest_gpu": reference}, f, indent=1)
    print(f"\nwrote {args.json}")
    ranks = f", {measured['backend']} ranks" if args.measured else ""
    title = (f"compute: {source_text}{ranks}; allgather alpha = {args.alpha_us:g} us per "
             f"log2 K stage, beta = {args.beta_gbps:g} GB/s; dt = {args.dt:g} ms; {args.gpu_memory_gb:g} GB and "
             f"{args.bytes_per_synapse:g} B/synapse per GPU")
    plot(predictions, reference, args.png, title)


if __name__ == "__main__":
    main()
