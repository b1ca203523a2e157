from .fc_net import FullyConnectedNet
from .cnn import ThreeLayerConvNet
