from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class RMSProp(MomentOptimizer):
    """RMSProp: m_t = g_t, V_t = beta * V_{t-1} + (1 - beta) * g_t^2,
    w <- w - lr * g_t / (sqrt(V_t) + epsilon)."""

    def __init__(self, learning_rate=0.1, beta=0.9, epsilon=1e-7, name=None, **kwargs):
        beta = validate.decay("beta", beta)
        epsilon = validate.epsilon(epsilon)
        super().__init__(M.Gradient(), M.MeanOfSquares(beta), epsilon=epsilon,
                         learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"beta": beta, "epsilon": epsilon}
