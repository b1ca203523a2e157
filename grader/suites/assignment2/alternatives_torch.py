"""Assignment 2, PyTorch: correct alternatives and cheats (never shipped)."""
ALTERNATIVES = {}
CHEATS = {}
