"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: hidden cases (never shipped)."""
CASES = []
