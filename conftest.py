"""Quiet TensorFlow in this process and in every notebook kernel that nbval starts (kernels inherit
this environment; TensorFlow reads TF_CPP_MIN_LOG_LEVEL only from the environment it starts with)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
