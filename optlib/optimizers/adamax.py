from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class AdaMax(MomentOptimizer):
    """AdaMax (Kingma & Ba 2015, section 7.1): Adam's bias-corrected m, and V = u^2 with u the
    exponentially weighted infinity norm of the gradients, so that sqrt(V) = u.

    m_t = b1 m_{t-1} + (1-b1) g_t;  u_t = max(b2 u_{t-1}, |g_t|);
    w <- w - lr * (m_t / (1 - b1^t)) / (u_t + epsilon).

    Equals Keras' ``Adamax`` for every epsilon (Keras adds epsilon to u as well).
    """

    def __init__(self, learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        beta_1 = validate.decay("beta_1", beta_1)
        beta_2 = validate.decay("beta_2", beta_2)
        epsilon = validate.epsilon(epsilon)
        super().__init__(M.Momentum(beta_1, bias_correction=True), M.InfinityNorm(beta_2),
                         epsilon=epsilon, learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
