"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: hidden cases (never shipped).

Each function is compared with the reference on fresh random inputs of
several shapes (odd sizes, a batch of one), each backward pass through the
student's own forward cache.  What the student may draw differently --
dropout's random mask -- is judged by properties instead: its statistics,
its seed, and the agreement of the backward pass with the forward's mask.
The update rules run several steps, each given the config the last one
returned.  CS231n's FullyConnectedNet calls the student's own layers; here,
as for assignment 1's TwoLayerNet, its hidden cases run on the reference
layers (`lends`), seeded dropout included: a broken layer costs that layer's
cases only, and the network's loss and gradients are compared with the
reference's, with dropout too.  The trained model is scored by
the reference network on held-out test images (`kinds.SavedModel`).
"""
import numpy as np

from grader.public.compare import all_of, close, each, mapping, matches_reference
from grader.public.plan import Call, Let, Ref, Save
from grader.suites.assignment2.public_fc import (adam, affine, batchnorm, batchnorm_alt, dropout_backward,
                                                 dropout_forward, dropout_mask_and_gradient, dropout_statistics,
                                                 dropout_x, fc_saved, init_plan, initialised, layernorm, net,
                                                 net_init, net_params, relu, rmsprop, same_and_different, sgd_momentum,
                                                 softmax_loss, _dropout_backward_plan, _dropout_train, _seeded)

LOSS_AND_GRADIENT = each(close(), close(), names=("the loss", "the gradient"))
# Threshold accuracies of the saved model on held-out test images (heldout.py):
# the full data set (the notebook's target), and the CI subset (4,000 training
# images; the reference reaches about 0.40 there, see benchmarks/fc_net_accuracy.py).
FC_THRESHOLDS = ({"full": 0.45, "subset": 0.30}, {"full": 0.50, "subset": 0.34})


# ------------------------------------------------------------------ layers
def loss_layer(num_train, num_classes, offset=0.0):
    def plan(rng):
        x = offset + rng.normal(size=(num_train, num_classes))
        return [softmax_loss.call(x, rng.integers(num_classes, size=num_train))]
    return plan


def copied_layer_cases():
    yield affine.forward("a2_affine_forward_random", x=(5, 3, 2, 2), w=(12, 7), b=(7,))
    yield affine.backward("a2_affine_backward_random", x=(5, 3, 2, 2), w=(12, 7), b=(7,),
                          hint="dx has the shape of x; db sums dout over the examples.")
    yield relu.forward("a2_relu_forward_random", x=(4, 3, 5))
    yield relu.backward("a2_relu_backward_random", x=(4, 3, 5))
    yield softmax_loss.reference("a2_softmax_loss_random", loss_layer(9, 6), LOSS_AND_GRADIENT)
    yield softmax_loss.reference("a2_softmax_loss_large_scores", loss_layer(3, 4, offset=1000.0), LOSS_AND_GRADIENT,
                                 hint="Subtract each row's maximum score before exp().")


BN_SHAPES = {"random": (9, 5), "batch_of_one": (1, 4), "one_feature": (13, 1), "odd_sizes": (31, 17)}


def shifted(shape, rng):
    return 4 + 3 * rng.normal(size=shape)


def bn_call(x, gamma, beta, param):
    return Call(batchnorm.target, x, gamma, beta, param, save="out", pick=(0,))


def bn_forward(shape, param, gamma_scale=1.0):
    def plan(rng):
        N, D = shape
        return [bn_call(shifted(shape, rng), gamma_scale * rng.normal(size=D), rng.normal(size=D),
                                       dict(param))]
    return plan


def running_averages(shape, param, steps=2):
    """Two (or more) training steps on one bn_param; then its running averages,
    and the test-mode output they give."""
    def plan(rng):
        N, D = shape
        gamma, beta = rng.normal(size=D), rng.normal(size=D)
        calls = [Let("bn", dict(param))]
        for _ in range(steps):
            calls.append(Call(batchnorm.target, shifted(shape, rng), gamma, beta, Ref("bn")))
        return calls + [Save("running_mean", Ref("bn", "running_mean")), Save("running_var", Ref("bn", "running_var"))]
    return plan


def test_mode(shape):
    def plan(rng):
        N, D = shape
        param = {"mode": "test", "running_mean": rng.normal(size=D), "running_var": rng.uniform(0.5, 3.0, size=D)}
        return [bn_call(shifted(shape, rng), rng.normal(size=D), rng.normal(size=D), param)]
    return plan


def batchnorm_cases():
    bn_hint = "Normalise each column with the minibatch mean and biased variance, then gamma * xhat + beta."
    for label, shape in BN_SHAPES.items():
        N, D = shape
        yield batchnorm.reference(f"batchnorm_forward_train_{label}", bn_forward(shape, {"mode": "train"}),
                                  hint=bn_hint)
    yield batchnorm.reference("batchnorm_forward_train_given_eps", bn_forward((6, 3), {"mode": "train", "eps": 0.5}),
                              hint="Use bn_param['eps'] when it is there (default 1e-5).")
    yield batchnorm.reference("batchnorm_forward_test_mode", test_mode((7, 5)),
                              hint="In test mode normalise with bn_param's running_mean and running_var.")
    yield batchnorm.reference("batchnorm_forward_test_mode_batch_of_one", test_mode((1, 6)),
                              hint="Test mode never uses the batch's statistics: one example is fine.")
    for label, param in (("default_momentum", {"mode": "train"}), ("given_momentum", {"mode": "train", "momentum": 0.8})):
        yield batchnorm.reference(f"batchnorm_running_averages_{label}", running_averages((8, 5), param),
                                  keys=("running_mean", "running_var"),
                                  hint="running = momentum * running + (1 - momentum) * batch statistic, starting "
                                       "from zeros; store both back into bn_param.")
    for layer, name in ((batchnorm, "batchnorm_backward"), (batchnorm_alt, "batchnorm_backward_alt")):
        for label, shape in BN_SHAPES.items():
            N, D = shape
            yield layer.backward(f"{name}_{label}", x=shape, gamma=(D,), beta=(D,),
                                 hint="Check dbeta (dout summed over rows) and dgamma first, then dx.")


def layernorm_cases():
    for label, shape in {"random": (6, 9), "batch_of_one": (1, 7), "odd_sizes": (17, 31)}.items():
        N, D = shape
        yield layernorm.forward(f"layernorm_forward_{label}", x=shape, gamma=(D,), beta=(D,),
                                hint="Normalise each row of x (axis=1) with its mean and biased variance.")
        yield layernorm.forward(f"layernorm_forward_given_eps_{label}", x=shape, gamma=(D,), beta=(D,),
                                params=({"eps": 0.3},), hint="Use ln_param['eps'] when it is there.") \
            if label == "random" else None
        yield layernorm.backward(f"layernorm_backward_{label}", x=shape, gamma=(D,), beta=(D,),
                                 hint="As batch norm's closed form, with the statistics of each row.")


# In test mode inverted dropout is the identity, which code that drops
# nothing gets right too: each test-mode case also asks for a training-mode
# call that does drop (judged as the training cases judge it).
def dropout_test(shape, p):
    def plan(rng):
        steps, given = _dropout_train(shape, p)(rng)
        return steps + [dropout_forward.call(rng.normal(size=shape), {"mode": "test", "p": p}, save="test_out",
                                             pick=(0,))], given
    return plan


def dropout_backward_test(shape, p):
    def plan(rng):
        steps, given = _dropout_backward_plan(shape, p)(rng)
        return steps + [dropout_forward.call(rng.normal(size=shape), {"mode": "test", "p": p}, keep="test_forward",
                                             save=None),
                        Call(dropout_backward.target, rng.normal(size=shape), Ref("test_forward", 1),
                             save="test_dx")], given
    return plan


def dropout_cases():
    hint = "p is the probability of KEEPING a unit: mask = (np.random.rand(*x.shape) < p) / p."
    for label, shape, p in (("p_0_3", (300, 201), 0.3), ("p_0_8_three_dims", (40, 25, 31), 0.8),
                            ("p_0_5_batch_of_one", (1, 20001), 0.5)):
        yield dropout_forward.property(f"dropout_forward_train_{label}", _dropout_train(shape, p), dropout_statistics(),
                                       hint=hint)
    yield dropout_forward.property("dropout_forward_train_seeded", _dropout_train((200, 150), 0.6, seed=5),
                                   dropout_statistics(), hint=hint)
    yield dropout_forward.property("dropout_forward_seed_repeats_hidden", _seeded, same_and_different,
                                   hint="With a 'seed' key, call np.random.seed(seed) before drawing the mask.")
    yield dropout_forward.case("dropout_forward_test_mode", "reference", dropout_test((70, 90), 0.4),
                               all_of(dropout_statistics(), matches_reference(close(), "test_out")),
                               hint="In test mode inverted dropout returns x unchanged (this case also checks that "
                                    "training mode drops units, as the training cases do).")
    for label, shape, p in (("random", (23, 17), 0.4), ("three_dims", (3, 5, 7), 0.75)):
        yield dropout_backward.property(f"dropout_backward_{label}", _dropout_backward_plan(shape, p),
                                        dropout_mask_and_gradient, hint="dx = dout * mask, the forward pass's mask.")
    yield dropout_backward.case("dropout_backward_test_mode", "reference", dropout_backward_test((16, 14), 0.4),
                                all_of(dropout_mask_and_gradient, matches_reference(close(), "test_dx")),
                                hint="In test mode the gradient passes through unchanged (this case also checks the "
                                     "training-mode gradient, as the other cases do).")


# ------------------------------------------------------------ update rules
def several_steps(optimizer, shape, config, steps=4, dw_scale=1.0):
    """`steps` updates, each given the w and config the previous one returned;
    every step's next_w is saved (copied at once, so an in-place update is fine).
    The gradients are standard normal times `dw_scale`."""
    def plan(rng):
        start = {k: (rng.normal(size=shape) ** 2 if k in ("cache", "v") else rng.normal(size=shape))
                 if isinstance(v, str) else v for k, v in config.items()} if config is not None else None
        dw = lambda: dw_scale * rng.normal(size=shape)
        calls = [optimizer.call(rng.normal(size=shape), dw(), start, keep="step1", save="w1", pick=(0,))]
        for i in range(2, steps + 1):
            calls.append(optimizer.call(Ref(f"step{i - 1}", 0), dw(), Ref(f"step{i - 1}", 1),
                                        keep=f"step{i}", save=f"w{i}", pick=(0,)))
        return calls
    return plan


def optimizer_cases():
    steps = ("w1", "w2", "w3", "w4")
    for optimizer, given, hint in (
            (sgd_momentum, {"learning_rate": 0.05, "momentum": 0.7, "velocity": "random"},
             "v = momentum * v - learning_rate * dw; next_w = w + v; keep v in config['velocity']."),
            (rmsprop, {"learning_rate": 0.02, "decay_rate": 0.9, "epsilon": 1e-8, "cache": "random"},
             "Keep the moving average of dw**2 in config['cache']."),
            (adam, {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8, "m": "random",
                    "v": "random", "t": 5},
             "Increment t, update m and v, then correct both by 1 - beta**t before the step.")):
        short = optimizer.function
        yield optimizer.reference(f"{short}_four_steps_from_defaults", several_steps(optimizer, (4, 5), None),
                                  keys=steps, hint=f"With config=None use the defaults. {hint}")
        yield optimizer.reference(f"{short}_four_steps_from_given_state", several_steps(optimizer, (3, 7), given),
                                  keys=steps, hint=f"Use the hyperparameters and state in config. {hint}")
        yield optimizer.reference(f"{short}_odd_shape", several_steps(optimizer, (2, 3, 5), None, steps=2),
                                  keys=steps[:2], hint="Updates work entry by entry, whatever the shape of w.")


# -------------------------------------------------------------- the network
def net_loss(dims, normalization=None, reg=0.0, num_train=7, with_labels=True, keep=1):
    """loss(X, y) (or the scores) of a network with random parameters; with
    dropout, seeded, so that the lent reference dropout draws the same masks
    in the student's network as in the reference's."""
    def plan(rng):
        params = net_params(rng, dims, normalization)
        X = rng.normal(size=(num_train, dims[0]))
        args = (X, rng.integers(dims[-1], size=num_train)) if with_labels else (X,)
        return net.steps(net.set("params", params), Call("loss", *args, save="out"),
                         init=net_init(dims, normalization, keep=keep, reg=reg, seed=None if keep == 1 else 123))
    return plan


# The network's cases run on the reference layers (cs231n/layers.py and the
# sandwiches in cs231n/layer_utils.py): a wrong layer costs that layer's cases,
# not the network's.
BUILDING_BLOCKS = ("cs231n/layers.py", "cs231n/layer_utils.py")


DEPTHS = {1: (7, 4), 2: (7, 6, 4), 3: (9, 6, 5, 4)}
NORMS = {None: "plain", "batchnorm": "batchnorm", "layernorm": "layernorm"}


def net_cases():
    grads = each(close(rtol=1e-5), mapping(close(rtol=1e-5)), names=("the loss", "grads"))
    loss = net.method("loss")
    yield net.method("__init__").property(
        "fc_net_initialisation_three_layers", init_plan([13, 9], 21, 5, 3e-2, None),
        initialised([13, 9], 21, 5, 3e-2, None), hint="W{i}: weight_scale * randn; b{i}: zeros.")
    yield net.method("__init__").property(
        "fc_net_initialisation_layernorm", init_plan([40], 30, 6, 1e-1, "layernorm"),
        initialised([40], 30, 6, 1e-1, "layernorm"),
        hint="gamma{i} ones and beta{i} zeros for every hidden layer, none for the output layer.")
    for depth, dims in DEPTHS.items():
        for normalization, label in NORMS.items():
            if depth == 1 and normalization:
                continue  # one affine layer has no hidden layer to normalise
            yield loss.reference(f"fc_net_{depth}_layers_{label}_loss", net_loss(dims, normalization, reg=0.3),
                                 grads, lends=BUILDING_BLOCKS,
                                 hint="Forward through {affine - [norm] - relu} x (L-1) - affine - softmax; "
                                             "backward in reverse; add 0.5 * reg * sum(W**2) per weight.")
        yield loss.reference(f"fc_net_{depth}_layers_scores", net_loss(dims, with_labels=False), lends=BUILDING_BLOCKS,
                             hint="With y=None return the scores of the last affine layer.")
    yield loss.reference("fc_net_batch_of_one", net_loss(DEPTHS[3], "layernorm", reg=0.1, num_train=1), grads,
                         lends=BUILDING_BLOCKS,
                         hint="Layer norm works on a single example; batch norm would normalise it to beta.")
    yield loss.reference("fc_net_dropout_scores_in_test_mode",
                         net_loss(DEPTHS[3], "batchnorm", num_train=5, with_labels=False, keep=0.5), lends=BUILDING_BLOCKS,
                         hint="Test mode (y=None) turns dropout off and uses batchnorm's running averages.")
    for normalization, label in NORMS.items():
        yield loss.reference(f"fc_net_dropout_{label}_loss", net_loss(DEPTHS[3], normalization, reg=0.2, keep=0.6),
                             grads, lends=BUILDING_BLOCKS,
                             hint="Dropout goes after each ReLU; pass self.dropout_param to every dropout layer.")


def saved_model_cases():
    for thresholds in FC_THRESHOLDS:
        yield fc_saved.accuracy(f"fc_net_saved_model_reaches_{round(100 * thresholds['full'])}", thresholds,
                                hint="Train longer, tune the learning rate and weight scale, and save the model "
                                     "with the best validation accuracy.")


CASES = [case for case in (*copied_layer_cases(), *batchnorm_cases(), *layernorm_cases(), *dropout_cases(),
                           *optimizer_cases(), *net_cases(), *saved_model_cases()) if case is not None]


# ============================================================================
# Cases added because of the mutation audit (`python -m grader audit
# --assignment assignment2`): each kills mutants of the reference that every
# case above let through.  Kept in one block so that it merges as one piece.
# ============================================================================
from grader.public.compare import unchanged  # noqa: E402
from grader.public.kinds import LEAVES_INPUTS_HINT  # noqa: E402
from grader.suites.common import wide_scores, with_zeros  # noqa: E402


def running_averages_per_layer(dims):
    """One training loss of a batchnorm network, then each layer's bn_param:
    layer i must normalise with self.bn_params[i - 1], so that its running
    averages (of its own width) are the ones the next test-mode call uses."""
    def plan(rng):
        X, y = rng.normal(size=(8, dims[0])), rng.integers(dims[-1], size=8)
        reads = [Call("__getattribute__", "bn_params", save=f"layer{i}_{stat}", pick=(i - 1, f"running_{stat}"))
                 for i in range(1, len(dims) - 1) for stat in ("mean", "var")]
        return net.steps(net.set("params", net_params(rng, dims, "batchnorm")), Call("loss", X, y), *reads,
                         init=net_init(dims, "batchnorm"))
    return plan


def audit_cases():
    three = DEPTHS[3]
    loss_input = lambda rng: {"x": rng.normal(size=(10, 6)), "y": rng.integers(6, size=10)}
    dropout_input = lambda rng: ({"x": dropout_x(rng, (60, 50)), "dropout_param": {"mode": "train", "p": 0.7}},
                                 {"p": 0.7})
    yield relu.leaves_inputs("a2_relu_forward_leaves_x_unchanged", x=(5, 3, 4))
    yield relu.backward_leaves_dout("a2_relu_backward_leaves_dout_unchanged", x=(5, 6))
    yield relu.backward("a2_relu_backward_at_zero", x=(6, 5), draw=with_zeros,
                        hint="Where x == 0 exactly, the gradient is 0: pass dout only where x > 0.")
    yield softmax_loss.leaves_inputs("a2_softmax_loss_leaves_x_unchanged", loss_input, LOSS_AND_GRADIENT)
    yield softmax_loss.reference("a2_softmax_loss_scores_far_apart", lambda rng: [softmax_loss.call(*wide_scores(rng))],
                                 LOSS_AND_GRADIENT,
                                 hint="Shift each row of x by that row's own maximum (axis=1, keepdims=True), not by "
                                      "the minimum or by one number for the whole matrix.")
    yield dropout_forward.leaves_inputs("dropout_forward_leaves_x_unchanged", dropout_input,
                                        check=dropout_statistics(), pick=(0,))
    yield dropout_backward.property("dropout_backward_leaves_dout_unchanged",
                                    _dropout_backward_plan((20, 30), 0.6, keep_dout=True),
                                    all_of(dropout_mask_and_gradient, unchanged("dout")),
                                    hint=LEAVES_INPUTS_HINT)
    yield batchnorm.leaves_inputs("batchnorm_forward_leaves_x_unchanged", x=(9, 5), gamma=(5,), beta=(5,))
    yield batchnorm.backward_leaves_dout("batchnorm_backward_leaves_dout_unchanged", x=(9, 5), gamma=(5,),
                                         beta=(5,))
    yield layernorm.leaves_inputs("layernorm_forward_leaves_x_unchanged", x=(6, 9), gamma=(9,), beta=(9,))
    yield layernorm.backward_leaves_dout("layernorm_backward_leaves_dout_unchanged", x=(6, 9), gamma=(9,),
                                         beta=(9,))
    yield adam.reference("adam_tiny_gradients", several_steps(adam, (4, 5), None, dw_scale=1e-9),
                         keys=("w1", "w2", "w3", "w4"),
                         hint="As the docstring writes it: m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t), "
                              "next_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon). With gradients near "
                              "1e-9 epsilon dominates, so it must be added to sqrt(v_hat) itself (not subtracted, "
                              "not inside the sqrt, not to sqrt(v) with a rescaled learning rate).")
    yield net.method("loss").reference(
        "fc_net_batchnorm_running_averages_per_layer", running_averages_per_layer(three),
        keys=tuple(f"layer{i}_{stat}" for i in (1, 2) for stat in ("mean", "var")), lends=BUILDING_BLOCKS,
        hint="Pass self.bn_params[0] to the first hidden layer's batchnorm, self.bn_params[1] to the second's, ...")


CASES += list(audit_cases())
