from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class AdaGrad(MomentOptimizer):
    """AdaGrad: m_t = g_t, V_t = V_{t-1} + g_t^2, w <- w - lr * g_t / (sqrt(V_t) + epsilon)."""

    def __init__(self, learning_rate=0.1, epsilon=1e-7, name=None, **kwargs):
        epsilon = validate.epsilon(epsilon)
        super().__init__(M.Gradient(), M.SumOfSquares(), epsilon=epsilon,
                         learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"epsilon": epsilon}
