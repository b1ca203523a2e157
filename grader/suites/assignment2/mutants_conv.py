"""Assignment 2, ConvolutionalNetworks: planted bugs and the cases each must break (never shipped)."""
MUTANTS = {}
BROKEN = {}
PLANTED = []
