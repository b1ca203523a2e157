"""Assignment 2, PyTorch: planted bugs and the cases each must break (never shipped).

Each is a realistic mistake in one function or module of PyTorch.ipynb, and
costs that function's cases only: the networks call flatten, and their
hidden cases run with the reference's (hidden_torch.FLATTEN).
"""
from grader.public.suite import Mutant

NOTEBOOK = "PyTorch.ipynb"

MUTANTS = {
    # Written for (N, C, H, W) images only: any other number of dimensions fails to unpack.
    "flatten_assumes_images": Mutant(
        NOTEBOOK, "N = x.shape[0]", "N, C, H, W = x.shape",
        frozenset({"flatten_three_dims_odd_sizes", "flatten_five_dims", "flatten_already_flat_and_images"})),
    # numpy's (N, H, W, C) habit: the values of each row in another order (2-D inputs come out right).
    "flatten_channels_last": Mutant(
        NOTEBOOK, "return x.reshape(N, -1)", "return x.transpose(1, -1).reshape(N, -1)",
        frozenset({"flatten_batch_of_one", "flatten_three_dims_odd_sizes", "flatten_five_dims",
                   "flatten_already_flat_and_images"})),
    # No non-linearity: two affine layers collapse into one.
    "two_layer_fc_forgets_relu": Mutant(
        NOTEBOOK, "hidden = F.relu(flatten(x).mm(w1))", "hidden = flatten(x).mm(w1)",
        frozenset({"two_layer_fc_random", "two_layer_fc_batch_of_one", "two_layer_fc_flat_input"})),
    "three_layer_convnet_forgets_second_relu": Mutant(
        NOTEBOOK, "x = F.relu(F.conv2d(x, conv_w2, conv_b2, padding=1))", "x = F.conv2d(x, conv_w2, conv_b2, padding=1)",
        frozenset({"three_layer_convnet_random", "three_layer_convnet_batch_of_one_odd_sizes",
                   "three_layer_convnet_one_channel_non_square_kernels"})),
    "TwoLayerFC_forgets_relu": Mutant(
        NOTEBOOK, "return self.fc2(F.relu(self.fc1(flatten(x))))", "return self.fc2(self.fc1(flatten(x)))",
        frozenset({"TwoLayerFC_forward_random", "TwoLayerFC_forward_batch_of_one"})),
    "ThreeLayerConvNet_forgets_first_relu": Mutant(
        NOTEBOOK, "x = F.relu(self.conv1(x))", "x = self.conv1(x)",
        frozenset({"ThreeLayerConvNet_forward_random", "ThreeLayerConvNet_forward_batch_of_one_one_channel"})),
    # PyTorch's default initialisation (uniform, 0.41 times Kaiming's standard deviation).
    "TwoLayerFC_default_initialisation": Mutant(
        NOTEBOOK, "nn.init.kaiming_normal_(self.fc1.weight)", "pass  # fc1 keeps PyTorch's initialisation",
        frozenset({"TwoLayerFC_init_kaiming_weights"})),
    "ThreeLayerConvNet_biases_left_at_default": Mutant(
        NOTEBOOK, "nn.init.zeros_(layer.bias)", "pass  # the biases keep PyTorch's initialisation",
        frozenset({"ThreeLayerConvNet_init_kaiming_weights_zero_biases"})),
}
BROKEN = {}
PLANTED = []
