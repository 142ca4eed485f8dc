"""The report: words (``text``), figures (``plots``), the audit's sections (``pipeline``), the
notebooks run and rendered to HTML (``render``) and the action lists (``export``).

The entry points a user calls are re-exported here: ``reportkit.report.audit(...)`` and
``reportkit.report.monthly(...)``.
"""

from .render import AuditResult, MonthlyResult, audit, monthly
from .store import read_cached

__all__ = ["AuditResult", "MonthlyResult", "audit", "monthly", "read_cached"]
