"""`clinic requests`: staff work the appointment requests with their own AWS credentials.

The model (store, audit log, the person-facing view) is the inbox API's own:
clinic_api.staff.
"""
