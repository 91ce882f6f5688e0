"""Spreadsheet kinds of the association's work, one module each: events, projects, aid,
awards, assessments, self-governance and the ledger.

Every write goes through activities.services as the importer (`self.by`); the engine
(associations.spreadsheets) does the reading, matching, all-or-nothing and scope checks.
The registry imports this package (`<app>.imports`), which registers the kinds.
"""

from . import aid, assessments, awards, events, ledger, projects, selfgov

__all__ = ["aid", "assessments", "awards", "events", "ledger", "projects", "selfgov"]
