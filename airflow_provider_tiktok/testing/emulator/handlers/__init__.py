"""Endpoint handlers, one module per API family; :mod:`..routing` collects their ``ROUTES``."""
