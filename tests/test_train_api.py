"""optlib.train's API: seeds, History, divergence, argument checks, reuse, and `python -m optlib`.

Each compiled program costs seconds to build, and optlib caches them by (rule, epochs, number of
models, data shapes), not by learning rate (a tensor input): the tests below share a few programs
(5 epochs, one or three models; the same EPOCHS as tests/test_keras_integration.py, so in a full
run most of them are already built).
"""
import re
import subprocess
import sys

import keras
import numpy as np
import pytest

import optlib

EPOCHS = 5
SEEDS = [0, 1, 116]


@pytest.fixture(scope="module")
def stacked():
    return optlib.train(optlib.Adam(), epochs=EPOCHS, seeds=SEEDS)


# ------------------------------------------------------------------ seeds
def test_seeds_116_equals_the_notes_run():
    """seeds=None is the notes' run, initialised from seed 116: seeds=[116] is the same run, with a
    leading model axis of length 1. Same program (one model), so equal to the last bit."""
    notes = optlib.train(optlib.Adam(), epochs=EPOCHS)
    one = optlib.train(optlib.Adam(), epochs=EPOCHS, seeds=[116])
    assert notes.loss.shape == (EPOCHS,) and one.loss.shape == (1, EPOCHS)
    np.testing.assert_array_equal(one.loss[0], notes.loss)
    np.testing.assert_array_equal(one.test_accuracy[0], notes.test_accuracy)
    np.testing.assert_array_equal(one.weights["w1"][0], notes.weights["w1"])
    np.testing.assert_array_equal(one.weights["b1"][0], notes.weights["b1"])
    assert notes.seeds is None and one.seeds == [116]
    assert notes.diverged_at is None and one.diverged_at == [None]


def test_stacked_seeds_equal_separate_runs(stacked):
    """One compiled run of three models equals three single-model runs: the models are independent
    (each gets its own gradient and its own optimizer state). The stacked forward pass is one matmul
    and the single one four broadcast products, so they agree to float32 rounding, not bit for bit."""
    for i, seed in enumerate(SEEDS):
        alone = optlib.train(optlib.Adam(), epochs=EPOCHS, seeds=[seed])
        np.testing.assert_allclose(stacked.loss[i], alone.loss[0], rtol=0, atol=1e-6)
        np.testing.assert_allclose(stacked.weights["w1"][i], alone.weights["w1"][0], rtol=0, atol=1e-5)
        np.testing.assert_allclose(stacked.weights["b1"][i], alone.weights["b1"][0], rtol=0, atol=1e-5)
        np.testing.assert_array_equal(stacked.test_accuracy[i], alone.test_accuracy[0])
    # and the seeds really differ
    assert np.abs(stacked.loss[0] - stacked.loss[1]).max() > 1e-4


def test_each_model_depends_only_on_its_own_seed(stacked):
    """Reordering or repeating seeds in the same program moves rows, nothing else."""
    # Reordering the models changes the order of XLA's float32 reductions over the stacked axis, which
    # may move a result by an ulp or two (TF 2.19 moves a weight by 1.19e-7, one ulp at 1): compare
    # within 4 ulps of float32, relative, instead of an absolute 1e-7 that holds only on some stacks.
    ulps = 4 * np.finfo(np.float32).eps
    reordered = optlib.train(optlib.Adam(), epochs=EPOCHS, seeds=SEEDS[::-1])
    np.testing.assert_allclose(reordered.loss[::-1], stacked.loss, rtol=ulps, atol=0)
    np.testing.assert_allclose(reordered.weights["w1"][::-1], stacked.weights["w1"], rtol=ulps, atol=ulps)
    repeated = optlib.train(optlib.Adam(), epochs=EPOCHS, seeds=[116, 116, 116])
    for row in repeated.loss:
        np.testing.assert_array_equal(row, repeated.loss[0])
    np.testing.assert_allclose(repeated.loss[0], stacked.loss[2], rtol=ulps, atol=0)


def test_shapes_with_seeds(stacked):
    s = len(SEEDS)
    assert stacked.loss.shape == stacked.test_accuracy.shape == (s, EPOCHS)
    assert stacked.weights["w1"].shape == (s, 4, 3) and stacked.weights["b1"].shape == (s, 3)
    assert stacked.diverged_at == [None] * s
    assert stacked.seeds == SEEDS and stacked.epochs == EPOCHS
    assert stacked.final_loss.shape == stacked.final_test_accuracy.shape == (s,)
    np.testing.assert_array_equal(stacked.final_loss, stacked.loss[:, -1])
    assert isinstance(stacked.epochs_to(0.0), list) and stacked.epochs_to(0.0) == [1] * s
    assert stacked.epochs_to(1.01) == [None] * s


def test_seeds_may_be_any_iterable_of_integers():
    a = optlib.train(optlib.Adam(), epochs=EPOCHS, seeds=np.array(SEEDS))
    b = optlib.train(optlib.Adam(), epochs=EPOCHS, seeds=range(3))
    np.testing.assert_allclose(b.loss[:2], a.loss[:2], rtol=0, atol=1e-7)
    assert b.seeds == [0, 1, 2]


# ------------------------------------------------------------------ History
def test_history_fields():
    sgd = optlib.SGD()
    history = optlib.train(sgd, epochs=EPOCHS)
    assert isinstance(history, optlib.History)
    assert history.optimizer == sgd.name and re.fullmatch(r"sgd(_\d+)?", sgd.name)
    assert history.loss.shape == history.test_accuracy.shape == (EPOCHS,)
    assert history.loss.dtype == np.float32 and np.isfinite(history.loss).all()
    assert ((history.test_accuracy >= 0) & (history.test_accuracy <= 1)).all()
    # the accuracy is a share of the notes' 30 test rows
    np.testing.assert_allclose(history.test_accuracy * 30, np.round(history.test_accuracy * 30), atol=1e-5)
    assert history.loss[-1] < history.loss[0]
    assert isinstance(history.seconds, float) and history.seconds > 0
    assert isinstance(history.compile_seconds, float) and history.compile_seconds >= 0
    assert set(history.weights) == {"w1", "b1"}
    assert history.weights["w1"].shape == (4, 3) and history.weights["b1"].shape == (3,)
    w0, b0 = optlib.initial_weights()
    assert np.abs(history.weights["w1"] - w0).max() > 1e-3  # the final weights, not the initial ones
    assert history.diverged_at is None and history.seeds is None and history.epochs == EPOCHS
    assert history.final_loss == history.loss[-1]


def test_device():
    history = optlib.train(optlib.SGD(), epochs=EPOCHS)
    assert re.fullmatch(r"(CPU|GPU|TPU):\d+", history.device), history.device
    assert history.device == optlib.default_device()


def test_the_second_call_does_not_compile_again():
    optlib.train(optlib.SGD(learning_rate=0.3), epochs=EPOCHS)
    size = optlib.compiled.cache_size()
    again = optlib.train(optlib.SGD(learning_rate=0.05), epochs=EPOCHS)  # another rate, same program
    assert optlib.compiled.cache_size() == size
    assert again.compile_seconds < 5


def test_one_optimizer_object_serves_two_runs():
    """train uses the optimizer's rule and rate, not its Keras variables: a second run starts from
    zero state again and gives the same result; the object itself is left untouched."""
    optimizer = optlib.Adam(learning_rate=0.05)
    first = optlib.train(optimizer, epochs=EPOCHS)
    second = optlib.train(optimizer, epochs=EPOCHS)
    np.testing.assert_array_equal(first.loss, second.loss)
    np.testing.assert_array_equal(first.weights["w1"], second.weights["w1"])
    assert not optimizer.built and int(optimizer.iterations.numpy()) == 0
    fresh = optlib.train(optlib.Adam(learning_rate=0.05), epochs=EPOCHS)
    np.testing.assert_array_equal(first.loss, fresh.loss)


# ------------------------------------------------------------------ divergence
def test_runs_in_threads_equal_runs_one_after_another():
    """The notes' initialisation goes through TensorFlow's global seed (set_seed, then draw): runs
    started from several threads must not mix up each other's initial weights."""
    from concurrent.futures import ThreadPoolExecutor
    seeds = [[700 + i] for i in range(8)]  # seeds no other test uses: not yet in optlib's cache
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda s: optlib.train(optlib.SGD(), epochs=EPOCHS, seeds=s), seeds))
    optlib.tasks.iris_task._cached_initial_weights.cache_clear()  # the runs below draw their weights afresh
    for s, history in zip(seeds, threaded):
        w1, b1 = optlib.initial_weights(s[0])
        alone = optlib.train(optlib.SGD(), epochs=EPOCHS, seeds=s)
        np.testing.assert_array_equal(history.loss, alone.loss)
        np.testing.assert_array_equal(history.weights["w1"], alone.weights["w1"])
        assert not np.array_equal(w1, alone.weights["w1"][0])  # it trained


# ------------------------------------------------------------------ initial_weights
def test_initial_weights_of_the_notes_seed_is_the_notes_run():
    notes = optlib.train(optlib.Adam(), epochs=EPOCHS)
    given = optlib.train(optlib.Adam(), epochs=EPOCHS, initial_weights=optlib.initial_weights(116))
    np.testing.assert_array_equal(given.loss, notes.loss)
    np.testing.assert_array_equal(given.weights["w1"], notes.weights["w1"])
    assert given.seeds is None and given.loss.shape == (EPOCHS,)


def test_continuing_from_a_histories_weights_equals_one_longer_run():
    """SGD keeps no state, so 2 epochs and then 3 more from the weights reached equal 5 epochs."""
    first = optlib.train(optlib.SGD(), epochs=2, seeds=SEEDS)
    more = optlib.train(optlib.SGD(), epochs=3, initial_weights=first.weights)
    whole = optlib.train(optlib.SGD(), epochs=EPOCHS, seeds=SEEDS)
    assert more.loss.shape == (len(SEEDS), 3) and more.seeds is None
    np.testing.assert_allclose(more.loss, whole.loss[:, 2:], rtol=0, atol=1e-6)
    np.testing.assert_allclose(more.weights["w1"], whole.weights["w1"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(more.weights["b1"], whole.weights["b1"], rtol=0, atol=1e-6)


def test_stacked_initial_weights_are_independent_models(stacked):
    """Models given as (S, 4, 3), (S, 3) train as S separate one-model runs."""
    start = {"w1": stacked.weights["w1"], "b1": stacked.weights["b1"]}
    together = optlib.train(optlib.Adam(), epochs=EPOCHS, initial_weights=start)
    for k in range(len(SEEDS)):
        alone = optlib.train(optlib.Adam(), epochs=EPOCHS, initial_weights=(start["w1"][k], start["b1"][k]))
        np.testing.assert_allclose(together.loss[k], alone.loss, rtol=0, atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"initial_weights": (np.zeros((4, 3)), np.zeros(3)), "seeds": [1]}, "pass one of them"),
    ({"initial_weights": np.zeros((4, 3))}, "must be \\(w1, b1\\)"),
    ({"initial_weights": (np.zeros((3, 4)), np.zeros(3))}, "got shapes \\(3, 4\\) and \\(3,\\)"),
    ({"initial_weights": (np.zeros((2, 4, 3)), np.zeros((3, 3)))}, "got shapes"),
    ({"initial_weights": {"w1": np.zeros((4, 3))}}, "keys 'w1' and 'b1'"),
    ({"initial_weights": (np.full((4, 3), np.nan), np.zeros(3))}, "must be finite"),
])
def test_bad_initial_weights_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optlib.train(optlib.SGD(), epochs=EPOCHS, **kwargs)


def test_huge_learning_rate_diverges_at_once_and_stops():
    """lr 1e38: Adam's first step is about lr * sign(g), the logits overflow float32 and the loss is
    NaN in the first epoch. The run stops there (no crash), and every later epoch is NaN."""
    history = optlib.train(optlib.Adam(learning_rate=1e38), epochs=EPOCHS)
    assert history.diverged_at == 0
    assert np.isnan(history.loss).all() and np.isnan(history.test_accuracy).all()
    assert history.epochs_to(0.0) is None


def test_a_large_but_finite_step_is_not_divergence():
    """A softmax saturates: lr 1e6 sends the weights far away, but the loss stays finite."""
    history = optlib.train(optlib.Adam(learning_rate=1e6), epochs=EPOCHS)
    assert history.diverged_at is None and np.isfinite(history.loss).all()


def test_all_models_diverging_stops_the_run(stacked):
    history = optlib.train(optlib.Adam(learning_rate=1e38), epochs=EPOCHS, seeds=SEEDS)
    assert history.diverged_at == [0, 0, 0]
    assert np.isnan(history.loss).all() and np.isnan(history.test_accuracy).all()
    assert stacked.diverged_at == [None, None, None]  # the same program, a sane rate


def test_each_model_diverges_on_its_own():
    """The notes' RMSProp without epsilon turns NaN at an epoch that depends on the seed (here, on the
    machine this was written on: 357, 367, 369). Each row is NaN from its own diverged_at on and
    finite before it: the run goes on for the models still finite after the first one diverged."""
    history = optlib.train(optlib.RMSProp(learning_rate=0.1, beta=0.9, epsilon=0.0), epochs=500, seeds=SEEDS)
    assert len(history.diverged_at) == len(SEEDS)
    for row_loss, row_accuracy, at in zip(history.loss, history.test_accuracy, history.diverged_at):
        end = 500 if at is None else at
        assert np.isfinite(row_loss[:end]).all() and np.isfinite(row_accuracy[:end]).all()
        assert np.isnan(row_loss[end:]).all() and np.isnan(row_accuracy[end:]).all()
    diverged = [at for at in history.diverged_at if at is not None]
    assert diverged, history.diverged_at
    assert any(at is None or at > min(diverged) for at in history.diverged_at), history.diverged_at


def test_rmsprop_without_epsilon_diverges_late_and_is_reported():
    """The notes' RMSProp (lr 0.1, no epsilon): a gradient element that is exactly 0 while V has
    decayed to 0 gives 0/0 between epochs 300 and 500 (see tests/test_notes_loop.py)."""
    history = optlib.train(optlib.RMSProp(learning_rate=0.1, beta=0.9, epsilon=0.0), epochs=500)
    at = history.diverged_at
    assert at is not None and 300 <= at < 500
    assert np.isfinite(history.loss[:at]).all() and np.isnan(history.loss[at:]).all()
    assert np.isfinite(history.test_accuracy[:at]).all() and np.isnan(history.test_accuracy[at:]).all()
    assert history.loss.shape == (500,)


# ------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize("kwargs, name", [
    ({"epochs": 0}, "epochs"), ({"epochs": -3}, "epochs"), ({"epochs": 2.5}, "epochs"),
    ({"epochs": True}, "epochs"), ({"epochs": "10"}, "epochs"), ({"epochs": None}, "epochs"),
    ({"batch_size": 0}, "batch_size"), ({"batch_size": 32.0}, "batch_size"),
    ({"batch_size": None}, "batch_size"), ({"batch_size": False}, "batch_size"),
    ({"seeds": []}, "seeds"), ({"seeds": [1.5]}, "seeds"), ({"seeds": ["1"]}, "seeds"),
    ({"seeds": [True]}, "seeds"), ({"seeds": 116}, "seeds"), ({"seeds": "116"}, "seeds"),
    ({"seeds": [1, None]}, "seeds"),
])
def test_bad_arguments_are_value_errors_naming_them(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}` must be"):
        optlib.train(optlib.SGD(), **kwargs)


@pytest.mark.parametrize("optimizer", [keras.optimizers.SGD(0.1), "adam", None])
def test_a_non_optlib_optimizer_is_a_type_error(optimizer):
    with pytest.raises(TypeError, match="optlib optimizer"):
        optlib.train(optimizer, epochs=EPOCHS)


# ------------------------------------------------------------------ python -m optlib
def test_the_comparison_table_prints_every_optimizer(capsys):
    """The table of `python -m optlib`, run in this process so that it reuses the programs compiled
    above and in tests/test_keras_integration.py (default hyper-parameters, EPOCHS epochs): in a
    fresh process its compilations, one per optimizer, cost a minute or more on a busy two-core machine. The
    module entry point itself is run as a subprocess below."""
    from optlib.__main__ import main

    main(["--epochs", str(EPOCHS)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"The notes' iris task: {EPOCHS} epochs")
    assert "optimizer" in lines[1] and "final loss" in lines[1] and set(lines[2]) == {"-"}
    n = len(optlib.ALL_OPTIMIZERS)
    assert re.fullmatch(rf"First runs \(tracing and compiling {n} programs, \d+ at a time\): [\d.]+ s", lines[-1])
    rows = {line.split()[0]: line.split() for line in lines[3:-1]}
    assert list(rows) == list(optlib.ALL_OPTIMIZERS)
    for name, row in rows.items():
        lr, loss, accuracy = float(row[1]), float(row[2]), float(row[3])
        assert lr == pytest.approx(optlib.ALL_OPTIMIZERS[name]().learning_rate_spec, rel=1e-6)
        assert 0 < loss < 1 and 0 <= accuracy <= 1, row
        expected = optlib.train(optlib.ALL_OPTIMIZERS[name](), epochs=EPOCHS)
        assert loss == pytest.approx(float(expected.final_loss), abs=1e-4)


def test_python_m_optlib_is_the_entry_point():
    """`python -m optlib` parses its options (a bad one exits with status 2 before any training)
    and TensorFlow's start-up lines stay out of stderr."""
    done = subprocess.run([sys.executable, "-m", "optlib", "--epochs", "0"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "--epochs and --threads must be >= 1" in done.stderr
    assert done.stderr.startswith("usage: python -m optlib")  # nothing from TensorFlow before it
    assert done.stdout == ""


def test_the_table_refuses_bad_options():
    from optlib.__main__ import main

    for argv in (["--epochs", "0"], ["--seeds", "-1"], ["--epochs", "x"], ["--threads", "0"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2


def test_epochs_to_stay_ignores_touches_that_fall_back():
    acc = np.array([[0.5, 1.0, 0.9, 1.0, 1.0],   # touches at 2, stays from 4
                    [1.0, 1.0, 1.0, 1.0, 1.0],   # from the first epoch
                    [0.2, 1.0, 1.0, 1.0, 0.9],   # falls back at the end: never stays
                    [0.2, 0.3, np.nan, np.nan, np.nan]])  # diverged
    h = optlib.History("x", np.zeros_like(acc), acc, 0.0, 0.0, {}, None, "CPU:0")
    assert h.epochs_to(1.0) == [2, 1, 2, None]
    assert h.epochs_to_stay(1.0) == [4, 1, None, None]
    one = optlib.History("x", np.zeros(3), np.array([0.4, 1.0, 1.0]), 0.0, 0.0, {}, None, "CPU:0")
    assert one.epochs_to_stay(1.0) == 2 and one.epochs_to_stay(0.3) == 1


@pytest.mark.parametrize("option, value", [
    ("clipnorm", 1e-3), ("clipvalue", 0.5), ("global_clipnorm", 1.0), ("weight_decay", 0.01),
    ("use_ema", True), ("gradient_accumulation_steps", 2), ("loss_scale_factor", 128.0)])
def test_keras_options_the_compiled_run_would_ignore_are_refused(option, value):
    """The compiled run calls the update rule alone; clipping, decay, EMA and accumulation happen
    in Keras' apply_gradients around it, so train() and surfaces.path() refuse them, naming them."""
    optimizer = optlib.SGD(0.1, **{option: value})
    with pytest.raises(ValueError, match=f"ignore `{option}="):
        optlib.train(optimizer, epochs=1)
    with pytest.raises(ValueError, match=f"ignore `{option}="):
        optlib.surfaces.path(optimizer, "bowl", steps=2)
    optlib.recorded.run(optimizer, epochs=1)  # Keras' own loop applies it: accepted there


def test_adamw_decay_is_in_the_rule_so_the_compiled_runs_accept_it():
    """AdamW's weight_decay is part of its update rule, not Keras' option of the same name (which
    stays None): train() and surfaces.path() accept it and apply it, while the same decay asked of
    Keras (optlib.SGD(0.1, weight_decay=0.01), above) is still refused."""
    optimizer = optlib.AdamW(0.1, weight_decay=0.5)
    assert optimizer.weight_decay is None
    decayed = optlib.train(optimizer, epochs=EPOCHS)
    plain = optlib.train(optlib.AdamW(0.1, weight_decay=0.0), epochs=EPOCHS)
    assert np.isfinite(decayed.loss).all()
    assert np.abs(decayed.weights["w1"]).sum() < np.abs(plain.weights["w1"]).sum()
    surface = optlib.surfaces.QUADRATIC
    decayed_path = optlib.surfaces.path(optimizer, surface, steps=3)
    plain_path = optlib.surfaces.path(optlib.AdamW(0.1, weight_decay=0.0), surface, steps=3)
    assert np.isfinite(decayed_path).all() and np.abs(decayed_path - plain_path).max() > 1e-3
    with pytest.raises(ValueError, match="ignore `weight_decay="):
        optlib.train(optlib.Adam(0.1, weight_decay=0.5), epochs=1)
