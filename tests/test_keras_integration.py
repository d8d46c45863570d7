"""optlib's optimizers inside Keras: sparse gradients, learning-rate schedules, the GradientTape
loop versus the compiled ``optlib.train``, ``tf.train.Checkpoint``, ``Model.fit`` and configs."""
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import optlib
from optlib import moments as M

ALL = {
    "SGD": lambda lr=0.1: optlib.SGD(learning_rate=lr),
    "SGDM": lambda lr=0.1: optlib.SGDM(learning_rate=lr, beta=0.9),
    "NAG": lambda lr=0.1: optlib.NAG(learning_rate=lr, beta=0.9),
    "AdaGrad": lambda lr=0.1: optlib.AdaGrad(learning_rate=lr),
    # lr 0.01: at 0.1 RMSProp's first steps are about 0.3 * sign(g) per weight, and the last-bit
    # differences between the compiled and the eager forward pass grow to 1e-4 within 5 epochs
    "RMSProp": lambda lr=0.01: optlib.RMSProp(learning_rate=lr),
    "AdaDelta": lambda lr=1.0: optlib.AdaDelta(learning_rate=lr),
    "Adam": lambda lr=0.1: optlib.Adam(learning_rate=lr),
    # a decay 25 times Keras' default, so that it shows within 5 epochs
    "AdamW": lambda lr=0.1: optlib.AdamW(learning_rate=lr, weight_decay=0.1),
    "AMSGrad": lambda lr=0.1: optlib.AMSGrad(learning_rate=lr),
    "AdaMax": lambda lr=0.1: optlib.AdaMax(learning_rate=lr),
    "Nadam": lambda lr=0.1: optlib.Nadam(learning_rate=lr),
    "Lion": lambda lr=0.01: optlib.Lion(learning_rate=lr),
}


# ------------------------------------------------------------------ sparse gradients
@pytest.mark.parametrize("name", sorted(ALL))
def test_indexed_slices_equal_the_dense_gradient(name):
    """A tf.gather loss gives tf.IndexedSlices (rows 0 and 2, row 2 twice so the duplicates must
    be summed; rows 1 and 3 get no gradient but their momentum still decays). Same result as the
    same loss written with dense slicing, for 5 steps and every optimizer."""
    w0 = np.arange(12, dtype=np.float32).reshape(4, 3) / 10 - 0.5
    rows = [0, 2, 2]
    results = []
    for sparse in (True, False):
        variable, optimizer = tf.Variable(w0), ALL[name]()
        for step in range(5):
            with tf.GradientTape() as tape:
                if sparse:
                    picked = tf.gather(variable, rows)
                else:
                    picked = tf.stack([variable[r] for r in rows])
                # the loss changes with the step so that rows move differently each time
                loss = tf.reduce_sum(tf.sin(picked * (step + 1.0)))
            (gradient,) = tape.gradient(loss, [variable])
            assert isinstance(gradient, tf.IndexedSlices) == sparse
            optimizer.apply_gradients([(gradient, variable)])
        results.append((variable.numpy(), {k: v.numpy() for k, v in optimizer.state(variable).items()}))
    (w_sparse, s_sparse), (w_dense, s_dense) = results
    np.testing.assert_allclose(w_sparse, w_dense, rtol=1e-6, atol=1e-7)
    assert not np.allclose(w_sparse, w0)
    for key in s_dense:
        np.testing.assert_allclose(s_sparse[key], s_dense[key], rtol=1e-6, atol=1e-7)


def test_indexed_slices_inside_tf_function():
    variable, optimizer = tf.Variable(tf.ones([5, 2])), optlib.Adam(0.1)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.gather(variable, [1, 3]) * 3.0)
        optimizer.apply_gradients(zip(tape.gradient(loss, [variable]), [variable]))

    step()
    step()
    expected = np.ones([5, 2], np.float32)
    expected[[1, 3]] -= 0.2  # a constant gradient: every Adam step is lr * sign(g)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=1e-5)


# ------------------------------------------------------------------ learning-rate schedules
def test_keras_path_applies_schedule_at_t_minus_1():
    """Step t (1-based) uses lr(t - 1): Keras evaluates the schedule at ``iterations`` before
    incrementing it. Constant gradient 1 and SGD, so w_t = w_{t-1} - lr(t - 1)."""
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    optimizer, variable = optlib.SGD(learning_rate=schedule), tf.Variable([1.0])
    expected = 1.0
    for t in range(1, 6):
        optimizer.apply_gradients([(tf.constant([1.0]), variable)])
        expected -= 0.1 * 0.5 ** (t - 1)
        np.testing.assert_allclose(variable.numpy(), [expected], rtol=1e-6)
    assert optimizer.learning_rate_spec is schedule


def test_schedule_reaches_the_rule():
    """With Adam the step is lr(t-1) * m_hat / (sqrt(V_hat) + eps): a constant gradient makes
    m_hat / sqrt(V_hat) = 1, so each step is the scheduled rate. PiecewiseConstantDecay([2], ...)
    gives 0.1 for steps 0, 1, 2 and 0.01 after, so steps t = 1, 2, 3 use 0.1 and t = 4 uses 0.01."""
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([2], [0.1, 0.01])
    optimizer, variable = optlib.Adam(learning_rate=schedule, epsilon=0.0), tf.Variable([0.0])
    trajectory = []
    for _ in range(4):
        optimizer.apply_gradients([(tf.constant([2.0]), variable)])
        trajectory.append(float(variable.numpy()[0]))
    np.testing.assert_allclose(trajectory, [-0.1, -0.2, -0.3, -0.31], rtol=1e-5)


def tape_loop(optimizer, epochs, batch_size=32, seed=116):
    """The notes' network and data, trained by hand with GradientTape + optimizer.apply_gradients
    (the Keras optimizer path). Returns per-epoch mean batch loss and the final weights."""
    data = optlib.iris.load()
    w_init, b_init = optlib.initial_weights(seed)
    w1, b1 = tf.Variable(w_init), tf.Variable(b_init)
    x = tf.constant(data.x_train)
    y = tf.one_hot(data.y_train, depth=3)
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for i in range(0, len(data.x_train), batch_size):
            with tf.GradientTape() as tape:
                prediction = tf.nn.softmax(tf.matmul(x[i:i + batch_size], w1) + b1)
                loss = tf.reduce_mean(tf.square(y[i:i + batch_size] - prediction))
            grads = tape.gradient(loss, [w1, b1])
            optimizer.apply_gradients(zip(grads, [w1, b1]))
            batch_losses.append(float(loss))
        losses.append(np.mean(batch_losses))
    return np.array(losses), w1.numpy(), b1.numpy()


EPOCHS = 5


@pytest.mark.parametrize("name", sorted(ALL))
def test_train_equals_the_keras_optimizer_path(name):
    """optlib.train (the rule compiled with XLA) equals the same optimizer used through Keras'
    apply_gradients in an eager GradientTape loop: both paths run one piece of code per equation."""
    history = optlib.train(ALL[name](), epochs=EPOCHS)
    loss, w1, b1 = tape_loop(ALL[name](), EPOCHS)
    np.testing.assert_allclose(history.loss, loss, rtol=0, atol=1e-5)
    np.testing.assert_allclose(history.weights["w1"], w1, rtol=0, atol=1e-5)
    np.testing.assert_allclose(history.weights["b1"], b1, rtol=0, atol=1e-5)


SCHEDULES = {
    "exponential": lambda: keras.optimizers.schedules.ExponentialDecay(0.2, decay_steps=3, decay_rate=0.5),
    "staircase": lambda: keras.optimizers.schedules.ExponentialDecay(0.2, 4, 0.5, staircase=True),
    "piecewise": lambda: keras.optimizers.schedules.PiecewiseConstantDecay([4, 9], [0.3, 0.1, 0.02]),
    "cosine": lambda: keras.optimizers.schedules.CosineDecay(0.2, decay_steps=20),
}


# each schedule once, with SGD (the rate alone) or Adam (the rate times the rule); each is a compiled
# program of its own, so not every pair
@pytest.mark.parametrize("name, schedule", [("SGD", "exponential"), ("Adam", "staircase"),
                                            ("SGD", "piecewise"), ("Adam", "cosine")])
def test_train_with_schedule_equals_the_keras_optimizer_path(name, schedule):
    history = optlib.train(ALL[name](SCHEDULES[schedule]()), epochs=EPOCHS)
    loss, w1, _ = tape_loop(ALL[name](SCHEDULES[schedule]()), EPOCHS)
    np.testing.assert_allclose(history.loss, loss, rtol=0, atol=1e-5)
    np.testing.assert_allclose(history.weights["w1"], w1, rtol=0, atol=1e-5)
    # the schedule matters: a constant rate at the schedule's start gives another curve
    constant, _, _ = tape_loop(ALL[name](float(SCHEDULES[schedule]()(0))), EPOCHS)
    assert np.abs(constant - history.loss).max() > 1e-4


class WarmRestart(keras.optimizers.schedules.LearningRateSchedule):
    """A schedule written with a Python ``if`` on the step tensor: it needs AutoGraph, which
    model.fit applies to it; optlib.train's compiled run must convert it too."""

    def __call__(self, step):
        if step < 5:
            return 0.3
        return 0.05


def test_train_converts_a_schedule_written_with_python_branches():
    history = optlib.train(optlib.SGD(learning_rate=WarmRestart()), epochs=EPOCHS)
    loss, w1, _ = tape_loop(optlib.SGD(learning_rate=WarmRestart()), EPOCHS)
    np.testing.assert_allclose(history.loss, loss, rtol=0, atol=1e-5)
    np.testing.assert_allclose(history.weights["w1"], w1, rtol=0, atol=1e-5)
    constant, _, _ = tape_loop(optlib.SGD(learning_rate=0.3), EPOCHS)
    assert np.abs(constant - history.loss).max() > 1e-4


def test_train_with_a_plain_callable_learning_rate_equals_the_keras_path():
    """Keras calls a learning rate that is a plain callable (not a LearningRateSchedule) with no
    argument; optlib accepts one, so train must call it the same way."""
    history = optlib.train(optlib.SGD(learning_rate=lambda: 0.2), epochs=2)
    loss, _, _ = tape_loop(optlib.SGD(learning_rate=lambda: 0.2), 2)
    np.testing.assert_allclose(history.loss, loss, rtol=0, atol=1e-5)


# ------------------------------------------------------------------ tf.train.Checkpoint
def quadratic_gradients(variables, step):
    """Deterministic gradients that depend on the weights and the step."""
    w, b = variables
    return [tf.sin(w * (step + 1.0)) + 0.1 * w, tf.cos(b + step) * 0.5]


def run_steps(optimizer, variables, first, last):
    for step in range(first, last):
        optimizer.apply_gradients(zip(quadratic_gradients(variables, step), variables))


CHECKPOINTED = dict(ALL, **{
    "schedule": lambda: optlib.Adam(keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)),
    "composed": lambda: optlib.MomentOptimizer(M.Nesterov(0.8), M.MeanOfSquares(0.9, True), 1e-3, 0.1),
})


@pytest.mark.parametrize("name", sorted(CHECKPOINTED))
def test_checkpoint_resume_equals_an_uninterrupted_run(name, tmp_path):
    """Train 3 steps, save, restore into fresh variables and a fresh optimizer, train 4 more: the
    same weights, optimizer state and iterations as 7 steps in one go (Adam's bias correction and
    schedules read ``iterations``, so a lost step count would show)."""
    init = [np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), np.array([0.3, -0.2], np.float32)]

    straight = [tf.Variable(v) for v in init]
    straight_opt = CHECKPOINTED[name]()
    run_steps(straight_opt, straight, 0, 7)

    first = [tf.Variable(v) for v in init]
    first_opt = CHECKPOINTED[name]()
    run_steps(first_opt, first, 0, 3)
    path = tf.train.Checkpoint(w=first[0], b=first[1], optimizer=first_opt).save(str(tmp_path / "ckpt"))

    resumed = [tf.Variable(np.zeros_like(v)) for v in init]
    resumed_opt = CHECKPOINTED[name]()
    status = tf.train.Checkpoint(w=resumed[0], b=resumed[1], optimizer=resumed_opt).restore(path)
    resumed_opt.build(resumed)
    status.assert_existing_objects_matched()
    assert int(resumed_opt.iterations.numpy()) == 3
    for key, value in first_opt.state(first[0]).items():
        np.testing.assert_array_equal(resumed_opt.state(resumed[0])[key].numpy(), value.numpy())
    run_steps(resumed_opt, resumed, 3, 7)

    assert int(resumed_opt.iterations.numpy()) == int(straight_opt.iterations.numpy()) == 7
    for a, b in zip(resumed, straight):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for variable_a, variable_b in zip(resumed, straight):
        state_a, state_b = resumed_opt.state(variable_a), straight_opt.state(variable_b)
        assert state_a.keys() == state_b.keys()
        for key in state_a:
            np.testing.assert_array_equal(state_a[key].numpy(), state_b[key].numpy())


def test_checkpoint_restored_before_build_by_apply_gradients(tmp_path):
    """Restore, then let the first apply_gradients build the slots (deferred restoration)."""
    init = [np.array([[0.5, -1.0]], np.float32), np.array([0.1, 0.2], np.float32)]
    straight, straight_opt = [tf.Variable(v) for v in init], optlib.Adam(0.05)
    run_steps(straight_opt, straight, 0, 4)
    first, first_opt = [tf.Variable(v) for v in init], optlib.Adam(0.05)
    run_steps(first_opt, first, 0, 2)
    path = tf.train.Checkpoint(w=first[0], b=first[1], optimizer=first_opt).save(str(tmp_path / "c"))
    resumed, resumed_opt = [tf.Variable(np.zeros_like(v)) for v in init], optlib.Adam(0.05)
    tf.train.Checkpoint(w=resumed[0], b=resumed[1], optimizer=resumed_opt).restore(path)
    run_steps(resumed_opt, resumed, 2, 4)
    for a, b in zip(resumed, straight):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


# ------------------------------------------------------------------ Model.fit and configs
def iris_arrays():
    data = optlib.iris.load()
    return data.x_train, keras.utils.to_categorical(data.y_train, 3)


@pytest.mark.parametrize("name, jit_compile", [("Adam", False), ("Adam", True), ("SGDM", True),
                                              ("AdaDelta", False), ("AdamW", True), ("Nadam", False),
                                              ("Lion", True)])
def test_model_fit_with_an_optlib_optimizer(name, jit_compile):
    keras.utils.set_random_seed(0)
    x, y = iris_arrays()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    optimizer = {"Adam": lambda: optlib.Adam(0.05), "SGDM": lambda: optlib.SGDM(0.5),
                 "AdaDelta": lambda: optlib.AdaDelta(1.0), "AdamW": lambda: optlib.AdamW(0.05, 0.01),
                 "Nadam": lambda: optlib.Nadam(0.05), "Lion": lambda: optlib.Lion(0.01)}[name]()
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=jit_compile)
    history = model.fit(x, y, batch_size=32, epochs=30, shuffle=False, verbose=0)
    loss = history.history["loss"]
    assert np.isfinite(loss).all()
    assert loss[-1] < 0.7 * loss[0]
    if name != "AdaDelta":  # AdaDelta (no learning rate) is still slow after 30 epochs
        assert history.history["accuracy"][-1] > 0.8
    assert int(optimizer.iterations.numpy()) == 30 * 4
    kernel = model.layers[0].kernel
    assert optimizer.state(kernel)["m"].shape == kernel.shape


def test_model_fit_step_equals_apply_gradients():
    """One Model.fit epoch (4 batches, no shuffling) updates exactly as the GradientTape loop."""
    x, y = iris_arrays()
    w_init, b_init = optlib.initial_weights()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.set_weights([w_init, b_init])
    model.compile(optimizer=optlib.Adam(0.1), loss="mean_squared_error")
    model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    # keras' mean_squared_error is the mean over classes, then over the batch: the notes' loss
    _, w1, b1 = tape_loop(optlib.Adam(0.1), 2)
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), w1, rtol=0, atol=1e-5)
    np.testing.assert_allclose(model.layers[0].bias.numpy(), b1, rtol=0, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: optlib.SGD(0.2), lambda: optlib.SGDM(0.2, beta=0.7), lambda: optlib.NAG(0.3, beta=0.6),
    lambda: optlib.AdaGrad(0.2, epsilon=1e-4), lambda: optlib.RMSProp(0.2, beta=0.8, epsilon=1e-4),
    lambda: optlib.AdaDelta(0.9, rho=0.8, epsilon=1e-4), lambda: optlib.Adam(0.2, 0.8, 0.95, 1e-4),
    lambda: optlib.MomentOptimizer(M.Momentum(0.7, bias_correction=True), M.SumOfSquares(), 1e-4, 0.2),
    lambda: optlib.AdamW(0.2, 0.05, 0.8, 0.95, 1e-4), lambda: optlib.AMSGrad(0.2, 0.8, 0.95, 1e-4),
    lambda: optlib.AdaMax(0.2, 0.8, 0.95, 1e-4), lambda: optlib.Nadam(0.2, 0.8, 0.95, 1e-4),
    lambda: optlib.Lion(0.05, 0.8, 0.95),
    lambda: optlib.MomentOptimizer(M.ScheduledNesterov(0.8, momentum_decay=0.004),
                                   M.MaxOfMeanOfSquares(0.9, True), 1e-4, 0.2),
    lambda: optlib.MomentOptimizer(M.Interpolation(0.8, 0.9), M.InfinityNorm(0.9), 1e-4, 0.2),
])
def test_config_round_trip_gives_the_same_optimizer(make):
    """get_config / from_config (what model.save and keras.optimizers.deserialize use) rebuilds an
    optimizer with the same rule: same trajectory."""
    optimizer = make()
    clone = type(optimizer).from_config(optimizer.get_config())
    assert clone.rule == optimizer.rule
    assert clone.learning_rate_spec == pytest.approx(optimizer.learning_rate_spec)
    grads = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    results = []
    for opt in (optimizer, clone):
        variable = tf.Variable(np.ones(3, np.float32))
        for g in grads:
            opt.apply_gradients([(tf.constant(g), variable)])
        results.append(variable.numpy())
    np.testing.assert_array_equal(*results)


def test_saved_model_file_round_trip(tmp_path):
    """model.save / keras.models.load_model with an optlib optimizer (custom_objects)."""
    x, y = iris_arrays()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optlib.RMSProp(0.01, beta=0.8), loss="categorical_crossentropy")
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"RMSProp": optlib.RMSProp})
    assert isinstance(loaded.optimizer, optlib.RMSProp)
    assert loaded.optimizer.rule == model.optimizer.rule
    assert int(loaded.optimizer.iterations.numpy()) == 4


@pytest.mark.parametrize("name", sorted(optlib.ALL_OPTIMIZERS))
def test_default_names_are_unique_as_in_keras(name):
    """Keras names optimizers "adam", "adam_1", ...; a name is fixed only where the user gives one
    (Keras' own optimizer tests check the same), and from_config keeps it."""
    cls = optlib.ALL_OPTIMIZERS[name]
    first, second = cls(), cls()
    base = name.lower()
    assert first.name != second.name
    assert all(re.fullmatch(rf"{base}(_\d+)?", o.name) for o in (first, second)), (first.name, second.name)
    assert cls(name="mine").name == "mine"
    assert cls.from_config(second.get_config()).name == second.name


# ------------------------------------------------------------------ AdamW: the decay lives in the rule
def test_adamw_in_model_fit_equals_keras_adamw():
    """Two epochs of model.fit (jit_compile) with optlib's AdamW and with Keras' (epsilon = 0 both):
    the same weights, so the decay is applied once per step in fit, as Keras applies its own. Applied
    twice, it would move the kernel by lr * wd * |w| = 5e-3 * |w| more each step."""
    x, y = iris_arrays()
    w_init, b_init = optlib.initial_weights()
    kernels = []
    for optimizer in (optlib.AdamW(0.05, weight_decay=0.1, epsilon=0.0),
                      keras.optimizers.AdamW(0.05, weight_decay=0.1, epsilon=0.0)):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.set_weights([w_init, b_init])
        model.compile(optimizer=optimizer, loss="mean_squared_error", jit_compile=True)
        model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        kernels.append(model.layers[0].kernel.numpy())
    np.testing.assert_allclose(kernels[0], kernels[1], rtol=0, atol=1e-5)


def test_adamw_is_optlib_adam_with_keras_weight_decay_and_train_accepts_only_adamw():
    """optlib.Adam(weight_decay=wd) decays through Keras' base class; optlib.AdamW(weight_decay=wd)
    in its rule: the same numbers in Keras' loop. optlib.train runs the rule alone, so it refuses the
    first (Keras' option would be skipped) and runs the second, decay included."""
    _, adam_w1, _ = tape_loop(optlib.Adam(0.1, weight_decay=0.1), EPOCHS)
    _, adamw_w1, _ = tape_loop(optlib.AdamW(0.1, weight_decay=0.1), EPOCHS)
    np.testing.assert_allclose(adamw_w1, adam_w1, rtol=0, atol=1e-5)
    with pytest.raises(ValueError, match="ignore `weight_decay="):
        optlib.train(optlib.Adam(0.1, weight_decay=0.1), epochs=EPOCHS)
    decayed = optlib.train(optlib.AdamW(0.1, weight_decay=0.1), epochs=EPOCHS)
    np.testing.assert_allclose(decayed.weights["w1"], adamw_w1, rtol=0, atol=1e-5)
    undecayed = optlib.train(optlib.AdamW(0.1, weight_decay=0.0), epochs=EPOCHS)
    assert np.abs(decayed.weights["w1"] - undecayed.weights["w1"]).max() > 1e-3


def test_adamw_config_keeps_the_decay_out_of_keras():
    optimizer = optlib.AdamW(0.1, weight_decay=0.25)
    config = optimizer.get_config()
    assert config["weight_decay"] == 0.25 and optimizer.weight_decay is None
    clone = optlib.AdamW.from_config(config)
    assert clone.rule.weight_decay == 0.25 and clone.weight_decay is None
    optlib.compiled.require_optimizer(clone, "train")  # no Keras-only option set
