"""Assignment 2, PyTorch: correct alternatives and cheats (never shipped).

Correct code written differently: torch's own flatten, F.linear with the
transposed weights, torch.relu and torch.addmm, layers made in another order
or with padding="same", ReLUs kept as modules, Kaiming's initialisation
written out or with other arguments.  Each must score full marks.
"""
from grader.public.suite import Alternative

NOTEBOOK = "PyTorch.ipynb"

ALTERNATIVES = {
    "flatten_with_torch_flatten": Alternative(NOTEBOOK, "flatten", '''
def flatten(x):
    return torch.flatten(x, start_dim=1)
'''),
    "two_layer_fc_with_linear_and_clamp": Alternative(NOTEBOOK, "two_layer_fc", '''
def two_layer_fc(x, params):
    w1, w2 = params
    x = x.view(x.size(0), -1)
    return F.linear(F.linear(x, w1.t()).clamp(min=0), w2.t())
'''),
    "three_layer_convnet_with_addmm": Alternative(NOTEBOOK, "three_layer_convnet", '''
def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    h = torch.relu(F.conv2d(x, conv_w1, bias=conv_b1, stride=1, padding=(2, 2)))
    h = torch.relu(F.conv2d(h, conv_w2, bias=conv_b2, stride=1, padding=(1, 1)))
    return torch.addmm(fc_b, torch.flatten(h, 1), fc_w)
'''),
    "TwoLayerFC_layers_in_another_order": Alternative(NOTEBOOK, "TwoLayerFC", '''
class TwoLayerFC(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.fc2 = nn.Linear(hidden_size, num_classes)
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        for layer in (self.fc2, self.fc1):   # Kaiming's standard deviation, written out
            nn.init.normal_(layer.weight, std=(2 / layer.in_features) ** 0.5)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(torch.flatten(x, 1))))
'''),
    "ThreeLayerConvNet_same_padding_and_relu_modules": Alternative(NOTEBOOK, "ThreeLayerConvNet", '''
class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channel, channel_1, (5, 5), padding="same")
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channel_1, channel_2, (3, 3), padding="same")
        self.relu2 = nn.ReLU(inplace=True)
        self.fc = nn.Linear(channel_2 * 32 * 32, num_classes)
        for layer in (self.conv1, self.conv2, self.fc):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            layer.bias.data.zero_()

    def forward(self, x):
        x = self.relu2(self.conv2(self.relu1(self.conv1(x))))
        return self.fc(x.reshape(x.shape[0], -1))
'''),
}
# Code that only looks right: a module whose scores have the right shape
# and nothing else; a barebones network that trains weights of its own.
CHEATS = {
    "ThreeLayerConvNet_scores_of_zeros": Alternative(NOTEBOOK, "ThreeLayerConvNet.forward", '''
    def forward(self, x):
        return torch.zeros(x.shape[0], self.fc.out_features)
''', frozenset({"ThreeLayerConvNet_forward_random", "ThreeLayerConvNet_forward_batch_of_one_one_channel"})),
    "two_layer_fc_ignores_its_params": Alternative(NOTEBOOK, "two_layer_fc", '''
def two_layer_fc(x, params):
    x = flatten(x)
    w1 = torch.randn(x.shape[1], 10) * 0.01
    return F.relu(x.mm(w1))
''', frozenset({"two_layer_fc_random", "two_layer_fc_batch_of_one", "two_layer_fc_flat_input"})),
}
# Free-point tricks planted together in the blank release, which must still
# score 0: flatten that returns its input, which is right for a flat input.
BLANK_CHEATS = {
    "flatten_returns_its_input": Alternative(NOTEBOOK, "flatten", '''
def flatten(x):
    return x
'''),
}
