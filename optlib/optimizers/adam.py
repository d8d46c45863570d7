from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class Adam(MomentOptimizer):
    """Adam: SGDM's m and RMSProp's V, both bias-corrected.

    m_t = b1 m_{t-1} + (1-b1) g_t;  V_t = b2 V_{t-1} + (1-b2) g_t^2;
    m^_t = m_t / (1 - b1^t);  V^_t = V_t / (1 - b2^t);  w <- w - lr * m^_t / (sqrt(V^_t) + epsilon).
    """

    def __init__(self, learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        beta_1 = validate.decay("beta_1", beta_1)
        beta_2 = validate.decay("beta_2", beta_2)
        epsilon = validate.epsilon(epsilon)
        super().__init__(M.Momentum(beta_1, bias_correction=True),
                         M.MeanOfSquares(beta_2, bias_correction=True), epsilon=epsilon,
                         learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
