"""Hand-made image features: a histogram of oriented gradients and a colour histogram.

Instead of feeding raw pixels to a classifier, we can describe each image by a
few numbers that a person chose for a reason: the directions of its edges (HOG,
which sees texture and shape but not colour) and the hues it contains (which
see colour but not shape).  `extract_features` applies such functions to every
image of a data set and stacks their outputs side by side.
"""
import matplotlib.colors
import numpy as np


def extract_features(imgs, feature_fns, verbose=False):
    """
    Compute several feature vectors for every image and concatenate them.

    Inputs:
    - imgs: A numpy array of shape (N, H, W, C) holding N images.
    - feature_fns: A list of k functions; each takes one image of shape
      (H, W, C) and returns a 1-D array of a fixed length F_i.
    - verbose: If True, print the progress every 1,000 images.

    Returns:
    - imgs_features: A numpy array of shape (N, F_1 + ... + F_k); row i holds
      the outputs of all the functions for image i, in the order of feature_fns.
    """
    num_images = imgs.shape[0]
    if num_images == 0:
        return np.array([])

    # The first image tells us how long each feature vector is.
    first = [np.asarray(fn(imgs[0].squeeze())) for fn in feature_fns]
    for feats in first:
        assert feats.ndim == 1, "each feature function must return a 1-D array"
    imgs_features = np.zeros((num_images, sum(f.size for f in first)))
    imgs_features[0] = np.concatenate(first)

    for i in range(1, num_images):
        img = imgs[i].squeeze()
        imgs_features[i] = np.concatenate([fn(img) for fn in feature_fns])
        if verbose and i % 1000 == 999:
            print("Done extracting features for %d / %d images" % (i + 1, num_images))
    return imgs_features


def rgb2gray(rgb):
    """
    Convert an RGB image to grayscale with the ITU-R 601 luma weights.

    Inputs:
    - rgb: A numpy array of shape (H, W, 3) (extra channels are ignored).

    Returns:
    - gray: A numpy array of shape (H, W), 0.299 R + 0.587 G + 0.114 B.
    """
    return np.dot(rgb[..., :3], [0.299, 0.587, 0.114])


def hog_feature(im, cell_size=8, orientations=9):
    """
    A simple histogram of oriented gradients (HOG) of one image.

    The image is turned to grayscale and differentiated with forward
    differences (np.diff; the last column of gx and the last row of gy are 0).
    Each pixel's gradient direction, taken modulo 180 degrees (an edge from
    dark to light counts like one from light to dark), falls into one of
    `orientations` equal bins over [0, 180).  The image is cut into square
    cells of cell_size x cell_size pixels (leftover rows and columns that do
    not fill a cell are dropped), and for each cell and bin the feature is the
    sum of the gradient magnitudes of the cell's pixels in that bin, divided by
    the number of pixels in a cell: the same value as averaging each bin's
    magnitudes with scipy.ndimage.uniform_filter and reading it at the cell
    centres, computed here with one np.bincount.

    Inputs:
    - im: A numpy array of shape (H, W, C) (colour) or (H, W) (grayscale).
    - cell_size: Side of a cell in pixels.
    - orientations: Number of orientation bins.

    Returns:
    - feat: A numpy array of shape ((H // cell_size) * (W // cell_size) *
      orientations,), ordered by cell row, then cell column, then bin; 144
      values for a 32x32 image.
    """
    image = rgb2gray(im) if im.ndim == 3 else np.atleast_2d(im).astype(np.float64)
    n_rows, n_cols = image.shape[0] // cell_size, image.shape[1] // cell_size

    gx = np.zeros(image.shape)
    gy = np.zeros(image.shape)
    gx[:, :-1] = np.diff(image, axis=1)
    gy[:-1, :] = np.diff(image, axis=0)

    # Keep only the pixels of whole cells.
    h, w = n_rows * cell_size, n_cols * cell_size
    gx, gy = gx[:h, :w], gy[:h, :w]
    magnitude = np.sqrt(gx * gx + gy * gy)
    angle = np.rad2deg(np.arctan2(gy, gx)) % 180.0  # in [0, 180]
    bins = np.minimum((angle * (orientations / 180.0)).astype(int), orientations - 1)

    # Index of the cell of each pixel, then of its (cell, bin) pair.
    cell = (np.arange(h)[:, None] // cell_size) * n_cols + np.arange(w)[None, :] // cell_size
    index = (cell * orientations + bins).ravel()
    sums = np.bincount(index, weights=magnitude.ravel(), minlength=n_rows * n_cols * orientations)
    return sums / (cell_size * cell_size)


def color_histogram_hsv(im, nbin=10, xmin=0, xmax=255, normalized=True):
    """
    Histogram of the hue of one image.

    The image is converted to HSV with matplotlib.colors.rgb_to_hsv(im / xmax)
    and scaled back by xmax, so hue lies in [0, xmax); then the hue values are
    counted in nbin equal bins between xmin and xmax.

    Inputs:
    - im: A numpy array of shape (H, W, 3), RGB values in [0, xmax].
    - nbin: Number of histogram bins.
    - xmin, xmax: The range the bins cover (values outside it are not counted).
    - normalized: If True, divide the counts by the number of pixels counted,
      so the histogram sums to 1 (the fraction of pixels with each hue).

    Returns:
    - imhist: A numpy array of shape (nbin,).
    """
    bins = np.linspace(xmin, xmax, nbin + 1)
    hsv = matplotlib.colors.rgb_to_hsv(im / xmax) * xmax
    imhist, _ = np.histogram(hsv[:, :, 0], bins=bins)
    imhist = imhist.astype(np.float64)
    if normalized and imhist.sum() > 0:
        imhist /= imhist.sum()
    return imhist
