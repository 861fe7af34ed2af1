"""AppointmentsFunction: the "Request an appointment" form, into the requests table.

Importing the package starts a cold start's prefetch (`cold_start`) before the
handler's imports.
"""

from clinic_api.appointments import cold_start as cold_start
