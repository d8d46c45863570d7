from optlib import moments as M
from optlib import validate
from optlib.optimizer import RuleOptimizer
from optlib.rules import DecoupledWeightDecay, MomentRule


class AdamW(RuleOptimizer):
    """AdamW (Loshchilov & Hutter 2019): Adam's m and V, plus decoupled weight decay.

    m^_t, V^_t as in Adam;  w <- w - lr * m^_t / (sqrt(V^_t) + epsilon) - lr * weight_decay * w.

    The decay is part of the update rule (``rules.DecoupledWeightDecay``), applied once per step,
    in Keras' loops and in optlib.train alike; it is not passed to Keras' base class, whose own
    ``weight_decay`` option (``optimizer.weight_decay``) therefore stays None. The value is in
    ``get_config()["weight_decay"]`` and ``optimizer.rule.weight_decay``. Every variable decays
    (Keras' ``exclude_from_weight_decay`` has no effect here).
    """

    def __init__(self, learning_rate=0.1, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name=None, **kwargs):
        weight_decay = validate.non_negative("weight_decay", weight_decay)
        beta_1 = validate.decay("beta_1", beta_1)
        beta_2 = validate.decay("beta_2", beta_2)
        epsilon = validate.epsilon(epsilon)
        adam = MomentRule(M.Momentum(beta_1, bias_correction=True),
                          M.MeanOfSquares(beta_2, bias_correction=True), epsilon)
        super().__init__(DecoupledWeightDecay(adam, weight_decay), learning_rate=learning_rate,
                         name=name, **kwargs)
        self.hyperparameters = {"weight_decay": weight_decay, "beta_1": beta_1, "beta_2": beta_2,
                                "epsilon": epsilon}
