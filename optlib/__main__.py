"""`python -m optlib`: train every optimizer on the notes' iris task and print a comparison table.

Each optimizer's first run traces and XLA-compiles its program (about 1.5 s); those runs go
through a thread pool, one thread per core, so that one program compiles while another traces.
The "run ms" column is a second, warm run of the same program, timed alone (`History.seconds`).
"""
import argparse
import concurrent.futures
import os
import time

import optlib


def _train_all(epochs, seeds, threads):
    """{name: (optimizer, History)} for every optimizer, first runs in ``threads`` threads."""
    optimizers = {name: cls() for name, cls in optlib.ALL_OPTIMIZERS.items()}
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        futures = {name: pool.submit(optlib.train, opt, epochs=epochs, seeds=seeds)
                   for name, opt in optimizers.items()}
        return {name: (optimizers[name], future.result()) for name, future in futures.items()}


def _epochs_to_text(history, seeds):
    reached = history.epochs_to(1.0)
    if seeds is None:
        return "never" if reached is None else str(reached)
    hits = [r for r in reached if r is not None]
    return f"{sum(hits) / len(hits):.0f} ({len(hits)}/{len(seeds)})" if hits else "never"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m optlib", description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=500, help="epochs per run (default 500, the notes')")
    parser.add_argument("--seeds", type=int, default=0,
                        help="train this many seeds (0, 1, ...) per optimizer and report means; "
                             "default: the notes' single run (seed 116)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="optimizers compiled at once (default: the number of cores)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.seeds < 0 or args.threads < 1:
        parser.error("--epochs and --threads must be >= 1 and --seeds >= 0")
    seeds = list(range(args.seeds)) if args.seeds else None

    print(f"The notes' iris task: {args.epochs} epochs, batch 32, default hyper-parameters, "
          f"{'seed 116' if seeds is None else f'{len(seeds)} seeds (means)'}, on {optlib.default_device()}")
    start = time.perf_counter()
    results = _train_all(args.epochs, seeds, args.threads)
    compile_wall = time.perf_counter() - start

    header = f"{'optimizer':<10}{'lr':>6}{'final loss':>12}{'test acc':>10}{'epochs to 100%':>16}{'run ms':>9}"
    print(header)
    print("-" * len(header))
    for name, (optimizer, history) in results.items():
        warm = optlib.train(optimizer, epochs=args.epochs, seeds=seeds)  # same program: no compilation
        diverged = history.diverged_at if seeds is None else [d for d in history.diverged_at if d is not None]
        note = "" if not diverged else f"  diverged at {diverged}"
        print(f"{name:<10}{optimizer.learning_rate_spec:>6g}{float(history.final_loss.mean()):>12.4f}"
              f"{float(history.final_test_accuracy.mean()):>10.3f}{_epochs_to_text(history, seeds):>16}"
              f"{warm.seconds * 1000:>9.1f}{note}")
    print(f"First runs (tracing and compiling {len(results)} programs, {args.threads} at a time): "
          f"{compile_wall:.1f} s")


if __name__ == "__main__":
    main()
