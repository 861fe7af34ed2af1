"""The `clinic` console script: publish content, build the OpenAPI document, run the local stack."""
