"""`clinic dev`: the template's API, functions and resources on this machine, backed by moto."""
