"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: planted bugs
and the cases each must break (never shipped).

FullyConnectedNet's cases run on the reference layers (see hidden_fc.py), so
a layer's bug costs that layer's cases only.  The saved model's mutants replace or remove the file itself.
"""
import io

import numpy as np

from grader.public.suite import Mutant
from grader.suites.assignment2.public_fc import fc_arrays

LAYERS = "cs231n/layers.py"
OPTIM = "cs231n/optim.py"
NET = "cs231n/classifiers/fc_net.py"
SAVED = "cs231n/saved/best_fc_net.npz"


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _untrained():
    """The graded architecture's arrays, freshly initialised: about 10 % accuracy."""
    rng = np.random.default_rng(0)
    return _npz(**{name: (1e-2 * rng.normal(size=shape) if name.startswith("W") else
                          np.ones(shape) if name.startswith(("gamma", "running_var")) else np.zeros(shape))
                   for name, shape in fc_arrays()})


SAVED_CASES = {"fc_net_saved_model_reaches_45", "fc_net_saved_model_reaches_50"}
NET_LOSSES = {"fc_net_1_layers_plain_loss", "fc_net_2_layers_plain_loss", "fc_net_3_layers_plain_loss",
              "fc_net_2_layers_batchnorm_loss", "fc_net_3_layers_batchnorm_loss", "fc_net_2_layers_layernorm_loss",
              "fc_net_3_layers_layernorm_loss", "fc_net_batch_of_one", "fc_net_dropout_plain_loss",
              "fc_net_dropout_batchnorm_loss", "fc_net_dropout_layernorm_loss"}

def cases_of(prefix, *labels):
    return {f"{prefix}_{label}" for label in labels}


def _pickled():
    """The right names, but W1 an object array, which only a pickle could load."""
    arrays = dict(np.load(io.BytesIO(_untrained())))
    arrays["W1"] = np.array([{"W": 1}], dtype=object)
    return _npz(**arrays)


OPTIMIZER_CASES = ("four_steps_from_defaults", "four_steps_from_given_state", "odd_shape")

MUTANTS = {
    "affine_forward_forgets_bias": Mutant(
        LAYERS, "out = x.reshape(N, -1).dot(w) + b", "out = x.reshape(N, -1).dot(w)",
        frozenset({"a2_affine_forward_random"})),
    "affine_backward_flat_dx": Mutant(  # harmless for 2-D inputs, as the network's
        LAYERS, "dx = dout.dot(w.T).reshape(x.shape)", "dx = dout.dot(w.T)", frozenset({"a2_affine_backward_random"})),
    "relu_forward_absolute_value": Mutant(
        LAYERS, "out = np.maximum(0, x)", "out = np.abs(x)",
        frozenset({"a2_relu_forward_random"})),
    "relu_backward_passes_everything": Mutant(
        LAYERS, "dx = dout * (x > 0)", "dx = dout * 1.0", frozenset({"a2_relu_backward_random"})),
    "softmax_loss_unstable": Mutant(
        LAYERS, "    shifted = x - np.max(x, axis=1, keepdims=True)", "    shifted = x",
        frozenset({"a2_softmax_loss_large_scores"})),
    # The running averages weighted the wrong way round (only they are wrong).
    "batchnorm_running_mean_weights_swapped": Mutant(
        LAYERS, "running_mean = momentum * running_mean + (1 - momentum) * mu",
        "running_mean = (1 - momentum) * running_mean + momentum * mu",
        frozenset(cases_of("batchnorm_running_averages", "default_momentum", "given_momentum"))),
    # The path through the variance forgotten (harmless for a batch of one, where xc = 0).
    "batchnorm_backward_forgets_variance_path": Mutant(
        LAYERS, "    dxc += dvar * 2 * xc / N                       # (D,) * (N, D)\n", "",
        frozenset(cases_of("batchnorm_backward", "random", "one_feature", "odd_sizes"))),
    "batchnorm_backward_alt_forgets_xhat_term": Mutant(
        LAYERS, "(N * dout - dbeta - xhat * dgamma)", "(N * dout - dbeta)",
        frozenset(cases_of("batchnorm_backward_alt", "random", "one_feature", "odd_sizes"))),
    "layernorm_forward_ignores_eps": Mutant(
        LAYERS, 'eps = ln_param.get("eps", 1e-5)', "eps = 1e-5", frozenset({"layernorm_forward_given_eps_random"})),
    "layernorm_backward_forgets_mean_term": Mutant(
        LAYERS, "dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std   # (N, D) / (N, 1)",
        "dx = (dxhat - xhat * mean(dxhat * xhat)) / std",
        frozenset(cases_of("layernorm_backward", "random", "batch_of_one", "odd_sizes"))),
    # Dropout as the original paper has it: kept units unscaled at training time.
    "dropout_forward_not_inverted": Mutant(
        LAYERS, "mask = (np.random.rand(*x.shape) < p) / p", "mask = (np.random.rand(*x.shape) < p) * 1.0",
        frozenset(cases_of("dropout_forward_train", "p_0_3", "p_0_8_three_dims", "p_0_5_batch_of_one", "seeded"))),
    "dropout_backward_ignores_mask": Mutant(
        LAYERS, "        dx = dout * mask\n", "        dx = dout\n",
        frozenset(cases_of("dropout_backward", "random", "three_dims"))),
    "sgd_momentum_forgets_velocity": Mutant(
        OPTIM, '    config["velocity"] = v\n', "", frozenset(cases_of("sgd_momentum", *OPTIMIZER_CASES))),
    "rmsprop_averages_dw_not_its_square": Mutant(
        OPTIM, '(1 - config["decay_rate"]) * dw ** 2', '(1 - config["decay_rate"]) * dw',
        frozenset(cases_of("rmsprop", *OPTIMIZER_CASES))),
    "adam_without_bias_correction": Mutant(
        OPTIM, '    m_hat = m / (1 - config["beta1"] ** t)\n    v_hat = v / (1 - config["beta2"] ** t)\n',
        "    m_hat, v_hat = m, v\n", frozenset(cases_of("adam", *OPTIMIZER_CASES))),
    "fc_net_gamma_starts_at_zero": Mutant(
        NET, 'self.params[f"gamma{i}"] = np.ones(fan_out)', 'self.params[f"gamma{i}"] = np.zeros(fan_out)',
        frozenset({"fc_net_initialisation_layernorm"})),
    "fc_net_penalty_without_half": Mutant(
        NET, "loss += 0.5 * self.reg * sum(", "loss += self.reg * sum(", frozenset(NET_LOSSES)),
    "saved_model_missing": Mutant(SAVED, None, None, frozenset(SAVED_CASES)),
    "saved_model_untrained": Mutant(SAVED, None, _untrained(), frozenset(SAVED_CASES)),
    "saved_model_pickled": Mutant(SAVED, None, _pickled(), frozenset(SAVED_CASES)),
}
BROKEN = {}
PLANTED = ["batchnorm_backward_forgets_variance_path", "dropout_forward_not_inverted", "adam_without_bias_correction"]


# ============================================================================
# The cases hidden_fc.audit_cases() added (after the mutation audit) that
# these planted bugs break as well (and the test-mode dropout cases, which
# ask for a training-mode call too), and the planted bugs made for them.
# Kept in one block so that it merges as one piece.
# ============================================================================
from dataclasses import replace as _replace  # noqa: E402

AUDIT_BREAKS = {
    "relu_forward_absolute_value": {"a2_relu_forward_leaves_x_unchanged"},
    "relu_backward_passes_everything": {"a2_relu_backward_leaves_dout_unchanged", "a2_relu_backward_at_zero"},
    "softmax_loss_unstable": {"a2_softmax_loss_scores_far_apart"},
    "batchnorm_backward_forgets_variance_path": {"batchnorm_backward_leaves_dout_unchanged"},
    "layernorm_backward_forgets_mean_term": {"layernorm_backward_leaves_dout_unchanged"},
    "dropout_forward_not_inverted": {"dropout_forward_leaves_x_unchanged", "dropout_forward_test_mode"},
    "dropout_backward_ignores_mask": {"dropout_backward_leaves_dout_unchanged", "dropout_backward_test_mode"},
    "adam_without_bias_correction": {"adam_tiny_gradients"},
}
MUTANTS = {name: _replace(m, breaks=m.breaks | AUDIT_BREAKS.get(name, set())) for name, m in MUTANTS.items()}
MUTANTS.update({
    # A common way to write a ReLU, which overwrites the caller's x (the
    # backward pass still works: x > 0 where the ReLU of x is).
    "relu_forward_in_place": Mutant(
        LAYERS, "out = np.maximum(0, x)", "x[x < 0] = 0\n    out = x", frozenset({"a2_relu_forward_leaves_x_unchanged"})),
    # Epsilon subtracted: no difference until the gradients are as small as epsilon.
    "adam_subtracts_epsilon": Mutant(
        OPTIM, '(np.sqrt(v_hat) + config["epsilon"])', '(np.sqrt(v_hat) - config["epsilon"])',
        frozenset({"adam_tiny_gradients"})),
    # Off by one, and Python's negative index hides it: layer 1 takes the last
    # layer's bn_param.  Training is right; each layer's running averages sit
    # in another's bn_param.
    "fc_net_bn_params_off_by_one": Mutant(
        NET, "self.bn_params[i - 1], self.normalization)", "self.bn_params[i - 2], self.normalization)",
        frozenset({"fc_net_batchnorm_running_averages_per_layer"})),
})
