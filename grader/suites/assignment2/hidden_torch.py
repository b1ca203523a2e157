"""Assignment 2, PyTorch: hidden cases (never shipped).

Each function and module of PyTorch.ipynb against the reference on fresh
float32 inputs: a batch of one, odd and non-square sizes, one channel,
inputs of two to five dimensions.  The modules get set weights (`load_state_dict`), so
their outputs do not depend on how the student initialised them.  See
public_torch.py for how tensors reach the student's code.
"""
import numpy as np

from grader.public.compare import PASS, Verdict, as_array
from grader.public.plan import Call, Ref
from grader.suites.assignment2.public_torch import (FLOAT32, NEEDS, ThreeLayerConvNet, TwoLayerFC, conv_state,
                                                    conv_weights, fc_state, fc_weights, flatten, function_steps,
                                                    module_steps, normal, three_layer_convnet, to_tensors,
                                                    two_layer_fc)

TIMEOUT = 20  # the first case of a worker may import torch (about 1 s on a laptop)
# The networks flatten with the student's own flatten in the notebook; their
# cases run with the reference's instead, so that a wrong flatten costs
# flatten's cases only (see `suite`, lends).
FLATTEN = ("PyTorch.ipynb:flatten",)


def flatten_plan(*shape):
    def plan(rng):
        return [to_tensors(normal(rng, *shape)), flatten.call(Ref("tensors", 0))]
    return plan


def flat_and_images_plan(rng):
    """flatten on an input already flat (which it must keep as it is) and on
    images: returning x unchanged passes the first only."""
    return [to_tensors(normal(rng, 6, 11), normal(rng, 2, 3, 2, 2)),
            flatten.call(Ref("tensors", 0), save="flat"), flatten.call(Ref("tensors", 1), save="images")]


def two_layer_fc_plan(x_shape, H, C):
    def plan(rng):
        D = int(np.prod(x_shape[1:]))
        return function_steps(two_layer_fc, normal(rng, *x_shape), fc_weights(rng, D, H, C))
    return plan


def three_layer_convnet_plan(N, C, H, W, channel_1, channel_2, num_classes, kernel_1=(5, 5), kernel_2=(3, 3)):
    def plan(rng):
        weights = conv_weights(rng, C, H, W, channel_1, channel_2, num_classes, kernel_1, kernel_2)
        return function_steps(three_layer_convnet, normal(rng, N, C, H, W), weights)
    return plan


def two_layer_module_plan(x_shape, H, C):
    def plan(rng):
        D = int(np.prod(x_shape[1:]))
        state = fc_state(fc_weights(rng, D, H, C), [normal(rng, H, scale=0.1), normal(rng, C, scale=0.1)])
        return module_steps(TwoLayerFC, (D, H, C), state, normal(rng, *x_shape))
    return plan


def conv_module_plan(N, C, channel_1, channel_2, num_classes):
    def plan(rng):
        state = conv_state(conv_weights(rng, C, 32, 32, channel_1, channel_2, num_classes))
        return module_steps(ThreeLayerConvNet, (C, channel_1, channel_2, num_classes), state,
                            normal(rng, N, C, 32, 32))
    return plan


FLATTEN_HINT = "Keep the first dimension and merge all the others, in numpy's order: x.reshape(x.shape[0], -1)."
TWO_LAYER_HINT = "flatten(x), then x.mm(w1), F.relu, and .mm(w2): no biases, no ReLU on the scores."
CONV_HINT = ("F.conv2d with padding=2, ReLU, F.conv2d with padding=1, ReLU, then flatten(x).mm(fc_w) + fc_b; "
             "no pooling.")
TWO_LAYER_MODULE_HINT = "forward is flatten - fc1 - ReLU - fc2; the layers must be called fc1 and fc2."
CONV_MODULE_HINT = ("conv1: 5x5 with padding=2, conv2: 3x3 with padding=1, each followed by a ReLU, then fc on the "
                    "flattened maps; the layers must be called conv1, conv2 and fc.")

TORCH = {"needs": NEEDS, "timeout": TIMEOUT}
ON_FLATTEN = {**TORCH, "lends": FLATTEN}

CASES = [
    flatten.reference("flatten_batch_of_one", flatten_plan(1, 3, 4, 5), FLOAT32, hint=FLATTEN_HINT, **TORCH),
    flatten.reference("flatten_three_dims_odd_sizes", flatten_plan(3, 5, 7), FLOAT32, hint=FLATTEN_HINT, **TORCH),
    flatten.reference("flatten_five_dims", flatten_plan(2, 3, 1, 4, 2), FLOAT32, hint=FLATTEN_HINT, **TORCH),
    flatten.reference("flatten_already_flat_and_images", flat_and_images_plan, FLOAT32, keys=("flat", "images"),
                      hint=FLATTEN_HINT, **TORCH),
    two_layer_fc.reference("two_layer_fc_random", two_layer_fc_plan((7, 3, 4, 4), 13, 5), FLOAT32,
                           hint=TWO_LAYER_HINT, **ON_FLATTEN),
    two_layer_fc.reference("two_layer_fc_batch_of_one", two_layer_fc_plan((1, 2, 3, 5), 9, 4), FLOAT32,
                           hint=TWO_LAYER_HINT, **ON_FLATTEN),
    two_layer_fc.reference("two_layer_fc_flat_input", two_layer_fc_plan((5, 11), 6, 3), FLOAT32,
                           hint=TWO_LAYER_HINT, **ON_FLATTEN),
    three_layer_convnet.reference("three_layer_convnet_random", three_layer_convnet_plan(4, 3, 8, 8, 6, 5, 7),
                                  FLOAT32, hint=CONV_HINT, **ON_FLATTEN),
    three_layer_convnet.reference("three_layer_convnet_batch_of_one_odd_sizes",
                                  three_layer_convnet_plan(1, 2, 7, 9, 3, 4, 5), FLOAT32, hint=CONV_HINT,
                                  **ON_FLATTEN),
    three_layer_convnet.reference("three_layer_convnet_one_channel_non_square_kernels",
                                  three_layer_convnet_plan(2, 1, 6, 5, 2, 3, 4, kernel_1=(5, 3), kernel_2=(3, 1)),
                                  FLOAT32, hint=CONV_HINT, **ON_FLATTEN),
    TwoLayerFC.reference("TwoLayerFC_forward_random", two_layer_module_plan((7, 3, 4, 4), 13, 5), FLOAT32,
                         hint=TWO_LAYER_MODULE_HINT, **ON_FLATTEN),
    TwoLayerFC.reference("TwoLayerFC_forward_batch_of_one", two_layer_module_plan((1, 2, 3, 5), 9, 4), FLOAT32,
                         hint=TWO_LAYER_MODULE_HINT, **ON_FLATTEN),
    ThreeLayerConvNet.reference("ThreeLayerConvNet_forward_random", conv_module_plan(3, 3, 6, 5, 7), FLOAT32,
                                hint=CONV_MODULE_HINT, **ON_FLATTEN),
    ThreeLayerConvNet.reference("ThreeLayerConvNet_forward_batch_of_one_one_channel",
                                conv_module_plan(1, 1, 2, 4, 3), FLOAT32, hint=CONV_MODULE_HINT, **ON_FLATTEN),
]


# ============================================================================
# Cases added because of the mutation audit (`python -m grader audit
# --assignment assignment2`): the cases above load their own weights, so
# nothing judged how __init__ initialises them.  Kept in one block so that it
# merges as one piece.
# ============================================================================
def initial_state(kind, *init):
    """Construct the module (the worker seeds torch for each case) and send back its state dict."""
    return lambda rng: [Call(kind.target, *init, keep="model"), Call("state_dict", on="model", save="state")]


def kaiming_initialised(shapes, zero_biases=False, tolerance=0.15):
    """Check: each weight ({state key: its shape}) has that shape and the
    standard deviation of Kaiming initialisation, sqrt(2 / fan_in), within
    `tolerance` (the layers are large enough that a correct draw is within
    3 %; PyTorch's default initialisation is 0.41 times that); with
    `zero_biases`, every bias is exactly 0."""
    def parameter(state, key):
        if key not in state:
            return Verdict(False, f"the module has no parameter {key}: the layers must have the names the notebook "
                                  f"gives (its parameters are: {', '.join(sorted(map(str, state))[:8])})")
        return as_array(state[key], key)

    def check(got, expected=None, given=None):
        state = got.get("state")
        if not isinstance(state, dict):
            return Verdict(False, "state_dict() did not give a dict of tensors")
        for key, shape in shapes.items():
            weight = parameter(state, key)
            if isinstance(weight, Verdict):
                return weight
            if weight.shape != shape:
                return Verdict(False, f"{key} has shape {weight.shape}; expected {shape}")
            fan_in = int(np.prod(shape[1:]))
            wanted, std = np.sqrt(2.0 / fan_in), float(np.std(weight.astype(float)))
            if not abs(std / wanted - 1) <= tolerance:
                return Verdict(False, f"{key} has a standard deviation of {std:.3g}; Kaiming initialisation "
                                      f"(nn.init.kaiming_normal_) gives sqrt(2 / fan_in) = {wanted:.3g}")
            if zero_biases:
                bias = parameter(state, key.replace(".weight", ".bias"))
                if isinstance(bias, Verdict):
                    return bias
                if np.any(bias != 0):
                    return Verdict(False, f"{key.replace('.weight', '.bias')} is not all zeros: set it with "
                                          "nn.init.zeros_")
        return PASS
    return check


AUDIT_CASES = [
    TwoLayerFC.property("TwoLayerFC_init_kaiming_weights", initial_state(TwoLayerFC, 300, 200, 10),
                        kaiming_initialised({"fc1.weight": (200, 300), "fc2.weight": (10, 200)}),
                        function="TwoLayerFC.__init__ (PyTorch.ipynb)",
                        hint="Initialise fc1.weight and fc2.weight with nn.init.kaiming_normal_.", **TORCH),
    ThreeLayerConvNet.property("ThreeLayerConvNet_init_kaiming_weights_zero_biases",
                               initial_state(ThreeLayerConvNet, 3, 12, 8, 10),
                               kaiming_initialised({"conv1.weight": (12, 3, 5, 5), "conv2.weight": (8, 12, 3, 3),
                                                    "fc.weight": (10, 8 * 32 * 32)}, zero_biases=True),
                               function="ThreeLayerConvNet.__init__ (PyTorch.ipynb)",
                               hint="Initialise every weight with nn.init.kaiming_normal_ and every bias with "
                                    "nn.init.zeros_ (conv1, conv2 and fc).", **TORCH),
]
CASES += AUDIT_CASES
