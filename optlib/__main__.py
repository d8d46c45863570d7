"""`python -m optlib`: train every optimizer on the notes' iris task and print a comparison table."""
import argparse
import time

import optlib


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m optlib", description=__doc__)
    parser.add_argument("--epochs", type=int, default=500, help="epochs per run (default 500, the notes')")
    parser.add_argument("--seeds", type=int, default=0,
                        help="train this many seeds (0, 1, ...) per optimizer and report means; "
                             "default: the notes' single run (seed 116)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.seeds < 0:
        parser.error("--epochs must be >= 1 and --seeds >= 0")
    seeds = list(range(args.seeds)) if args.seeds else None

    print(f"The notes' iris task: {args.epochs} epochs, batch 32, default hyper-parameters, "
          f"{'seed 116' if seeds is None else f'{len(seeds)} seeds (means)'}, on {optlib.default_device()}")
    header = f"{'optimizer':<10}{'lr':>6}{'final loss':>12}{'test acc':>10}{'epochs to 100%':>16}" \
             f"{'first call s':>14}{'run ms':>9}"
    print(header)
    print("-" * len(header))
    for name, cls in optlib.OPTIMIZERS.items():
        optimizer = cls()
        start = time.perf_counter()
        history = optlib.train(optimizer, epochs=args.epochs, seeds=seeds)
        first_call = time.perf_counter() - start
        reached = history.epochs_to(1.0)
        if seeds is None:
            reached_text = "never" if reached is None else str(reached)
        else:
            hits = [r for r in reached if r is not None]
            reached_text = f"{sum(hits) / len(hits):.0f} ({len(hits)}/{len(seeds)})" if hits else "never"
        diverged = history.diverged_at if seeds is None else [d for d in history.diverged_at if d is not None]
        note = "" if not diverged else f"  diverged at {diverged}"
        print(f"{name:<10}{optimizer.learning_rate_spec:>6g}{float(history.final_loss.mean()):>12.4f}"
              f"{float(history.final_test_accuracy.mean()):>10.3f}{reached_text:>16}"
              f"{first_call:>14.2f}{history.seconds * 1000:>9.1f}{note}")


if __name__ == "__main__":
    main()
