"""What AppointmentsFunction's first request will need, fetched from the start of its import.

Every post needs the edge secret, the hashing key, site.json and a DynamoDB client:
at Lambda's on-demand initialisation they are read and made in the background
(`core.prefetch`) from the moment the package is imported, while the handler's own
imports load (Powertools' resolver, then the validation model, the slowest), and
the first invocation waits for them. This module loads neither, so that it can start
first.
"""

from __future__ import annotations

from clinic_api.appointments.settings import clinic_settings
from clinic_api.core.clients import dynamodb_client
from clinic_api.core.edge_secret import edge_secret
from clinic_api.core.identity import hash_key
from clinic_api.core.prefetch import Warmup

warmup = Warmup(edge_secret, hash_key, clinic_settings, dynamodb_client)
