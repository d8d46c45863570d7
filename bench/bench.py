"""optlib's benchmark: every contender measured side by side in one run, printed as absolute times and ratios.

    python bench/bench.py            # the full run (500-epoch reference loops; 7 min on a quiet 2-core box, 15 on a busy one)
    python bench/bench.py --quick    # 50-epoch reference loops scaled x10, fewer repeats, 100 seeds for Adam only

What is measured (see bench/README.md for the reasoning):

1. The notes' iris task, per optimizer: the notes' eager loop (optlib.notes_loop, SGD/SGDM/AdaGrad/RMSProp/Adam
   only: the notes have no NAG or AdaDelta loop), Keras ``model.fit`` (Sequential[Dense(3, softmax)] with the
   notes' initial weights, MSE on one-hot labels, batch 32, shuffle=False, verbose 0, the optlib optimizer) and
   ``optlib.train`` (first call = trace + XLA compile + run, and warm = History.seconds).
2. ``optlib.train(..., seeds=list(range(100)))`` against ``seeds=None``, both warm.
3. One compiled Adam step on 10M float32 parameters: optlib.Adam and keras.optimizers.Adam, each
   ``optimizer.apply`` inside ``tf.function(jit_compile=True)``, against (a) an XLA "floor" with the same
   data flow and trivial arithmetic (m' = m + g, V' = V + g, w' = w - (m' + V')) and (b) the ideal one-pass
   floor: 28 bytes a parameter at the memory bandwidth measured, in the same run, by an XLA triad kernel.
4. Wall time of ``python -m optlib`` and of a cold process's first ``optlib.train`` (subprocesses).

Timing: time.perf_counter around calls that end in .numpy() (or return host values); warm-up first; the
median of several repeats, contenders interleaved round by round. Process CPU time is printed next to
the first-call wall times: on a shared machine it is the steadier figure (wall ~ CPU when the box is idle).
"""
import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

import optlib  # before TensorFlow: quiets its start-up lines
import keras
import tensorflow as tf

from optlib.notes_loop import UPDATES as NOTES_UPDATES

NOTES_EPOCHS = 500
PARAMS = 10_000_000


# ---------------------------------------------------------------- small helpers
def median(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs):
    """'median (min-max, n)' text for a list of seconds, in ms."""
    if not xs:
        return "-"
    if len(xs) == 1:
        return f"{xs[0] * 1e3:.1f} (n=1)"
    return f"{median(xs) * 1e3:.1f} ({min(xs) * 1e3:.1f}-{max(xs) * 1e3:.1f}, n={len(xs)})"


def ratio(a, b):
    return a / b if a and b and np.isfinite(a) and np.isfinite(b) else float("nan")


def fmt_ratio(r):
    return "-" if not np.isfinite(r) else (f"{r:.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 10 else f"{r:.2f}x")


def cpu_seconds():
    return time.process_time()


def table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = "  ".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths)))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(r, widths))))


def verdict(ok):
    return "MET" if ok else "NOT MET"


def machine_info():
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return {
        "cpu": f"{model}; os.cpu_count()={os.cpu_count()}, usable={usable}",
        "load average (1, 5, 15 min)": ", ".join(f"{x:.2f}" for x in load),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "device": optlib.default_device(),
        "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
        "XLA_FLAGS": os.environ.get("XLA_FLAGS", "(unset)"),
        "intra/inter-op threads": f"{tf.config.threading.get_intra_op_parallelism_threads()}/"
                                  f"{tf.config.threading.get_inter_op_parallelism_threads()} (0 = TF default)",
    }


# ---------------------------------------------------------------- 1. the iris task
def keras_model(optimizer):
    """The notes' network as Keras layers, with the notes' initial weights."""
    w1, b1 = optlib.initial_weights()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.layers[0].set_weights([w1, b1])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def fit_seconds(model, x, y, epochs):
    """(wall, process CPU) seconds of ``model.fit`` (it returns host values: the epoch losses)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    history = model.fit(x, y, batch_size=32, epochs=epochs, shuffle=False, verbose=0)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    assert len(history.history["loss"]) == epochs
    return seconds, cpu


def notes_seconds(update, epochs):
    """(wall, process CPU) seconds of the notes' loop (every step ends in .numpy())."""
    start, cpu = time.perf_counter(), cpu_seconds()
    loss, _ = optlib.notes_loop.notes_loop(update, epoch=epochs)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    assert len(loss) == epochs
    return seconds, cpu


def iris_benchmark(names, ref_epochs, repeats, slow_repeats):
    data = optlib.iris.load()
    x = np.asarray(data.x_train, np.float32)
    y = keras.utils.to_categorical(data.y_train, 3).astype(np.float32)
    scale = NOTES_EPOCHS / ref_epochs
    res = {n: {"train_warm": [], "fit": [], "notes": [], "fit_cpu": [], "notes_cpu": []} for n in names}

    print("\n[1/4] first calls (optlib.train: trace + compile + 500-epoch run; model.fit: 1 epoch incl. its trace)",
          flush=True)
    for n in names:
        cls = optlib.OPTIMIZERS[n]
        w0, c0 = time.perf_counter(), cpu_seconds()
        history = optlib.train(cls())
        res[n]["first_wall"], res[n]["first_cpu"] = time.perf_counter() - w0, cpu_seconds() - c0
        res[n]["compile"], res[n]["first_run"] = history.compile_seconds, history.seconds
        res[n]["final_loss"] = float(history.final_loss)
        model = keras_model(cls())
        res[n]["fit_first"] = fit_seconds(model, x, y, 1)[0]
        res[n]["model"] = model
        print(f"  {n:<9} optlib.train first call {res[n]['first_wall']:6.2f} s wall, {res[n]['first_cpu']:5.2f} s CPU; "
              f"model.fit first {res[n]['fit_first']:6.2f} s (jit_compile={model.jit_compile})", flush=True)

    print(f"\n[1/4] warm rounds: {repeats} x optlib.train, {slow_repeats} x model.fit and notes' loop "
          f"({ref_epochs} epochs{'' if scale == 1 else f', scaled x{scale:g} to 500'}), interleaved", flush=True)
    for r in range(repeats):
        order = names if r % 2 == 0 else names[::-1]  # alternate the order so no contender always goes first
        for n in order:
            cls = optlib.OPTIMIZERS[n]
            res[n]["train_warm"].append(optlib.train(cls()).seconds)
            if r < slow_repeats:
                wall, cpu = fit_seconds(res[n]["model"], x, y, ref_epochs)
                res[n]["fit"].append(wall * scale)
                res[n]["fit_cpu"].append(cpu * scale)
                if n.lower() in NOTES_UPDATES:
                    wall, cpu = notes_seconds(n.lower(), ref_epochs)
                    res[n]["notes"].append(wall * scale)
                    res[n]["notes_cpu"].append(cpu * scale)
        done = ", ".join(f"{n} fit {res[n]['fit'][-1]:.1f}s" + (f" notes {res[n]['notes'][-1]:.1f}s" if res[n]["notes"] else "")
                         for n in names if r < slow_repeats)
        print(f"  round {r + 1}/{repeats} done{(': ' + done) if done else ''}", flush=True)
    for n in names:
        del res[n]["model"]
    return res


def print_iris(res, ref_epochs):
    scaled = "" if ref_epochs == NOTES_EPOCHS else f"; notes' loop and model.fit measured over {ref_epochs} epochs and scaled x{NOTES_EPOCHS / ref_epochs:g}"
    print(f"\nTable 1. The notes' iris task, 500 epochs, one model{scaled}. Slow contenders: wall s / process CPU s "
          "(one run each unless n is shown); optlib.train warm: History.seconds, median (min-max, n).")

    def slow(walls, cpus):
        if not walls:
            return "n/a (not in notes)"
        return f"{median(walls):.1f} / {median(cpus):.1f}" + (f" (n={len(walls)})" if len(walls) > 1 else "")
    rows = []
    for n, r in res.items():
        warm = median(r["train_warm"])
        notes, fit = median(r["notes"]), median(r["fit"])
        rows.append([n, slow(r["notes"], r["notes_cpu"]), slow(r["fit"], r["fit_cpu"]), f"{r['fit_first']:.2f}",
                     f"{r['first_wall']:.2f} / {r['first_cpu']:.2f}", spread(r["train_warm"]),
                     fmt_ratio(ratio(notes, warm)), fmt_ratio(ratio(fit, warm)), fmt_ratio(ratio(notes, fit))])
    table(rows, ["optimizer", "notes' loop s", "model.fit s", "fit 1st epoch s", "train 1st call s",
                 "train warm ms", "notes/train", "fit/train", "notes/fit"])


# ---------------------------------------------------------------- 2. 100 seeds against one
def seeds_benchmark(names, n_seeds, repeats):
    seeds = list(range(n_seeds))
    res = {}
    print(f"\n[2/4] {n_seeds} seeds vs 1 (warm History.seconds, {repeats} interleaved rounds)", flush=True)
    for n in names:
        cls = optlib.OPTIMIZERS[n]
        w0 = time.perf_counter()
        optlib.train(cls(), seeds=seeds)  # compile the many-model program (the one-model program is compiled)
        first = time.perf_counter() - w0
        one, many, one_call, many_call = [], [], [], []
        for r in range(repeats):
            pair = [(one, one_call, None), (many, many_call, seeds)]
            for sink, sink_call, s in (pair if r % 2 == 0 else pair[::-1]):
                start = time.perf_counter()
                sink.append(optlib.train(cls(), seeds=s).seconds)
                sink_call.append(time.perf_counter() - start)  # the whole call: set-up, compiled run, History
        res[n] = {"first": first, "one": one, "many": many, "one_call": one_call, "many_call": many_call}
        print(f"  {n:<9} first call {first:.2f} s; warm {median(one) * 1e3:.1f} ms vs {median(many) * 1e3:.1f} ms", flush=True)
    return res


def print_seeds(res, n_seeds):
    print(f"\nTable 2. optlib.train, {n_seeds} seeds in one compiled run vs the single run, warm: History.seconds "
          "(the compiled run), median (min-max, n) ms; ratios of medians and of minima; and the whole warm call.")
    rows = []
    for n, r in res.items():
        q = ratio(median(r["many"]), median(r["one"]))
        q_min = ratio(min(r["many"]), min(r["one"]))
        q_call = ratio(median(r["many_call"]), median(r["one_call"]))
        rows.append([n, spread(r["one"]), spread(r["many"]), fmt_ratio(q), fmt_ratio(q_min),
                     f"{median(r['one_call']) * 1e3:.0f} / {median(r['many_call']) * 1e3:.0f} = {fmt_ratio(q_call)}",
                     f"{r['first']:.2f}"])
    table(rows, ["optimizer", "1 seed ms", f"{n_seeds} seeds ms", "ratio (goal <10x)", "ratio of minima",
                 "whole call ms, 1 / 100", f"{n_seeds}-seed 1st call s"])


# ---------------------------------------------------------------- 3. the 10M-parameter Adam step
def hlo_traffic(function, *args):
    """(number of XLA kernels that touch whole parameter-sized arrays, bytes they move per parameter)
    from the optimized HLO's entry computation: each such kernel reads its array operands and writes one."""
    hlo = function.experimental_get_compiler_ir(*args)(stage="optimized_hlo")
    entry = hlo[hlo.index("\nENTRY"):]
    big = f"f32[{PARAMS}]"
    names = set(re.findall(r"%([\w.\-]+) = " + re.escape(big), entry))
    kernels, arrays = 0, 0
    for line in entry.splitlines():
        m = re.match(r"\s*(?:ROOT )?%([\w.\-]+) = " + re.escape(big) + r"\{0\} (\w[\w-]*)\((.*?)\)", line)
        if not m or m.group(2) in ("parameter", "bitcast"):
            continue
        kernels += 1
        arrays += 1 + sum(op in names for op in re.findall(r"%([\w.\-]+)", m.group(3)))
    return kernels, arrays * 4


def adam_step_benchmark(repeats):
    print(f"\n[3/4] one Adam step on {PARAMS:,} float32 parameters ({repeats} interleaved rounds)", flush=True)
    rng = np.random.default_rng(0)
    g = tf.constant(rng.standard_normal(PARAMS, dtype=np.float32) * 1e-3)

    def optimizer_step(optimizer):
        w = keras.Variable(rng.standard_normal(PARAMS, dtype=np.float32), name="w")
        optimizer.build([w])

        @tf.function(jit_compile=True)
        def step(grad):
            optimizer.apply([grad], [w])
            return w[0]  # a scalar to sync on: the update is complete when it can be read
        return step

    w = tf.Variable(rng.standard_normal(PARAMS, dtype=np.float32))
    m = tf.Variable(tf.zeros(PARAMS))
    v = tf.Variable(tf.zeros(PARAMS))

    @tf.function(jit_compile=True)
    def floor(grad):
        """Adam's data flow (m' from m, g; V' from V, g; w' from w, m', V') with trivial arithmetic."""
        new_m = m + grad
        new_v = v + grad
        w.assign_sub(new_m + new_v)
        m.assign(new_m)
        v.assign(new_v)
        return w[0]

    a = tf.Variable(tf.zeros(PARAMS))
    b = tf.Variable(rng.standard_normal(PARAMS, dtype=np.float32))

    @tf.function(jit_compile=True)
    def triad(grad):
        """a = 0.5 b + g: reads two arrays, writes one (12 bytes a parameter): the bandwidth probe."""
        a.assign(0.5 * b + grad)
        return a[0]

    contenders = {
        "optlib.Adam": optimizer_step(optlib.Adam(learning_rate=1e-3)),
        "keras Adam": optimizer_step(keras.optimizers.Adam(learning_rate=1e-3)),
        "XLA floor": floor,
        "triad probe": triad,
    }
    traffic = {}
    for name, fn in contenders.items():
        for _ in range(3):  # trace, compile, warm the memory
            fn(g).numpy()
        traffic[name] = hlo_traffic(fn, g)
    times = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(repeats):
        for name in names[r % len(names):] + names[:r % len(names)]:  # rotate who goes first
            start = time.perf_counter()
            contenders[name](g).numpy()
            times[name].append(time.perf_counter() - start)
    return times, traffic


def print_adam(times, traffic):
    t = {k: median(v) for k, v in times.items()}
    # The memory bandwidth: the best that a trivial XLA kernel reached in this run (the triad, 12 B/param,
    # or the floor's own loops, bytes counted from its HLO).
    probes = {"triad": traffic["triad probe"][1] * PARAMS / t["triad probe"],
              "XLA floor": traffic["XLA floor"][1] * PARAMS / t["XLA floor"]}
    best = max(probes, key=probes.get)
    bandwidth = probes[best]
    ideal = 28 * PARAMS / bandwidth
    print(f"\nTable 3. One Adam step, {PARAMS:,} float32 parameters, tf.function(jit_compile=True), median (min-max, n) ms. "
          f"Bandwidth: {bandwidth / 1e9:.2f} GB/s, the best of the same-run probes "
          f"({', '.join(f'{k} {v / 1e9:.2f} GB/s' for k, v in probes.items())}).")
    rows = []
    for name in ("optlib.Adam", "keras Adam", "XLA floor"):
        kernels, bpp = traffic[name]
        rows.append([name, spread(times[name]), f"{kernels} / {bpp} B", f"{bpp * PARAMS / t[name] / 1e9:.2f}",
                     fmt_ratio(ratio(t[name], t["XLA floor"])), fmt_ratio(ratio(t[name], ideal)),
                     fmt_ratio(ratio(t[name], t["keras Adam"])),
                     f"{fmt_ratio(ratio(min(times[name]), min(times['XLA floor'])))} / "
                     f"{fmt_ratio(ratio(min(times[name]), min(times['keras Adam'])))}"])
    rows.append(["ideal 28 B/param", f"{ideal * 1e3:.1f} (computed)", "1 / 28 B", f"{bandwidth / 1e9:.2f}",
                 fmt_ratio(ratio(ideal, t["XLA floor"])), "1.00x", fmt_ratio(ratio(ideal, t["keras Adam"])), "-"])
    table(rows, ["step", "ms", "XLA loops / bytes per param", "GB/s moved",
                 "vs XLA floor", "vs ideal 28 B", "vs keras", "minima: vs floor / vs keras"])
    return t, ideal


# ---------------------------------------------------------------- 4. subprocesses
def timed_subprocess(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout


COLD_FIRST_CALL = """
import time
t0 = time.perf_counter(); import optlib; t1 = time.perf_counter(); c1 = time.process_time()
h = optlib.train(optlib.Adam())
print(f"{t1 - t0:.3f} {time.perf_counter() - t1:.3f} {time.process_time() - c1:.3f} {h.compile_seconds:.3f} {h.seconds:.4f}")
"""


def subprocess_benchmark(run_cli):
    print("\n[4/4] subprocesses: a cold process's first optlib.train(optlib.Adam()), then `python -m optlib`", flush=True)
    res = {}
    wall, cpu, out = timed_subprocess([sys.executable, "-c", COLD_FIRST_CALL])
    imp, first, first_cpu, comp, run = map(float, out.split()[-5:])
    res["cold"] = {"process": wall, "process_cpu": cpu, "import": imp, "first": first, "first_cpu": first_cpu,
                   "compile": comp, "run": run}
    print(f"  cold first call: {first:.2f} s wall ({first_cpu:.2f} s CPU) after a {imp:.2f} s import", flush=True)
    if run_cli:
        wall, cpu, out = timed_subprocess([sys.executable, "-m", "optlib"])
        res["cli"] = {"wall": wall, "cpu": cpu, "out": out}
        print(f"  python -m optlib: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return res


# ---------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="50-epoch notes' loop and model.fit (scaled x10), fewer repeats, 100 seeds for Adam only")
    parser.add_argument("--ref-epochs", type=int,
                        help="epochs of the notes' loop and model.fit, scaled to 500 (default 500; quick 50)")
    parser.add_argument("--repeats", type=int, help="warm optlib.train rounds (default 5; quick 3)")
    parser.add_argument("--slow-repeats", type=int, help="model.fit / notes' loop rounds (default 1)")
    parser.add_argument("--step-repeats", type=int, help="Adam-step rounds (default 21; quick 11)")
    parser.add_argument("--optimizers", default=",".join(optlib.OPTIMIZERS), help="comma-separated subset")
    parser.add_argument("--seed-optimizers", help="optimizers for the 100-seed test (default: all; quick: Adam)")
    parser.add_argument("--no-cli", action="store_true", help="skip timing `python -m optlib`")
    args = parser.parse_args(argv)
    names = [n for n in args.optimizers.split(",") if n]
    unknown = set(names) - set(optlib.OPTIMIZERS)
    if unknown:
        parser.error(f"unknown optimizers {sorted(unknown)}; known: {list(optlib.OPTIMIZERS)}")
    ref_epochs = args.ref_epochs or (50 if args.quick else NOTES_EPOCHS)
    repeats = args.repeats or (3 if args.quick else 5)
    slow_repeats = args.slow_repeats or 1
    step_repeats = args.step_repeats or (11 if args.quick else 21)
    seed_names = (args.seed_optimizers.split(",") if args.seed_optimizers
                  else [n for n in names if n == "Adam"] or names[:1] if args.quick else names)
    n_seeds = 100

    started = time.perf_counter()
    print(f"optlib benchmark ({'--quick' if args.quick else 'full'}), {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    for k, val in machine_info().items():
        print(f"  {k:<28}{val}")

    iris_res = iris_benchmark(names, ref_epochs, repeats, max(1, min(slow_repeats, repeats)))
    seeds_res = seeds_benchmark(seed_names, n_seeds, repeats)
    step_times, traffic = adam_step_benchmark(step_repeats)
    sub = subprocess_benchmark(not args.no_cli)

    print("\n" + "=" * 100)
    print_iris(iris_res, ref_epochs)
    print_seeds(seeds_res, n_seeds)
    t, ideal = print_adam(step_times, traffic)

    print("\nTable 4. Subprocesses (wall includes Python start-up and importing TensorFlow).")
    cold = sub["cold"]
    rows = [["cold first optlib.train(Adam())", f"{cold['first']:.2f}", f"{cold['first_cpu']:.2f}",
             f"compile {cold['compile']:.2f} s, run {cold['run'] * 1e3:.1f} ms, import {cold['import']:.2f} s"]]
    if "cli" in sub:
        rows.append(["python -m optlib (7 optimizers)", f"{sub['cli']['wall']:.1f}", f"{sub['cli']['cpu']:.1f}",
                     "whole process"])
    table(rows, ["what", "wall s", "CPU s", "note"])

    warm_all = [median(r["train_warm"]) for r in iris_res.values()]
    first_all = [r["first_wall"] for r in iris_res.values()]
    first_cpu_all = [r["first_cpu"] for r in iris_res.values()]
    seed_ratios = [ratio(median(r["many"]), median(r["one"])) for r in seeds_res.values()]
    print("\nGoals")
    goals = [
        (f"500-epoch run (History.seconds, warm median) < 50 ms: worst {max(warm_all) * 1e3:.1f} ms",
         max(warm_all) < 0.05),
        (f"whole first call < 3 s: worst {max(first_all):.2f} s wall ({max(first_cpu_all):.2f} s CPU); "
         f"cold process {cold['first']:.2f} s wall ({cold['first_cpu']:.2f} s CPU)",
         max(first_all) < 3 and cold["first"] < 3),
        (f"{n_seeds} seeds < 10x one seed: worst {max(seed_ratios):.1f}x "
         f"({', '.join(f'{n} {q:.1f}x' for n, q in zip(seeds_res, seed_ratios))})", max(seed_ratios) < 10),
        (f"Adam step within 1.2x of the XLA same-traffic floor: {ratio(t['optlib.Adam'], t['XLA floor']):.2f}x",
         ratio(t["optlib.Adam"], t["XLA floor"]) < 1.2),
        (f"Adam step within 1.2x of the ideal one-pass 28 B/param floor: {ratio(t['optlib.Adam'], ideal):.2f}x",
         ratio(t["optlib.Adam"], ideal) < 1.2),
        (f"Adam step no slower than Keras' Adam (ratio <= 1.05, noise margin): "
         f"{ratio(t['optlib.Adam'], t['keras Adam']):.2f}x", ratio(t["optlib.Adam"], t["keras Adam"]) <= 1.05),
    ]
    if "cli" in sub:
        goals.append((f"python -m optlib prints its table in a few seconds (< 10 s): {sub['cli']['wall']:.1f} s wall, "
                      f"{sub['cli']['cpu']:.1f} s CPU", sub["cli"]["wall"] < 10))
    for text, ok in goals:
        print(f"  [{verdict(ok):>7}] {text}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in load)}; benchmark took "
          f"{time.perf_counter() - started:.0f} s")
    if "cli" in sub:
        print("\n`python -m optlib` printed:\n" + sub["cli"]["out"].rstrip())


if __name__ == "__main__":
    main()
