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
import importlib.util

# torch is preloaded where it is installed: PyTorch.ipynb's cases then cost
# about 1.7 s per submission instead of 7 s; without torch they are skipped.
ENVIRONMENT = {"preload": ("numpy", "torch") if importlib.util.find_spec("torch") else ("numpy",)}
