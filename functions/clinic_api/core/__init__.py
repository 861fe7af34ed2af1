"""Pieces every function shares: problem responses, AWS clients, the S3 object cache."""
