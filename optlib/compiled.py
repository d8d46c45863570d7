"""What the compiled runs (optlib.train, optlib.surfaces.path) share: one XLA program per update rule,
with the learning rate passed in as a tensor so that a learning-rate sweep never recompiles."""
import keras
import tensorflow as tf

from optlib.optimizer import RuleOptimizer

_CACHE = {}


# Options of keras.optimizers.Optimizer that act around update_step in apply_gradients. The compiled
# runs call the update rule alone, so they would silently skip them: refuse instead.
KERAS_ONLY_OPTIONS = ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay", "use_ema",
                      "gradient_accumulation_steps", "loss_scale_factor")


def require_optimizer(optimizer, caller):
    """TypeError unless ``optimizer`` carries an optlib update rule; ValueError if it also sets an
    option that only Keras' apply_gradients applies (clipping, weight decay, EMA, ...)."""
    if not isinstance(optimizer, RuleOptimizer):
        raise TypeError(
            f"{caller}() needs an optlib optimizer (optlib.SGD(), optlib.Adam(), ... or "
            f"optlib.MomentOptimizer(...)), got {type(optimizer).__name__}. Keras' own optimizers "
            "have no update rule that optlib can compile; use them through model.fit instead."
        )
    for option in KERAS_ONLY_OPTIONS:
        value = getattr(optimizer, option, None)
        if value is not None and value is not False:
            raise ValueError(
                f"{caller}() runs the optimizer's update rule alone and would ignore "
                f"`{option}={value!r}`. Leave the option out, or train through Keras, which applies "
                "it: model.fit, or apply_gradients in a loop such as optlib.recorded.run()."
            )


def learning_rate_at(schedule, lr, step):
    """lr_t: the schedule at ``step`` (Keras evaluates it at iterations = t - 1), else the constant lr.
    A plain callable that is not a LearningRateSchedule is called with no argument, as Keras does.

    The compiled runs are traced without AutoGraph (converting optlib's own code cost ~0.3 s a
    program); the schedule, the one piece of user code in them, is still converted, so that a
    schedule written with ``if step < ...:`` works as it does in ``model.fit``."""
    if schedule is None:
        return lr
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        return tf.cast(tf.function(schedule.__call__)(step), tf.float32)
    return tf.cast(tf.function(schedule)(), tf.float32)


def program(optimizer, key, build):
    """The cached program ``build(rule, schedule)`` for this optimizer's rule and ``key``, and the
    learning-rate tensor to call it with (unused, 0, when the rate is a schedule)."""
    lr = optimizer.learning_rate_spec
    schedule = lr if callable(lr) else None
    full_key = (optimizer.rule, id(schedule)) + tuple(key)
    if full_key not in _CACHE:
        # The schedule is kept alive with its program, so that its id cannot be reused by another.
        _CACHE[full_key] = (build(optimizer.rule, schedule), schedule)
    run, _ = _CACHE[full_key]
    return run, tf.constant(0.0 if schedule is not None else lr, tf.float32)


def cache_size():
    return len(_CACHE)
