"""A small convolutional network built from the layers in cs231n."""
import numpy as np

# The layers you need, ready to use. The sandwich layers run on the fast
# convolution and pooling of cs231n/fast_layers.py.
from ..layer_utils import (affine_relu_backward, affine_relu_forward, conv_relu_pool_backward,
                           conv_relu_pool_forward)
from ..layers import affine_backward, affine_forward, softmax_loss


class ThreeLayerConvNet(object):
    """
    A three-layer convolutional network with the architecture

        conv - relu - 2x2 max pool - affine - relu - affine - softmax

    It works on minibatches of N images of shape (C, H, W), with C channels,
    height H and width W. The convolution has stride 1 and pads its input so
    that its output has the same height and width as its input (for an odd
    filter size); the pooling then halves both.

    The learnable parameters are stored in the dictionary self.params, which
    maps parameter names to numpy arrays:
    - W1 (F, C, filter_size, filter_size) and b1 (F,): the convolution;
    - W2 (F * H/2 * W/2, hidden_dim) and b2 (hidden_dim,): the hidden affine layer;
    - W3 (hidden_dim, num_classes) and b3 (num_classes,): the output affine layer.
    """

    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32):
        """
        Initialise a new network.

        Inputs:
        - input_dim: A tuple (C, H, W), the shape of one input image.
        - num_filters: F, the number of filters of the convolutional layer.
        - filter_size: The width and height of each filter.
        - hidden_dim: The number of units of the hidden affine layer.
        - num_classes: The number of classes to score.
        - weight_scale: A scalar, the standard deviation of the random initial weights.
        - reg: A scalar, the strength of the L2 regularisation.
        - dtype: The numpy dtype of every parameter and of the computation;
          float32 is faster, float64 is needed for numeric gradient checks.
        """
        self.params = {}
        self.reg = reg
        self.dtype = dtype

        # TODO:
        # Initialise the parameters and store them in self.params under the
        # keys W1, b1 (convolution), W2, b2 (hidden affine layer) and W3, b3
        # (output affine layer), with the shapes listed in the class docstring.
        # Weights are Gaussian with mean 0 and standard deviation weight_scale;
        # biases start at zero. The pooling halves the height and the width
        # of the convolution's output (use integer division, H // 2).
        # YOUR CODE HERE
        raise NotImplementedError("Implement __init__ in cs231n/classifiers/cnn.py: see the TODO above.")

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Compute the loss and its gradients on a minibatch of data.

        Inputs:
        - X: Input images, of shape (N, C, H, W).
        - y: Labels, of shape (N,); y[i] is the label of X[i].

        Returns:
        If y is None, run a test-time forward pass and return:
        - scores: An array of shape (N, num_classes); scores[i, c] is the
          score of class c for X[i].

        If y is not None, run a training-time forward and backward pass and
        return a tuple of:
        - loss: A scalar, the softmax loss plus the L2 regularisation
          0.5 * reg * (sum(W1**2) + sum(W2**2) + sum(W3**2)). Biases are not
          regularised.
        - grads: A dictionary with the same keys as self.params, mapping each
          parameter name to the gradient of the loss with respect to it.
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]

        # The convolution keeps the height and width (for odd filter sizes);
        # the pooling halves them.
        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        scores = None
        # TODO:
        # Forward pass: compute the class scores for X and store them in
        # scores. The sandwich layers of cs231n/layer_utils.py
        # (conv_relu_pool_forward, affine_relu_forward) and affine_forward do
        # the work; keep their caches for the backward pass.
        # YOUR CODE HERE
        raise NotImplementedError("Implement loss in cs231n/classifiers/cnn.py: see the TODO above.")

        if y is None:
            return scores

        loss, grads = 0, {}
        # TODO:
        # Backward pass: compute the loss in loss and the gradients in grads.
        # The data loss is softmax_loss; add the L2 regularisation with the
        # factor 0.5, so that its gradient is simply self.reg * W. Your loss
        # and gradients must match this exactly for the checks to pass.
        # YOUR CODE HERE
        raise NotImplementedError("Implement loss in cs231n/classifiers/cnn.py: see the TODO above.")

        return loss, grads
