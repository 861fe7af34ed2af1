"""The staff inbox: requests as staff work them, shared by StaffFunction and `clinic requests`."""

# Every status a request can have; each change is appended to its history.
STATUSES = ("new", "contacted", "scheduled", "closed", "spam")
