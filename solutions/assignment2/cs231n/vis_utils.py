"""Helpers to look at images and learned weights."""
from math import ceil, sqrt

import numpy as np


def visualize_grid(Xs, ubound=255.0, padding=1):
    """
    Tile a batch of images into one large image, in a square grid.

    Each image is rescaled on its own so that its smallest value becomes 0
    and its largest ubound, which makes weights (any range of values) visible
    as pictures. Images are laid out row by row; unused grid cells and the
    padding between images are 0.

    Inputs:
    - Xs: A numpy array of shape (N, H, W, C), N images of height H, width W
      and C channels.
    - ubound: The largest value of the output (255.0 for uint8 display).
    - padding: The number of blank pixels between neighbouring images.

    Returns:
    - grid: A numpy array of shape (G*H + (G-1)*padding, G*W + (G-1)*padding, C),
      where G = ceil(sqrt(N)) is the number of images per row and column.
    """
    N, H, W, C = Xs.shape
    grid_size = int(ceil(sqrt(N)))
    grid_height = H * grid_size + padding * (grid_size - 1)
    grid_width = W * grid_size + padding * (grid_size - 1)
    grid = np.zeros((grid_height, grid_width, C))
    for i in range(N):
        row, col = divmod(i, grid_size)
        top = row * (H + padding)
        left = col * (W + padding)
        img = Xs[i]
        low, high = np.min(img), np.max(img)
        if high > low:
            scaled = ubound * (img - low) / (high - low)
        else:
            scaled = np.zeros_like(img, dtype=float)
        grid[top:top + H, left:left + W] = scaled
    return grid
