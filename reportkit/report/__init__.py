"""The report: the typed audit pipeline (``run``), its figures and ranked actions
(``findings``), the words (``words``, ``text``), figures (``plots``), one module per section
(``sections``, reading an ``AuditView``), the ``Audit`` the notebooks hold (``pipeline``), the
notebooks run and rendered to HTML (``render``) and the action lists (``export``).

The entry points a user calls are re-exported here: ``reportkit.report.audit(...)`` and
``reportkit.report.monthly(...)``.
"""

from .render import AuditResult, MonthlyResult, audit, monthly
from .store import read_cached

__all__ = ["AuditResult", "MonthlyResult", "audit", "monthly", "read_cached"]
