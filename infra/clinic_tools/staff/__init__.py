"""`clinic requests`: staff work the appointment requests with their own AWS credentials.

The model (store, audit log, the person-facing view) is the inbox API's own:
clinic_api.staff.
"""

# clinic_api.staff.STATUSES, for the parser: `clinic` loads no function code until a
# subcommand runs (tests/unit/test_packaging.py); test_staff_requests holds the two equal.
STATUSES = ("new", "contacted", "scheduled", "closed", "spam")
