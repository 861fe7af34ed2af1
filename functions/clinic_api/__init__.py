"""Lambda code for the clinic backend: one package per function, shared pieces in `core`."""

from clinic_api.core.collector import pause_for_init

# First thing on Lambda's init, before any handler's imports (core/collector.py).
pause_for_init()
