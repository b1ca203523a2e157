"""Assignment 2, ConvolutionalNetworks: public cases (shipped).

Every case here is a self-check, worth no points: the naive layers against
the provided fast ones, backward passes against numerical gradients of the
student's own forward passes, and properties a correct layer has.  Points
come from the hidden cases only, which compare with the reference on fresh
inputs (hidden_conv.py).  The layer kinds and shapes below are shared with
those hidden cases.
"""
import numpy as np

from grader.public.compare import PASS, Verdict, agree, as_array, close
from grader.public import heldout
from grader.public.kinds import Layer, Model, SavedModel
from grader.public.plan import Call, Let, Ref, Save
from grader.public.saved import SavedArrays

LAYERS = "cs231n.layers"
FAST = "cs231n.fast_layers"
CONVNET = "cs231n.classifiers.cnn:ThreeLayerConvNet"


def conv_param(stride, pad):
    return {"stride": stride, "pad": pad}


def pool_param(height, width, stride):
    return {"pool_height": height, "pool_width": width, "stride": stride}


conv = Layer(LAYERS, "conv_forward_naive", "conv_backward_naive", x=(2, 3, 7, 7), w=(4, 3, 3, 3), b=(4,),
             params=(conv_param(1, 1),))
pool = Layer(LAYERS, "max_pool_forward_naive", "max_pool_backward_naive", x=(2, 3, 6, 6),
             params=(pool_param(2, 2, 2),))
spatial_batchnorm = Layer(LAYERS, "spatial_batchnorm_forward", "spatial_batchnorm_backward", x=(3, 4, 5, 6),
                          gamma=(4,), beta=(4,), params=({"mode": "train"},))
groupnorm = Layer(LAYERS, "spatial_groupnorm_forward", "spatial_groupnorm_backward", x=(2, 6, 4, 5),
                  gamma=(1, 6, 1, 1), beta=(1, 6, 1, 1), params=(2, {}))
convnet = Model(CONVNET)


def naive_and_fast(naive, fast, shapes, params):
    """The student's naive forward and the provided fast one on the same random inputs."""
    def plan(rng):
        inputs = [rng.normal(size=shape) for shape in shapes]
        return [Call(naive, *inputs, *params, save="naive", pick=(0,)),
                Call(fast, *inputs, *params, save="fast", pick=(0,))]
    return plan


def leaves_x_unchanged(rng):
    x = rng.normal(size=(2, 3, 5, 5))
    return ([Let("x", x.copy()), Call(conv.target, Ref("x"), rng.normal(size=(2, 3, 3, 3)), np.zeros(2),
                                     conv_param(1, 2), save="out", pick=(0,)),
             Save("x_after", Ref("x"))], {"x": x})


def x_unchanged(got, expected=None, given=None):
    after = as_array(got.get("x_after"), "x after the call")
    if isinstance(after, Verdict):
        return after
    if after.shape != given["x"].shape or not np.array_equal(after, given["x"]):
        return Verdict(False, "conv_forward_naive changed its input x: pad a copy (np.pad returns a new array)")
    return PASS


# ---------------------------------------------------------------- normalisation
def normalises(regroup, what):
    """Check: with gamma = 2 and beta = -1, every set of values the layer
    normalises together has mean -1 and standard deviation 2.  regroup(out)
    -> an array with one such set per row."""
    def check(got, expected=None, given=None):
        out = as_array(got.get("out"), "the output")
        if isinstance(out, Verdict):
            return out
        if out.shape != given["shape"]:
            return Verdict(False, f"the output has shape {out.shape}; expected {given['shape']} (the shape of x)")
        rows = regroup(out.astype(float))
        mean, std = rows.mean(axis=1), rows.std(axis=1)
        if not (np.all(np.isfinite(rows)) and np.allclose(mean, -1.0, atol=1e-6) and np.allclose(std, 2.0, rtol=1e-3)):
            return Verdict(False, f"with gamma = 2 and beta = -1 the output of each {what} should have mean -1 and "
                                  f"standard deviation 2; got means from {mean.min():.3g} to {mean.max():.3g} and "
                                  f"standard deviations from {std.min():.3g} to {std.max():.3g}")
        return PASS
    return check


def spatial_batchnorm_plan(rng):
    x = 3.0 + 2.0 * rng.normal(size=(4, 3, 5, 6))
    return ([Call(spatial_batchnorm.target, x, np.full(3, 2.0), np.full(3, -1.0), {"mode": "train"}, save="out",
                  pick=(0,))], {"shape": x.shape})


def groupnorm_plan(rng):
    """Six channels in G = 3 groups of two."""
    x = 3.0 + 2.0 * rng.normal(size=(2, 6, 4, 5))
    return ([Call(groupnorm.target, x, np.full((1, 6, 1, 1), 2.0), np.full((1, 6, 1, 1), -1.0), 3, {}, save="out",
                  pick=(0,))], {"shape": x.shape})


# ------------------------------------------------------------- the convnet
CONVNET_INIT = {"input_dim": (2, 9, 6), "num_filters": 8, "filter_size": 5, "hidden_dim": 40, "num_classes": 7,
                "weight_scale": 1e-2}


def convnet_shapes(input_dim, num_filters, filter_size, hidden_dim, num_classes):
    """The shapes of ThreeLayerConvNet's parameters (2x2 pooling halves H and W, rounding down)."""
    C, H, W = input_dim
    return {"W1": (num_filters, C, filter_size, filter_size), "b1": (num_filters,),
            "W2": (num_filters * (H // 2) * (W // 2), hidden_dim), "b2": (hidden_dim,),
            "W3": (hidden_dim, num_classes), "b3": (num_classes,)}


def convnet_params(rng, input_dim=(3, 8, 8), num_filters=3, filter_size=3, hidden_dim=6, num_classes=4, scale=0.3):
    """Random parameters of the right shapes, large enough that the ReLUs matter."""
    return {name: scale * rng.normal(size=shape)
            for name, shape in convnet_shapes(input_dim, num_filters, filter_size, hidden_dim, num_classes).items()}


def initialised(init):
    """Check: self.params holds the six parameters with the shapes `init`
    implies, biases at zero, weights of standard deviation weight_scale
    (within five standard errors of the estimate, so that it never fails a
    correct initialisation by chance)."""
    shapes = convnet_shapes(*(init[k] for k in ("input_dim", "num_filters", "filter_size", "hidden_dim",
                                                 "num_classes")))
    scale = init["weight_scale"]

    def check(got, expected=None, given=None):
        params = got.get("params")
        if not isinstance(params, dict) or sorted(params) != sorted(shapes):
            return Verdict(False, "self.params should hold exactly the keys W1, b1, W2, b2, W3, b3")
        for name, shape in shapes.items():
            value = as_array(params[name], f"self.params[{name!r}]")
            if isinstance(value, Verdict):
                return value
            if value.shape != shape:
                return Verdict(False, f"self.params[{name!r}] has shape {value.shape}; expected {shape} (for "
                                      f"input_dim {init['input_dim']}, {init['num_filters']} filters of size "
                                      f"{init['filter_size']}, {init['hidden_dim']} hidden units, "
                                      f"{init['num_classes']} classes)")
            value = value.astype(float)
            if name.startswith("b") and np.any(value != 0):
                return Verdict(False, f"self.params[{name!r}] should start at zero")
            if name.startswith("W") and not abs(value.std() / scale - 1) < 5 / np.sqrt(2 * value.size):
                return Verdict(False, f"self.params[{name!r}] should be Gaussian with standard deviation "
                                      f"weight_scale ({scale:g} here); its standard deviation is {value.std():.2e}")
        return PASS
    return check


# ------------------------------------------------------ the graded trained model
# ConvolutionalNetworks.ipynb trains ThreeLayerConvNet with its default sizes
# (3x32x32 images, 32 filters of 7x7, 100 hidden units, 10 classes) and saves
# it; the grader scores the reference ThreeLayerConvNet with these arrays on
# test images no notebook shows, in float32, on the first CONVNET_ROWS of
# them (a convolutional network on 2,000 images at once needs gigabytes).
TRAINED_SHAPES = convnet_shapes((3, 32, 32), 32, 7, 100, 10)
CONVNET_ROWS = 500


def convnet_heldout():
    X, y, size = heldout.cifar10()
    return X[:CONVNET_ROWS], y[:CONVNET_ROWS], size


def load_as_float32(arrays):
    return [convnet.set("params", {name: value.astype(np.float32) for name, value in arrays.items()})]


convnet_saved = SavedModel(SavedArrays("cs231n/saved/three_layer_convnet.npz", tuple(TRAINED_SHAPES.items()),
                                       made_by="the section 'Train the network' of ConvolutionalNetworks.ipynb "
                                               "saves it"),
                           CONVNET, load=load_as_float32, data=convnet_heldout,
                           function="three_layer_convnet.npz (trained model)")


def initial_loss(rng):
    X = rng.normal(size=(20, 3, 8, 8))
    return convnet.steps(Call("loss", X, rng.integers(10, size=20), save="out"),
                         init={"input_dim": (3, 8, 8), "num_filters": 4, "filter_size": 3, "hidden_dim": 10,
                               "dtype": "float64"})


def loss_near_log_10(got, expected=None, given=None):
    out = got.get("out")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return Verdict(False, "loss(X, y) should return a tuple (loss, grads)")
    loss = as_array(out[0], "the loss")
    if isinstance(loss, Verdict):
        return loss
    if loss.size != 1 or not abs(float(loss.ravel()[0]) - np.log(10)) < 0.05:
        return Verdict(False, f"with tiny initial weights and no regularisation the loss should be close to "
                              f"log(10) = 2.303; got {loss.ravel()[:1]}")
    return PASS


CASES = [
    # Convolution.
    conv.self_check("conv_forward_naive_matches_fast",
                    naive_and_fast(conv.target, f"{FAST}:conv_forward_fast", [(2, 3, 7, 9), (4, 3, 3, 5), (4,)],
                                   [conv_param(2, 1)]),
                    agree("naive", "fast", close(), "conv_forward_naive compared with conv_forward_fast"),
                    hint="Check the output size, 1 + (H + 2 * pad - HH) // stride, and where each patch starts."),
    conv.self_check("conv_forward_naive_leaves_x_unchanged", leaves_x_unchanged, x_unchanged,
                    hint="np.pad returns a padded copy; never write into x."),
    conv.gradient_check("conv_backward_naive_matches_numeric", x=(2, 3, 6, 5), w=(3, 3, 3, 3), b=(3,),
                        params=(conv_param(2, 1),),
                        hint="Add each output's gradient back into the patch it came from, then cut the padding off."),
    conv.gradient_check("conv_backward_naive_matches_numeric_without_padding", x=(2, 2, 5, 6), w=(3, 2, 3, 2),
                        b=(3,), params=(conv_param(1, 0),),
                        hint="With pad = 0 there is nothing to cut off: x[:, :, 0:-0] is empty."),
    # Max pooling.
    pool.self_check("max_pool_forward_naive_matches_fast",
                    naive_and_fast(pool.target, f"{FAST}:max_pool_forward_fast", [(2, 3, 7, 8)],
                                   [pool_param(3, 2, 2)]),
                    agree("naive", "fast", close(), "max_pool_forward_naive compared with max_pool_forward_fast"),
                    hint="The output size is 1 + (H - pool_height) // stride; take the maximum of each window."),
    pool.gradient_check("max_pool_backward_naive_matches_numeric", entries=20,
                        hint="Each window's gradient goes to the position of its maximum."),
    pool.gradient_check("max_pool_backward_naive_matches_numeric_overlapping", x=(2, 2, 7, 7), entries=40,
                        params=(pool_param(3, 3, 2),),
                        hint="Where windows overlap, one input can be the maximum of two windows: add (+=)."),
    # Normalisation.
    spatial_batchnorm.self_check("spatial_batchnorm_forward_normalises_each_channel", spatial_batchnorm_plan,
                                 normalises(lambda out: out.transpose(1, 0, 2, 3).reshape(out.shape[1], -1),
                                            "channel"),
                                 hint="One mean and variance per channel, over the examples and all positions."),
    spatial_batchnorm.gradient_check("spatial_batchnorm_backward_matches_numeric",
                                     hint="Reshape dout exactly as the forward pass reshaped x."),
    groupnorm.self_check("spatial_groupnorm_forward_normalises_each_group", groupnorm_plan,
                         normalises(lambda out: out.reshape(out.shape[0] * 3, -1), "example and group"),
                         hint="One mean and variance per example and group of C // G consecutive channels."),
    groupnorm.gradient_check("spatial_groupnorm_backward_matches_numeric",
                             hint="Backpropagate through the normalisation of each (example, group) row."),
    # The convnet.
    convnet.method("__init__").self_check(
        "three_layer_convnet_initialisation",
        lambda rng: convnet.steps(convnet.get("params", save="params"), init=CONVNET_INIT), initialised(CONVNET_INIT),
        hint="W2 has num_filters * (H // 2) * (W // 2) rows: the pooled output, flattened."),
    convnet.method("loss").self_check(
        "three_layer_convnet_initial_loss", initial_loss, loss_near_log_10,
        hint="With tiny weights all scores are about 0, so the softmax loss is about log(10)."),
    convnet.method("loss").gradient_check(
        "three_layer_convnet_gradients_match_numeric",
        lambda rng: (convnet_params(rng), rng.normal(size=(2, 3, 8, 8)), rng.integers(4, size=2)),
        role="self-check", params=("W1", "b1", "W2", "b2", "W3", "b3"),
        init={"input_dim": (3, 8, 8), "num_filters": 3, "filter_size": 3, "hidden_dim": 6, "num_classes": 4,
              "reg": 0.3, "dtype": "float64"},
        hint="Backpropagate through affine - affine_relu - conv_relu_pool; add reg * W to each weight's gradient."),
    convnet_saved.loads("three_layer_convnet_saved_model_loads",
                        hint="Run the section 'Train the network' of ConvolutionalNetworks.ipynb: it trains "
                             "ThreeLayerConvNet with its default sizes and saves it with save_model."),
]
