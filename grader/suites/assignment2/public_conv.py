"""Assignment 2, ConvolutionalNetworks: public cases (shipped)."""
CASES = []
