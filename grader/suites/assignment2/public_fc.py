"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: public cases (shipped)."""
CASES = []
