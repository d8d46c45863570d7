from optlib import moments as M
from optlib.optimizer import MomentOptimizer


class SGD(MomentOptimizer):
    """Stochastic gradient descent: m_t = g_t, V_t = 1, so w <- w - lr * g_t."""

    def __init__(self, learning_rate=0.1, name=None, **kwargs):
        super().__init__(M.Gradient(), M.Constant(), epsilon=0.0,
                         learning_rate=learning_rate, name=name, **kwargs)
