"""The validate pipeline, in the order a journey file travels through it.

1. ``yaml_reader``: bytes of YAML -> plain values and a source map (a position
   for every key and value), within the input limits; language tags refused.
2. ``loader``: values -> the pydantic model of the format, with every schema
   error turned into a located diagnostic by ``schema_messages``; after
   schema errors, ``salvage`` builds the journey of the parts that validated.
   Duplicate ids and unresolved references are checked by ``references`` on
   the plain values, so schema errors elsewhere do not hide them.
3. ``lint``: the lint engine runs the enabled rules of ``cjm.rules`` on the
   journey (or its salvaged parts), leaves out any finding a broken part could
   have caused (``depends``), stamps code and severity, and applies inline
   ignores (``suppress``) and per-file ignores.
4. ``run``: the multi-file run of ``cjm validate``: discover the files of the
   workspace, load and lint each (in worker processes when there are many),
   then the checks across files (a journey id used twice); ``baseline``
   filters out findings a team has accepted.

Reading files safely is ``cjm.discovery``'s; the workspace (config, catalogs,
the one loader every command uses) is ``cjm.workspace``.
"""
