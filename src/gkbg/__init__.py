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
from gkbg._batch import (
    SUMMARY_FIELDS,
    BatchSummary,
    FileResult,
    batch,
    batch_file,
    batch_files,
    write_batch,
)
from gkbg._engine import check
from gkbg._errors import (
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
from gkbg._export import (
    CELL_FIELDS,
    FINDING_FIELDS,
    cell_records,
    cells_frame,
    cells_to_csv,
    finding_records,
    findings_frame,
    findings_to_csv,
    json_schema,
    to_xlsx,
)
from gkbg._findings import CheckResult, Finding, NotCheckable, Severity, Text
from gkbg._json import converter, from_json, to_json
from gkbg._lang import reason_zh
from gkbg._layout import Layout, Token, TokenKind
from gkbg._limits import Limits
from gkbg._model import Cell, CellState, Location, Report, Table, Value
from gkbg._notebook import result_html, to_html
from gkbg._parsers import (
    Input,
    Parser,
    ParserRegistry,
    default_registry,
    parse,
    parse_layout,
    register_parser,
)
from gkbg._rollup import RollupFunctionRule, check_rollup
from gkbg._rules import Check, FunctionRule, Rule, RuleSet, Statement
from gkbg._schema import TABLES, Block, CellSpec, Column, Form, Row, TableForm, form, forms
from gkbg._series import SeriesFunctionRule, SeriesResult, check_series
from gkbg._version import __version__

__all__ = [
    "CELL_FIELDS",
    "FINDING_FIELDS",
    "SUMMARY_FIELDS",
    "TABLES",
    "BatchSummary",
    "Block",
    "Cell",
    "CellSpec",
    "CellState",
    "Check",
    "CheckResult",
    "Column",
    "CorruptDocumentError",
    "DocumentError",
    "EmptyDocumentError",
    "EncodingError",
    "EncryptedDocumentError",
    "FileResult",
    "Finding",
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
    "json_schema",
    "parse",
    "parse_layout",
    "reason_zh",
    "register_parser",
    "result_html",
    "to_html",
    "to_json",
    "to_xlsx",
    "write_batch",
]
