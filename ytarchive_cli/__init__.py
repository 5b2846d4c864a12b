"""``ytarchive``: the command line, an HTTP client of the REST API (it imports nothing from Django)."""
