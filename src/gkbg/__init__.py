# SPDX-License-Identifier: MIT
"""Read the statistical tables of government information-disclosure annual reports.

gkbg reads the tables of Chinese 政府信息公开工作年度报告 and checks their arithmetic.

>>> import gkbg
>>> report = gkbg.parse("examples/report-2019.txt")        # doctest: +SKIP
>>> for finding in gkbg.check(report):                      # doctest: +SKIP
...     print(finding.rule, finding.message.en)

The statutory forms (2019 and 2021) are data (`gkbg.forms`); so are the checks
(`gkbg.RuleSet`). Parsers register by format name (`gkbg.register_parser`).
"""

from __future__ import annotations

from gkbg import render
from gkbg._engine import check
from gkbg._errors import (
    DocumentError,
    EmptyDocumentError,
    FormError,
    GkbgError,
    MissingExtraError,
    NoTablesError,
    RuleError,
    UnknownFormatError,
)
from gkbg._findings import CheckResult, Finding, NotCheckable, Severity, Text
from gkbg._json import converter, from_json, to_json
from gkbg._layout import Layout, Token, TokenKind
from gkbg._model import Cell, CellState, Location, Report, Table, Value
from gkbg._parsers import (
    Input,
    Parser,
    ParserRegistry,
    default_registry,
    parse,
    parse_layout,
    register_parser,
)
from gkbg._rules import Check, FunctionRule, Rule, RuleSet, Statement
from gkbg._schema import TABLES, Block, CellSpec, Column, Form, Row, TableForm, form, forms
from gkbg._version import __version__

__all__ = [
    "TABLES",
    "Block",
    "Cell",
    "CellSpec",
    "CellState",
    "Check",
    "CheckResult",
    "Column",
    "DocumentError",
    "EmptyDocumentError",
    "Finding",
    "Form",
    "FormError",
    "FunctionRule",
    "GkbgError",
    "Input",
    "Layout",
    "Location",
    "MissingExtraError",
    "NoTablesError",
    "NotCheckable",
    "Parser",
    "ParserRegistry",
    "Report",
    "Row",
    "Rule",
    "RuleError",
    "RuleSet",
    "Severity",
    "Statement",
    "Table",
    "TableForm",
    "Text",
    "Token",
    "TokenKind",
    "UnknownFormatError",
    "Value",
    "__version__",
    "check",
    "converter",
    "default_registry",
    "form",
    "forms",
    "from_json",
    "parse",
    "parse_layout",
    "register_parser",
    "render",
    "to_json",
]
