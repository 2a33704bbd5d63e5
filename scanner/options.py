"""Every option of a scan, declared once.

A scan option is one dataclass field whose metadata carries its
command-line declaration (`option(...)`). From that one declaration:

* `piiscout scan` gets its `--option` (`click_options`, scanner/cli.py);
* a `scan --config` file accepts it as a key, spelled like the long option
  without dashes or like the field (`--min-score` -> `min_score`,
  `--exclude` -> `exclude` or `excludes`), converted and checked by the
  same click type (`config_keys`, `convert`; scanner/config.py);
* the request is built from it (`from_values`; scanner/request.py), and the
  scans table's `options` record lists it (scanner/scan.py).

The fields are grouped by who consumes them: `scanner.settings.ScanSettings`
(what executors and workers get), and in scanner/request.py `RunOptions`
(this run: inventory, workers, incremental), `DetectionOptions` (turned into
`detectors.catalog.DetectorSettings`) and `SourceOptions` (handed to the
connectors' `parse` as target options). A value left unset (None, an empty tuple, an
unset flag) takes the field's default; source options left unset are left
out, so the connector's own default applies.

Adding an option is adding one field to the group that consumes it.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, field, fields
from functools import lru_cache
from typing import Any, Callable, Iterator, Mapping

import click

OPT = "piiscout.option"


@dataclass(frozen=True)
class Opt:
    """How one field is given on the command line (and so in a config file)."""

    decls: tuple[str, ...]  # "-x", "--exclude"; "--incremental/--no-incremental" for an on/off pair
    help: str
    click: Mapping[str, Any]  # type=, multiple=, is_flag=, metavar=, case_sensitive=...
    parse: Callable[[Any], Any] | None = None  # after click's type: "500MB" -> bytes; ValueError: a bad value
    # How the scans table's `options` record shows the value, where it must
    # not be stored as given (a webhook URL is a credential: redacted).
    record: Callable[[Any], Any] | None = None

    @property
    def multiple(self) -> bool:
        return bool(self.click.get("multiple"))

    @property
    def flag(self) -> bool:
        return bool(self.click.get("is_flag")) or any("/" in d for d in self.decls)

    def long_names(self) -> list[str]:
        """The long options' names as config keys: --min-score -> min_score."""
        out = []
        for d in self.decls:
            for part in d.split("/")[:1]:
                if part.startswith("--"):
                    out.append(part[2:].replace("-", "_"))
        return out


def option(default: Any, /, *decls: str, help: str, parse: Callable[[Any], Any] | None = None,
           record: Callable[[Any], Any] | None = None, **click_kw) -> Any:
    """A dataclass field that is also a scan option. `default` is the
    field's; click's own default (None: unset) may be given in `click_kw`."""
    return field(default=default, metadata={OPT: Opt(tuple(decls), help, click_kw, parse, record)})


def declared(*classes: type) -> Iterator[tuple[type, Field, Opt]]:
    """(group, field, its option) for every option of `classes`, in order."""
    for cls in classes:
        for f in fields(cls):
            opt = f.metadata.get(OPT)
            if opt is not None:
                yield cls, f, opt


def default_of(f: Field) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return None


def is_unset(value: Any) -> bool:
    return value is None or value == () or value is False


def from_values(cls: type, values: Mapping[str, Any]):
    """An instance of an option group from parameter values by field name;
    a value that is None or missing takes the field's default."""
    kw = {}
    for f in fields(cls):
        v = values.get(f.name)
        if v is not None:
            kw[f.name] = tuple(v) if isinstance(v, list) else v
    return cls(**kw)


# -- the command line -------------------------------------------------------------------

def _callback(opt: Opt):
    if opt.parse is None:
        return None

    def cb(ctx, param, value):
        if value is None:
            return None
        try:
            return opt.parse(value)
        except ValueError as e:
            raise click.BadParameter(str(e)) from None

    return cb


def _click_args(f: Field, opt: Opt) -> tuple[list[str], dict[str, Any]]:
    kw = dict(opt.click)
    if opt.multiple:
        kw.setdefault("default", ())
    elif kw.get("is_flag"):
        kw.setdefault("default", False)
    else:
        kw.setdefault("default", None)  # unset: the field's default applies
    return [*opt.decls, f.name], {"help": opt.help, "callback": _callback(opt), **kw}


def click_option(f: Field, opt: Opt) -> click.Option:
    """The click parameter of one field (its name is the field's)."""
    decls, kw = _click_args(f, opt)
    return click.Option(decls, **kw)


def click_options(*classes: type):
    """A decorator adding every option of `classes` to a click command, in
    declaration order."""

    def deco(fn):
        for _, f, opt in reversed(list(declared(*classes))):
            decls, kw = _click_args(f, opt)
            fn = click.option(*decls, **kw)(fn)
        return fn

    return deco


# -- config files ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    """A config key: the field it sets and the click parameter that checks it."""

    name: str  # the field name
    param: click.Option


def config_keys(*classes: type) -> dict[str, Key]:
    """Every key a config file accepts for `classes`: long option spellings
    and field names."""
    keys: dict[str, Key] = {}
    for _, f, opt in declared(*classes):
        key = Key(f.name, click_option(f, opt))
        for spelled in (*opt.long_names(), f.name):
            keys[spelled] = key
    return keys


@lru_cache(maxsize=1)
def _context() -> click.Context:
    return click.Context(click.Command("scan"))


def convert(key: Key, value: Any) -> Any:
    """A TOML value to what the option would have produced on the command
    line; ValueError with a short reason when it is not valid."""
    ctx = _context()
    if isinstance(value, dict):
        raise ValueError("expected a value, not a table")
    p = key.param
    if p.multiple:
        items = value if isinstance(value, list) else [value]
        for v in items:
            if isinstance(v, (list, dict)):
                raise ValueError("expected a list of plain values")
        value = tuple(items)
    elif isinstance(value, list):
        raise ValueError("expected a single value, not a list")
    if p.is_flag and not p.multiple:
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    try:
        out = p.type_cast_value(ctx, value)
        if p.callback is not None:
            out = p.callback(ctx, p, out)
    except click.BadParameter as e:
        raise ValueError(e.message) from None
    return out
