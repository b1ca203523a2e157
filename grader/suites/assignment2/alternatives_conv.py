"""Assignment 2, ConvolutionalNetworks: correct alternatives and cheats (never shipped)."""
ALTERNATIVES = {}
CHEATS = {}
