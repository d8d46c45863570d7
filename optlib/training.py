"""The notes' iris experiment, compiled: 500 epochs of the one-layer softmax network in one XLA call.

Network (the notes'): y = softmax(x @ w1 + b1), loss = mean((one_hot(label) - y)^2) per batch,
batches of ``batch_size`` in a fixed order, the epoch loss the mean of its batch losses, test
accuracy after every epoch. With ``seeds`` the models are stacked on a leading axis and trained
together on the sum of their losses; every optimizer here is element-wise, so each model gets
exactly its own gradient and its own update: independent runs in one compiled program.
"""
import functools
import threading
import time

import numpy as np
import tensorflow as tf

from optlib import _quiet, compiled, iris, rules, validate
from optlib.history import History

NOTES_SEED = 116
# The notes draw their weights through TensorFlow's global seed (set it, then draw): two threads
# doing so at once would swap or mix their draws, so every set-then-draw holds this lock.
_GLOBAL_SEED_LOCK = threading.RLock()


def initial_weights(seed=NOTES_SEED):
    """The notes' initialisation: after ``tf.random.set_seed(seed)``, w1 (4, 3) then b1 (3,)
    from ``tf.random.truncated_normal(..., stddev=0.1, seed=1)``. Resets TF's global seed."""
    with _GLOBAL_SEED_LOCK:
        tf.random.set_seed(seed)
        w1 = tf.random.truncated_normal([4, 3], stddev=0.1, seed=1)
        b1 = tf.random.truncated_normal([3], stddev=0.1, seed=1)
        return w1.numpy(), b1.numpy()


_notes_initial_weights = initial_weights  # inside train(), its argument `initial_weights` hides the name


@functools.lru_cache(maxsize=None)
def _cached_initial_weights(seed):
    """``initial_weights(seed)``, computed once per seed: each call resets TF's global seed, which also
    clears TensorFlow's eager kernel cache, and costs ~10 ms (far more on a busy machine), which made
    the set-up of a 100-seed ``train`` call take longer than the training. Only ``train`` uses it."""
    return initial_weights(seed)


def _batches(x, y, batch_size, n_classes):
    """The notes' batches (consecutive, in the data's order, as ``tf.data...batch(batch_size)`` makes
    them) with one-hot labels: the full batches stacked, shapes (n_full, batch_size, 4) and
    (n_full, batch_size, n_classes), and the shorter last batch, or None when there is none."""
    n_full = len(x) // batch_size
    cut = n_full * batch_size
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    full = (tf.constant(x[:cut].reshape(n_full, batch_size, x.shape[1])),
            tf.constant(onehot[:cut].reshape(n_full, batch_size, n_classes)))
    rest = (tf.constant(x[cut:]), tf.constant(onehot[cut:])) if cut < len(x) else None
    return full, rest


def _forward(x, w, b):
    """softmax(x @ w + b) for stacked models: x (B, 4), w (4, 3, S), b (3, S) -> (B, 3, S).

    The model axis S is last, so the softmax over the 3 classes runs element-wise along S. For
    one model the product is written out as 4 broadcast products, which XLA fuses (a tiny matmul
    costs a library call); for many, one matmul (4, 3*S) does the arithmetic better. The max
    subtracted for stability is held constant (softmax does not depend on it), which spares
    XLA the gradient of a max.
    """
    if w.shape[-1] == 1:
        logits = b + sum(x[:, k, None, None] * w[k] for k in range(w.shape[0]))
    else:
        features, classes = w.shape[0], w.shape[1]
        logits = tf.reshape(tf.matmul(x, tf.reshape(w, [features, -1])), [-1, classes, w.shape[2]]) + b
    exp = tf.exp(logits - tf.stop_gradient(tf.reduce_max(logits, axis=1, keepdims=True)))
    return exp / tf.reduce_sum(exp, axis=1, keepdims=True)


def _compiled_run(rule, schedule, epochs):
    """One XLA program that runs up to ``epochs`` epochs (stopping early once every model's loss
    is non-finite) and returns per-epoch losses and test accuracies, shape (epochs, S).
    The data are inputs, not constants: the program depends only on their shapes."""

    def train_step(params, states, t, lr, xb, yb):
        with tf.GradientTape() as tape:
            tape.watch(params)
            y = _forward(xb, *params)
            per_model = tf.reduce_mean(tf.square(yb[:, :, None] - y), axis=[0, 1])
            total = tf.reduce_sum(per_model)
        grads = tape.gradient(total, params)
        step_lr = compiled.learning_rate_at(schedule, lr, t - 1.0)
        new_params, new_states = [], []
        for p, s, g in zip(params, states, grads):
            s, direction = rules.step(rule, s, g, t, p)
            new_params.append(p - step_lr * direction)
            new_states.append(s)
        return new_params, new_states, per_model

    @tf.function(jit_compile=True, autograph=False)
    def run(w, b, lr, n_epochs, full, rest, x_test, y_test):
        s_models = tf.shape(b)[1]
        x_full, y_full = full
        n_full = x_full.shape[0]
        n_batches = n_full + (rest is not None)

        def per_epoch():
            return tf.TensorArray(tf.float32, size=epochs, element_shape=[None])
        states = [tuple(tf.zeros_like(p) for _ in rule.slots) for p in (w, b)]

        def cond(epoch, t, params, states, losses, accs, finite):
            return tf.logical_and(epoch < n_epochs, finite)

        def batch_step(t, params, states, loss_sum, xb, yb):
            t = t + 1.0
            params, states, per_model = train_step(params, states, t, lr, xb, yb)
            return t, params, states, loss_sum + per_model

        def batch_body(i, *carry):
            return (i + 1,) + batch_step(*carry, x_full[i], y_full[i])

        def body(epoch, t, params, states, losses, accs, finite):
            # The full batches in a loop (one copy of the step in the program, not one per batch),
            # then the shorter last batch, whose shapes differ.
            carry = (t, params, states, tf.zeros([s_models]))
            if n_full:  # a training set smaller than one batch has only the shorter batch
                _, *carry = tf.while_loop(lambda i, *_: i < n_full, batch_body, (tf.constant(0),) + carry)
            if rest is not None:
                carry = batch_step(*carry, *rest)
            t, params, states, loss_sum = carry
            epoch_loss = loss_sum / n_batches
            pred = tf.argmax(_forward(x_test, *params), axis=1, output_type=tf.int32)
            acc = tf.reduce_mean(tf.cast(tf.equal(pred, y_test[:, None]), tf.float32), axis=0)
            losses = losses.write(epoch, epoch_loss)
            accs = accs.write(epoch, acc)
            finite = tf.reduce_any(tf.math.is_finite(epoch_loss))
            return epoch + 1, t, params, states, losses, accs, finite

        loop = (tf.constant(0), tf.constant(0.0), [w, b], states, per_epoch(), per_epoch(),
                tf.constant(True))
        ran, _, params, _, losses, accs, _ = tf.while_loop(cond, body, loop)
        return ran, losses.stack(), accs.stack(), params[0], params[1]

    return run


def _check(optimizer, epochs, batch_size, seeds):
    compiled.require_optimizer(optimizer, "train")
    validate.positive_int("epochs", epochs)
    validate.positive_int("batch_size", batch_size)
    if seeds is None:
        return None
    def bad(value):
        return ValueError(f"`seeds` must be None or a non-empty list of integers, got {value!r}.")
    try:
        seeds = list(seeds)
    except TypeError:  # seeds=116 instead of [116]
        raise bad(seeds) from None
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in seeds):
        raise bad(seeds)
    return seeds


def _check_data(data):
    """The network is the notes' 4 features -> 3 classes: say so if ``data`` does not fit it."""
    try:
        parts = [np.asarray(getattr(data, name)) for name in ("x_train", "y_train", "x_test", "y_test")]
    except AttributeError as missing:
        raise ValueError(f"`data` needs fields x_train, y_train, x_test, y_test (like optlib.iris.load()): {missing}") from None
    x_train, y_train, x_test, y_test = parts
    for name, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.ndim != 2 or x.shape[1] != 4 or y.shape != (x.shape[0],) or x.shape[0] == 0:
            raise ValueError(f"`data`: x_{name} must have shape (n, 4) and y_{name} shape (n,), n > 0; "
                             f"got {x.shape} and {y.shape}.")
        if not np.isin(y, [0, 1, 2]).all():
            raise ValueError(f"`data`: y_{name} must hold class labels 0, 1 or 2.")
        if not np.issubdtype(x.dtype, np.number) or not np.isfinite(x.astype(np.float64)).all():
            raise ValueError(f"`data`: x_{name} must hold finite numbers; it contains NaN, inf or "
                             "non-numbers (drop or impute those rows first).")
    return data


def _check_initial_weights(start, seeds):
    """``start`` as float32 arrays (w1, b1), shapes (4, 3), (3,) or (S, 4, 3), (S, 3), or None."""
    if start is None:
        return None
    if seeds is not None:
        raise ValueError("`seeds` and `initial_weights` both choose the starting weights: pass one of them.")
    shapes = ("`initial_weights` must be (w1, b1), or a dict with keys 'w1' and 'b1' like History.weights, "
              "with shapes (4, 3) and (3,) for one model or (S, 4, 3) and (S, 3) for S models")
    try:
        w1, b1 = (start["w1"], start["b1"]) if isinstance(start, dict) else start
        w1, b1 = np.array(w1, np.float32), np.array(b1, np.float32)
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{shapes}; got {start!r:.200}.") from None
    one = w1.shape == (4, 3) and b1.shape == (3,)
    many = w1.ndim == 3 and w1.shape[0] > 0 and w1.shape[1:] == (4, 3) and b1.shape == (w1.shape[0], 3)
    if not (one or many):
        raise ValueError(f"{shapes}; got shapes {w1.shape} and {b1.shape}.")
    if not (np.isfinite(w1).all() and np.isfinite(b1).all()):
        raise ValueError("`initial_weights` must be finite (a diverged run's weights are NaN or inf).")
    return w1, b1


def train(optimizer, epochs=500, batch_size=32, seeds=None, data=None, initial_weights=None):
    """Train the notes' iris network with ``optimizer`` and return a ``History``.

    ``seeds=None`` is the notes' run (initial weights from seed 116). ``seeds=[s1, s2, ...]``
    trains one model per seed, each initialised as the notes do after ``tf.random.set_seed(s)``,
    in the same compiled run. ``initial_weights=(w1, b1)`` (or a History's ``weights``) starts
    from given weights instead, one model or, with a leading axis, several; the optimizer's
    state (m, V and the step count t) still starts from zero. ``data`` defaults to
    ``optlib.iris.load()``. The optimizer supplies its update rule and learning rate (a float or
    a Keras schedule); its own Keras variables are not touched, so one object can serve many runs.
    """
    seeds_list = _check(optimizer, epochs, batch_size, seeds)
    start_weights = _check_initial_weights(initial_weights, seeds)
    data = iris.load() if data is None else _check_data(data)
    if start_weights is None:
        seeds_used = seeds_list or [NOTES_SEED]
        inits = [_cached_initial_weights(int(s)) for s in seeds_used]
        # Leave TensorFlow's random state as the uncached loop did: as after initial_weights(last seed).
        _notes_initial_weights(int(seeds_used[-1]))
        w0 = np.stack([w for w, _ in inits], axis=-1)  # (4, 3, S): see _forward
        b0 = np.stack([b for _, b in inits], axis=-1)  # (3, S)
        one_model = seeds_list is None
    else:
        w1_start, b1_start = start_weights
        one_model = w1_start.ndim == 2
        w0 = w1_start[..., None] if one_model else w1_start.transpose(1, 2, 0)
        b0 = b1_start[..., None] if one_model else b1_start.T
    w0, b0 = tf.constant(w0), tf.constant(b0)
    n_classes = w0.shape[1]
    full, rest = _batches(np.asarray(data.x_train, np.float32), np.asarray(data.y_train), batch_size, n_classes)

    start = time.perf_counter()
    x_test = tf.constant(np.asarray(data.x_test, np.float32))
    y_test = tf.constant(np.asarray(data.y_test), tf.int32)
    key = ("train", epochs, w0.shape[-1], tuple(full[0].shape), rest and tuple(rest[0].shape), tuple(x_test.shape))
    run, lr = compiled.program(optimizer, key, lambda rule, schedule: _compiled_run(rule, schedule, epochs))
    run(w0, b0, lr, tf.constant(0), full, rest, x_test, y_test)  # trace and compile, once per key
    compile_seconds = time.perf_counter() - start

    start = time.perf_counter()
    ran, losses, accs, w1, b1 = run(w0, b0, lr, tf.constant(epochs), full, rest, x_test, y_test)
    losses = losses.numpy().T
    seconds = time.perf_counter() - start
    accs = accs.numpy().T
    losses[:, int(ran):] = np.nan  # epochs never run (every model had diverged)
    device = device_name(w1)

    diverged = []
    for row_loss, row_acc in zip(losses, accs):
        bad = np.flatnonzero(~np.isfinite(row_loss))
        at = int(bad[0]) if bad.size else None
        if at is not None:
            row_loss[at:] = np.nan
            row_acc[at:] = np.nan
        diverged.append(at)
    if one_model:
        losses, accs, diverged = losses[0], accs[0], diverged[0]
        weights = {"w1": w1.numpy()[..., 0], "b1": b1.numpy()[..., 0]}
    else:
        weights = {"w1": w1.numpy().transpose(2, 0, 1), "b1": b1.numpy().T}
    return History(optimizer=optimizer.name, loss=losses, test_accuracy=accs, seconds=seconds,
                   compile_seconds=compile_seconds, weights=weights, diverged_at=diverged,
                   device=device, seeds=seeds_list)


def device_name(tensor):
    """'CPU:0', 'GPU:0', ... from a tensor's device string."""
    name = tensor.device or ""
    return name.split("device:")[-1] if "device:" in name else (name or "unknown")


def default_device():
    """Where TensorFlow places computations by default here: 'GPU:0' with a GPU, else 'CPU:0'."""
    _quiet.start_xla_quietly()
    return device_name(tf.constant(0.0) + 0.0)
