"""Lambda code for the clinic backend: one package per function, shared pieces in `core`."""
