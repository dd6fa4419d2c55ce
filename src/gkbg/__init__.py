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
"""

from __future__ import annotations

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
