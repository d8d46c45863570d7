from optlib import moments as M
from optlib import validate
from optlib.optimizer import RuleOptimizer
from optlib.rules import SignRule


class Lion(RuleOptimizer):
    """Lion (Chen et al. 2023): the sign of an interpolation between the momentum and the gradient.

    c_t = b1 m_{t-1} + (1-b1) g_t;  m_t = b2 m_{t-1} + (1-b2) g_t;  w <- w - lr * sign(c_t).

    In the notes' form the first moment is c_t and V_t = c_t^2: sign(c) = c / sqrt(c^2), so the
    step is still lr * m / sqrt(V), every element moving by lr or 0. Equals Keras' ``Lion``.
    Chen et al. suggest a learning rate 3 to 10 times smaller than AdamW's.
    """

    def __init__(self, learning_rate=0.01, beta_1=0.9, beta_2=0.99, name=None, **kwargs):
        beta_1 = validate.decay("beta_1", beta_1)
        beta_2 = validate.decay("beta_2", beta_2)
        super().__init__(SignRule(M.Interpolation(beta_1, beta_2)), learning_rate=learning_rate,
                         name=name, **kwargs)
        self.hyperparameters = {"beta_1": beta_1, "beta_2": beta_2}
