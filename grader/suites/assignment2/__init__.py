"""Assignment 2: fully connected nets, optimizers, batch/layer normalisation,
dropout, convolutional networks, PyTorch.

The suite is split by topic, each topic in its own modules, so that a topic's
cases, planted bugs and alternatives sit together:

- `*_fc.py`: FullyConnectedNets, BatchNormalization and Dropout notebooks;
- `*_conv.py`: ConvolutionalNetworks;
- `*_torch.py`: PyTorch.

`public.py`, `hidden.py`, `mutants.py` and `alternatives.py` only gather the
topics' lists.  Every `public*.py` ships to students; nothing else does.
"""
ENVIRONMENT = {"preload": ("numpy",)}
