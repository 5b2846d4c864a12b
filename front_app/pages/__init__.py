"""Web pages: glue between a request and the services of the catalog, downloads and tokens."""
