"""Property tests (hypothesis) over hyper-parameters and gradients, for every optimizer.

* With epsilon > 0 no weight, state or moment ever becomes NaN or inf, for any valid hyper-parameters
  and any gradients (zero gradients included: a zero step is always inserted, and 0 is a frequent
  element) over a few steps.
* The state (every slot, m and V) has the shape and dtype (float32 or float64) of its variable, for
  variables of any rank, and starts at zero.
* Every bad argument is refused at construction with a ValueError that names the argument and its
  allowed range: negative or non-finite learning rates; decay rates (beta, beta_1, beta_2, rho)
  outside [0, 1); negative or non-finite epsilon, weight_decay or momentum_decay; bool, str and None. optlib computes in float32, so
  values float32 cannot hold as given are refused too: a decay rate that rounds to 1.0, a positive
  epsilon below float32's smallest normal number (flushed to 0), a number above float32's largest.

Magnitudes are kept where float32 arithmetic is meaningful (|g| <= 1e3, lr <= 10, a few steps):
a huge rate times a huge gradient overflows float32 for any optimizer, which is divergence, not
a bug of the update rule.
"""
import math
import re

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import optlib
from optlib import moments as M

FLOAT32_TINY = float(np.finfo(np.float32).tiny)
FLOAT32_MAX = float(np.finfo(np.float32).max)
BELOW_ONE = float(np.nextafter(np.float32(1.0), np.float32(0.0)))  # the largest float32 < 1
ROUNDS_TO_ONE = 1.0 - 2.0 ** -25  # from here up, a float64 rounds to 1.0 in float32

# derandomize: the same examples on every run (no flaky CI); database=None: no .hypothesis/ directory
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Each optimizer's hyper-parameters, by kind: "lr", "decay" (in [0, 1)), "eps" (>= 0) or "coef"
# (weight_decay, momentum_decay: >= 0).
PARAMETERS = {
    "SGD": {"learning_rate": "lr"},
    "SGDM": {"learning_rate": "lr", "beta": "decay"},
    "NAG": {"learning_rate": "lr", "beta": "decay"},
    "AdaGrad": {"learning_rate": "lr", "epsilon": "eps"},
    "RMSProp": {"learning_rate": "lr", "beta": "decay", "epsilon": "eps"},
    "AdaDelta": {"learning_rate": "lr", "rho": "decay", "epsilon": "eps"},
    "Adam": {"learning_rate": "lr", "beta_1": "decay", "beta_2": "decay", "epsilon": "eps"},
    "AdamW": {"learning_rate": "lr", "weight_decay": "coef", "beta_1": "decay", "beta_2": "decay",
              "epsilon": "eps"},
    "AMSGrad": {"learning_rate": "lr", "beta_1": "decay", "beta_2": "decay", "epsilon": "eps"},
    "AdaMax": {"learning_rate": "lr", "beta_1": "decay", "beta_2": "decay", "epsilon": "eps"},
    "Nadam": {"learning_rate": "lr", "beta_1": "decay", "beta_2": "decay", "epsilon": "eps"},
    "Lion": {"learning_rate": "lr", "beta_1": "decay", "beta_2": "decay"},
}
SLOTS = {"SGD": ("m",), "SGDM": ("m",), "NAG": ("m",), "AdaGrad": ("m", "v"), "RMSProp": ("m", "v"),
         "AdaDelta": ("m", "v", "d"), "Adam": ("m", "v"), "AdamW": ("m", "v"),
         "AMSGrad": ("m", "v", "v_max"), "AdaMax": ("m", "u"), "Nadam": ("m", "mu_product", "v"),
         "Lion": ("m", "v")}

VALID = {
    "lr": st.floats(0.0, 10.0),
    # the whole usable range, up to the largest float32 below 1
    "decay": st.one_of(st.floats(0.0, BELOW_ONE), st.sampled_from([0.0, 0.5, 0.9, 0.999, BELOW_ONE])),
    # epsilon > 0, from float32's smallest normal number up
    "eps": st.one_of(st.floats(FLOAT32_TINY, 1.0),
                     st.sampled_from([FLOAT32_TINY, 1e-30, 1e-12, 1e-7, 1e-6, 1.0])),
    # a rate times lr: up to 1 (with lr <= 10 the decay of a few steps stays far inside float32)
    "coef": st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1e-30, 0.004, 1.0])),
}

ELEMENTS = st.one_of(st.just(0.0), st.floats(-1e3, 1e3, width=32))


@st.composite
def hyperparameters(draw, name):
    return {arg: draw(VALID[kind]) for arg, kind in PARAMETERS[name].items()}


@st.composite
def gradient_steps(draw, shape):
    """1 to 4 gradients of ``shape``, plus an all-zero gradient inserted at a drawn step."""
    grads = draw(st.lists(hnp.arrays(np.float32, shape, elements=ELEMENTS), min_size=1, max_size=4))
    grads.insert(draw(st.integers(0, len(grads))), np.zeros(shape, np.float32))
    return grads


def assert_finite(name, value):
    value = np.asarray(value)
    assert np.isfinite(value).all(), f"{name} not finite: {value}"


# ------------------------------------------------------------------ no NaN for epsilon > 0
@SETTINGS
@given(data=st.data(), name=st.sampled_from(sorted(PARAMETERS)))
def test_no_nan_or_inf_for_positive_epsilon(data, name):
    kwargs = data.draw(hyperparameters(name), label="hyper-parameters")
    w0 = data.draw(hnp.arrays(np.float32, (2, 3), elements=st.floats(-10, 10, width=32)), label="w0")
    grads = data.draw(gradient_steps((2, 3)), label="gradients")
    optimizer = getattr(optlib, name)(**kwargs)
    variable = tf.Variable(w0)
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g), variable)])
        assert_finite("weights", variable.numpy())
        for key, value in optimizer.state(variable).items():
            assert_finite(key, value.numpy())
        m, v = optimizer.moments(variable)
        assert_finite("m", m.numpy())
        assert_finite("V", v.numpy())
        assert (v.numpy() >= 0).all()


@SETTINGS
@given(data=st.data(), name=st.sampled_from(["AdaGrad", "RMSProp", "AdaDelta", "Adam", "AMSGrad", "AdaMax",
                                             "Nadam", "Lion"]))
def test_zero_gradient_from_zero_state_does_not_move_the_weights(data, name):
    """The case epsilon exists for: g = 0 while V = 0 is 0 / (0 + eps) = 0, not 0/0 (Lion: sign(0)
    = 0). AdamW is left out: its decay moves the weights whatever the gradient."""
    kwargs = data.draw(hyperparameters(name), label="hyper-parameters")
    optimizer, variable = getattr(optlib, name)(**kwargs), tf.Variable([1.0, -2.0, 3.0])
    for _ in range(2):
        optimizer.apply_gradients([(tf.zeros([3]), variable)])
    np.testing.assert_array_equal(variable.numpy(), [1.0, -2.0, 3.0])


@SETTINGS
@given(data=st.data(),
       first=st.sampled_from(["Gradient", "Momentum", "Nesterov", "Momentum-corrected", "ScheduledNesterov",
                              "Interpolation"]),
       second=st.sampled_from(["Constant", "SumOfSquares", "MeanOfSquares", "MeanOfSquares-corrected",
                               "MaxOfMeanOfSquares-corrected", "InfinityNorm"]))
def test_composed_optimizers_stay_finite(data, first, second):
    """Any pair of moment rules from optlib.moments, with epsilon > 0."""
    beta_1, beta_2 = data.draw(VALID["decay"], label="beta_1"), data.draw(VALID["decay"], label="beta_2")
    firsts = {"Gradient": lambda: M.Gradient(), "Momentum": lambda: M.Momentum(beta_1),
              "Nesterov": lambda: M.Nesterov(beta_1),
              "Momentum-corrected": lambda: M.Momentum(beta_1, bias_correction=True),
              "ScheduledNesterov": lambda: M.ScheduledNesterov(beta_1, data.draw(VALID["coef"], label="psi")),
              "Interpolation": lambda: M.Interpolation(beta_1, beta_2)}
    seconds = {"Constant": lambda: M.Constant(), "SumOfSquares": lambda: M.SumOfSquares(),
               "MeanOfSquares": lambda: M.MeanOfSquares(beta_2),
               "MeanOfSquares-corrected": lambda: M.MeanOfSquares(beta_2, bias_correction=True),
               "MaxOfMeanOfSquares-corrected": lambda: M.MaxOfMeanOfSquares(beta_2, bias_correction=True),
               "InfinityNorm": lambda: M.InfinityNorm(beta_2)}
    optimizer = optlib.MomentOptimizer(firsts[first](), seconds[second](),
                                       epsilon=data.draw(VALID["eps"], label="epsilon"),
                                       learning_rate=data.draw(VALID["lr"], label="learning_rate"))
    variable = tf.Variable(np.ones((2, 2), np.float32))
    for g in data.draw(gradient_steps((2, 2)), label="gradients"):
        optimizer.apply_gradients([(tf.constant(g), variable)])
    assert_finite("weights", variable.numpy())
    for key, value in optimizer.state(variable).items():
        assert_finite(key, value.numpy())


# ------------------------------------------------------------------ state shapes
@SETTINGS
@given(name=st.sampled_from(sorted(PARAMETERS)), dtype=st.sampled_from([np.float32, np.float64]),
       shapes=st.lists(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4), min_size=1, max_size=3),
       data=st.data())
def test_state_has_the_shape_of_its_variable_and_starts_at_zero(name, dtype, shapes, data):
    optimizer = getattr(optlib, name)()
    variables = [tf.Variable(np.full(shape, 0.5, dtype)) for shape in shapes]
    optimizer.build(variables)
    for variable in variables:
        state = optimizer.state(variable)
        assert tuple(state) == SLOTS[name]
        for value in state.values():
            assert value.shape == variable.shape and value.dtype == variable.dtype
            np.testing.assert_array_equal(value.numpy(), np.zeros(variable.shape))
        m, v = optimizer.moments(variable)
        assert m.shape == v.shape == variable.shape

    grads = [data.draw(hnp.arrays(dtype, shape, elements=ELEMENTS), label="gradient") for shape in shapes]
    optimizer.apply_gradients(zip([tf.constant(g) for g in grads], variables))
    for variable in variables:
        assert np.isfinite(variable.numpy()).all()
        for value in optimizer.state(variable).values():
            assert value.shape == variable.shape and value.dtype == variable.dtype
        m, v = optimizer.moments(variable)
        assert m.shape == v.shape == variable.shape
        assert m.dtype == v.dtype == variable.dtype


# ------------------------------------------------------------------ bad arguments
BAD_ANY = st.one_of(st.booleans(), st.none(), st.sampled_from(["", "0.1", "a", "nan", "1e-3"]),
                    st.just(float("nan")), st.just(float("inf")), st.just(-float("inf")),
                    st.floats(min_value=FLOAT32_MAX * 1.0001, allow_infinity=False))  # inf in float32
BAD = {
    "lr": st.one_of(BAD_ANY, st.floats(max_value=-5e-324, allow_nan=False)),
    "decay": st.one_of(BAD_ANY,
                       st.floats(max_value=-5e-324, allow_nan=False),
                       st.floats(min_value=1.0, allow_nan=False),
                       st.floats(ROUNDS_TO_ONE, 1.0, exclude_max=True)),  # 1.0 in float32
    "eps": st.one_of(BAD_ANY,
                     st.floats(max_value=-5e-324, allow_nan=False),
                     st.floats(5e-324, FLOAT32_TINY, exclude_max=True)),  # flushed to 0 in float32
}
BAD["coef"] = st.one_of(BAD_ANY, st.floats(max_value=-5e-324, allow_nan=False))
RANGE = {"lr": ">= 0", "decay": "[0, 1)", "eps": ">= 0", "coef": ">= 0"}

# every (constructor, argument, kind): the named optimizers and the moment rules they are built from
CONSTRUCTORS = [(name, getattr(optlib, name), arg, kind)
                for name, params in sorted(PARAMETERS.items()) for arg, kind in params.items()]
CONSTRUCTORS += [
    ("Momentum", M.Momentum, "beta", "decay"),
    ("Nesterov", M.Nesterov, "beta", "decay"),
    ("MeanOfSquares", M.MeanOfSquares, "beta", "decay"),
    ("ScheduledNesterov", M.ScheduledNesterov, "beta", "decay"),
    ("ScheduledNesterov", M.ScheduledNesterov, "momentum_decay", "coef"),
    ("Interpolation", M.Interpolation, "beta_1", "decay"),
    ("Interpolation", M.Interpolation, "beta_2", "decay"),
    ("MaxOfMeanOfSquares", M.MaxOfMeanOfSquares, "beta", "decay"),
    ("InfinityNorm", M.InfinityNorm, "beta", "decay"),
    ("DecoupledWeightDecay",
     lambda **kw: optlib.rules.DecoupledWeightDecay(optlib.rules.MomentRule(M.Gradient(), M.Constant()), **kw),
     "weight_decay", "coef"),
    ("MomentOptimizer", lambda **kw: optlib.MomentOptimizer(M.Gradient(), M.SumOfSquares(), **kw),
     "epsilon", "eps"),
    ("MomentOptimizer", lambda **kw: optlib.MomentOptimizer(M.Gradient(), M.SumOfSquares(), **kw),
     "learning_rate", "lr"),
]


@pytest.mark.parametrize("name, make, arg, kind", CONSTRUCTORS,
                         ids=[f"{c[0]}-{c[2]}" for c in CONSTRUCTORS])
@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_bad_argument_is_a_value_error_naming_it_and_its_range(name, make, arg, kind, data):
    value = data.draw(BAD[kind], label=arg)
    with pytest.raises(ValueError) as raised:
        make(**{arg: value})
    message = str(raised.value)
    assert f"`{arg}`" in message, message
    assert RANGE[kind] in message, message
    assert re.search(r"got ", message), message


@pytest.mark.parametrize("name, make, arg, kind", CONSTRUCTORS,
                         ids=[f"{c[0]}-{c[2]}" for c in CONSTRUCTORS])
@settings(max_examples=12, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_every_valid_argument_is_accepted(name, make, arg, kind, data):
    """The other side of the boundary: 0, the largest float32 below 1, float32's smallest normal
    epsilon and numpy scalars are valid, and the value is kept as given."""
    value = data.draw(st.one_of(VALID[kind], st.just(0.0), st.just(0), st.builds(np.float32, VALID[kind])),
                      label=arg)
    made = make(**{arg: value})
    if isinstance(made, optlib.RuleOptimizer):
        kept = made.learning_rate_spec if arg == "learning_rate" else made.get_config()[arg]
    else:
        kept = getattr(made, arg)
    assert math.isclose(kept, float(value), rel_tol=1e-7, abs_tol=0) or (
        arg == "learning_rate" and math.isclose(kept, float(np.float32(value)), rel_tol=0))


def test_schedules_and_callables_are_valid_learning_rates():
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert optlib.Adam(learning_rate=schedule).learning_rate_spec is schedule
    optlib.SGD(learning_rate=lambda: 0.1)
