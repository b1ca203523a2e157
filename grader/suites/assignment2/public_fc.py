"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: public cases (shipped).

Self-checks only: none of them carries points.  Each compares the student's
code with itself (a backward pass against centred differences of its own
forward pass, the closed-form batchnorm backward against the step-by-step
one) or with a property any correct answer has (batch-normalised features
have mean beta and standard deviation gamma; inverted dropout keeps a
fraction p of the units and scales them by 1 / p; Adam's first step moves
every weight by about the learning rate).  The graded cases are hidden and
compare with the reference on fresh inputs.
"""
import numpy as np

from grader.public.compare import PASS, Verdict, agree, as_array, close, each
from grader.public.kinds import Function, Layer, Loss, Model, SavedModel
from grader.public.plan import Call, Let, Like, Ref, Save
from grader.public.saved import SavedArrays

LAYERS = "cs231n.layers"
OPTIM = "cs231n.optim"
NET = "cs231n.classifiers.fc_net:FullyConnectedNet"

affine = Layer(LAYERS, "affine_forward", "affine_backward", x=(4, 2, 3), w=(6, 5), b=(5,))
relu = Layer(LAYERS, "relu_forward", "relu_backward", x=(6, 4))
softmax_loss = Loss(LAYERS, "softmax_loss")
TRAIN = {"mode": "train"}
batchnorm = Layer(LAYERS, "batchnorm_forward", "batchnorm_backward", params=(TRAIN,), x=(8, 5), gamma=(5,),
                  beta=(5,))
batchnorm_alt = Layer(LAYERS, "batchnorm_forward", "batchnorm_backward_alt", params=(TRAIN,), x=(8, 5),
                      gamma=(5,), beta=(5,))
layernorm = Layer(LAYERS, "layernorm_forward", "layernorm_backward", params=({},), x=(6, 7), gamma=(7,), beta=(7,))
dropout_forward, dropout_backward = Function(LAYERS, "dropout_forward"), Function(LAYERS, "dropout_backward")
sgd_momentum, rmsprop, adam = (Function(OPTIM, name) for name in ("sgd_momentum", "rmsprop", "adam"))
net = Model(NET)

# ------------------------------------------------------ the graded trained model
# FullyConnectedNets.ipynb trains and saves it; the grader scores the
# reference FullyConnectedNet with these arrays on test images no notebook shows.
FC_HIDDEN = [100, 100]
FC_INIT = {"hidden_dims": FC_HIDDEN, "normalization": "batchnorm", "dtype": "float32"}


def fc_arrays(dims=(3072, *FC_HIDDEN, 10)):
    arrays = []
    for i in range(1, len(dims)):
        arrays += [(f"W{i}", (dims[i - 1], dims[i])), (f"b{i}", (dims[i],))]
        if i < len(dims) - 1:
            arrays += [(f"gamma{i}", (dims[i],)), (f"beta{i}", (dims[i],)),
                       (f"running_mean{i}", (dims[i],)), (f"running_var{i}", (dims[i],))]
    return tuple(arrays)


def load_with_running_averages(arrays):
    """The model's params, and its bn_params' running averages (what model_files.save_model writes)."""
    layers = len(FC_HIDDEN)
    params = {k: v for k, v in arrays.items() if not k.startswith("running_")}
    bn_params = [{"mode": "test", "running_mean": arrays[f"running_mean{i}"], "running_var": arrays[f"running_var{i}"]}
                 for i in range(1, layers + 1)]
    return [net.set("params", params), net.set("bn_params", bn_params)]


fc_saved = SavedModel(SavedArrays("cs231n/saved/best_fc_net.npz", fc_arrays(),
                                  made_by="the last section of FullyConnectedNets.ipynb saves it"),
                      NET, init=FC_INIT, load=load_with_running_averages, function="best_fc_net.npz (trained model)")


# ------------------------------------------------------------------ checks
def normalised(got, expected=None, given=None):
    """Check: in training mode each output feature has mean beta and standard deviation gamma."""
    out = as_array(got.get("out"), "the output of batchnorm_forward")
    if isinstance(out, Verdict):
        return out
    if out.shape != given["shape"]:
        return Verdict(False, f"the output has shape {out.shape}; expected {given['shape']}")
    for what, value, wanted in (("mean", out.mean(axis=0), given["beta"]), ("standard deviation", out.std(axis=0),
                                                                           np.abs(given["gamma"]))):
        verdict = close(rtol=1e-3, atol=1e-6)(value, wanted, f"the {what} of each output feature")
        if not verdict.passed:
            return Verdict(False, verdict.message + f": in training mode it should be {'beta' if what == 'mean' else 'gamma'}")
    return PASS


def _train_batch(rng):
    x = 12 + 5 * rng.normal(size=(200, 4))
    gamma, beta = np.array([1.0, 2.0, 3.0, 0.5]), np.array([0.0, -1.0, 4.0, 0.5])
    return ([Call(batchnorm.target, x, gamma, beta, {"mode": "train"}, save="out", pick=(0,))],
            {"gamma": gamma, "beta": beta, "shape": x.shape})


def _both_backwards_same_dout(rng):
    """Both backward passes on one cache and one upstream gradient."""
    x, gamma, beta = 3 + 2 * rng.normal(size=(20, 6)), rng.normal(size=6), rng.normal(size=6)
    dout = rng.normal(size=(20, 6))
    return [Call(batchnorm.target, x, gamma, beta, {"mode": "train"}, keep="forward"),
            Call(batchnorm.backward_target, dout, Ref("forward", 1), save="batchnorm_backward"),
            Call(batchnorm_alt.backward_target, dout, Ref("forward", 1), save="batchnorm_backward_alt")]


BN_GRADIENTS = each(close(rtol=1e-6), close(rtol=1e-6), close(rtol=1e-6), names=("dx", "dgamma", "dbeta"))


def dropout_statistics(p_key="p"):
    """Check: inverted dropout in training mode, judged whatever the random
    stream: every output is 0 or x / p, about a fraction p is kept, and the
    mean is kept."""
    def check(got, expected=None, given=None):
        out = as_array(got.get("out"), "the output of dropout_forward")
        if isinstance(out, Verdict):
            return out
        x, p = given["x"], given[p_key]
        if out.shape != x.shape:
            return Verdict(False, f"the output has shape {out.shape}; expected the shape of x, {x.shape}")
        out = out.astype(float)
        kept = out != 0
        if not np.allclose(out[kept], x[kept] / p, rtol=1e-5):
            if np.allclose(out[kept], x[kept], rtol=1e-5):
                return Verdict(False, "kept units are passed through unscaled: inverted dropout divides them by p "
                                      "at training time (and leaves test mode alone)")
            return Verdict(False, "some outputs are neither 0 nor x / p: each unit is either dropped or kept and "
                                  "divided by p")
        fraction, n = kept.mean(), x.size
        allowed = 6 * np.sqrt(p * (1 - p) / n) + 1e-9
        if abs(fraction - p) > allowed:
            return Verdict(False, f"{fraction:.3f} of the units are kept; with p = {p} about {p} should be (p is the "
                                  "probability of keeping a unit)")
        if kept.ndim > 1 and kept.shape[0] > 1 and p < 1 and np.all(kept == kept.reshape(kept.shape[0], -1)[0].reshape(kept.shape[1:])):
            return Verdict(False, "every example has the same mask: draw one independent mask entry per unit")
        return PASS
    return check


def dropout_x(rng, shape):
    """An input for dropout with no zeros (so that out / x gives the mask), of both signs."""
    return rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1, 1], size=shape)


def _dropout_train(shape, p, seed=None):
    def plan(rng):
        x = dropout_x(rng, shape)
        param = {"mode": "train", "p": p, **({} if seed is None else {"seed": seed})}
        return [dropout_forward.call(x, param, pick=(0,))], {"x": x, "p": p}
    return plan


def dropout_mask_and_gradient(got, expected=None, given=None):
    """Check: dropout_backward multiplies dout by the very mask its forward pass applied (out / x)."""
    out, dx = as_array(got.get("out"), "the output of dropout_forward"), as_array(got.get("dx"), "dx")
    for value in (out, dx):
        if isinstance(value, Verdict):
            return value
    x, dout = given["x"], given["dout"]
    dout = dout.draw(x.shape) if isinstance(dout, Like) else dout    # drawn in the worker, or handed over
    if dx.shape != x.shape or out.shape != x.shape:
        return Verdict(False, f"dx has shape {dx.shape}; it should have the shape of x, {x.shape}")
    mask = out.astype(float) / x            # x has no zeros
    if np.all(mask == 1):                   # nothing dropped: dx = dout would pass without any mask
        return Verdict(False, "dropout_forward kept every unit unscaled in training mode, so this case cannot "
                              "check that dx uses its mask: make dropout_forward's cases pass first")
    return close(rtol=1e-6)(dx, dout * mask, "dx compared with dout times the mask of the forward pass")


def _dropout_backward_plan(shape, p, keep_dout=False):
    """dropout_forward in training mode, then dropout_backward through its
    cache.  With `keep_dout`, dout is drawn here (it has the shape of x), kept
    in the worker and sent back after the call as "dout_after"."""
    def plan(rng):
        x = dropout_x(rng, shape)
        forward = dropout_forward.call(x, {"mode": "train", "p": p}, keep="forward", save="out", pick=(0,))
        if not keep_dout:
            dout = Like("forward", 0, seed=int(rng.integers(2**31)))
            return [forward, Call(dropout_backward.target, dout, Ref("forward", 1), save="dx")], {"x": x, "dout": dout}
        dout = rng.normal(size=shape)
        return ([forward, Let("dout", dout), Call(dropout_backward.target, Ref("dout"), Ref("forward", 1), save="dx"),
                 Save("dout_after", Ref("dout"))], {"x": x, "dout": dout})
    return plan


def same_and_different(got, expected=None, given=None):
    """Check: the same seed gives the same mask; another seed another."""
    first, again, other = (as_array(got.get(k), f"the output ({k})") for k in ("first", "again", "other"))
    for value in (first, again, other):
        if isinstance(value, Verdict):
            return value
    if not np.array_equal(first, again):
        return Verdict(False, "two calls with the same dropout_param['seed'] give different outputs: seed numpy's "
                              "random generator with it (np.random.seed) before drawing the mask")
    if np.array_equal(first, other):
        return Verdict(False, "two different seeds give the same output: draw the mask after seeding, from the seed")
    return PASS


def _seeded(rng):
    x = rng.uniform(0.5, 2.0, size=(30, 40))
    return [dropout_forward.call(x, {"mode": "train", "p": 0.5, "seed": seed}, save=name, pick=(0,))
            for name, seed in (("first", 7), ("again", 7), ("other", 8))]


def first_step(size, what):
    """Check: the first step from a fresh config moves every weight by about `size` against its gradient."""
    def check(got, expected=None, given=None):
        w = as_array(got.get("out"), "next_w")
        if isinstance(w, Verdict):
            return w
        step = given["w"] - w.reshape(given["w"].shape) if w.size == given["w"].size else None
        if step is None:
            return Verdict(False, f"next_w has shape {w.shape}; expected the shape of w, {given['w'].shape}")
        wanted = size * np.sign(given["dw"])
        return close(rtol=1e-3)(step, wanted, f"the first step (w - next_w), which {what}")
    return check


def _first_step(optimizer, config):
    def plan(rng):
        w, dw = rng.normal(size=(4, 6)), rng.normal(size=(4, 6)) * np.exp(rng.uniform(-3, 3, size=(4, 6)))
        return [optimizer.call(w, dw, dict(config), pick=(0,))], {"w": w, "dw": dw}
    return plan


def _momentum_zero_is_sgd(rng):
    w, dw = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    return [sgd_momentum.call(w, dw, {"learning_rate": 0.1, "momentum": 0.0}, save="sgd_momentum", pick=(0,)),
            Call(f"{OPTIM}:sgd", w, dw, {"learning_rate": 0.1}, save="sgd", pick=(0,))]


def initialised(hidden_dims, input_dim, num_classes, weight_scale, normalization):
    """Check: self.params holds W1..WL, b1..bL (and gamma, beta for the hidden layers when normalised)."""
    dims = [input_dim, *hidden_dims, num_classes]

    def check(got, expected=None, given=None):
        params = got.get("params")
        shapes = {}
        for i in range(1, len(dims)):
            shapes[f"W{i}"], shapes[f"b{i}"] = (dims[i - 1], dims[i]), (dims[i],)
            if normalization and i < len(dims) - 1:
                shapes[f"gamma{i}"], shapes[f"beta{i}"] = (dims[i],), (dims[i],)
        if not isinstance(params, dict) or sorted(map(str, params)) != sorted(shapes):
            keys = sorted(map(str, params))[:12] if isinstance(params, dict) else type(params).__name__
            return Verdict(False, f"self.params should hold exactly {', '.join(shapes)}; it holds {keys}")
        for name, shape in shapes.items():
            value = as_array(params[name], f"self.params[{name!r}]")
            if isinstance(value, Verdict):
                return value
            if value.shape != shape:
                return Verdict(False, f"self.params[{name!r}] has shape {value.shape}; expected {shape}")
            start = {"b": 0.0, "g": 1.0, "B": 0.0}.get("B" if name.startswith("beta") else name[0])
            if start is not None and np.any(value != start):
                return Verdict(False, f"self.params[{name!r}] should start at {start:g} everywhere")
            # The sample standard deviation of n draws is off by about 1 / sqrt(2n) of it.
            allowed = max(0.1, 4 / np.sqrt(2 * value.size)) * weight_scale
            if name.startswith("W") and not abs(value.std() - weight_scale) < allowed:
                return Verdict(False, f"self.params[{name!r}] should be drawn with standard deviation weight_scale "
                                      f"({weight_scale:g}); its standard deviation is {value.std():.2e}")
        return PASS
    return check


def init_plan(hidden_dims, input_dim, num_classes, weight_scale, normalization):
    init = {"hidden_dims": hidden_dims, "input_dim": input_dim, "num_classes": num_classes,
            "weight_scale": weight_scale, "normalization": normalization, "dtype": "float64"}
    return lambda rng: net.steps(net.get("params", save="params"), init=init)


def net_params(rng, dims, normalization=None, scale=0.3):
    """Random parameters for a FullyConnectedNet with layer sizes `dims`."""
    params = {}
    for i in range(1, len(dims)):
        params[f"W{i}"] = scale * rng.normal(size=(dims[i - 1], dims[i]))
        params[f"b{i}"] = 0.1 * rng.normal(size=dims[i])
        if normalization and i < len(dims) - 1:
            params[f"gamma{i}"] = 1 + 0.2 * rng.normal(size=dims[i])
            params[f"beta{i}"] = 0.2 * rng.normal(size=dims[i])
    return params


def net_init(dims, normalization=None, keep=1, reg=0.0, seed=None):
    return {"hidden_dims": list(dims[1:-1]), "input_dim": dims[0], "num_classes": dims[-1],
            "normalization": normalization, "dropout_keep_ratio": keep, "reg": reg, "dtype": "float64",
            "weight_scale": 5e-2, **({} if seed is None else {"seed": seed})}


def net_gradient_check(name, dims, normalization=None, keep=1, reg=0.0, role="self-check", num_train=3, **options):
    def inputs(rng):
        return (net_params(rng, dims, normalization), rng.normal(size=(num_train, dims[0])),
                rng.integers(dims[-1], size=num_train))
    # A bias just before batch normalization has a gradient of exactly 0 (the
    # batch mean takes it out again): nothing to check numerically.
    params = tuple(name for name in net_params(np.random.default_rng(0), dims, normalization)
                   if not (normalization == "batchnorm" and name[0] == "b" and name[1:].isdigit()
                            and int(name[1:]) < len(dims) - 1))
    return net.method("loss").gradient_check(name, inputs, role=role, params=params,
                                             init=net_init(dims, normalization, keep, reg, seed=123), **options)


CASES = [
    # Layers from assignment 1 (copy yours over).
    affine.gradient_check("a2_affine_backward_matches_numeric",
                          hint="Copy affine_forward / affine_backward from assignment 1."),
    relu.gradient_check("a2_relu_backward_matches_numeric", hint="Copy relu_forward / relu_backward from assignment 1."),
    softmax_loss.gradient_check("a2_softmax_loss_matches_numeric",
                                lambda rng: (rng.normal(size=(8, 5)), rng.integers(5, size=8)), role="self-check",
                                gradient="dx", hint="Copy softmax_loss from assignment 1."),
    # Batch normalization.
    batchnorm.self_check("batchnorm_forward_normalises", _train_batch, normalised,
                         hint="Use the minibatch mean and the biased variance (np.var) of each column."),
    batchnorm.gradient_check("batchnorm_backward_matches_numeric",
                             hint="Walk the forward pass's graph backwards; the mean and variance depend on every row."),
    batchnorm_alt.self_check(
        "batchnorm_backward_alt_matches_batchnorm_backward", _both_backwards_same_dout,
        agree("batchnorm_backward_alt", "batchnorm_backward", BN_GRADIENTS), function="batchnorm_backward_alt",
        hint="Both backward passes get the same dout and cache: they must give the same gradients."),
    layernorm.gradient_check("layernorm_backward_matches_numeric",
                             hint="Layer norm is batch norm's training mode with the statistics taken over each row."),
    # Dropout.
    dropout_forward.self_check("dropout_forward_keeps_p_and_scales", _dropout_train((100, 80), 0.3),
                               dropout_statistics(), hint="p is the probability of KEEPING a unit; divide kept units by p."),
    dropout_forward.self_check("dropout_forward_seed_repeats", _seeded, same_and_different,
                               hint="If dropout_param has a 'seed', call np.random.seed with it before drawing."),
    dropout_backward.self_check("dropout_backward_uses_the_mask", _dropout_backward_plan((40, 30), 0.6),
                                dropout_mask_and_gradient, hint="dx is dout times the mask of the forward pass."),
    # Update rules.
    sgd_momentum.self_check("sgd_momentum_without_momentum_is_sgd", _momentum_zero_is_sgd,
                            agree("sgd_momentum", "sgd", close()),
                            hint="v = momentum * v - learning_rate * dw; next_w = w + v."),
    rmsprop.self_check("rmsprop_first_step", _first_step(rmsprop, {"learning_rate": 1e-2}),
                       first_step(0.1, "from a zero cache is learning_rate / sqrt(1 - decay_rate) = 0.1"),
                       hint="cache = decay_rate * cache + (1 - decay_rate) * dw**2; divide by sqrt(cache) + epsilon."),
    adam.self_check("adam_first_step_is_learning_rate", _first_step(adam, {"learning_rate": 1e-3}),
                    first_step(1e-3, "with bias correction is learning_rate in every coordinate"),
                    hint="Increment t first, then divide m by 1 - beta1**t and v by 1 - beta2**t."),
    # The network.
    net.method("__init__").self_check(
        "fc_net_initialisation", init_plan([30, 20], 50, 7, 1e-2, "batchnorm"),
        initialised([30, 20], 50, 7, 1e-2, "batchnorm"),
        hint="W{i} ~ weight_scale * randn, b{i} zeros, gamma{i} ones and beta{i} zeros for the hidden layers."),
    net_gradient_check("fc_net_gradients_match_numeric", (6, 5, 4, 3), reg=0.5,
                       hint="Backpropagate through each layer in reverse; add reg * W to every weight's gradient."),
    net_gradient_check("fc_net_batchnorm_dropout_gradients_match_numeric", (6, 5, 4, 3), "batchnorm", keep=0.7,
                       num_train=4, hint="Pass self.bn_params[i] to layer i's batchnorm and self.dropout_param to "
                                         "each dropout layer (after each ReLU)."),
    fc_saved.loads("fc_net_saved_model_loads",
                   hint="Run the notebook's last section: it trains FullyConnectedNet([100, 100], "
                        "normalization='batchnorm') and saves it with save_model."),
]
