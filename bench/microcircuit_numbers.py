#!/usr/bin/env python3
# docs/microcircuit.md
"""The derived numbers of the Potjans-Diesmann (2014) microcircuit (configs/microcircuit.json), computed
independently of eisim from the published tables, which are written out below (the values of NEST's example,
nest/nest-simulator v3.8, pynest/examples/Potjans_2014/network_params.py). Use it to check what eisim resolves
from the config's expressions.

Printed, for the given --scale (sizes and in-degrees both multiplied by it, as N_scaling = K_scaling in NEST):
  per population: size, Poisson rate, full-scale mean recurrent and background input, the DC compensation;
  per projection: the full-scale synapse number (real), the scaled whole number, mean in-degrees, J and its sd;
  totals: synapses at full scale and at --scale, mean in-degree per population and overall.

Formulas (docs/microcircuit.md derives them):
  PSC per PSP (pA/mV)  = 1 / (tau_m tau_s / C_m * a * (f^tau_m - f^tau_s)),  a = 1/(tau_s - tau_m),
                         f = (tau_m/tau_s)^a                     (NEST: postsynaptic_potential_to_current)
  J (mV ms)            = w (pA) * tau_m * tau_s / C_m            (eisim's unit of weight)
  S_full(pre->post)    = log(1 - C) / log((N_post N_pre - 1) / (N_post N_pre))   (num_synapses_from_conn_probs)
  synapses             = round(S_full * scale * scale)
  J at scale           = J / sqrt(scale)
  I_rec(post) (mV)     = 0.001 * sum_pre J(pre->post) * S_full(pre->post) / N_post * rate_ref(pre)
  I_bg(post) (mV)      = 0.001 * J_E * K_ext(post) * bg_rate
  I_DC(post) (mV)      = (1 - sqrt(scale)) * (I_rec + I_bg)   with Poisson input
                       = I_bg + (1 - sqrt(scale)) * I_rec       with --dc (bg_poisson = 0: Poisson input replaced by DC)
  (adjust_weights_and_input_to_synapse_scaling and dc_input_compensating_poisson in NEST's helpers.py.)
Rounding is half away from zero, as eisim's round(); NEST's numpy rounds halves to even (at scale 0.1 this
gives L5I 107 neurons here and 106 in NEST).

Usage: bench/microcircuit_numbers.py [--scale 1] [--dc] [--json PATH]
"""

import argparse
import json
import math
import sys

import numpy as np

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948], dtype=float)
# Connection probabilities C[post, pre] (rows: targets, columns: sources).
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0,    0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0,    0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135,  0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0,    0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06,   0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001,  0.0034, 0.0005, 0.0277, 0.008,  0.0658, 0.1443],
])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100], dtype=float)
RATE_REF = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])  # Hz, full scale
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]
V0_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]
BG_RATE = 8.0  # Hz per external input
C_M, TAU_M, TAU_SYN, T_REF = 250.0, 10.0, 0.5, 2.0  # pF, ms, ms, ms
E_L, V_RESET, V_TH = -65.0, -65.0, -50.0  # mV
PSP_E, G, WEIGHT_REL_SD = 0.15, -4.0, 0.1  # mV, -, -
DELAY_E, DELAY_I, DELAY_REL_SD = 1.5, 0.75, 0.5  # ms, ms, -


def round_half_away(x):
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def psc_over_psp(c_m, tau_m, tau_s):
    """pA of an exponential PSC whose PSP peaks at 1 mV (iaf_psc_exp)."""
    a = 1.0 / (tau_s - tau_m)
    f = (tau_m / tau_s) ** a
    return 1.0 / (tau_m * tau_s / c_m * a * (f ** tau_m - f ** tau_s))


def compute(scale, poisson_input=True):
    if not scale > 0:
        raise ValueError("scale must be > 0")
    n_pops = len(POPS)
    pa_per_mv = psc_over_psp(C_M, TAU_M, TAU_SYN)
    w_e = PSP_E * pa_per_mv  # pA
    j_e = w_e * TAU_M * TAU_SYN / C_M  # mV ms
    # Mean weight matrix J[post, pre]: excitatory columns J_E, inhibitory g J_E, L4E->L23E doubled.
    j_mat = np.where(np.array([p.endswith("E") for p in POPS])[np.newaxis, :], j_e, G * j_e) * np.ones((n_pops, 1))
    j_mat[POPS.index("L23E"), POPS.index("L4E")] = 2.0 * j_e
    delay_mat = np.where(np.array([p.endswith("E") for p in POPS])[np.newaxis, :], DELAY_E, DELAY_I) * np.ones((n_pops, 1))

    prod = np.outer(N_FULL, N_FULL)  # N_post * N_pre
    s_full = np.log(1.0 - CONN_PROBS) / np.log((prod - 1.0) / prod)
    s_full = np.where(CONN_PROBS > 0, s_full, 0.0)
    synapses = round_half_away(s_full * scale * scale).astype(np.int64)
    n_scaled = round_half_away(N_FULL * scale).astype(np.int64)
    k_ext_scaled = round_half_away(K_EXT * scale)

    i_rec = 0.001 * np.sum(j_mat * s_full / N_FULL[:, np.newaxis] * RATE_REF[np.newaxis, :], axis=1)  # mV
    i_bg = 0.001 * j_e * K_EXT * BG_RATE  # mV
    p = 1.0 if poisson_input else 0.0
    i_dc = (1.0 - p) * i_bg + (1.0 - math.sqrt(scale)) * (i_rec + p * i_bg)  # mV
    mv_to_pa = C_M / TAU_M

    pops = []
    for i, name in enumerate(POPS):
        pops.append({
            "name": name, "size_full": int(N_FULL[i]), "size": int(n_scaled[i]),
            "V0_mean_mV": V0_MEAN[i], "V0_sd_mV": V0_SD[i],
            "K_ext": int(K_EXT[i]), "K_ext_scaled": int(k_ext_scaled[i]),
            "poisson_rate_hz": p * k_ext_scaled[i] * BG_RATE,
            "poisson_weight_mV_ms": j_e / math.sqrt(scale),
            "indegree_full": float(np.sum(s_full[i]) / N_FULL[i]),
            "indegree": float(np.sum(synapses[i]) / n_scaled[i]) if n_scaled[i] > 0 else float("nan"),
            "rate_ref_hz": float(RATE_REF[i]),
            "I_rec_full_mV": float(i_rec[i]), "I_bg_full_mV": float(i_bg[i]),
            "I_DC_mV": float(i_dc[i]), "I_DC_pA": float(i_dc[i] * mv_to_pa),
        })
    projections = []
    for i, post in enumerate(POPS):
        for j, pre in enumerate(POPS):
            if CONN_PROBS[i, j] == 0:
                continue
            j_scaled = j_mat[i, j] / math.sqrt(scale)
            projections.append({
                "name": f"{pre}->{post}", "pre": pre, "post": post, "p": float(CONN_PROBS[i, j]),
                "synapses_full": float(s_full[i, j]), "synapses": int(synapses[i, j]),
                "indegree_full": float(s_full[i, j] / N_FULL[i]),
                "indegree": float(synapses[i, j] / n_scaled[i]) if n_scaled[i] > 0 else float("nan"),
                "weight_mV_ms": j_scaled, "weight_sd_mV_ms": WEIGHT_REL_SD * abs(j_scaled),
                "weight_pA": j_scaled * C_M / (TAU_M * TAU_SYN),
                "delay_ms": float(delay_mat[i, j]), "delay_sd_ms": DELAY_REL_SD * float(delay_mat[i, j]),
            })
    return {
        "scale": scale, "poisson_input": bool(poisson_input),
        "PSC_over_PSP_pA_per_mV": pa_per_mv, "w_E_pA": w_e, "J_E_mV_ms": j_e,
        "J_I_mV_ms": G * j_e, "J_L4E_to_L23E_mV_ms": 2.0 * j_e,
        "neurons_full": int(N_FULL.sum()), "neurons": int(n_scaled.sum()),
        "synapses_full": float(s_full.sum()), "synapses_full_rounded": int(round_half_away(s_full).sum()),
        "synapses": int(synapses.sum()),
        "mean_indegree_full": float(s_full.sum() / N_FULL.sum()),
        "mean_indegree": float(synapses.sum() / n_scaled.sum()),
        "populations": pops, "projections": projections,
    }


def report(r):
    out = []
    out.append(f"Potjans-Diesmann microcircuit, scale = {r['scale']:g}, "
               f"{'Poisson input' if r['poisson_input'] else 'DC instead of Poisson input'}")
    out.append(f"  PSC per PSP {r['PSC_over_PSP_pA_per_mV']:.6f} pA/mV; w_E = {r['w_E_pA']:.6f} pA; "
               f"J_E = {r['J_E_mV_ms']:.9f} mV ms, J_I = {r['J_I_mV_ms']:.9f}, J_L4E->L23E = {r['J_L4E_to_L23E_mV_ms']:.9f}"
               f" (full scale; divided by sqrt(scale) = {math.sqrt(r['scale']):g})")
    out.append(f"  neurons {r['neurons']} (full {r['neurons_full']}); synapses {r['synapses']} "
               f"(full {r['synapses_full']:.1f}, sum of rounded {r['synapses_full_rounded']}); "
               f"mean in-degree {r['mean_indegree']:.2f} (full {r['mean_indegree_full']:.2f})")
    out.append("")
    out.append(f"{'pop':5} {'size':>7} {'K_ext':>5} {'rate_hz':>8} {'K_in':>8} {'K_in_full':>9} "
               f"{'I_rec_mV':>9} {'I_bg_mV':>8} {'I_DC_mV':>10} {'I_DC_pA':>10} {'ref_Hz':>6}")
    for p in r["populations"]:
        out.append(f"{p['name']:5} {p['size']:7d} {p['K_ext_scaled']:5d} {p['poisson_rate_hz']:8.0f} "
                   f"{p['indegree']:8.1f} {p['indegree_full']:9.1f} {p['I_rec_full_mV']:9.4f} {p['I_bg_full_mV']:8.4f} "
                   f"{p['I_DC_mV']:10.6f} {p['I_DC_pA']:10.4f} {p['rate_ref_hz']:6.3f}")
    out.append("")
    out.append(f"{'projection':12} {'p':>7} {'S_full':>14} {'synapses':>10} {'K_full':>8} {'K':>8} "
               f"{'J_mV_ms':>12} {'J_sd':>10} {'J_pA':>9} {'delay':>5} {'d_sd':>5}")
    for q in r["projections"]:
        out.append(f"{q['name']:12} {q['p']:7.4f} {q['synapses_full']:14.3f} {q['synapses']:10d} "
                   f"{q['indegree_full']:8.2f} {q['indegree']:8.2f} {q['weight_mV_ms']:12.8f} "
                   f"{q['weight_sd_mV_ms']:10.8f} {q['weight_pA']:9.3f} {q['delay_ms']:5.2f} {q['delay_sd_ms']:5.3f}")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="N_scaling = K_scaling (default 1)")
    ap.add_argument("--dc", action="store_true", help="replace the Poisson input by DC (the config's bg_poisson = 0)")
    ap.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = ap.parse_args(argv)
    if not (args.scale > 0 and math.isfinite(args.scale)):
        ap.error("--scale must be a positive number")
    r = compute(args.scale, poisson_input=not args.dc)
    print(report(r))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
