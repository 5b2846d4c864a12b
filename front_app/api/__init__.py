"""The REST API under /api/: serializers and views around the services of the domain apps."""
