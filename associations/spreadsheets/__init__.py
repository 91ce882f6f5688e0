"""Spreadsheet import and export of records.

This package is the engine; each app's kinds live in `<app>/imports.py`.
"""
