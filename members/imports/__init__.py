"""Spreadsheet kinds of the members app, one module each: members, households, liaison pairs
and officer posts. The registry (`associations.spreadsheets.kinds`) imports this package.

Every write goes through `members.services` as the importing user (`by=self.by`); the
engine does the reading, matching, all-or-nothing and scope checks.
"""

# Registered in this order, the order the import page lists them in.
# isort: off
from . import members, households, liaisons, positions

# isort: on
from .cells import IdNumberCell, PhoneCell

__all__ = ["IdNumberCell", "PhoneCell", "households", "liaisons", "members", "positions"]
