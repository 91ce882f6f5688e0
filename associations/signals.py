"""Signals lower apps send for higher ones to react to (the apps layer one way)."""

from django.dispatch import Signal

# Records under `scope` (an Association) changed in bulk, without per-row save signals
# (a spreadsheet import). The reports app refreshes the figures of that subtree.
records_changed = Signal()
