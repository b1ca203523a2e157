"""Assignment 2, PyTorch: public cases (shipped).

What PyTorch.ipynb's students write takes and returns tensors, and a plan
carries numpy arrays.  So each plan first turns its arrays into tensors in
the worker with `torch.utils.data.default_convert` (which converts a list or
a dict of arrays in one call, float32 kept float32), and a tensor the
student's code returns comes back as its array (see `protocol`).  A module
gets its weights with `load_state_dict`, by the layer names the notebook
asks for (fc1, fc2; conv1, conv2, fc).

Every case needs torch: where it is not installed, the case is skipped and
says how to install it, and every other case runs as usual.  These public
cases are self-checks (two of the student's own functions agree, never
graded); the graded cases are hidden.
"""
import numpy as np

from grader.public.compare import agree, close
from grader.public.kinds import Function, Kind
from grader.public.plan import Call, Ref

NOTEBOOK = "PyTorch.ipynb"
TO_TENSORS = "torch.utils.data:default_convert"
NEEDS = ("torch",)
# float32 throughout (as the notebook's dtype): two correct orders of the
# same float32 sums differ by about 1e-7 of their size.
FLOAT32 = close(rtol=1e-4, atol=1e-5)

flatten = Function(NOTEBOOK, "flatten", "flatten (PyTorch.ipynb)")
two_layer_fc = Function(NOTEBOOK, "two_layer_fc", "two_layer_fc (PyTorch.ipynb)")
three_layer_convnet = Function(NOTEBOOK, "three_layer_convnet", "three_layer_convnet (PyTorch.ipynb)")
TwoLayerFC = Kind(f"{NOTEBOOK}:TwoLayerFC", "TwoLayerFC (PyTorch.ipynb)")
ThreeLayerConvNet = Kind(f"{NOTEBOOK}:ThreeLayerConvNet", "ThreeLayerConvNet (PyTorch.ipynb)")


def normal(rng, *shape, scale=1.0):
    """A float32 array of standard normal values times `scale`."""
    return (scale * rng.normal(size=shape)).astype(np.float32)


def to_tensors(*values, keep="tensors"):
    """The step that turns `values` (arrays, or lists and dicts of arrays) into
    tensors in the worker, kept as a list: Ref(keep, i) is value i."""
    return Call(TO_TENSORS, list(values), keep=keep)


# ------------------------------------------------------------ the networks' weights
def fc_weights(rng, D, H, C):
    """[w1 (D, H), w2 (H, C)] for two_layer_fc, Kaiming-sized so that scores stay near 1."""
    return [normal(rng, D, H, scale=np.sqrt(2 / D)), normal(rng, H, C, scale=np.sqrt(2 / H))]


def fc_state(weights, biases):
    """TwoLayerFC's state dict holding the same affine layers: nn.Linear keeps
    its weight as (out, in), the transpose of two_layer_fc's (in, out)."""
    (w1, w2), (b1, b2) = weights, biases
    return {"fc1.weight": np.ascontiguousarray(w1.T), "fc1.bias": b1,
            "fc2.weight": np.ascontiguousarray(w2.T), "fc2.bias": b2}


def conv_output_size(H, W, kernel_1, kernel_2):
    """Height and width after the 5x5-style convolution with padding 2 and
    the 3x3-style one with padding 1 (stride 1), for kernels (KH, KW)."""
    H1, W1 = H + 4 - kernel_1[0] + 1, W + 4 - kernel_1[1] + 1
    return H1 + 2 - kernel_2[0] + 1, W1 + 2 - kernel_2[1] + 1


def conv_weights(rng, C, H, W, channel_1, channel_2, num_classes, kernel_1=(5, 5), kernel_2=(3, 3)):
    """[conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b] for three_layer_convnet."""
    H2, W2 = conv_output_size(H, W, kernel_1, kernel_2)
    D = channel_2 * H2 * W2
    return [normal(rng, channel_1, C, *kernel_1, scale=np.sqrt(2 / (C * np.prod(kernel_1)))),
            normal(rng, channel_1, scale=0.1),
            normal(rng, channel_2, channel_1, *kernel_2, scale=np.sqrt(2 / (channel_1 * np.prod(kernel_2)))),
            normal(rng, channel_2, scale=0.1),
            normal(rng, D, num_classes, scale=np.sqrt(2 / D)),
            normal(rng, num_classes, scale=0.1)]


def conv_state(weights):
    """ThreeLayerConvNet's state dict holding three_layer_convnet's weights."""
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = weights
    return {"conv1.weight": conv_w1, "conv1.bias": conv_b1, "conv2.weight": conv_w2, "conv2.bias": conv_b2,
            "fc.weight": np.ascontiguousarray(fc_w.T), "fc.bias": fc_b}


# ---------------------------------------------------------------------- plans
def function_steps(kind, x, weights, save="out"):
    """Call a barebones network function(x, weights) on tensors."""
    return [to_tensors(x, weights, keep=f"{save}_inputs"),
            kind.call(Ref(f"{save}_inputs", 0), Ref(f"{save}_inputs", 1), save=save)]


def module_steps(kind, init, state, x, save="out"):
    """Construct the module with `init`, load `state` into it, and save its forward pass on x."""
    return [Call(kind.target, *init, keep="model"), to_tensors(state, x, keep=f"{save}_inputs"),
            Call("load_state_dict", Ref(f"{save}_inputs", 0), on="model"),
            Call("forward", Ref(f"{save}_inputs", 1), on="model", save=save)]


def _flatten_and_reshape(rng):
    x = normal(rng, 3, 2, 4, 5)
    return [to_tensors(x), flatten.call(Ref("tensors", 0), save="flatten"),
            Call("numpy:reshape", x, (3, -1), save="reshape")]


def _two_layer_fc_and_module(rng):
    x, weights = normal(rng, 6, 3, 2, 4), fc_weights(rng, 24, 7, 5)
    biases = [np.zeros(7, np.float32), np.zeros(5, np.float32)]
    return (function_steps(two_layer_fc, x, weights, save="two_layer_fc")
            + module_steps(TwoLayerFC, (24, 7, 5), fc_state(weights, biases), x, save="TwoLayerFC"))


def _three_layer_convnet_and_module(rng):
    # ThreeLayerConvNet is made for 32x32 images (its fc layer has channel_2 * 32 * 32 inputs).
    x, weights = normal(rng, 2, 3, 32, 32), conv_weights(rng, 3, 32, 32, 4, 3, 10)
    return (function_steps(three_layer_convnet, x, weights, save="three_layer_convnet")
            + module_steps(ThreeLayerConvNet, (3, 4, 3, 10), conv_state(weights), x, save="ThreeLayerConvNet"))


CASES = [
    flatten.self_check(
        "flatten_matches_numpy_reshape", _flatten_and_reshape, agree("flatten", "reshape", FLOAT32), needs=NEEDS,
        timeout=20, hint="Keep the first dimension and merge the others: x.reshape(N, -1)."),
    TwoLayerFC.self_check(
        "TwoLayerFC_matches_two_layer_fc", _two_layer_fc_and_module, agree("TwoLayerFC", "two_layer_fc", FLOAT32),
        needs=NEEDS, timeout=20,
        hint="With zero biases TwoLayerFC computes two_layer_fc: check fc1 - ReLU - fc2 in both, and the names "
             "fc1 and fc2."),
    ThreeLayerConvNet.self_check(
        "ThreeLayerConvNet_matches_three_layer_convnet", _three_layer_convnet_and_module,
        agree("ThreeLayerConvNet", "three_layer_convnet", FLOAT32), needs=NEEDS, timeout=20,
        hint="Both compute conv (5x5, padding 2) - ReLU - conv (3x3, padding 1) - ReLU - affine: check the "
             "paddings, the ReLUs and the layer names conv1, conv2 and fc."),
]
