"""``optlib.train``: a task's training, every epoch of every seed's model in one XLA program.

The task (``optlib.tasks``; by default the notes' iris experiment) gives the data, the network and
the loss. Training is the notes' loop: batches of ``batch_size`` in a fixed order, the epoch loss
the mean of its batch losses, test accuracy after every epoch. With ``seeds`` the models are
stacked on a last axis and trained together on the sum of their losses; every optimizer here is
element-wise, so each model gets exactly its own gradient and its own update: independent runs
in one compiled program.
"""
import time

import numpy as np
import tensorflow as tf

from optlib import _quiet, compiled, rules, tasks, validate
from optlib.history import History
from optlib.tasks.iris_task import NOTES_SEED, notes_initial_weights as initial_weights  # noqa: F401


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


def _compiled_run(task, rule, schedule, epochs):
    """One XLA program that runs up to ``epochs`` epochs (stopping early once every model's loss
    is non-finite) and returns per-epoch losses and test accuracies, shape (epochs, S).
    The data are inputs, not constants: the program depends only on their shapes."""

    def train_step(params, states, t, lr, xb, yb):
        with tf.GradientTape() as tape:
            tape.watch(params)
            per_model = task.loss(yb, task.outputs(xb, params))
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
    def run(params, lr, n_epochs, full, rest, x_test, y_test):
        s_models = tf.shape(params[0])[-1]
        x_full, y_full = full
        n_full = x_full.shape[0]
        n_batches = n_full + (rest is not None)

        def per_epoch():
            return tf.TensorArray(tf.float32, size=epochs, element_shape=[None])
        states = [tuple(tf.zeros_like(p) for _ in rule.slots) for p in params]

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
            pred = tf.argmax(task.outputs(x_test, params), axis=1, output_type=tf.int32)
            acc = tf.reduce_mean(tf.cast(tf.equal(pred, y_test[:, None]), tf.float32), axis=0)
            losses = losses.write(epoch, epoch_loss)
            accs = accs.write(epoch, acc)
            finite = tf.reduce_any(tf.math.is_finite(epoch_loss))
            return epoch + 1, t, params, states, losses, accs, finite

        loop = (tf.constant(0), tf.constant(0.0), list(params), states, per_epoch(), per_epoch(),
                tf.constant(True))
        ran, _, params, _, losses, accs, _ = tf.while_loop(cond, body, loop)
        return ran, losses.stack(), accs.stack(), params

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


def train(optimizer, epochs=500, batch_size=32, seeds=None, data=None, initial_weights=None, task=None):
    """Train ``task``'s network (default: the notes' iris experiment) with ``optimizer``; a ``History``.

    ``seeds=None`` trains one model from the task's default seed (the notes' 116 for iris).
    ``seeds=[s1, s2, ...]`` trains one model per seed in the same compiled run.
    ``initial_weights`` (a tuple in the order of ``task.shapes``, or a History's ``weights``)
    starts from given weights instead, one model or, with a leading axis, several; the
    optimizer's state (m, V and the step count t) still starts from zero. ``data`` replaces the
    task's data (same features and classes). The optimizer supplies its update rule and learning
    rate (a float or a Keras schedule); its own Keras variables are not touched, so one object
    can serve many runs.
    """
    seeds_list = _check(optimizer, epochs, batch_size, seeds)
    task = tasks.iris() if task is None else _check_task(task)
    data = task.data if data is None else task.check_data(data)
    if initial_weights is None:
        start_weights = task.initial_weights(seeds_list or [task.default_seed])
        one_model = seeds_list is None
    elif seeds is not None:
        raise ValueError("`seeds` and `initial_weights` both choose the starting weights: pass one of them.")
    else:
        start_weights, one_model = task.check_initial_weights(initial_weights)
    names = list(task.shapes)
    params = [tf.constant(np.moveaxis(start_weights[n], 0, -1)) for n in names]  # model axis last
    full, rest = _batches(np.asarray(data.x_train, np.float32), np.asarray(data.y_train), batch_size,
                          task.classes)

    start = time.perf_counter()
    x_test = tf.constant(np.asarray(data.x_test, np.float32))
    y_test = tf.constant(np.asarray(data.y_test), tf.int32)
    key = ("train", task.signature, epochs, params[0].shape[-1], tuple(full[0].shape),
           rest and tuple(rest[0].shape), tuple(x_test.shape))
    run, lr = compiled.program(optimizer, key, lambda rule, schedule: _compiled_run(task, rule, schedule, epochs))
    run(params, lr, tf.constant(0), full, rest, x_test, y_test)  # trace and compile, once per key
    compile_seconds = time.perf_counter() - start

    start = time.perf_counter()
    ran, losses, accs, params = run(params, lr, tf.constant(epochs), full, rest, x_test, y_test)
    losses = losses.numpy().T
    seconds = time.perf_counter() - start
    accs = accs.numpy().T
    losses[:, int(ran):] = np.nan  # epochs never run (every model had diverged)
    device = device_name(params[0])

    diverged = []
    for row_loss, row_acc in zip(losses, accs):
        bad = np.flatnonzero(~np.isfinite(row_loss))
        at = int(bad[0]) if bad.size else None
        if at is not None:
            row_loss[at:] = np.nan
            row_acc[at:] = np.nan
        diverged.append(at)
    weights = {n: np.moveaxis(p.numpy(), -1, 0) for n, p in zip(names, params)}
    if one_model:
        losses, accs, diverged = losses[0], accs[0], diverged[0]
        weights = {n: w[0] for n, w in weights.items()}
    return History(optimizer=optimizer.name, loss=losses, test_accuracy=accs, seconds=seconds,
                   compile_seconds=compile_seconds, weights=weights, diverged_at=diverged,
                   device=device, seeds=seeds_list)


def _check_task(task):
    if not isinstance(task, tasks.Task):
        raise TypeError(f"`task` must be an optlib task such as optlib.tasks.iris() or "
                        f"optlib.tasks.digits(), got {type(task).__name__}.")
    return task


def device_name(tensor):
    """'CPU:0', 'GPU:0', ... from a tensor's device string."""
    name = tensor.device or ""
    return name.split("device:")[-1] if "device:" in name else (name or "unknown")


def default_device():
    """Where TensorFlow places computations by default here: 'GPU:0' with a GPU, else 'CPU:0'."""
    _quiet.start_xla_quietly()
    return device_name(tf.constant(0.0) + 0.0)
