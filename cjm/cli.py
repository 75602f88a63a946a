"""The ``cjm`` command line: each command wires inputs -> core -> reporter -> exit code.

Start-up is a feature: only typer is imported here; everything a command
needs is imported inside that command.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from cjm import __version__

if TYPE_CHECKING:
    from cjm.evidence.model import EvidenceReport
    from cjm.reporters.progress import Progress

T = TypeVar("T")
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

app = typer.Typer(
    name="cjm",
    help="Customer journey maps as code: validate, render, diff and evidence-check journey files.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion and --show-completion, for bash, zsh, fish and PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},  # every subcommand inherits it
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Debug = Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an internal error.")]
Config = Annotated[str | None, typer.Option("--config", metavar="FILE", help="Use this cjm.toml or pyproject.toml.")]
COLOR_CHOICES = ("auto", "always", "never")


def _complete_colour(incomplete: str) -> list[str]:
    return [c for c in COLOR_CHOICES if c.startswith(incomplete)]


def _complete_report_format(incomplete: str) -> list[str]:
    """validate's formats for the shell; after FMT= the shell completes a file name itself."""
    from cjm.reporters import REPORTERS

    return [name for name in REPORTERS if name.startswith(incomplete)]


Color = Annotated[
    str,
    typer.Option(
        "--color",
        metavar="WHEN",
        autocompletion=_complete_colour,
        help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always or never.",
    ),
]


# What each option's value is, in the help: words a CX lead reads (FILE, N, FMT), never a Python type.
# An option's own ``metavar=`` wins; a (command, option) entry wins over the option's.
METAVARS: Mapping[str, str] = {
    "--config": "FILE",
    "--output": "FILE",
    "render --output": "FILE|FOLDER",
    "evidence check --output": "FOLDER",
    "--format": "FMT",
    "render --format": "FMT[,FMT]",
    "--template": "NAME",
    "--base": "REV",
    "--fail-on": "KIND",
    "evidence check --fail-on": "GATE",
    "--index": "N",
    "--title": "TITLE",
    "--evidence": "FILE",
    "render --diff": "OLD",
    "--events": "FILE",
    "--columns": "ROLE=COLUMN,...",
    "--mapping": "FILE",
    "--preset": "NAME",
    "--aggregates": "FOLDER",
    "--gap-days": "DAYS",
    "--window-days": "DAYS",
    "--min-cases": "N",
    "--top-variants": "N",
    "--quantiles": "MODE",
    "--memory-limit": "SIZE",
    "--threads": "N",
    "--temp-dir": "FOLDER",
    "--max-temp-size": "SIZE",
    "--engine": "ENGINE",
    "--spark-remote": "URL",
    "--dialect": "DIALECT",
    "--events-table": "TABLE",
    "--prefix": "PREFIX",
    "--outcome": "CLASS=EVENTS",
    "--active-days": "DAYS",
    "--as-of": "DATE",
    "--by": "PERIOD",
    "--from": "DAY",
    "--to": "DAY",
    "--page": "PAPER",
    "--lang": "LANG",
}
ARGUMENT_METAVARS: Mapping[str, str] = {
    "paths": "FILE|FOLDER",
    "files": "FILE",
    "file": "FILE",
    "journey": "JOURNEY",
}


class _Command(TyperCommand):
    """A command whose help names each value by what it is (FILE, N, JOURNEY), never by its Python type."""

    def format_options(self, ctx: Any, formatter: Any) -> None:  # click's Context and HelpFormatter
        arguments, options = [], []
        command = ctx.command_path.partition(" ")[2]
        for param in self.get_params(ctx):
            if param.metavar is None:
                param.metavar = _metavar(command, param)
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append(((param.metavar or "") + ("..." if param.nargs != 1 else ""), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line as click writes it: ``cjm render [OPTIONS] FILE|FOLDER...``, optional ones in brackets."""
        command = ctx.command_path.partition(" ")[2]
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = (param.metavar or _metavar(command, param) or "") + ("..." if param.nargs != 1 else "")
            pieces.append(name if param.required else f"[{name}]")
        return pieces


def _metavar(command: str, param: Any) -> str | None:
    """The help's name for a parameter's value (None for a flag, which takes none)."""
    if param.param_type_name == "argument":
        return ARGUMENT_METAVARS.get(param.name, str(param.name).upper())
    if getattr(param, "is_flag", False):
        return None
    long = next((o for o in param.opts if o.startswith("--")), param.opts[0])
    return METAVARS.get(f"{command} {long}", METAVARS.get(long, "VALUE"))


def _colour_choice(value: str) -> str:
    if value not in COLOR_CHOICES:
        _usage(f"--color must be auto, always or never, not '{value}'")
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cjm {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Customer journey maps as code."""


@app.command()
def validate(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders or '-' for stdin.")] = None,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-F",
            "-f",
            metavar="FMT[=FILE]",
            autocompletion=_complete_report_format,
            help="text, json, github, sarif, junit or gitlab, to standard output or, as FMT=FILE, to a file; "
            "repeat it for several reports from one run (default: text; github when GITHUB_ACTIONS=true).",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report (the --format without =FILE) here."),
    ] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply the unambiguous fixes the hints name; report what remains.")
    ] = False,
    show_diff: Annotated[
        bool, typer.Option("--diff", help="With --fix: print the fixes as a diff and change nothing.")
    ] = False,
    config: Config = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the findings but no summary line.")] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Show counts per rule (on stderr for the CI formats).")
    ] = False,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", metavar="FILE", help="Report only findings this baseline file does not hold."),
    ] = None,
    write_baseline: Annotated[
        str | None,
        typer.Option("--write-baseline", metavar="FILE", help="Record the current rule findings in this file."),
    ] = None,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Exit 0 when the paths match no journey file.")
    ] = False,
    stdin_filename: Annotated[
        str | None, typer.Option("--stdin-filename", metavar="NAME", help="The name to report for '-'.")
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=0, metavar="N", help="Worker processes; 0 picks by files and cores, 1 disables."
        ),
    ] = 0,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            metavar="RULES",
            help="Run only these rules (codes or names, comma-separated); replaces the config's.",
        ),
    ] = None,
    extend_select: Annotated[
        list[str] | None,
        typer.Option("--extend-select", metavar="RULES", help="Run these rules too (codes or names, comma-separated)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="RULES",
            help="Do not run these rules (codes or names, comma-separated); adds to the config's.",
        ),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when findings fail the run (2 still means an error).")
    ] = False,
    color: Color = "auto",
    debug: Debug = False,
) -> int:
    """Parse, check schema and references, and run the lint rules."""
    import os

    from cjm.diagnostics import Severity
    from cjm.output import write_atomic
    from cjm.reporters import CI_FORMATS, ReportOptions
    from cjm.reporters.outputs import parse_destinations, refuse_inputs, write_reports
    from cjm.reporters.text import statistics_lines, use_colour
    from cjm.validate.baseline import apply_baseline, baseline_of, baseline_text, read_baseline
    from cjm.validate.run import RunOptions, check
    from cjm.workspace import open_workspace, repository_root

    workspace = _with_rule_choice(open_workspace(paths or [], config), select, extend_select, ignore)
    settings = workspace.config
    default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    destinations = parse_destinations(output_format or [], output, default)
    refuse_inputs(destinations, list(paths or []))
    colour = use_colour(sys.stdout, _colour_choice(color))
    if baseline and write_baseline:
        _usage("--baseline and --write-baseline cannot be used together")
    if show_diff and not fix:
        _usage("--diff shows what --fix would change: pass --fix --diff")
    if show_diff and (output_format or output):
        _usage("--fix --diff prints the fixes, not a report: leave out --format and --output")
    accepted = read_baseline(baseline) if baseline else None
    run = RunOptions(allow_empty, stdin_filename, jobs)
    if fix:
        fixed = _fixed(list(paths or []), workspace, run, show_diff)
        if show_diff:
            return _decided(EXIT_FINDINGS if fixed.count and not exit_zero else EXIT_OK)
        report = fixed.report
    else:
        report = check(list(paths or []), workspace, run)
    if write_baseline:
        write_atomic(write_baseline, baseline_text(report, settings.root))
        accepted = baseline_of(report, settings.root)
        typer.echo(f"cjm: recorded {sum(accepted.accepted.values())} findings in {write_baseline}", err=True)
    if accepted is not None:
        report = apply_baseline(report, accepted, settings.root)
    failing = Severity.WARNING if (strict or settings.strict) else Severity.ERROR
    fails = any(d.severity.rank >= failing.rank for d in report.diagnostics)
    code = _decided(EXIT_FINDINGS if fails and not exit_zero else EXIT_OK)
    root = repository_root(settings) if any(d.format in CI_FORMATS for d in destinations) else None  # runs git

    def options(d: Any) -> ReportOptions:
        return ReportOptions(root if d.format in CI_FORMATS else None, failing, quiet, statistics, colour)

    write_reports(report, destinations, options, sys.stdout)
    on_stdout = next((d.format for d in destinations if d.path is None), None)
    if statistics and on_stdout not in ("text", "json"):  # those two carry the counts themselves
        sys.stderr.write("".join(line + "\n" for line in statistics_lines(report)))
    sys.stdout.flush()
    return code


def _fixed(paths: list[str], workspace: Any, run: Any, show_diff: bool) -> Any:
    """Run --fix (or, with --diff, only show it): the diff on stdout, what was fixed on stderr."""
    from cjm.escape import visible
    from cjm.output import unified_diff
    from cjm.validate.fix import fix_paths

    fixed = fix_paths(paths, workspace, run, write=not show_diff)
    verb = "would fix" if show_diff else "fixed"
    for item in fixed.files:
        if show_diff:
            diff_lines = unified_diff(item.path, item.before, item.after).splitlines()
            sys.stdout.write("".join(visible(line) + "\n" for line in diff_lines))
        for one in item.applied:
            span = one.diagnostic.span
            where = f"{item.path}:{span.line}:{span.column}"
            typer.echo(visible(f"{where}: {verb} {one.diagnostic.code}: {one.title}"), err=True)
    files = len(fixed.files)
    if fixed.count:
        plural = "s" * (fixed.count != 1)
        typer.echo(f"cjm: {verb} {fixed.count} finding{plural} in {files} file{'s' * (files != 1)}", err=True)
    else:
        typer.echo("cjm: nothing to fix", err=True)
    return fixed


app.command("lint", help="Alias of 'validate'.")(validate)


def _refs(values: list[str] | None) -> list[str]:
    """Rule codes or names from repeatable, comma-separated options: --select CJM103,unused-ignore --select CJM104."""
    return [ref.strip() for value in values or [] for ref in value.split(",") if ref.strip()]


def _with_rule_choice(
    workspace: Any, select: list[str] | None, extend: list[str] | None, ignore: list[str] | None
) -> Any:
    """The workspace with the command line's rule choice over its configuration, as ruff does it.

    --select replaces the configured ``select``, --extend-select adds to it, --ignore adds to ``ignore``.
    """
    if select is None and extend is None and ignore is None:
        return workspace
    import dataclasses

    from cjm.config import check_rule_references

    config = workspace.config
    chosen = config.model_copy(
        update={
            "select": [*(_refs(select) if select is not None else config.select), *_refs(extend)],
            "ignore": [*config.ignore, *_refs(ignore)],
        }
    )
    check_rule_references(chosen, "the command line")
    return dataclasses.replace(workspace, config=chosen)


@app.command()
def fmt(
    paths: Annotated[list[str] | None, typer.Argument(help="Journey and catalog files or folders.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if a file would change.")] = False,
    show_diff: Annotated[bool, typer.Option("--diff", help="Print what would change; change nothing.")] = False,
    config: Config = None,
    debug: Debug = False,
) -> int:
    """Lay journey and catalog files out one way: key order, indentation; comments and blank lines kept."""
    from cjm.escape import visible as safe
    from cjm.fmt import format_paths, unified_diff
    from cjm.workspace import open_workspace

    preview = check or show_diff
    results = format_paths(list(paths or []), open_workspace(paths or [], config), write=not preview)
    for item in results:
        if item.problem is not None or item.after is None:
            where, reason = item.path, "not a YAML mapping"
            if item.problem is not None:
                span = item.problem.span
                where, reason = (
                    f"{item.path}:{span.line}:{span.column}",
                    f"{item.problem.code} {item.problem.message}",
                )
            typer.echo(safe(f"{where}: not formatted: {reason}"), err=True)
        elif show_diff:
            sys.stdout.write(unified_diff(item))
    changed = sum(r.changed for r in results)
    failed = sum(r.after is None for r in results)
    verb = "would be reformatted" if preview else "reformatted"
    unreadable = f", {failed} not readable" if failed else ""
    plural = "s" * (changed != 1)
    typer.echo(f"{changed} file{plural} {verb}, {len(results) - changed - failed} unchanged{unreadable}", err=True)
    return EXIT_FINDINGS if failed or (preview and changed) else EXIT_OK


@app.command()
def schema(
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    catalog: Annotated[bool, typer.Option("--catalog", help="The schema of catalog files instead.")] = False,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="The schema of evidence reports (cjm evidence check -F json) instead.")
    ] = False,
    debug: Debug = False,
) -> int:
    """Print the JSON Schema (draft 2020-12) of journey files, of catalog files, or of evidence reports."""
    from cjm.schema import schema_text

    if catalog and evidence:
        _usage("give --catalog or --evidence, not both")
    text = schema_text(catalog=catalog, kind="evidence" if evidence else "journey")
    _emit(text, output)
    return EXIT_OK


@app.command()
def init(
    name: Annotated[
        str, typer.Argument(help="Journey name (the file is NAME.journey.yaml) or a path such as journeys/onboarding.")
    ] = "my-journey",
    template: Annotated[str, typer.Option("--template", "-t", help="b2b, b2c or blank.")] = "b2b",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead.")] = None,
    debug: Debug = False,
) -> int:
    """Scaffold a new journey file from a stage model (B2B: 7 stages, B2C: 5)."""
    from cjm.output import write_atomic
    from cjm.scaffold import TEMPLATES, starter, starter_path

    if template not in TEMPLATES:
        _usage(f"unknown template '{template}'; choose from: {', '.join(TEMPLATES)}")
    title, target = starter_path(name, output)
    write_atomic(target, starter(title, template), overwrite=False)
    typer.echo(f"Wrote {target} ({template} template). Next: cjm validate {target}", err=True)
    return EXIT_OK


@app.command()
def rules(
    rule: Annotated[str | None, typer.Argument(help="A rule code or name to explain.")] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", "-F", "-f", help="text, or markdown for the whole catalogue with every explanation."),
    ] = "text",
    debug: Debug = False,
) -> int:
    """List the rule catalogue, or explain one rule with a failing and a passing example."""
    from cjm.reporters.catalogue import catalogue_lines, catalogue_markdown, explanation

    if output_format not in ("text", "markdown"):
        _usage(f"unknown format '{output_format}'; choose from: text, markdown")
    if output_format == "markdown":
        sys.stdout.write(catalogue_markdown())
    else:
        typer.echo("\n".join(catalogue_lines()) if rule is None else explanation(rule))
    return EXIT_OK


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


@app.command()
def completion(
    shell: Annotated[str, typer.Argument(metavar="SHELL", help="bash, zsh, fish, powershell or pwsh.")],
    debug: Debug = False,
) -> int:
    """Print the shell completion script for SHELL (or use cjm --install-completion for the current shell)."""
    from typer._completion_shared import get_completion_script  # the script --show-completion prints

    if shell not in SHELLS:
        _usage(f"unknown shell '{shell}'; choose from: {', '.join(SHELLS)}")
    sys.stdout.write(get_completion_script(prog_name="cjm", complete_var="_CJM_COMPLETE", shell=shell).strip() + "\n")
    return EXIT_OK


@app.command()
def lsp(debug: Debug = False) -> int:
    """Serve the Language Server Protocol on stdin/stdout: diagnostics, completion and navigation in editors."""
    from cjm.errors import DependencyError

    try:
        from cjm.lsp import serve
        from cjm.lsp.handlers import build_server  # noqa: F401 - fails here, with a clear message, without pygls
    except ImportError as exc:
        raise DependencyError(f"cjm lsp needs pygls ({exc.name} is missing): pip install 'cjm-cli[lsp]'") from None
    serve()
    return EXIT_OK


@app.command()
def diff(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="OLD NEW (either may be REV:path), or with --base the paths to limit the search to."),
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", help="Diff every journey file changed between this git revision and now.")
    ] = None,
    output_format: Annotated[
        str | None, typer.Option("--format", "-F", "-f", help="text, json, markdown or md (default: text).")
    ] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when there is any change.")] = False,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on", help="Exit 1 on changes of these kinds: negative, removed, action, removed:touchpoint."
        ),
    ] = None,
    config: Config = None,
    color: Color = "auto",
    debug: Debug = False,
) -> int:
    """Semantic diff of two journey files, or of every journey file changed since a git revision."""
    from cjm.diff.formats import FORMATS
    from cjm.diff.gate import parse_fail_on, trips
    from cjm.diff.inputs import collect
    from cjm.output import write_atomic
    from cjm.reporters.text import use_colour
    from cjm.workspace import open_workspace

    name = output_format or "text"
    formatter = _pick(FORMATS, name)
    kinds = parse_fail_on(fail_on or [])
    report = collect(list(paths or []), base, open_workspace(_local(paths or []), config))
    if output:
        write_atomic(output, formatter(report, False))
    else:
        sys.stdout.write(formatter(report, use_colour(sys.stdout, _colour_choice(color))))
    return EXIT_FINDINGS if trips(report.changes, exit_code, kinds) else EXIT_OK


@app.command()
def report(
    kind: Annotated[str, typer.Argument(help="opportunities, pains or owners.")],
    paths: Annotated[
        list[str] | None, typer.Argument(help="Journey files or folders (default: the workspace's journeys).")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-F", "-f", help="md, csv or json (default: md).")] = "md",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="A 'cjm evidence' JSON report: its reach weighs opportunities.")
    ] = None,
    config: Config = None,
    debug: Debug = False,
) -> int:
    """Tables across journeys for a wiki, a spreadsheet or a planning tool: opportunities, pains or owners."""
    from cjm.escape import visible
    from cjm.portfolio.run import run_report
    from cjm.render.site import evidence_by_journey
    from cjm.workspace import open_workspace

    done = run_report(
        kind, list(paths or []), output_format, open_workspace(paths or [], config), evidence_by_journey(evidence)
    )
    _emit(done.text, output)
    for path, reason in done.skipped:
        typer.echo(f"cjm: left {visible(path)} out of the report:\n  {visible(reason)}", err=True)
    return EXIT_FINDINGS if done.skipped else EXIT_OK


import_app = typer.Typer(
    name="import", help="Convert a journey drawn in another format into a cjm file.", no_args_is_help=True
)
export_app = typer.Typer(name="export", help="Export a journey to another format.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


@import_app.command("mermaid")
def import_mermaid(
    file: Annotated[str, typer.Argument(help="A Mermaid 'journey' diagram (.mmd or Markdown), or '-' for stdin.")],
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the journey file here.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --output file if it exists.")] = False,
    index: Annotated[
        int | None, typer.Option("--index", min=1, help="In a file with several journey diagrams, import the Nth.")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="In a file with several journey diagrams, import the one titled so.")
    ] = None,
    debug: Debug = False,
) -> int:
    """Convert a Mermaid journey into a cjm journey file (sections -> stages, tasks -> actions)."""
    from cjm.discovery import read_limited
    from cjm.importers import IMPORTERS, Choice
    from cjm.output import write_atomic
    from cjm.validate.yaml_reader import Limits

    limit = Limits().max_bytes
    data = read_limited(file, limit, Path.cwd())
    if len(data) > limit:
        _usage(f"{file}: is over {limit:,} bytes, the limit for a diagram")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _usage(f"{file}: is not UTF-8 text")
    fallback = "Imported journey" if file == "-" else Path(file).stem.replace("-", " ").replace("_", " ")
    if index is not None and title is not None:
        _usage("--index and --title both choose a diagram: pass one of them")
    origin = "<stdin>" if file == "-" else file
    imported = IMPORTERS["mermaid"](text, origin, fallback or "Imported journey", Choice(index, title))
    for note in imported.notes:
        typer.echo(note, err=True)
    if output:
        write_atomic(output, imported.text, overwrite=force)
        typer.echo(f"Wrote {output}. Next: cjm validate {output}", err=True)
    else:
        sys.stdout.write(imported.text)
    return EXIT_OK


@export_app.command("mermaid")
def export_mermaid(
    file: Annotated[str, typer.Argument(help="A journey file.")],
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    debug: Debug = False,
) -> int:
    """Export a journey as a Mermaid 'journey' diagram (score = emotion + 3)."""
    from cjm.render.mermaid import to_mermaid
    from cjm.workspace import open_workspace

    diagram = to_mermaid(open_workspace([file]).journey(file))
    _emit(diagram, output)
    return EXIT_OK


@app.command()
def render(
    paths: Annotated[
        list[str], typer.Argument(help="Journey files or folders; a folder renders a site with an index.")
    ],
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-F",
            "-f",
            help="html, pdf, png (the map, drawn by Chromium), flow-svg, flow-png, flow-pdf (the Graphviz flow; "
            "svg is flow-svg), mermaid, md, dot; comma-separated (default: from -o, else html).",
        ),
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="A file (one journey) or a folder; default: standard output.")
    ] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="Overlay a 'cjm evidence' JSON report on the HTML map.")
    ] = None,
    diff_from: Annotated[
        str | None,
        typer.Option("--diff", help="Highlight what changed since OLD: a journey file, REV:path, or a git revision."),
    ] = None,
    page: Annotated[str, typer.Option("--page", help="The paper of -f pdf, landscape: A4, A3, A2 or letter.")] = "A3",
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Draw the labels in this language (it, en, de-CH...) instead of each map's lang."),
    ] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Re-render whenever an input is saved.")] = False,
    config: Config = None,
    debug: Debug = False,
) -> int:
    """Draw journey maps: an HTML map (default), its PDF or PNG, the Graphviz flow, Mermaid, Markdown or DOT."""
    from cjm.escape import visible
    from cjm.render import RenderRequest, notes, parse_formats
    from cjm.render.run import render_once, summary
    from cjm.render.run import watch as watch_inputs
    from cjm.workspace import open_workspace

    if watch and not output:
        _usage("--watch rewrites files: pass -o FILE or -o FOLDER")
    workspace = open_workspace(paths, config)
    request = RenderRequest(parse_formats(output_format), output, evidence, diff_from, page, lang)
    outputs, written, skipped = render_once(list(paths), request, workspace, _progress())
    for item in outputs:
        if item.path is None and isinstance(item.data, str):
            sys.stdout.write(item.data)
    if written:
        typer.echo(summary(written), err=True)
    for note in notes(outputs):
        typer.echo(f"cjm: warning: {visible(note)}", err=True)
    for skip in skipped:
        typer.echo(f"cjm: skipped {visible(skip.path)}, not drawn:\n  {visible(skip.reason)}", err=True)
    if watch:
        return watch_inputs(list(paths), request, workspace, lambda line: typer.echo(line, err=True))
    return EXIT_FINDINGS if skipped else EXIT_OK


class _EvidenceGroup(TyperGroup):
    """`cjm evidence MAP --events FILE` is short for `cjm evidence check MAP --events FILE`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # a click Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _require_evidence_extra() -> None:
    from cjm.errors import require_evidence_extra

    require_evidence_extra()


evidence_app = typer.Typer(
    name="evidence",
    cls=_EvidenceGroup,
    help="Check a journey map against a CRM/analytics event log (`cjm evidence MAP --events FILE`).",
    no_args_is_help=True,
)
app.add_typer(evidence_app, name="evidence")
Events = Annotated[
    list[str] | None,
    typer.Option("--events", "-e", help="Event log files or globs: CSV, TSV, Parquet, JSON, JSONL, .gz."),
]
Columns = Annotated[
    str | None, typer.Option("--columns", help="Column names, e.g. case=contact_id,time=occurred_at,event=name.")
]
GapDays = Annotated[
    str, typer.Option("--gap-days", help="Days of inactivity that split a customer's journeys; none: no splitting.")
]
WindowDays = Annotated[str, typer.Option("--window-days", help="Funnel window in days from the first stage.")]
TopVariants = Annotated[int, typer.Option("--top-variants", help="How many path variants to report (1 to 10000).")]
OutcomeOption = Annotated[
    list[str] | None,
    typer.Option("--outcome", help="An outcome and its events, e.g. lost=churned,cancel* (repeatable)."),
]
ActiveDays = Annotated[
    str, typer.Option("--active-days", help="A journey without outcome is open if active this many days.")
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="The date open journeys are judged at (default: the last event).")
]
By = Annotated[str | None, typer.Option("--by", help="The journey over time: figures per week, month or quarter.")]


@evidence_app.command("check")
def evidence_check(
    journey: Annotated[str, typer.Argument(help="The journey map.")],
    events: Events = None,
    columns: Columns = None,
    mapping: Annotated[str | None, typer.Option("--mapping", help="A mapping file for CRM exports.")] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help="hubspot-engagements, salesforce-task, salesforce-case, dynamics-activities."),
    ] = None,
    aggregates: Annotated[
        str | None, typer.Option("--aggregates", help="Build the report from tables computed by 'cjm evidence sql'.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-F", "-f", help="text, json or md.")] = "text",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write evidence.json and CSV tables here.")
    ] = None,
    fail_on: Annotated[
        list[str] | None, typer.Option("--fail-on", help="Exit 1 when e.g. fitness<0.8 or never_observed>0.")
    ] = None,
    gap_days: GapDays = "90",
    window_days: WindowDays = "60",
    min_cases: Annotated[int, typer.Option("--min-cases", help="Suppress figures from fewer customers.")] = 1,
    top_variants: TopVariants = 10,
    quantiles: Annotated[str, typer.Option("--quantiles", help="auto, exact or approximate medians.")] = "auto",
    memory_limit: Annotated[str, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 2GB.")] = "2GB",
    threads: Annotated[int, typer.Option("--threads", help="DuckDB threads (0: every core).")] = 0,
    temp_dir: Annotated[str | None, typer.Option("--temp-dir", help="Where DuckDB may spill.")] = None,
    max_temp_size: Annotated[str, typer.Option("--max-temp-size", help="Cap on spilled data.")] = "20GB",
    explain_matching: Annotated[
        bool, typer.Option("--explain-matching", help="List every event key, its touchpoint and overlaps.")
    ] = False,
    allow_outside: Annotated[
        bool, typer.Option("--allow-outside", help="Let the --mapping file name files outside the workspace.")
    ] = False,
    engine: Annotated[str, typer.Option("--engine", help="duckdb, or spark (--events: a table or a path).")] = "duckdb",
    spark_remote: Annotated[
        str | None, typer.Option("--spark-remote", help="Spark Connect server for --engine spark, sc://host:port.")
    ] = None,
    color: Color = "auto",
    outcome: OutcomeOption = None,
    active_days: ActiveDays = "30",
    as_of: AsOf = None,
    by: By = None,
    update_metrics: Annotated[
        bool, typer.Option("--update-metrics", help="Write the measured survey metrics into the journey file.")
    ] = False,
    debug: Debug = False,
) -> int:
    """Check the map against an event log: evidence per touchpoint, funnel, transitions, flows, findings."""
    _require_evidence_extra()
    from cjm.evidence.check import CheckOptions, parse_settings, run_aggregates, run_check, run_spark_check
    from cjm.evidence.database import Resources
    from cjm.evidence.formats import FORMATS, render_summary
    from cjm.evidence.gates import parse_gates, tripped
    from cjm.evidence.outcomes import build_spec, parse_class
    from cjm.evidence.outputs import write_report_folder
    from cjm.reporters.text import use_colour

    formatter = _pick(FORMATS, output_format)
    gates = parse_gates(fail_on or [])
    options = CheckOptions(
        list(events or []),
        columns,
        mapping,
        preset,
        parse_settings(gap_days, window_days),
        min_cases,
        top_variants,
        quantiles,
        Resources(memory_limit, threads, temp_dir, max_temp_size),
        _progress(),
        explain_matching,
        allow_outside=allow_outside,
        outcomes=build_spec([parse_class(o) for o in outcome or []], active_days, as_of),
        by=by,
    )
    if aggregates and (events or mapping or preset or columns):
        _usage("--aggregates builds the report from tables: do not also pass --events, --mapping or --columns")
    if engine not in ("duckdb", "spark"):
        _usage(f"--engine must be duckdb or spark, not '{engine}'")
    if spark_remote and engine != "spark":
        _usage("--spark-remote needs --engine spark")
    if update_metrics and (aggregates or engine != "duckdb"):
        _usage("--update-metrics needs the event log read by the DuckDB engine (survey scores are measured there)")
    if aggregates:
        result = run_aggregates(journey, aggregates, options)
    elif engine == "spark":
        result = run_spark_check(journey, options, spark_remote)
    else:
        result = run_check(journey, options)
    if output:
        written = write_report_folder(output, result.report, None if aggregates else result.aggregates, result.meta,
                                      result.at_risk)  # fmt: skip
        typer.echo(f"Wrote {len(written)} files to {output}", err=True)
    if output and output_format == "json":  # the report is in the folder: a summary, not the JSON again
        sys.stdout.write(render_summary(result.report, output))
    else:
        sys.stdout.write(formatter(result.report, use_colour(sys.stdout, _colour_choice(color))))
    if update_metrics:
        _write_metrics(journey, result.report)
    failures = tripped(result.report, gates)
    for line in failures:
        typer.echo(f"cjm: {line}", err=True)
    return EXIT_FINDINGS if failures else EXIT_OK


@evidence_app.command("fit")
def evidence_fit(
    journeys: Annotated[list[str], typer.Argument(help="The journey maps to compare (e.g. one per persona).")],
    events: Events = None,
    columns: Columns = None,
    mapping: Annotated[str | None, typer.Option("--mapping", help="A mapping file for CRM exports.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-F", "-f", help="text, json or md.")] = "text",
    gap_days: GapDays = "90",
    memory_limit: Annotated[str, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 2GB.")] = "2GB",
    threads: Annotated[int, typer.Option("--threads", help="DuckDB threads (0: every core).")] = 0,
    debug: Debug = False,
) -> int:
    """Which map do customers follow? Each journey goes to the map that explains most of its steps in order."""
    _require_evidence_extra()
    from cjm.evidence.check import CheckOptions, parse_settings
    from cjm.evidence.database import Resources
    from cjm.evidence.fit import FIT_FORMATS, run_fit

    formatter = _pick(FIT_FORMATS, output_format)
    options = CheckOptions(list(events or []), columns, mapping, settings=parse_settings(gap_days, "60"),
                           limits=Resources(memory_limit, threads), progress=_progress())  # fmt: skip
    sys.stdout.write(formatter(run_fit(list(journeys), options), False))
    return EXIT_OK


def _write_metrics(journey: str, report: EvidenceReport) -> None:
    """`--update-metrics`: the measured metrics into the journey file, and a line per metric on stderr."""
    from cjm.escape import visible
    from cjm.evidence.writeback import update_metrics

    lines = update_metrics(journey, report)
    if not lines:
        typer.echo(f"cjm: no metric was measured, so {visible(journey)} is unchanged", err=True)
    for line in lines:
        typer.echo(f"cjm: updated {visible(journey)}: {visible(line)}", err=True)


@evidence_app.command("profile")
def evidence_profile(
    files: Annotated[list[str], typer.Argument(help="Event log files or globs.")],
    columns: Columns = None,
    output_format: Annotated[str, typer.Option("--format", "-F", "-f", help="text or json.")] = "text",
    debug: Debug = False,
) -> int:
    """Describe an event log before writing a mapping: columns, types, time range, top events, ties."""
    _require_evidence_extra()
    from cjm.evidence.profile import PROFILE_FORMATS, profile_log

    formatter = _pick(PROFILE_FORMATS, output_format)
    sys.stdout.write(formatter(profile_log(list(files), columns)))
    return EXIT_OK


@evidence_app.command("sql")
def evidence_sql(
    journey: Annotated[str, typer.Argument(help="The journey map.")],
    dialect: Annotated[str, typer.Option("--dialect", help="spark, databricks, bigquery, snowflake, trino, duckdb.")],
    events_table: Annotated[
        str, typer.Option("--events-table", help="Your table of (case_id, ts, event, channel, source[, score]).")
    ] = "events",
    gap_days: GapDays = "90",
    window_days: WindowDays = "60",
    top_variants: TopVariants = 10,
    approximate: Annotated[bool, typer.Option("--approximate", help="Approximate medians (large tables).")] = False,
    prefix: Annotated[str, typer.Option("--prefix", help="Prefix for every table the script creates.")] = "",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the script to this file.")] = None,
    outcome: OutcomeOption = None,
    active_days: ActiveDays = "30",
    as_of: AsOf = None,
    score: Annotated[
        bool, typer.Option("--score", help="The events table has a score column: measure the survey metrics.")
    ] = False,
    by: By = None,
    start: Annotated[
        str | None, typer.Option("--from", help="With --by: the first day the events table may hold, e.g. 2025-01-01.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="With --by: the last day the events table may hold, e.g. 2026-06-30.")
    ] = None,
    debug: Debug = False,
) -> int:
    """Emit the analysis as SQL for a warehouse or Spark; bring back its tables with 'check --aggregates'."""
    _require_evidence_extra()
    from cjm.evidence.check import CheckOptions, load_model, parse_settings, validate
    from cjm.evidence.dialects import emit_statements, script
    from cjm.evidence.measures import script_measures
    from cjm.evidence.outcomes import build_spec, parse_class

    settings = parse_settings(gap_days, window_days)
    validate(CheckOptions(settings=settings, top_variants=top_variants, by=by))
    spec = build_spec([parse_class(o) for o in outcome or []], active_days, as_of)
    outcomes = spec if spec.classes else None
    model, digest = load_model(journey)
    measures = script_measures(model, score, by, start, end)
    sql = emit_statements(model, digest, settings, dialect, events_table, top_variants, approximate, prefix, outcomes,
                          measures)  # fmt: skip
    text = script(sql, dialect, events_table, model.journey.id, prefix, outcomes is not None, measures, by)
    _emit(text, output)
    return EXIT_OK


def _progress() -> Progress:
    """A progress bar on standard error when it is a terminal; nothing otherwise (CI logs, pipes)."""
    from cjm.reporters.progress import no_progress, terminal_bar

    return terminal_bar if sys.stderr.isatty() else no_progress


def _local(paths: list[str]) -> list[str]:
    """The paths that are files or folders on disk (not ``REV:path``), where the workspace is looked for."""
    return [p for p in paths if Path(p).exists()]


def _emit(text: str, output: str | None) -> None:
    """A command's text: written atomically to ``output`` when given, else to standard output."""
    if output:
        from cjm.output import write_atomic

        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def _pick(registry: Mapping[str, T], name: str) -> T:
    """The registry entry for an output format, or a usage error that lists the choices."""
    if name not in registry:
        _usage(f"unknown format '{name}'; choose from: {', '.join(registry)}")
    return registry[name]


def _usage(message: str) -> NoReturn:
    from cjm.errors import ConfigError

    raise ConfigError(message)


def _safe_streams() -> None:
    """UTF-8 on stdout whatever the locale (JSON and SARIF must be UTF-8); stderr never fails on a character."""
    for stream, encoding in ((sys.stdout, "utf-8"), (sys.stderr, None)):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if encoding and (stream.encoding or "").lower().replace("-", "") != "utf8":
                reconfigure(encoding=encoding, errors="replace")
            else:
                reconfigure(errors="backslashreplace")
        except (ValueError, OSError):  # a stream already written to in another encoding stays as it is
            pass


def _plain_help(group: typer.Typer) -> None:
    """Give every command of ``group`` (and of its sub-groups) the help without Python types."""
    for info in group.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = _Command
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _plain_help(sub.typer_instance)


_plain_help(app)


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point, and the one place that maps what stops a run to a message and an exit code.

    Findings are values and give exit 1 through a command's return value; a
    CjmError (bad input, bad configuration, a missing program) is one message
    and exit 2; anything else is a bug: exit 2 with a short message, and the
    traceback only with ``--debug``. A closed pipe ends quietly.
    """
    try:  # typer >= 0.26 vendors click; earlier versions depend on it
        from typer._click.exceptions import ClickException
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click.exceptions import ClickException  # type: ignore[no-redef,import-not-found,unused-ignore]
    from cjm.errors import CjmError

    args = sys.argv[1:] if argv is None else argv
    _safe_streams()
    try:
        result = app(args=args, prog_name="cjm", standalone_mode=False)
    except ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("cjm: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # `cjm validate -F json | head -1`: the reader has what it wanted
        _quiet_closed_stdout()
        sys.exit(_closed_pipe_exit)
    except CjmError as exc:
        _error(exc)
    except Exception as exc:  # the one handler: a bug becomes a message, not a traceback
        if "--debug" in args:
            raise
        _internal_error(exc)
    sys.exit(result if isinstance(result, int) else EXIT_OK)


def _error(exc: BaseException) -> NoReturn:
    from cjm.escape import visible

    # an indented line continues a message; any other newline is user text
    typer.echo("cjm: error: " + "\n  ".join(visible(part) for part in str(exc).split("\n  ")), err=True)
    sys.exit(EXIT_USAGE)


def _internal_error(exc: BaseException) -> NoReturn:
    from cjm.escape import visible

    typer.echo(
        f"cjm: internal error: {type(exc).__name__}: {visible(str(exc))}\n"
        "  this is a bug in cjm; run again with --debug for the traceback and report it",
        err=True,
    )
    sys.exit(EXIT_USAGE)


# The exit code a command has decided on before it writes its report: when the reader of a pipe
# closes it early, the run still ends with the findings' exit code, quietly.
_closed_pipe_exit = EXIT_OK


def _decided(code: int) -> int:
    global _closed_pipe_exit
    _closed_pipe_exit = code
    return code


def _quiet_closed_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not complain about the closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file descriptor (tests), or already closed
        pass
