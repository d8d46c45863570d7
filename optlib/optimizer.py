"""Keras optimizers driven by an update rule, and the (m, V) composition the notes describe."""
import collections

import keras
import tensorflow as tf

from optlib import moments as M
from optlib import _quiet, rules, validate
from optlib.rules import MomentRule

Moments = collections.namedtuple("Moments", ["m", "V"])


def unique_name(cls):
    """A name given only where the user gives one, as Keras does: "adam", then "adam_1", "adam_2",
    ... (the class's ``default_name``, else its name in lower case). The count lives in Keras'
    global state, so ``keras.utils.clear_session()`` starts it again."""
    base = cls.__dict__.get("default_name") or cls.__name__.lower()
    uid = keras.backend.get_uid(f"optlib.{base}")
    return base if uid == 1 else f"{base}_{uid - 1}"


class RuleOptimizer(keras.optimizers.Optimizer):
    """A ``keras.optimizers.Optimizer`` whose ``update_step`` is one pure update rule.

    ``build`` creates one zero-initialised slot per name in ``rule.slots`` for every variable;
    ``update_step`` reads them, calls ``rule.apply`` and writes them back, then
    ``w <- w - lr * direction``. Works in GradientTape loops, ``model.compile``,
    ``tf.train.Checkpoint`` and ``tf.distribute`` like Keras' own optimizers.
    """

    def __init__(self, rule, learning_rate=0.1, name=None, **kwargs):
        learning_rate = validate.learning_rate(learning_rate)  # a float, as Keras requires, or a schedule
        _quiet.start_xla_quietly()  # before Keras starts TensorFlow's runtime for its variables
        if name is None:
            name = unique_name(type(self))
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rule = rule
        self.hyperparameters = {}

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._slots = [
            [self.add_variable_from_reference(var, name) for name in self.rule.slots]
            for var in var_list
        ]

    def update_step(self, gradient, variable, learning_rate):
        if isinstance(gradient, tf.IndexedSlices):
            # Densify: rows with no gradient still see g = 0 (momentum decays, V shrinks),
            # exactly as with the dense gradient.
            gradient = tf.convert_to_tensor(gradient)
        gradient = tf.cast(gradient, variable.dtype)
        slots = self._slots[self._get_variable_index(variable)]
        t = tf.cast(self.iterations + 1, variable.dtype)  # Keras counts from 0, the notes from 1
        # Keras hands update_step the backend tf.Variable, whose ``value`` is a method: read it
        weight = tf.convert_to_tensor(variable) if getattr(self.rule, "takes_weights", False) else None
        state, direction = rules.step(self.rule, tuple(s.value for s in slots), gradient, t, weight)
        for slot, value in zip(slots, state):
            self.assign(slot, value)
        self.assign_sub(variable, tf.cast(learning_rate, variable.dtype) * direction)

    def state(self, variable):
        """The rule's state for ``variable`` as a dict {slot name: tensor}."""
        self._require_built(variable)
        slots = self._slots[self._get_variable_index(variable)]
        return {name: tf.convert_to_tensor(s.value) for name, s in zip(self.rule.slots, slots)}

    def moments(self, variable):
        """(m, V) for ``variable`` as the optimizer keeps them (raw, before bias correction).

        m is the last gradient where the first moment is the gradient itself; V is 1 where
        the optimizer keeps no second moment (SGD-like).
        """
        state = self.state(variable)
        m, v = self.rule.moments(tuple(state.values()), tf.convert_to_tensor(variable))
        return Moments(m, v)

    def _require_built(self, variable):
        if not self.built:
            raise ValueError(
                f"{type(self).__name__} has no state yet: apply at least one gradient "
                "(or call `optimizer.build(variables)`) before asking for it."
            )
        self._check_variables_are_known([variable])

    @property
    def learning_rate_spec(self):
        """The learning rate as given: a float, or the Keras schedule."""
        lr = self._learning_rate
        if isinstance(lr, keras.optimizers.schedules.LearningRateSchedule) or callable(lr):
            return lr
        return float(lr.numpy()) if hasattr(lr, "numpy") else float(lr)

    def get_config(self):
        return {**super().get_config(), **self.hyperparameters}


class MomentOptimizer(RuleOptimizer):
    """w <- w - lr * m / (sqrt(V) + epsilon) for any first moment m and second moment V.

    >>> MomentOptimizer(first=optlib.moments.Momentum(0.9),
    ...                 second=optlib.moments.SumOfSquares(), learning_rate=0.1)
    builds "AdaGrad with momentum" from the same pieces as SGDM and AdaGrad.
    """

    default_name = "moment_optimizer"

    def __init__(self, first, second, epsilon=1e-7, learning_rate=0.1, name=None, **kwargs):
        first = M.deserialize(first, M.FIRST_MOMENTS)
        second = M.deserialize(second, M.SECOND_MOMENTS)
        rule = MomentRule(first, second, epsilon)
        super().__init__(rule, learning_rate=learning_rate, name=name, **kwargs)
        if type(self) is MomentOptimizer:
            self.hyperparameters = rule.get_config()
