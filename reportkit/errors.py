"""The exception hierarchy of reportkit.

Every exception raised on purpose by reportkit derives from :class:`ReportkitError`.
Errors caused by the user's input (files, columns, config values, parameters) also derive from
:class:`ValueError`, so generic ``except ValueError`` code keeps working.
"""

from __future__ import annotations


class ReportkitError(Exception):
    """Base class of every error raised by reportkit on purpose."""


class InputError(ReportkitError, ValueError):
    """Bad input: a file, a column, a value or a parameter that cannot be used.

    The message says what is wrong, where (file, column, rows) and how to fix it.
    """


class DataFileError(InputError):
    """A data file cannot be read or holds no usable rows."""


class MissingColumnError(InputError):
    """A required column was not found in a data file."""


class ConfigError(InputError):
    """The configuration file or a settings value is invalid."""


class ParameterError(InputError):
    """A function parameter has an invalid value ("`x` must be …, got …")."""


class OutputFolderError(InputError):
    """The output folder cannot be created or written (checked before any work)."""


class ReportError(ReportkitError):
    """Generating a report failed (notebook execution, rendering, export)."""


class ModelWarning(UserWarning):
    """A model fit or a data-sufficiency check that did not go as planned (with diagnostics)."""


def check_param(ok: object, name: str, must: str, got: object) -> None:
    """Raise :class:`ParameterError` with the one wording used for every parameter error.

    >>> check_param(True, "n_bins", "an integer from 2 to 10", 5)
    >>> check_param(False, "n_bins", "an integer from 2 to 10", 0)
    Traceback (most recent call last):
    ...
    reportkit.errors.ParameterError: `n_bins` must be an integer from 2 to 10, got 0
    """
    if not ok:
        raise ParameterError(f"`{name}` must be {must}, got {got!r}")
