"""A Solver trains a classification model with minibatch gradient descent."""
import copy
import pickle

import numpy as np

from . import optim


class Solver(object):
    """
    A Solver holds everything needed to train a classification model: the
    data, the update rule and its hyperparameters, and the training loop. It
    also measures the accuracy on training and validation data after every
    epoch and remembers the parameters that did best on validation data.

    Usage: build a model and a solver, then call train().

        data = {
            'X_train': ...,  # training images, (N_train, d_1, ..., d_k)
            'y_train': ...,  # training labels, (N_train,)
            'X_val': ...,    # validation images, (N_val, d_1, ..., d_k)
            'y_val': ...,    # validation labels, (N_val,)
        }
        model = MyAwesomeModel(hidden_size=100, reg=10)
        solver = Solver(model, data,
                        update_rule='sgd',
                        optim_config={'learning_rate': 1e-4},
                        lr_decay=0.95,
                        num_epochs=5, batch_size=200,
                        print_every=100)
        solver.train()

    After train() returns, model.params holds the parameters that reached
    the best validation accuracy, and the solver holds the history of the run:
    - solver.loss_history: the loss of every iteration;
    - solver.train_acc_history, solver.val_acc_history: the training and
      validation accuracies measured at the end of every epoch (and after
      the first iteration);
    - solver.best_val_acc, solver.best_params: the best validation accuracy
      and the parameters that reached it.

    The Solver works with any model object that has:
    - model.params: a dictionary mapping parameter names to numpy arrays;
    - model.loss(X, y): returns (loss, grads), where grads has the same keys
      as model.params; model.loss(X) (no labels) returns scores of shape
      (N, C), where scores[i, c] is the score of class c for X[i].
    """

    def __init__(self, model, data, **kwargs):
        """
        Build a new Solver.

        Required inputs:
        - model: A model object as described in the class docstring.
        - data: A dictionary with the keys 'X_train', 'y_train', 'X_val' and
          'y_val' (other keys are ignored).

        Optional keyword arguments:
        - update_rule: The name of an update rule in cs231n/optim.py
          (default 'sgd').
        - optim_config: A dictionary of hyperparameters for the update rule,
          such as 'learning_rate'. Every parameter gets its own copy.
        - lr_decay: After each epoch the learning rate is multiplied by this
          number (default 1.0, no decay).
        - batch_size: The number of training examples per minibatch
          (default 100).
        - num_epochs: How many passes over the training data to make
          (default 10).
        - num_train_samples: How many training examples to measure the
          training accuracy on after each epoch (default 1000); None for all.
        - num_val_samples: How many validation examples to measure the
          validation accuracy on (default None: all of them).
        - checkpoint_name: If not None, save a checkpoint to the file
          '<checkpoint_name>_epoch_<epoch>.pkl' after every epoch.
        - print_every: Print the training loss every print_every iterations
          (default 10).
        - verbose: If False, print nothing during training (default True).

        Raises ValueError for an unknown keyword argument or update rule.
        """
        self.model = model
        self.X_train = data["X_train"]
        self.y_train = data["y_train"]
        self.X_val = data["X_val"]
        self.y_val = data["y_val"]

        kwargs = dict(kwargs)
        self.update_rule = kwargs.pop("update_rule", "sgd")
        self.optim_config = kwargs.pop("optim_config", {})
        self.lr_decay = kwargs.pop("lr_decay", 1.0)
        self.batch_size = kwargs.pop("batch_size", 100)
        self.num_epochs = kwargs.pop("num_epochs", 10)
        self.num_train_samples = kwargs.pop("num_train_samples", 1000)
        self.num_val_samples = kwargs.pop("num_val_samples", None)
        self.checkpoint_name = kwargs.pop("checkpoint_name", None)
        self.print_every = kwargs.pop("print_every", 10)
        self.verbose = kwargs.pop("verbose", True)

        if kwargs:
            raise ValueError("Unrecognized arguments: %s" % ", ".join(sorted(kwargs)))

        # Look the update rule up by name in cs231n/optim.py.
        if not hasattr(optim, self.update_rule):
            raise ValueError('Invalid update_rule "%s": there is no such function in '
                             'cs231n/optim.py' % self.update_rule)
        self.update_rule = getattr(optim, self.update_rule)

        self._reset()

    def _reset(self):
        """Set up the bookkeeping of a new training run (called by __init__)."""
        self.epoch = 0
        self.best_val_acc = 0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []

        # Each parameter gets its own copy of the optimiser config, because
        # update rules keep per-parameter state in it.
        self.optim_configs = {name: copy.deepcopy(self.optim_config) for name in self.model.params}

    def _step(self):
        """
        One gradient update: sample a minibatch (with replacement), compute
        the loss and the gradients, and update every parameter with the
        update rule. Called by train(); do not call it directly.
        """
        num_train = self.X_train.shape[0]
        batch_idx = np.random.choice(num_train, self.batch_size)
        X_batch = self.X_train[batch_idx]
        y_batch = self.y_train[batch_idx]

        loss, grads = self.model.loss(X_batch, y_batch)
        self.loss_history.append(loss)

        for name, value in self.model.params.items():
            next_value, next_config = self.update_rule(value, grads[name], self.optim_configs[name])
            self.model.params[name] = next_value
            self.optim_configs[name] = next_config

    def _save_checkpoint(self):
        """Pickle the model and the training history, if checkpoint_name is set."""
        if self.checkpoint_name is None:
            return
        checkpoint = {
            "model": self.model,
            "update_rule": self.update_rule,
            "lr_decay": self.lr_decay,
            "optim_config": self.optim_config,
            "batch_size": self.batch_size,
            "num_train_samples": self.num_train_samples,
            "num_val_samples": self.num_val_samples,
            "epoch": self.epoch,
            "loss_history": self.loss_history,
            "train_acc_history": self.train_acc_history,
            "val_acc_history": self.val_acc_history,
        }
        filename = "%s_epoch_%d.pkl" % (self.checkpoint_name, self.epoch)
        if self.verbose:
            print('Saving checkpoint to "%s"' % filename)
        with open(filename, "wb") as f:
            pickle.dump(checkpoint, f)

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        """
        Measure the accuracy of the model on the data X, y.

        Inputs:
        - X: A numpy array of data, of shape (N, d_1, ..., d_k).
        - y: A numpy array of labels, of shape (N,).
        - num_samples: If not None and smaller than N, measure on a random
          subset of num_samples examples only.
        - batch_size: Predict this many examples at a time, to bound memory.

        Returns:
        - acc: A scalar, the fraction of examples the model classifies
          correctly.
        """
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            mask = np.random.choice(N, num_samples)
            N = num_samples
            X = X[mask]
            y = y[mask]

        y_pred = []
        for start in range(0, N, batch_size):
            scores = self.model.loss(X[start:start + batch_size])
            y_pred.append(np.argmax(scores, axis=1))
        y_pred = np.concatenate(y_pred) if y_pred else np.zeros(0, dtype=int)
        acc = np.mean(y_pred == y)
        return acc

    def train(self):
        """
        Train the model: num_epochs passes over the training data, one
        minibatch per iteration. Afterwards model.params holds the best
        parameters found (best validation accuracy).
        """
        num_train = self.X_train.shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch

        for t in range(num_iterations):
            self._step()

            if self.verbose and t % self.print_every == 0:
                print("(Iteration %d / %d) loss: %f" % (t + 1, num_iterations, self.loss_history[-1]))

            # At the end of an epoch, count it and decay the learning rate.
            epoch_end = (t + 1) % iterations_per_epoch == 0
            if epoch_end:
                self.epoch += 1
                for config in self.optim_configs.values():
                    if "learning_rate" in config:
                        config["learning_rate"] *= self.lr_decay

            # Measure the accuracies after the first iteration, the last one,
            # and at the end of every epoch.
            first_it = t == 0
            last_it = t == num_iterations - 1
            if first_it or last_it or epoch_end:
                train_acc = self.check_accuracy(self.X_train, self.y_train,
                                                num_samples=self.num_train_samples)
                val_acc = self.check_accuracy(self.X_val, self.y_val,
                                              num_samples=self.num_val_samples)
                self.train_acc_history.append(train_acc)
                self.val_acc_history.append(val_acc)
                self._save_checkpoint()

                if self.verbose:
                    print("(Epoch %d / %d) train acc: %f; val_acc: %f"
                          % (self.epoch, self.num_epochs, train_acc, val_acc))

                # Remember the parameters that do best on validation data.
                if val_acc > self.best_val_acc:
                    self.best_val_acc = val_acc
                    self.best_params = {name: value.copy() for name, value in self.model.params.items()}

        # Hand the best parameters back to the model (if any check happened).
        if self.best_params:
            self.model.params = self.best_params
