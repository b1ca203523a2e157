"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: planted bugs and the cases each must break (never shipped)."""
MUTANTS = {}
BROKEN = {}
PLANTED = []
