"""Assignment 2, ConvolutionalNetworks: hidden cases (never shipped).

Every graded function against the reference on fresh inputs of awkward
shapes: odd and non-square sizes and kernels, stride 2, pad 0 and pad 1,
overlapping and gapped pooling windows, a batch of one, one channel, G = 1
and G = C.  Each backward runs on its own forward's cache (the student's).

The edge cases are named after what they exercise, so that a bug real
submissions have loses exactly its own cases: a backward pass that cuts the
padding off with [pad:-pad] loses the "pad_0" cases, pooling that assigns
instead of adding the gradient loses the "overlapping" ones.

Spatial batch normalisation is meant to call the student's own
batchnorm_forward and batchnorm_backward (as CS231n asks).  Its cases accept
either the reference's answer or what the student's own vanilla batchnorm
gives on the reshaped input, so that a bug in batchnorm costs the batchnorm
cases, not these as well.  ThreeLayerConvNet's cases, likewise, accept the
reference's answer or the student's own layers wired as the architecture
says, so that a bug in affine_forward or relu_forward costs those layers'
cases only.
"""
import numpy as np

from grader.public.compare import PASS, Verdict, as_array, close, each, mapping
from grader.public.plan import Call, Let, Ref, Save
from grader.suites.assignment2.public_conv import (LAYERS, conv, conv_param, convnet, convnet_params, groupnorm,
                                                   initialised, pool, pool_param, spatial_batchnorm)

# ------------------------------------------------------------ convolution
# (label, x shape, w shape, stride, pad)
CONV_SHAPES = [
    ("stride_1_pad_1", (2, 3, 7, 7), (4, 3, 3, 3), 1, 1),
    ("stride_2_pad_1_non_square", (3, 2, 9, 7), (3, 2, 3, 3), 2, 1),
    ("stride_1_pad_0_non_square_kernel", (2, 3, 6, 8), (2, 3, 3, 5), 1, 0),
    ("stride_2_pad_0_odd_sizes", (2, 2, 9, 11), (3, 2, 3, 2), 2, 0),
    ("single_example_one_channel", (1, 1, 5, 6), (2, 1, 3, 3), 1, 1),
    ("pad_2_even_kernel", (2, 3, 6, 5), (2, 3, 4, 2), 1, 2),
]
CONV_HINTS = {
    "forward": "Output size 1 + (H + 2 * pad - HH) // stride; patch (i, j) starts at row i * stride of the padded x.",
    "backward": "Add each output's gradient into the patch it came from in a padded dx, then keep "
                "dx_pad[:, :, pad:pad + H, pad:pad + W] (right for pad = 0 too).",
}


def conv_cases():
    for label, x, w, stride, pad in CONV_SHAPES:
        params = (conv_param(stride, pad),)
        yield conv.forward(f"conv_forward_naive_{label}", x=x, w=w, b=(w[0],), params=params,
                           hint=CONV_HINTS["forward"])
        yield conv.backward(f"conv_backward_naive_{label}", x=x, w=w, b=(w[0],), params=params,
                            hint=CONV_HINTS["backward"])


# ------------------------------------------------------------ max pooling
# (label, x shape, pool height, pool width, stride): "overlapping" when a
# window is larger than the stride.
POOL_SHAPES = [
    ("2x2_stride_2", (2, 3, 8, 8), 2, 2, 2),
    ("3x3_stride_2_overlapping", (2, 2, 9, 7), 3, 3, 2),
    ("2x3_stride_1_overlapping", (1, 3, 5, 6), 2, 3, 1),
    ("single_example_one_channel", (1, 1, 6, 4), 2, 2, 2),
    ("2x2_stride_3_with_gaps", (2, 2, 7, 8), 2, 2, 3),
    ("3x1_stride_3_odd_sizes", (2, 3, 7, 5), 3, 1, 3),
]


def pool_cases():
    for label, x, height, width, stride in POOL_SHAPES:
        params = (pool_param(height, width, stride),)
        yield pool.forward(f"max_pool_forward_naive_{label}", x=x, params=params,
                           hint="Output size 1 + (H - pool_height) // stride; the maximum over each window.")
        yield pool.backward(f"max_pool_backward_naive_{label}", x=x, params=params,
                            hint="Route each window's gradient to its maximum, and add (+=): overlapping windows "
                                 "can share a maximum.")


# ------------------------------------------------- spatial batch normalisation
def rows(x):
    """(N, C, H, W) -> (N * H * W, C), one row per pixel: the input of vanilla batchnorm."""
    return x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])


def numeric(value):
    """A worker's value as a numeric array, or None if it is not one."""
    array = as_array(value, "")
    return None if isinstance(array, Verdict) else array


def unrows(value, shape):
    """The inverse of `rows` for a student's (N * H * W, C) array, or None if it is not one."""
    N, C, H, W = shape
    array = numeric(value)
    if array is None or array.size != N * C * H * W:
        return None
    return array.reshape(N, H, W, C).transpose(0, 3, 1, 2)


def either_own(rule, keys, own):
    """Check: the outputs `keys` agree with the reference's, or else with what
    the student's own building blocks (their vanilla batchnorm, their layers)
    give on the same data: own(got, given) -> a dict of those values,
    validated, or None.  The message speaks of the reference."""
    def check(got, expected, given=None):
        verdicts = (rule(got.get(k), expected[k], k if len(keys) > 1 else "the output") for k in keys)
        first = next((v for v in verdicts if not v.passed), PASS)
        if first.passed:
            return PASS
        theirs = own(got, given)
        if theirs is not None and all(rule(got.get(k), theirs[k]).passed for k in keys):
            return PASS
        return first
    return check


def own_forward(got, given):
    out = unrows(got.get("own_out"), given["shape"])
    return None if out is None else {"out": out}


def own_running(got, given):
    running = {k: numeric(got.get(f"own_{k}")) for k in ("running_mean", "running_var")}
    return None if any(v is None for v in running.values()) else running


def own_backward(got, given):
    own = got.get("own_out")
    if not isinstance(own, (tuple, list)) or len(own) != 3:
        return None
    dx, dgamma, dbeta = unrows(own[0], given["shape"]), numeric(own[1]), numeric(own[2])
    return None if dx is None or dgamma is None or dbeta is None else {"out": (dx, dgamma, dbeta)}


def bn_inputs(rng, shape, offset=2.0, spread=3.0):
    """x of `shape` with channels far from mean 0 and variance 1, gamma, beta."""
    C = shape[1]
    x = offset + spread * rng.normal(size=shape) * rng.uniform(0.5, 2.0, size=(1, C, 1, 1))
    return x, rng.normal(size=C), rng.normal(size=C)


def bn_forward(shape, mode="train"):
    def plan(rng):
        x, gamma, beta = bn_inputs(rng, shape)
        bn_param = {"mode": mode}
        if mode == "test":
            C = shape[1]
            bn_param.update(running_mean=rng.normal(size=C), running_var=rng.uniform(0.5, 2.0, size=C))
        steps = [Call(spatial_batchnorm.target, x, gamma, beta, dict(bn_param), save="out", pick=(0,)),
                 Call(f"{LAYERS}:batchnorm_forward", rows(x), gamma, beta, dict(bn_param), save="own_out", pick=(0,))]
        return steps, {"shape": shape}
    return plan


def bn_running_averages(shape):
    """Two training steps from the default running statistics (zeros), momentum 0.8."""
    def plan(rng):
        (x1, gamma, beta), (x2, _, _) = bn_inputs(rng, shape), bn_inputs(rng, shape)
        steps = []
        for target, convert, prefix in ((spatial_batchnorm.target, lambda x: x, ""),
                                        (f"{LAYERS}:batchnorm_forward", rows, "own_")):
            steps += [Let(f"{prefix}bn", {"mode": "train", "momentum": 0.8}),
                      Call(target, convert(x1), gamma, beta, Ref(f"{prefix}bn")),
                      Call(target, convert(x2), gamma, beta, Ref(f"{prefix}bn")),
                      Save(f"{prefix}running_mean", Ref(f"{prefix}bn", "running_mean")),
                      Save(f"{prefix}running_var", Ref(f"{prefix}bn", "running_var"))]
        return steps, {"shape": shape}
    return plan


def bn_backward(shape):
    def plan(rng):
        x, gamma, beta = bn_inputs(rng, shape)
        dout = rng.normal(size=shape)
        steps = [Call(spatial_batchnorm.target, x, gamma, beta, {"mode": "train"}, keep="forward"),
                 Call(spatial_batchnorm.backward_target, dout, Ref("forward", 1), save="out"),
                 Call(f"{LAYERS}:batchnorm_forward", rows(x), gamma, beta, {"mode": "train"}, keep="own"),
                 Call(f"{LAYERS}:batchnorm_backward", rows(dout), Ref("own", 1), save="own_out")]
        return steps, {"shape": shape}
    return plan


BN_SHAPES = [("random", (4, 3, 5, 6)), ("single_example", (1, 2, 3, 4)), ("one_channel", (3, 1, 4, 5))]
BN_HINT = ("Move the channels last and flatten: x.transpose(0, 2, 3, 1).reshape(-1, C); after batchnorm, undo "
           "both steps (reshape to (N, H, W, C), then transpose back).")


def spatial_batchnorm_cases():
    forward = spatial_batchnorm.function
    gradients = spatial_batchnorm.gradients_rule()
    for label, shape in BN_SHAPES:
        yield spatial_batchnorm.case(f"spatial_batchnorm_forward_{label}", "reference", bn_forward(shape),
                                     either_own(close(), ("out",), own_forward), hint=BN_HINT)
    yield spatial_batchnorm.case(f"{forward}_test_mode", "reference", bn_forward((3, 4, 3, 5), mode="test"),
                                 either_own(close(), ("out",), own_forward),
                                 hint="In test mode batchnorm_forward uses bn_param's running statistics.")
    yield spatial_batchnorm.case(
        f"{forward}_running_averages", "reference", bn_running_averages((3, 4, 3, 5)),
        either_own(close(), ("running_mean", "running_var"), own_running),
        hint="Pass bn_param itself to batchnorm_forward, which updates its running statistics per channel.")
    for label, shape in BN_SHAPES:
        yield spatial_batchnorm.case(
            f"spatial_batchnorm_backward_{label}", "reference", bn_backward(shape),
            either_own(gradients, ("out",), own_backward),
            function=spatial_batchnorm.backward_function, target=spatial_batchnorm.backward_target,
            hint="Reshape dout exactly as the forward pass reshaped x, and dx back as it reshaped out.")


# ------------------------------------------------- spatial group normalisation
# (label, x shape, G, gn_param)
GROUPNORM_SHAPES = [
    ("2_groups", (2, 6, 4, 5), 2, {}),
    ("G_equals_C", (2, 4, 3, 5), 4, {}),
    ("1_group", (3, 3, 4, 4), 1, {}),
    ("single_example", (1, 6, 5, 3), 3, {}),
    ("one_channel", (2, 1, 5, 7), 1, {}),
    ("eps_from_gn_param", (2, 4, 3, 3), 2, {"eps": 0.5}),
]


def groupnorm_cases():
    for label, x, G, gn_param in GROUPNORM_SHAPES:
        C = x[1]
        shapes = {"x": x, "gamma": (1, C, 1, 1), "beta": (1, C, 1, 1)}
        yield groupnorm.forward(f"spatial_groupnorm_forward_{label}", params=(G, gn_param), **shapes,
                                hint="x.reshape(N, G, -1): statistics per row; gamma and beta of shape (1, C, 1, 1) "
                                     "broadcast over (N, C, H, W). Read eps from gn_param (default 1e-5).")
        yield groupnorm.backward(f"spatial_groupnorm_backward_{label}", params=(G, gn_param), **shapes,
                                 hint="dgamma and dbeta sum over the examples and positions; dx follows layer "
                                      "normalisation's backward pass on the (N, G, -1) rows.")


# --------------------------------------------------------------- the convnet
# (label, number of examples, network's shape, reg)
CONVNET_LOSSES = [
    ("without_reg", 5, {}, 0.0),
    ("with_reg", 4, {}, 0.7),
    ("single_example", 1, {}, 0.2),
    ("non_square_input", 3, {"input_dim": (2, 6, 10), "num_filters": 2, "filter_size": 5, "hidden_dim": 5,
                             "num_classes": 3}, 0.1),
    ("odd_input_size", 3, {"input_dim": (3, 7, 9), "num_filters": 4, "filter_size": 3, "hidden_dim": 6,
                           "num_classes": 5}, 0.0),
]
DEFAULT_NET = {"input_dim": (3, 8, 8), "num_filters": 3, "filter_size": 3, "hidden_dim": 6, "num_classes": 4}
HIDDEN_INIT = {"input_dim": (3, 7, 10), "num_filters": 6, "filter_size": 5, "hidden_dim": 30, "num_classes": 6,
               "weight_scale": 2e-2}


UTILS = "cs231n.layer_utils"
POOL_2X2 = {"pool_height": 2, "pool_width": 2, "stride": 2}


def own_layers(X, y, params):
    """The steps that run the network's layers one by one, the student's own
    (layer_utils' sandwiches call the student's affine, relu and, through the
    provided fast layers, nothing else of theirs), saving what each returns."""
    p = params
    conv_param = {"stride": 1, "pad": (p["W1"].shape[2] - 1) // 2}
    steps = [Call(f"{UTILS}:conv_relu_pool_forward", X, p["W1"], p["b1"], conv_param, POOL_2X2, keep="own1"),
             Call(f"{UTILS}:affine_relu_forward", Ref("own1", 0), p["W2"], p["b2"], keep="own2"),
             Call(f"{LAYERS}:affine_forward", Ref("own2", 0), p["W3"], p["b3"], keep="own3", save="own_scores",
                  pick=(0,))]
    if y is not None:
        steps += [Call(f"{LAYERS}:softmax_loss", Ref("own3", 0), y, keep="own_loss", save="own_data_loss",
                       pick=(0,)),
                  Call(f"{LAYERS}:affine_backward", Ref("own_loss", 1), Ref("own3", 1), keep="own_d3",
                       save="own_d3"),
                  Call(f"{UTILS}:affine_relu_backward", Ref("own_d3", 0), Ref("own2", 1), keep="own_d2",
                       save="own_d2"),
                  Call(f"{UTILS}:conv_relu_pool_backward", Ref("own_d2", 0), Ref("own1", 1), save="own_d1")]
    return steps


def own_network(got, given):
    """What ThreeLayerConvNet.loss returns when wired right on the student's
    own layers, built from their saved outputs (validated), or None."""
    params, reg = given["params"], given["reg"]
    if not given["with_labels"]:
        scores = numeric(got.get("own_scores"))
        return None if scores is None else {"out": scores}
    data_loss = numeric(got.get("own_data_loss"))
    if data_loss is None or data_loss.size != 1:
        return None
    grads = {}
    for layer, names in (("own_d1", ("W1", "b1")), ("own_d2", ("W2", "b2")), ("own_d3", ("W3", "b3"))):
        returned = got.get(layer)
        if not isinstance(returned, (tuple, list)) or len(returned) != 3:
            return None
        for name, value in zip(names, returned[1:]):
            value = numeric(value)
            if value is None or value.size != params[name].size:
                return None
            grads[name] = value.reshape(params[name].shape)
    loss = float(data_loss.ravel()[0])
    for name in ("W1", "W2", "W3"):
        loss += 0.5 * reg * float(np.sum(params[name] ** 2))
        grads[name] = grads[name] + reg * params[name]
    return {"out": (loss, grads)}


def convnet_loss(num_examples, shape, reg, with_labels=True):
    def plan(rng):
        net = {**DEFAULT_NET, **shape}
        X = rng.normal(size=(num_examples, *net["input_dim"]))
        y = rng.integers(net["num_classes"], size=num_examples) if with_labels else None
        params = convnet_params(rng, **net)
        args = (X, y) if with_labels else (X,)
        steps = [*convnet.steps(convnet.set("params", params), Call("loss", *args, save="out"),
                                init={**net, "reg": reg, "dtype": "float64"}),
                 *own_layers(X, y, params)]
        return steps, {"params": params, "reg": reg, "with_labels": with_labels}
    return plan


def convnet_cases():
    """ThreeLayerConvNet is built from the student's own layers, as in CS231n.
    A case passes if the network agrees with the reference, or with its own
    layers wired as the architecture says: a bug in affine_forward costs
    affine_forward's cases, not these as well."""
    loss = convnet.method("loss")
    grads = each(close(), mapping(close()), names=("the loss", "grads"))
    hint = ("conv_relu_pool - affine_relu - affine - softmax; the penalty is 0.5 * reg * the sum of the squared "
            "weights of W1, W2, W3, its gradient reg * W.")
    yield convnet.method("__init__").property(
        "three_layer_convnet_initialisation_odd_input",
        lambda rng: convnet.steps(convnet.get("params", save="params"), init=HIDDEN_INIT), initialised(HIDDEN_INIT),
        hint="W2 has num_filters * (H // 2) * (W // 2) rows (rounding down for odd sizes); weights "
             "weight_scale * np.random.randn(...), biases zero.")
    yield loss.case("three_layer_convnet_scores", "reference", convnet_loss(3, {}, 0.0, with_labels=False),
                    either_own(close(), ("out",), own_network),
                    hint="With y=None, return the scores of the last affine layer.")
    for label, num_examples, shape, reg in CONVNET_LOSSES:
        yield loss.case(f"three_layer_convnet_loss_{label}", "reference", convnet_loss(num_examples, shape, reg),
                        either_own(grads, ("out",), own_network), hint=hint)


CASES = [*conv_cases(), *pool_cases(), *spatial_batchnorm_cases(), *groupnorm_cases(), *convnet_cases()]
