"""The framework-free core of ytarchive.

The only modules that import yt_dlp (``ytdlp``), name Redis keys (``state``),
lay out files (``tree``) or call the Kubernetes API (``kube``). No Django
models here: services in the apps pass plain values in and out.
"""
