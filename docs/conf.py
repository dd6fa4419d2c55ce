# SPDX-License-Identifier: MIT
"""Sphinx configuration of the documentation site.

Build it from the repository root (after ``pip install -e ".[docs]"``)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

The pages are the Markdown files of ``docs/``, read by MyST-Parser, whose examples
``tests/docs/test_docs.py`` runs; the API reference (``reference/api.rst``) comes from the
docstrings, through autodoc and napoleon (Google style), and the ``gkbg`` command's reference
from its argument parser (sphinx-argparse).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import types
import typing
from pathlib import Path

import attrs
from docutils import nodes
from sphinx import addnodes
from sphinx.ext.napoleon.docstring import GoogleDocstring
from sphinx.pycode import ModuleAnalyzer
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

import gkbg

if typing.TYPE_CHECKING:
    from sphinx.application import Sphinx

project = "gkbg"
author = "The gkbg developers"
project_copyright = "the gkbg developers (MIT licence)"
release = gkbg.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinxarg.ext",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
# docs/examples holds example plugin packages (the pages show their files), not pages.
exclude_patterns = ["_build", "examples", "**/.*"]
language = "en"

# Markdown: GitHub's heading anchors, so that a link such as checks.md#rule-files works both on
# GitHub and in the site; links are resolved among pages, labels and Python objects only.
myst_heading_anchors = 6
myst_ref_domains = ["std", "py"]

# Docstrings: Google style; `name` in a docstring is a cross-reference to a Python object.
default_role = "py:obj"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"
autodoc_typehints_format = "short"
add_module_names = False
python_use_unqualified_type_names = True

# Every cross-reference must resolve, except to what has no page here: the standard library
# (the build runs offline, so without intersphinx) and gkbg's private type aliases, which
# annotations name (``Source``, ``Outcome``).
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", rf"(?:{'|'.join(sorted(sys.stdlib_module_names))})\..+"),
]


def _unlinked_names() -> list[tuple[str, str]]:
    """Short names of standard-library types, and gkbg's private type aliases."""
    names: set[str] = set()
    for stdlib in ("builtins", "collections.abc", "decimal", "enum", "os", "pathlib", "typing"):
        names.update(name for name in dir(importlib.import_module(stdlib)) if name[:1].isupper())
    for info in pkgutil.walk_packages(gkbg.__path__, "gkbg."):
        if info.name.rpartition(".")[2] == "__main__":
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an extra's module without the extra: autodoc will say so
            continue
        for name, value in vars(module).items():
            alias = isinstance(value, typing.TypeVar | types.UnionType)
            if alias or typing.get_origin(value) is not None:
                names.update((name, f"{info.name}.{name}"))
    return [(role, name) for name in sorted(names) for role in ("py:class", "py:obj")]


nitpick_ignore = _unlinked_names()

html_theme = "furo"
html_title = f"gkbg {release}"
REPOSITORY = "https://github.com/gkbg/gkbg"
html_theme_options = {  # "view" and "edit" buttons pointing at the page's source on GitHub
    "source_repository": f"{REPOSITORY}/",
    "source_branch": "main",
    "source_directory": "docs/",
}

ROOT = Path(__file__).resolve().parent.parent
_log = logging.getLogger(__name__)


def _attribute_docs() -> dict[str, list[str]]:
    """The docstrings written under the names ``gkbg`` exports, in the modules defining them."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(gkbg.__path__, "gkbg."):
        short = info.name.rpartition(".")[2]
        internal = "." in info.name.removeprefix("gkbg.") or short.startswith("_")
        if info.ispkg or not internal or short.startswith("__"):
            continue
        module = importlib.import_module(info.name)
        docs = ModuleAnalyzer.for_module(info.name).find_attr_docs()
        for (scope, name), lines in docs.items():
            exported = name in gkbg.__all__ and getattr(module, name) is getattr(gkbg, name)
            if not scope and exported:
                found[name] = lines
    return found


_ATTRIBUTE_DOCS = _attribute_docs()


def _data_docstring(  # noqa: PLR0917 - the event's signature
    app: Sphinx,  # noqa: ARG001 - the event's signature
    what: str,
    name: str,
    obj: object,  # noqa: ARG001
    options: object,  # noqa: ARG001
    lines: list[str],
) -> None:
    """Document a name gkbg re-exports with the docstring written where it is defined.

    autodoc looks for the docstring of ``gkbg.TABLES`` in ``gkbg/__init__.py``, and without one
    would show the docstring of ``tuple``.
    """
    module, _, attribute = name.rpartition(".")
    if what != "data" or module != "gkbg":
        return
    lines[:] = list(_ATTRIBUTE_DOCS.get(attribute, []))
    if not lines:
        _log.warning("%s: no docstring where it is defined", name, type="gkbg", subtype="docs")


_PROSE = frozenset({"attribute", "data", "property"})


def _google_docstring(  # noqa: PLR0917 - the event's signature
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    lines: list[str],
) -> None:
    """Napoleon's reading of Google-style docstrings, without a type made of the first words.

    Napoleon takes what precedes the first colon of an attribute's, a constant's or a
    property's docstring for its type; gkbg writes prose there (``A cell's number: `int` for
    counts, ...``) and gives types as annotations. Those docstrings are read as a function's.
    """
    kind = "method" if what in _PROSE else what
    lines[:] = GoogleDocstring(lines, app.config, app, kind, name, obj, options).lines()


def _signature(  # noqa: PLR0917 - the event's signature
    app: Sphinx,  # noqa: ARG001 - the event's signature
    what: str,
    name: str,  # noqa: ARG001
    obj: object,
    options: object,  # noqa: ARG001
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """Class signatures as they are called.

    A protocol is not instantiated: no ``(*args, **kwargs)`` for it. An attrs field whose
    default comes from a factory shows the call (``foreach=dict()``), not attrs' ``NOTHING``.
    """
    if what != "class" or signature is None:
        return None
    if getattr(obj, "_is_protocol", False):
        return "", return_annotation
    if isinstance(obj, type) and attrs.has(obj):
        for field in attrs.fields(obj):
            if isinstance(field.default, attrs.Factory):
                factory = field.default.factory
                shown = f"{getattr(factory, '__name__', '...')}()"
                signature = signature.replace(f"{field.alias}=NOTHING", f"{field.alias}={shown}")
    return signature, return_annotation


class _RepositoryFolders(SphinxPostTransform):
    """A Markdown link to a folder of the repository goes to that folder on GitHub.

    On GitHub such links (``../src/gkbg/forms/``) show the folder; links to files outside the
    pages become downloads, as MyST makes them.
    """

    default_priority = 8  # before MyST resolves (and complains about) its references

    def run(self, **kwargs: object) -> None:  # noqa: ARG002 - Sphinx's signature
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain"):
                continue
            _, path = self.env.relfn2path(node["reftarget"], node["refdoc"])
            folder = Path(path).resolve()
            if not folder.is_dir() or not folder.is_relative_to(ROOT):
                continue
            uri = f"{REPOSITORY}/tree/main/{folder.relative_to(ROOT).as_posix()}"
            link = nodes.reference("", "", *node.children, refuri=uri, internal=False)
            node.replace_self(link)


class _LinkApiNames(SphinxPostTransform):
    """Inline code that names a documented object, such as ``gkbg.parse``, links to its entry.

    The pages write ``gkbg.RuleSet.builtin()`` as code, which GitHub shows as it is; in the site
    it becomes a link to the API reference. Code that names nothing documented stays code, and
    so does code in headings, in links and in code blocks.
    """

    default_priority = 20  # after the references are resolved

    _NAME = re.compile(r"(?P<name>gkbg(?:\.\w+)+)(?:\(\))?")

    def run(self, **kwargs: object) -> None:  # noqa: ARG002 - Sphinx's signature
        objects = self.env.domains["py"].objects
        for literal in list(self.document.findall(nodes.literal)):
            match = self._NAME.fullmatch(literal.astext())
            if match is None or match["name"] not in objects:
                continue
            if any(
                isinstance(up, nodes.reference | nodes.literal_block | nodes.title)
                for up in _ancestors(literal)
            ):
                continue
            entry = objects[match["name"]]
            uri = self.app.builder.get_relative_uri(self.env.docname, entry.docname)
            link = nodes.reference("", "", internal=True, refuri=f"{uri}#{entry.node_id}")
            literal.replace_self(link)
            link.append(literal)


def _ancestors(node: nodes.Node) -> typing.Iterator[nodes.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def setup(app: Sphinx) -> dict[str, object]:
    """Connect the hooks above."""
    napoleon = [
        listener.id
        for listener in app.events.listeners["autodoc-process-docstring"]
        if getattr(listener.handler, "__module__", "") == "sphinx.ext.napoleon"
    ]
    if len(napoleon) != 1:
        raise RuntimeError("docs/conf.py: napoleon's docstring handler has changed; update it")
    app.disconnect(napoleon[0])
    app.connect("autodoc-process-docstring", _data_docstring, priority=400)
    app.connect("autodoc-process-docstring", _google_docstring)
    app.connect("autodoc-process-signature", _signature)
    app.add_post_transform(_RepositoryFolders)
    app.add_post_transform(_LinkApiNames)
    return {"parallel_read_safe": True}
