"""Assignment 2, ConvolutionalNetworks: hidden cases (never shipped)."""
CASES = []
