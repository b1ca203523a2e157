"""Assignment 1: kNN, linear classifiers (SVM, softmax), a two-layer net, image features.

The workers need numpy only, preloaded in the fork server so that every
submission's worker starts with it.
"""
ENVIRONMENT = {"preload": ("numpy",)}

# How feedback and self-grading group the cases (see grader.public.suite).
PARTS = {
    "kNN": ("cs231n.classifiers.k_nearest_neighbor", "knn.ipynb"),
    "SVM": ("cs231n.classifiers.linear_svm", "cs231n.classifiers.linear_classifier", "svm.ipynb"),
    "softmax": ("cs231n.classifiers.softmax", "softmax.ipynb"),
    "two-layer net": ("cs231n.layers", "cs231n.classifiers.fc_net", "cs231n.solver", "two_layer_net.ipynb"),
    "features": ("cs231n.features", "features.ipynb"),
}
