"""The portfolio of journeys: questions asked across every map of a workspace, answered as plain values.

* :mod:`cjm.portfolio.backlog` ranks every opportunity of every journey by one documented score;
* :mod:`cjm.portfolio.tables` lists pain points by touchpoint and department, and who owns what;
* :mod:`cjm.portfolio.board` places journeys on the lifecycle, finds blind spots and nested journeys;
* :mod:`cjm.portfolio.formats` writes the tables as Markdown, CSV or JSON for ``cjm report``.

Nothing here reads files or writes output: the site (``cjm render``), ``cjm report`` and ``cjm diff``
hand in journeys and get values back.
"""
