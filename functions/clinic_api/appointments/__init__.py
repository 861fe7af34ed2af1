"""AppointmentsFunction: the "Request an appointment" form, into the requests table."""
