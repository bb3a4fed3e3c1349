#!/usr/bin/env python3
# docs/architecture.md, "Benchmarks".
"""Reference timing of configs/balanced_eif.json in Brian2's C++ standalone mode.

Run with a Python that has brian2 installed (it is not a project dependency), e.g.
    python3 -m venv /tmp/brian2env && /tmp/brian2env/bin/pip install brian2 "numpy<2.4"
    /tmp/brian2env/bin/python bench/brian2_reference.py --sizes 5000 20000 --T 1000
(brian2 2.9.0 still calls ndarray.ptp, which numpy 2.4 removed: hence the numpy pin.)

The model is the canonical network of configs/balanced_eif.json, written in Brian2:
E 0.8N and I 0.2N EIF neurons, X 0.2N Poisson neurons at 10 Hz (a PoissonGroup, so
inputs are shared), Erdős–Rényi p = 0.1 for all six projections, weights
s*[[35,-200],[120,-300]] and s*[200,150] mV·ms with s = 15/sqrt(N), exponential
current synapses tau_e/i/x = 8/4/10 ms (a spike adds J/tau_b), forward Euler at
dt = 0.1 ms, V = max(V, V_lb) after each integration step. Brian2 computes in
float64 (eisim in float32); the random streams differ, so only statistics compare.

Timing, per N (one generated project, compiled once, then its binary run --repeats
times; the best is reported):
  compile_s  C++ code generation is excluded; this is Brian2's `make` time.
  total_s    wall time of one run of the compiled binary: process start, allocation,
             network construction (random connectivity, V(0)), simulating T ms and
             writing the spike monitors to disk. Excludes code generation and C++
             compilation, and Brian2's Python-side loading of the results.
  sim_s      Brian2's own timer (device._last_run_time): the simulation loop only,
             i.e. total_s minus construction and I/O.
  threads    openmp_threads = 0: generated code is single-threaded, no OpenMP; the
             binary's CPU time / wall time (cpu/wall) is printed as a check.
Rates are means over each population after a 200 ms burn-in; mean-field target
5.56 Hz (E), 13.89 Hz (I).
"""
import argparse
import os
import resource
import shutil
import tempfile
import time

import numpy as np
import brian2
from brian2 import (ms, mV, Hz, NeuronGroup, PoissonGroup, Synapses, SpikeMonitor,
                    Network, defaultclock, device, prefs, seed, set_device)

EIF = dict(taum=15 * ms, EL=-72 * mV, VT=-55 * mV, D=1 * mV, Vth=10 * mV,
           Vre=-75 * mV, Vlb=-85 * mV, taue=8 * ms, taui=4 * ms, taux=10 * ms)
EQS = """
dV/dt = (-(V - EL) + D*exp((V - VT)/D) + Ie + Ii + Ix) / taum : volt
dIe/dt = -Ie/taue : volt
dIi/dt = -Ii/taui : volt
dIx/dt = -Ix/taux : volt
"""


def build(n, T, rng_seed):
    """Describe the network for the standalone device; returns the spike monitors."""
    s = 15.0 / np.sqrt(n)                       # s = 15/sqrt(N p/0.1) with p = 0.1
    p = 0.1
    ne, ni, nx = int(0.8 * n), int(0.2 * n), int(0.2 * n)
    seed(rng_seed)
    defaultclock.dt = 0.1 * ms
    pops = {}
    for name, size in (("E", ne), ("I", ni)):
        g = NeuronGroup(size, EQS, threshold="V > Vth", reset="V = Vre",
                        method="euler", namespace=EIF, name=name)
        g.V = "-75*mV + rand()*20*mV"           # V(0) ~ U(V_re, V_T); I(0) = 0
        # Lower bound applied right after each Euler step, before the threshold test.
        g.run_regularly("V = clip(V, Vlb, inf*mV)", when="after_groups")
        pops[name] = g
    pops["X"] = PoissonGroup(nx, rates=10 * Hz, name="X")
    # (pre, post, weight in mV*ms, current variable, its tau)
    proj = [("E", "E", 35, "Ie", "taue"), ("I", "E", -200, "Ii", "taui"),
            ("X", "E", 200, "Ix", "taux"), ("E", "I", 120, "Ie", "taue"),
            ("I", "I", -300, "Ii", "taui"), ("X", "I", 150, "Ix", "taux")]
    syns = []
    for pre, post, j, var, tau in proj:
        ns = dict(J=j * s * mV * ms, **EIF)
        syn = Synapses(pops[pre], pops[post], on_pre=f"{var}_post += J/{tau}",
                       namespace=ns, name=f"S_{post}{pre}")
        syn.connect(p=p)
        syns.append(syn)
    mons = {k: SpikeMonitor(pops[k], record=True, name=f"mon_{k}") for k in ("E", "I")}
    net = Network(list(pops.values()), syns, list(mons.values()))
    net.run(T * ms)
    return mons, {"E": ne, "I": ni}


def rate_hz(mon, size, burn_in, T):
    t = np.asarray(mon.t / ms)
    return np.count_nonzero(t >= burn_in) / size / ((T - burn_in) / 1000.0)


def measure(n, args, workdir):
    directory = os.path.join(workdir, f"N{n}")
    set_device("cpp_standalone", directory=directory, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0       # single thread, no OpenMP
    mons, sizes = build(n, args.T, args.seed)
    device.build(directory=directory, compile=True, run=False)
    compile_s = device.timers["compile"]["make"]
    best = None
    for _ in range(args.repeats):
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        device.run(directory, with_output=False)
        wall = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        if best is None or wall < best[0]:
            best = (wall, device._last_run_time, cpu / wall)
    rates = {k: rate_hz(mons[k], sizes[k], args.burn_in, args.T) for k in ("E", "I")}
    device.reinit()
    device.activate()
    return dict(N=n, compile_s=compile_s, total_s=best[0], sim_s=best[1],
                cpu_per_wall=best[2], rate_E=rates["E"], rate_I=rates["I"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    ap.add_argument("--T", type=float, default=1000.0, help="simulated time (ms)")
    ap.add_argument("--burn-in", type=float, default=200.0, help="ms excluded from rates")
    ap.add_argument("--repeats", type=int, default=2, help="binary runs per N; best kept")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix="brian2_ref_")
    print(f"Brian2 {brian2.__version__} (numpy {np.__version__}), cpp_standalone, "
          f"openmp_threads=0 (1 thread), T = {args.T:g} ms, dt = 0.1 ms, "
          f"best of {args.repeats} binary runs; projects in {workdir}")
    rows = []
    try:
        for n in args.sizes:
            rows.append(measure(n, args, workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    hdr = (f"{'N':>7} {'compile_s':>9} {'total_s':>8} {'sim_s':>7} {'cpu/wall':>8} "
           f"{'E_Hz':>6} {'I_Hz':>6}")
    print(hdr + "\n" + "-" * len(hdr))
    for r in rows:
        print(f"{r['N']:>7} {r['compile_s']:>9.1f} {r['total_s']:>8.2f} {r['sim_s']:>7.2f} "
              f"{r['cpu_per_wall']:>8.2f} {r['rate_E']:>6.2f} {r['rate_I']:>6.2f}")
    print("target rates (mean field): E 5.56 Hz, I 13.89 Hz")


if __name__ == "__main__":
    main()
