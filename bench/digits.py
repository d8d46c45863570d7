"""The digits benchmark: 20 seeds x 100 epochs of optlib.tasks.digits() in one ``optlib.train`` call,
against Keras ``model.fit`` of the same network with the same optimizer, side by side in one run.

    python bench/digits.py                      # 7 optimizers; fit timed on 3 of the 20 seeds
    python bench/digits.py --fit-seeds 20       # fit every seed (about 20x longer)
    python bench/digits.py --optimizers SGD,Adam --epochs 20

Per optimizer: ``optlib.train(opt, task=digits, epochs, seeds=range(20))`` once to compile, then
``--repeats`` warm calls (History.seconds, and the whole call); ``model.fit`` (task.keras_model(seed),
categorical cross-entropy on one-hot labels, batch 32, shuffle=False, verbose 0, a fresh optlib
optimizer of the same settings) on ``--fit-seeds`` seeds, with Keras' default ``jit_compile`` and with
``jit_compile=True``. fit's time grows linearly with the number of models (one after another), so the
per-model figure is its mean over the seeds timed. The ratio is fit's seconds per model over
optlib.train's seconds per model (the 20-model call divided by 20). The goal: at least 20x (aim 50x).
"""
import argparse
import time

import keras
import numpy as np

import optlib

SETTINGS = {  # the learning rates of the book's digits chapter
    "SGD": lambda: optlib.SGD(0.1), "SGDM": lambda: optlib.SGDM(0.1), "NAG": lambda: optlib.NAG(0.1),
    "AdaGrad": lambda: optlib.AdaGrad(0.05), "RMSProp": lambda: optlib.RMSProp(0.001),
    "AdaDelta": lambda: optlib.AdaDelta(1.0), "Adam": lambda: optlib.Adam(0.001),
}


def fit_seconds(task, make, seed, epochs, jit_compile):
    model = task.keras_model(seed)
    model.compile(optimizer=make(), loss="categorical_crossentropy", jit_compile=jit_compile)
    x = task.data.x_train
    y = keras.utils.to_categorical(task.data.y_train, task.classes)
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=32, epochs=epochs, shuffle=False, verbose=0)
    seconds = time.perf_counter() - start
    assert len(history.history["loss"]) == epochs
    return seconds, history.history["loss"][-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--optimizers", default=",".join(SETTINGS))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--fit-seeds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    task = optlib.tasks.digits()
    seeds = list(range(args.seeds))
    print(f"digits: {len(task.data.x_train)} training rows, batch 32, {args.epochs} epochs; "
          f"optlib.train: {args.seeds} models in one call; model.fit: {args.fit_seeds} models, one by one")
    print(f"device {optlib.default_device()}, TensorFlow {__import__('tensorflow').__version__}, "
          f"Keras {keras.__version__}\n")
    header = (f"{'optimizer':<9}{'train s':>9}{'per model':>11}{'fit auto':>10}{'fit jit':>9}"
              f"{'x (auto)':>10}{'x (jit)':>9}{'x whole call':>13}{'loss train/fit':>17}")
    print(header)
    print("-" * len(header))
    worst = np.inf
    for name in args.optimizers.split(","):
        make = SETTINGS[name]
        optimizer = make()
        first = optlib.train(optimizer, task=task, epochs=args.epochs, seeds=seeds)  # compiles
        warm, whole = [], []
        for _ in range(args.repeats):
            start = time.perf_counter()
            history = optlib.train(optimizer, task=task, epochs=args.epochs, seeds=seeds)
            whole.append(time.perf_counter() - start)
            warm.append(history.seconds)
        fit = {jit: [fit_seconds(task, make, s, args.epochs, jit) for s in seeds[:args.fit_seeds]]
               for jit in ("auto", True)}
        per_model = float(np.median(warm)) / args.seeds
        fit_auto = float(np.mean([s for s, _ in fit["auto"]]))
        fit_jit = float(np.mean([s for s, _ in fit[True]]))
        whole_per_model = float(np.median(whole)) / args.seeds
        ratios = (fit_auto / per_model, fit_jit / per_model, min(fit_auto, fit_jit) / whole_per_model)
        worst = min(worst, min(ratios[:2]))
        losses = f"{history.loss[0, -1]:.4f}/{fit['auto'][0][1]:.4f}"
        print(f"{name:<9}{np.median(warm):>9.3f}{per_model * 1e3:>9.1f}ms{fit_auto:>9.2f}s{fit_jit:>8.2f}s"
              f"{ratios[0]:>9.0f}x{ratios[1]:>8.0f}x{ratios[2]:>12.0f}x{losses:>17}")
        assert first.loss.shape == (args.seeds, args.epochs)
    print(f"\nslowest ratio {worst:.0f}x: goal >= 20x {'MET' if worst >= 20 else 'NOT MET'}, "
          f"aim 50x {'MET' if worst >= 50 else 'NOT MET'}")
    print("train s: History.seconds of the 20-model call (median of the repeats); x whole call: the "
          "faster fit against the whole warm train call (set-up and copies included)")


if __name__ == "__main__":
    main()
