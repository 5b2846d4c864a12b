"""`make chaos`: the whole stack under random SIGKILLs while it archives, then an audit (not part of `make test`)."""
