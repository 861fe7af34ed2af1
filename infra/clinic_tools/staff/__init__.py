"""`clinic requests`: staff work the appointment requests with their own AWS credentials."""

# Every status a request can have; each change is appended to its history.
STATUSES = ("new", "contacted", "scheduled", "closed", "spam")
