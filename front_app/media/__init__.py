"""Archived files over HTTP: RFC 9110 validators and ranges, bounded concurrent transfers."""
