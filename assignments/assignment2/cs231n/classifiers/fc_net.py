"""A fully connected network of any depth, with optional batch or layer
normalization and dropout, built from the layers in cs231n.layers."""
import numpy as np

from ..layer_utils import affine_norm_relu_backward, affine_norm_relu_forward, affine_relu_backward, \
    affine_relu_forward
from ..layers import affine_backward, affine_forward, dropout_backward, dropout_forward, softmax_loss


class FullyConnectedNet(object):
    """
    A fully connected network with an arbitrary number of hidden layers, ReLU
    nonlinearities and a softmax loss. For a network with L layers the
    architecture is

        {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax

    where batch/layer normalization and dropout are optional, and the {...}
    block is repeated L - 1 times.

    Learnable parameters are stored in the self.params dictionary: the
    weights and biases of layer i (counting from 1) are W{i} and b{i}; the
    scale and shift of its normalization gamma{i} and beta{i}. The last layer
    has no normalization. A Solver object trains the network.
    """

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        """
        Initialize a new FullyConnectedNet.

        Inputs:
        - hidden_dims: A list of integers giving the size of each hidden layer.
        - input_dim: An integer giving the size of the input.
        - num_classes: An integer giving the number of classes to classify.
        - dropout_keep_ratio: Scalar between 0 and 1 giving the probability of
          keeping a unit in dropout. 1 means no dropout.
        - normalization: What type of normalization the network should use.
          Valid values are "batchnorm", "layernorm", or None for no
          normalization (the default).
        - reg: Scalar giving L2 regularization strength.
        - weight_scale: Scalar giving the standard deviation for random
          initialization of the weights.
        - dtype: A numpy datatype object; all computations will be performed
          using this datatype. float32 is faster but less accurate, so you
          should use float64 for numeric gradient checking.
        - seed: If not None, then pass this random seed to the dropout layers.
          This will make the dropout layers deterministic so we can gradient
          check the model.
        """
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        # TODO:
        # Initialize the parameters of the network, storing all values in
        # the self.params dictionary. Store weights and biases for the first
        # layer in W1 and b1; for the second layer use W2 and b2, etc.
        # Weights are drawn from a normal distribution centred at 0 with
        # standard deviation weight_scale (np.random.randn), biases are
        # zeros. With batch or layer normalization, the scale gamma{i} of
        # layer i starts at ones and the shift beta{i} at zeros, for every
        # hidden layer (not the output layer).
        # YOUR CODE HERE
        raise NotImplementedError("Implement __init__ in cs231n/classifiers/fc_net.py: see the TODO above.")

        # When using dropout we need to pass a dropout_param dictionary to
        # each dropout layer so that the layer knows the dropout probability
        # and the mode (train / test). You can pass the same dropout_param to
        # each dropout layer.
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # With batch normalization we need to keep track of running means and
        # variances, so we need to pass a special bn_param object to each
        # batch normalization layer. You should pass self.bn_params[0] to the
        # forward pass of the first batch normalization layer,
        # self.bn_params[1] to the forward pass of the second batch
        # normalization layer, etc.
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        # Cast all parameters to the correct datatype.
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Compute loss and gradient for the fully connected net.

        Inputs:
        - X: Array of input data of shape (N, d_1, ..., d_k).
        - y: Array of labels, of shape (N,). y[i] gives the label for X[i].

        Returns:
        If y is None, then run a test-time forward pass of the model and
        return:
        - scores: Array of shape (N, C) giving classification scores, where
          scores[i, c] is the classification score for X[i] and class c.

        If y is not None, then run a training-time forward and backward pass
        and return a tuple of:
        - loss: Scalar value giving the loss.
        - grads: Dictionary with the same keys as self.params, mapping
          parameter names to gradients of the loss with respect to those
          parameters.
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        # Set train/test mode for batchnorm params and dropout param since
        # they behave differently during training and testing.
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        # TODO:
        # Implement the forward pass for the fully connected net, computing
        # the class scores for X and storing them in the scores variable.
        # With dropout, pass self.dropout_param to each dropout layer; with
        # batch normalization, pass self.bn_params[0] to the first layer's
        # normalization, self.bn_params[1] to the second's, etc. The helpers
        # in cs231n/layer_utils.py may save you some typing.
        # YOUR CODE HERE
        raise NotImplementedError("Implement loss in cs231n/classifiers/fc_net.py: see the TODO above.")

        # If test mode return early.
        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # TODO:
        # Implement the backward pass for the fully connected net. Store the
        # loss in the loss variable and gradients in the grads dictionary.
        # Compute data loss using softmax, and make sure that grads[k] holds
        # the gradients for self.params[k]. Don't forget to add L2
        # regularization on the weights only, 0.5 * reg * sum(W ** 2) for
        # every weight matrix, so that its gradient is reg * W.
        # YOUR CODE HERE
        raise NotImplementedError("Implement loss in cs231n/classifiers/fc_net.py: see the TODO above.")

        return loss, grads
