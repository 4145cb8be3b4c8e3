"""The one result type every rule produces and every reporter prints."""

from __future__ import annotations

from enum import Enum

from envlint.facts import Location
from envlint.record import record


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@record(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    location: Location

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.message)

    def as_dict(self) -> dict:
        loc = self.location
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "path": loc.path,
            "line": loc.line,
            "column": loc.column,
            "end_line": loc.end_line,
            "end_column": loc.end_column,
            "message": self.message,
        }
