"""Assignment 2, PyTorch: planted bugs and the cases each must break (never shipped)."""
MUTANTS = {}
BROKEN = {}
PLANTED = []
