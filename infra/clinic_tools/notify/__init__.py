"""`clinic notify`: the staff notifications' dead-letter queue."""
