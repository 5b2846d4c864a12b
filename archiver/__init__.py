"""The framework-free core of ytarchive.

The only packages that import yt_dlp (``ytdlp/``) or name Redis keys (``state/``), the only
modules that lay out files (``tree``) or call the Kubernetes API (``kube``). No Django
models here: services in the apps pass plain values in and out.
"""
