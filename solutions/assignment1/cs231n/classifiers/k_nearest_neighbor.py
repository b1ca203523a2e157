import numpy as np


class KNearestNeighbor(object):
    """A k-nearest-neighbour classifier that compares images by L2 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Train the classifier. For k-NN this only means remembering the data.

        Inputs:
        - X: A numpy array of shape (num_train, D), one training example per row.
        - y: A numpy array of shape (num_train,) holding the training labels;
          y[i] is the label of X[i].
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """
        Predict a label for each test example.

        Inputs:
        - X: A numpy array of shape (num_test, D), one test example per row.
        - k: The number of nearest neighbours that vote for the label.
        - num_loops: Which implementation computes the distances between test
          and training points: 0, 1 or 2 Python loops.

        Returns:
        - y_pred: A numpy array of shape (num_test,) holding the predicted
          labels; y_pred[i] is the label predicted for X[i].
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError("Invalid value %d for num_loops" % num_loops)

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Compute the Euclidean (L2) distance between every test point in X and
        every training point in self.X_train, with a double loop over the test
        and the training points.

        Inputs:
        - X: A numpy array of shape (num_test, D) holding the test data.

        Returns:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j]
          is the L2 distance between the ith test point and the jth training
          point.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                # TODO:
                # Store in dists[i, j] the L2 distance between the ith test
                # point X[i] and the jth training point self.X_train[j]:
                # the square root of the sum of squared differences.
                # Use no loop over the dimension D, and do not use
                # np.linalg.norm(). Pixel data may be stored as uint8, where
                # a subtraction wraps around: convert to float first.
                ### BEGIN SOLUTION
                diff = X[i].astype(np.float64) - self.X_train[j]
                dists[i, j] = np.sqrt(np.sum(diff * diff))
                ### END SOLUTION
        return dists

    def compute_distances_one_loop(self, X):
        """
        Compute the L2 distance between every test point in X and every
        training point in self.X_train, with a single loop over the test
        points.

        Inputs:
        - X: A numpy array of shape (num_test, D) holding the test data.

        Returns:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j]
          is the L2 distance between the ith test point and the jth training
          point.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            # TODO:
            # Fill the whole row dists[i, :] at once: the distances from the
            # ith test point to all training points. Let broadcasting compare
            # X[i] with every row of self.X_train. Do not use np.linalg.norm(),
            # and convert to float before subtracting.
            ### BEGIN SOLUTION
            diff = self.X_train - X[i].astype(np.float64)
            dists[i, :] = np.sqrt(np.sum(diff * diff, axis=1))
            ### END SOLUTION
        return dists

    def compute_distances_no_loops(self, X):
        """
        Compute the L2 distance between every test point in X and every
        training point in self.X_train, without any explicit loop.

        Inputs:
        - X: A numpy array of shape (num_test, D) holding the test data.

        Returns:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j]
          is the L2 distance between the ith test point and the jth training
          point.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        # TODO:
        # Compute all the distances at once, with no Python loop, no
        # comprehension, no scipy and no np.linalg.norm().
        #
        # Hint: expand the square, ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b.
        # The cross terms a.b for all pairs form one matrix product, and the
        # squared norms can be added to it by broadcasting. Rounding can make
        # a squared distance slightly negative; clip it at 0 before the
        # square root. Work in float64 (uint8 data would overflow).
        ### BEGIN SOLUTION
        X_test = np.asarray(X, dtype=np.float64)
        X_train = np.asarray(self.X_train, dtype=np.float64)
        # ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b.  The matrix product does the
        # real work; every other step updates its result in place, so the only
        # big array is dists itself (X * X would be one as large as X_train).
        dists = X_test.dot(X_train.T)                                  # (num_test, num_train): a.b
        dists *= -2.0
        dists += np.einsum("ij,ij->i", X_test, X_test)[:, np.newaxis]    # + ||a||^2, (num_test, 1)
        dists += np.einsum("ij,ij->i", X_train, X_train)[np.newaxis, :]  # + ||b||^2, (1, num_train)
        np.maximum(dists, 0.0, out=dists)  # rounding can leave a tiny negative where a == b
        np.sqrt(dists, out=dists)
        ### END SOLUTION
        return dists

    def predict_labels(self, dists, k=1):
        """
        Given the distances between test points and training points, predict a
        label for each test point.

        Inputs:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j]
          is the distance between the ith test point and the jth training
          point.
        - k: The number of nearest neighbours that vote for the label.

        Returns:
        - y_pred: A numpy array of shape (num_test,) holding the predicted
          labels; y_pred[i] is the label predicted for the ith test point.
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test, dtype=np.asarray(self.y_train).dtype)
        for i in range(num_test):
            # closest_y will hold the labels of the k training points that
            # are nearest to the ith test point.
            closest_y = []
            # TODO:
            # Find the k training points nearest to the ith test point (the k
            # smallest entries of dists[i]) and put their labels, taken from
            # self.y_train, in closest_y. Sort with np.argsort(...,
            # kind="stable") so that training points at equal distance keep
            # their order in the training set.
            ### BEGIN SOLUTION
            nearest = np.argsort(dists[i], kind="stable")[:k]
            closest_y = np.asarray(self.y_train)[nearest]
            ### END SOLUTION
            # TODO:
            # Store in y_pred[i] the most common label in closest_y. When
            # several labels get the same number of votes, choose the
            # smallest of them.
            ### BEGIN SOLUTION
            labels, counts = np.unique(closest_y, return_counts=True)
            y_pred[i] = labels[np.argmax(counts)]
            ### END SOLUTION

        return y_pred
