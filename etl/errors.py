"""Named exceptions; each message says what went wrong and what to do next."""
from __future__ import annotations


class EtlError(Exception):
    """Base class for expected problems; the CLI turns these into messages and exit codes."""


class UnreadableFile(EtlError):
    """A report file could not be read or decoded: fix or remove the file, then run again."""

    def __init__(self, file: str, reason: str, advice: str) -> None:
        self.file = file
        self.reason = reason
        self.advice = advice
        super().__init__(f"{file}: {reason}。{advice}")


class ManifestError(EtlError):
    """manifest.csv has a problem: fix the named row, then run again."""


class NumberFormatError(EtlError, ValueError):
    """A numeral span could not be read as a number."""


class DatabaseBusy(EtlError):
    """Another ETL run holds the database: wait for it to finish, then run again."""


class DatabaseError(EtlError):
    """The database could not be opened or upgraded."""
