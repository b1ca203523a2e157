"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: correct alternatives and cheats (never shipped)."""
ALTERNATIVES = {}
CHEATS = {}
