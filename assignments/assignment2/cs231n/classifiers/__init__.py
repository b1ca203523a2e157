from .fc_net import FullyConnectedNet
