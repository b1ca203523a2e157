"""Assignment 1: kNN, linear classifiers (SVM, softmax), a two-layer net, image features.

The workers need numpy only, preloaded in the fork server so that every
submission's worker starts with it.
"""
ENVIRONMENT = {"preload": ("numpy",)}
