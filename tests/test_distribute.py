"""optlib's optimizers under tf.distribute.MirroredStrategy on two logical CPU devices equal one device.

Logical devices must be configured before TensorFlow initialises its runtime, so the runs happen in
a fresh Python process (a script written to tmp_path) that prints its results as JSON. Keras sums
the replicas' gradients before ``update_step``, so each replica's loss must be its share of the
global mean: Model.fit does this itself; the custom loop divides the summed per-example loss by the
global batch size (``tf.nn.compute_average_loss``). The iris training set (120 rows, batches of 32)
ends with a batch of 24, split 12 + 12 over the replicas.
"""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

SCRIPT = textwrap.dedent(r"""
    import json
    import sys

    import optlib  # quiets TensorFlow; does not start its runtime
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])

    import keras
    import numpy as np
    from optlib import moments as M

    OPTIMIZERS = {
        "SGD": lambda: optlib.SGD(0.1),
        "SGDM": lambda: optlib.SGDM(0.1, beta=0.9),
        "NAG": lambda: optlib.NAG(0.1, beta=0.9),
        "AdaGrad": lambda: optlib.AdaGrad(0.1),
        "RMSProp": lambda: optlib.RMSProp(0.01),
        "AdaDelta": lambda: optlib.AdaDelta(1.0),
        "Adam": lambda: optlib.Adam(0.1),
        "AdamW": lambda: optlib.AdamW(0.1, weight_decay=0.1),
        "AMSGrad": lambda: optlib.AMSGrad(0.1),
        "AdaMax": lambda: optlib.AdaMax(0.1),
        "Nadam": lambda: optlib.Nadam(0.1),
        "Lion": lambda: optlib.Lion(0.01),
        "Composed": lambda: optlib.MomentOptimizer(M.Momentum(0.8, True), M.SumOfSquares(), 1e-7, 0.1),
    }
    EPOCHS, BATCH = 3, 32
    data = optlib.iris.load()
    x = data.x_train
    y = keras.utils.to_categorical(data.y_train, 3).astype(np.float32)
    w_init, b_init = optlib.initial_weights()

    def distributed(variable):
        # a tf.Variable, or a Keras variable (which wraps one in .value), placed on every replica
        inner = variable.value if isinstance(variable, keras.Variable) else variable
        return isinstance(inner, tf.distribute.DistributedValues)

    def fit(make_optimizer, strategy):
        with strategy.scope():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            model.set_weights([w_init, b_init])
            optimizer = make_optimizer()
            model.compile(optimizer=optimizer, loss="mean_squared_error")
        history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        kernel = model.layers[0].kernel
        return {
            "loss": history.history["loss"],
            "weights": [w.tolist() for w in model.get_weights()],
            "state": {k: np.asarray(v).tolist() for k, v in optimizer.state(kernel).items()},
            "iterations": int(optimizer.iterations.numpy()),
            "mirrored": [distributed(kernel), all(distributed(s) for s in optimizer._slots[0])],
        }

    def custom_loop(make_optimizer, strategy):
        with strategy.scope():
            w = tf.Variable(w_init)
            b = tf.Variable(b_init)
            optimizer = make_optimizer()
            optimizer.build([w, b])
        dataset = strategy.experimental_distribute_dataset(
            tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH))

        def replica_step(xb, yb, global_size):
            with tf.GradientTape() as tape:
                prediction = tf.nn.softmax(tf.matmul(xb, w) + b)
                per_example = tf.reduce_mean(tf.square(yb - prediction), axis=1)
                loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_size)
            optimizer.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
            return loss

        @tf.function
        def step(xb, yb, global_size):
            per_replica = strategy.run(replica_step, args=(xb, yb, global_size))
            return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

        losses = []
        for _ in range(EPOCHS):
            total = 0.0
            for i, (xb, yb) in enumerate(dataset):
                n = min(BATCH, len(x) - i * BATCH)
                total += float(step(xb, yb, tf.constant(n))) * n
            losses.append(total / len(x))  # weighted by batch size, as Keras' loss tracker
        return {"loss": losses, "weights": [w.numpy().tolist(), b.numpy().tolist()],
                "iterations": int(optimizer.iterations.numpy()),
                "mirrored": [distributed(w), all(distributed(s) for s in optimizer._slots[0])]}

    two = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    one = tf.distribute.get_strategy()  # the default strategy: one device
    results = {"replicas": two.num_replicas_in_sync, "initial": [w_init.tolist(), b_init.tolist()]}
    for name in sys.argv[1].split(","):
        results[name] = {
            "fit_two": fit(OPTIMIZERS[name], two),
            "fit_one": fit(OPTIMIZERS[name], one),
            "loop_two": custom_loop(OPTIMIZERS[name], two),
            "loop_one": custom_loop(OPTIMIZERS[name], one),
        }
    print("RESULTS" + json.dumps(results))
""")

# Every optimizer runs the same RuleOptimizer.update_step under tf.distribute (slots from
# add_variable_from_reference, writes through self.assign); they differ only in the pure rule.
# A mirrored Model.fit costs several seconds of tracing, so the test covers one of each kind of
# rule: SGDM (one slot, V = 1), Adam (two slots, bias corrections that read ``iterations``),
# AdaDelta (its own rule, three slots) and AdamW (a rule that reads the weight itself). The script
# accepts any of OPTIMIZERS' names (all thirteen pass; this was checked once).
NAMES = ["SGDM", "AdaDelta", "Adam", "AdamW"]
RUNS = ("fit_two", "fit_one", "loop_two", "loop_one")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    script = tmp_path_factory.mktemp("distribute") / "mirrored.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, str(script), ",".join(NAMES)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    (line,) = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULTS")]
    return json.loads(line[len("RESULTS"):])


def test_two_replicas_really_ran(results):
    """Two replicas, variables and optimizer slots mirrored there and not on one device, and one
    optimizer step per global batch (120 rows in batches of 32: 4 steps an epoch, 3 epochs)."""
    assert results["replicas"] == 2
    for name in NAMES:
        for run in RUNS:
            assert results[name][run]["iterations"] == 3 * 4, (name, run)
            assert results[name][run]["mirrored"] == ([True, True] if run.endswith("two") else [False, False])


def assert_two_replicas_equal_one(two, one, initial):
    """Same losses and weights to 1e-6, and training moved the weights (so the comparison is not
    between two copies of the start)."""
    np.testing.assert_allclose(two["loss"], one["loss"], rtol=0, atol=1e-6)
    for a, b in zip(two["weights"], one["weights"]):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    assert np.abs(np.array(one["weights"][0]) - np.array(initial[0])).max() > 1e-3


@pytest.mark.parametrize("name", NAMES)
def test_mirrored_model_fit_equals_one_device(name, results):
    two, one = results[name]["fit_two"], results[name]["fit_one"]
    assert_two_replicas_equal_one(two, one, results["initial"])
    assert two["state"].keys() == one["state"].keys()
    for key in one["state"]:
        np.testing.assert_allclose(two["state"][key], one["state"][key], rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_mirrored_custom_loop_equals_one_device(name, results):
    assert_two_replicas_equal_one(results[name]["loop_two"], results[name]["loop_one"], results["initial"])


@pytest.mark.parametrize("name", NAMES)
def test_custom_loop_equals_model_fit(name, results):
    """The custom loop's loss is the notes' mean squared error, Model.fit's ``mean_squared_error``
    (mean over classes, then over the batch): the same training."""
    loop, fit = results[name]["loop_one"], results[name]["fit_one"]
    np.testing.assert_allclose(loop["loss"], fit["loss"], rtol=0, atol=1e-5)
    for a, b in zip(loop["weights"], fit["weights"]):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)
