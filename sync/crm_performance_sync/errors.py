"""Errors the sync reports to the user, each with its own exit status (see README.md)."""


class SyncError(Exception):
    """A problem the user can fix; the message is shown as is, nothing has been written."""

    exit_code = 1


class ConfigError(SyncError):
    """Missing or invalid settings (command line, config file, environment)."""

    exit_code = 2


class ServerError(SyncError):
    """The Odoo server cannot be reached, the database is unknown, or the server stopped."""

    exit_code = 3


class AccessDenied(SyncError):
    """Wrong login or API key, or the user may not read the appraisals."""

    exit_code = 4


class OdooDataError(SyncError):
    """What Odoo holds does not allow a payroll run (period unknown or not approved...)."""

    exit_code = 5


class WorkbookError(SyncError):
    """The workbook is missing, locked, not a workbook, or its layout does not fit."""

    exit_code = 6
