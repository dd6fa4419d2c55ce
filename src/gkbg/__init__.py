# SPDX-License-Identifier: MIT
"""Read the statistical tables of government information-disclosure annual reports.

gkbg reads the tables of Chinese 政府信息公开工作年度报告 and checks their arithmetic.

>>> import gkbg
>>> report = gkbg.parse("examples/report-2019.txt")        # doctest: +SKIP
>>> for finding in gkbg.check(report):                      # doctest: +SKIP
...     print(finding.rule, finding.message.en)

The statutory forms (2019 and 2021) are data (`gkbg.forms`); so are the checks
(`gkbg.RuleSet`), those across reports too: `gkbg.check_series` compares one agency's years,
`gkbg.check_rollup` a region's summary report with its units'. Parsers register by format
name (`gkbg.register_parser`).

``import gkbg`` is cheap: each public name is imported from its module when it is first used
(PEP 562), so that a program that needs a few of them (the ``gkbg batch`` coordinator, which
only hands out files) does not pay for the readers, the alignment and the checks it never runs.
`__all__`, ``dir(gkbg)``, ``from gkbg import …`` and type checkers see every name as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gkbg import _api as _api
    from gkbg import render as render  # the public module gkbg.render
    from gkbg._api import (
        cell_records,
        cells_frame,
        cells_to_csv,
        check,
        check_rollup,
        check_series,
        finding_records,
        findings_frame,
        findings_to_csv,
        html_report,
        show_cell,
        to_html,
        to_xlsx,
    )
    from gkbg._batch import (
        SUMMARY_FIELDS,
        BatchFrames,
        BatchSummary,
        FileResult,
        batch,
        batch_file,
        batch_files,
        read_batch,
        write_batch,
    )
    from gkbg.align.report import parse
    from gkbg.checks.findings import (
        Advice,
        Change,
        CheckResult,
        Finding,
        Fix,
        NotCheckable,
        Severity,
    )
    from gkbg.checks.rollup import RollupFunctionRule
    from gkbg.checks.rules import Check, FunctionRule, Rule, RuleSet, Statement
    from gkbg.checks.series import SeriesFunctionRule, SeriesResult
    from gkbg.core.errors import (
        CorruptDocumentError,
        DocumentError,
        EmptyDocumentError,
        EncodingError,
        EncryptedDocumentError,
        FormError,
        GkbgError,
        LimitExceededError,
        MissingExtraError,
        NoTablesError,
        PluginError,
        PluginWarning,
        RuleError,
        ScannedDocumentError,
        SeriesError,
        UnknownFormatError,
        UnsafeDocumentError,
    )
    from gkbg.core.lang import Text
    from gkbg.core.limits import Limits
    from gkbg.core.model import Cell, CellState, Columns, Location, Report, Table, Value
    from gkbg.core.reasons import Doubt, reason_zh
    from gkbg.core.schema import TABLES, Block, CellSpec, Column, Form, Row, TableForm, form, forms
    from gkbg.core.version import __version__
    from gkbg.read.base import Input, Parser, Readable
    from gkbg.read.layout import Layout, Token, TokenKind
    from gkbg.read.registry import ParserRegistry, default_registry, parse_layout, register_parser
    from gkbg.write.cellview import CellView
    from gkbg.write.json import converter, from_json, to_json
    from gkbg.write.notebook import result_html
    from gkbg.write.records import CELL_FIELDS, FINDING_FIELDS, json_schema
    from gkbg.write.summary import result_text

__all__ = [
    "CELL_FIELDS",
    "FINDING_FIELDS",
    "SUMMARY_FIELDS",
    "TABLES",
    "Advice",
    "BatchFrames",
    "BatchSummary",
    "Block",
    "Cell",
    "CellSpec",
    "CellState",
    "CellView",
    "Change",
    "Check",
    "CheckResult",
    "Column",
    "Columns",
    "CorruptDocumentError",
    "DocumentError",
    "Doubt",
    "EmptyDocumentError",
    "EncodingError",
    "EncryptedDocumentError",
    "FileResult",
    "Finding",
    "Fix",
    "Form",
    "FormError",
    "FunctionRule",
    "GkbgError",
    "Input",
    "Layout",
    "LimitExceededError",
    "Limits",
    "Location",
    "MissingExtraError",
    "NoTablesError",
    "NotCheckable",
    "Parser",
    "ParserRegistry",
    "PluginError",
    "PluginWarning",
    "Readable",
    "Report",
    "RollupFunctionRule",
    "Row",
    "Rule",
    "RuleError",
    "RuleSet",
    "ScannedDocumentError",
    "SeriesError",
    "SeriesFunctionRule",
    "SeriesResult",
    "Severity",
    "Statement",
    "Table",
    "TableForm",
    "Text",
    "Token",
    "TokenKind",
    "UnknownFormatError",
    "UnsafeDocumentError",
    "Value",
    "__version__",
    "batch",
    "batch_file",
    "batch_files",
    "cell_records",
    "cells_frame",
    "cells_to_csv",
    "check",
    "check_rollup",
    "check_series",
    "converter",
    "default_registry",
    "finding_records",
    "findings_frame",
    "findings_to_csv",
    "form",
    "forms",
    "from_json",
    "html_report",
    "json_schema",
    "parse",
    "parse_layout",
    "read_batch",
    "reason_zh",
    "register_parser",
    "result_html",
    "result_text",
    "show_cell",
    "to_html",
    "to_json",
    "to_xlsx",
    "write_batch",
]

# The module each public name is defined in: the one place gkbg imports its own modules when a
# name is first used rather than at the top of a module (docs/architecture.md, "Imports").
_LAZY: dict[str, str] = {
    "render": "gkbg.render",  # the public module
    # The front's own module of the stages' functions: the modules of the front (``cli``,
    # ``_batch``) reach through it, when first used, what only some of their paths need.
    "_api": "gkbg._api",
    "cell_records": "gkbg._api",
    "cells_frame": "gkbg._api",
    "cells_to_csv": "gkbg._api",
    "check": "gkbg._api",
    "check_rollup": "gkbg._api",
    "check_series": "gkbg._api",
    "finding_records": "gkbg._api",
    "findings_frame": "gkbg._api",
    "findings_to_csv": "gkbg._api",
    "html_report": "gkbg._api",
    "show_cell": "gkbg._api",
    "to_html": "gkbg._api",
    "to_xlsx": "gkbg._api",
    "SUMMARY_FIELDS": "gkbg._batch",
    "BatchFrames": "gkbg._batch",
    "BatchSummary": "gkbg._batch",
    "FileResult": "gkbg._batch",
    "batch": "gkbg._batch",
    "batch_file": "gkbg._batch",
    "batch_files": "gkbg._batch",
    "read_batch": "gkbg._batch",
    "write_batch": "gkbg._batch",
    "parse": "gkbg.align.report",
    "Advice": "gkbg.checks.findings",
    "Change": "gkbg.checks.findings",
    "CheckResult": "gkbg.checks.findings",
    "Finding": "gkbg.checks.findings",
    "Fix": "gkbg.checks.findings",
    "NotCheckable": "gkbg.checks.findings",
    "Severity": "gkbg.checks.findings",
    "RollupFunctionRule": "gkbg.checks.rollup",
    "Check": "gkbg.checks.rules",
    "FunctionRule": "gkbg.checks.rules",
    "Rule": "gkbg.checks.rules",
    "RuleSet": "gkbg.checks.rules",
    "Statement": "gkbg.checks.rules",
    "SeriesFunctionRule": "gkbg.checks.series",
    "SeriesResult": "gkbg.checks.series",
    "CorruptDocumentError": "gkbg.core.errors",
    "DocumentError": "gkbg.core.errors",
    "EmptyDocumentError": "gkbg.core.errors",
    "EncodingError": "gkbg.core.errors",
    "EncryptedDocumentError": "gkbg.core.errors",
    "FormError": "gkbg.core.errors",
    "GkbgError": "gkbg.core.errors",
    "LimitExceededError": "gkbg.core.errors",
    "MissingExtraError": "gkbg.core.errors",
    "NoTablesError": "gkbg.core.errors",
    "PluginError": "gkbg.core.errors",
    "PluginWarning": "gkbg.core.errors",
    "RuleError": "gkbg.core.errors",
    "ScannedDocumentError": "gkbg.core.errors",
    "SeriesError": "gkbg.core.errors",
    "UnknownFormatError": "gkbg.core.errors",
    "UnsafeDocumentError": "gkbg.core.errors",
    "Text": "gkbg.core.lang",
    "Limits": "gkbg.core.limits",
    "Cell": "gkbg.core.model",
    "CellState": "gkbg.core.model",
    "Columns": "gkbg.core.model",
    "Location": "gkbg.core.model",
    "Report": "gkbg.core.model",
    "Table": "gkbg.core.model",
    "Value": "gkbg.core.model",
    "Doubt": "gkbg.core.reasons",
    "reason_zh": "gkbg.core.reasons",
    "TABLES": "gkbg.core.schema",
    "Block": "gkbg.core.schema",
    "CellSpec": "gkbg.core.schema",
    "Column": "gkbg.core.schema",
    "Form": "gkbg.core.schema",
    "Row": "gkbg.core.schema",
    "TableForm": "gkbg.core.schema",
    "form": "gkbg.core.schema",
    "forms": "gkbg.core.schema",
    "__version__": "gkbg.core.version",
    "Input": "gkbg.read.base",
    "Parser": "gkbg.read.base",
    "Readable": "gkbg.read.base",
    "Layout": "gkbg.read.layout",
    "Token": "gkbg.read.layout",
    "TokenKind": "gkbg.read.layout",
    "ParserRegistry": "gkbg.read.registry",
    "default_registry": "gkbg.read.registry",
    "parse_layout": "gkbg.read.registry",
    "register_parser": "gkbg.read.registry",
    "CellView": "gkbg.write.cellview",
    "converter": "gkbg.write.json",
    "from_json": "gkbg.write.json",
    "to_json": "gkbg.write.json",
    "result_html": "gkbg.write.notebook",
    "CELL_FIELDS": "gkbg.write.records",
    "FINDING_FIELDS": "gkbg.write.records",
    "json_schema": "gkbg.write.records",
    "result_text": "gkbg.write.summary",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - any public name
    """The public name ``name``, imported from its module on first use and kept.

    Raises:
        AttributeError: ``name`` is not a public name of gkbg.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    imported = importlib.import_module(module)
    value = imported if module == f"{__name__}.{name}" else getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names and the module's own, as if every name had been imported."""
    return sorted({*globals(), *__all__})
