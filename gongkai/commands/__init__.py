"""The `gongkai` command's subcommands, one module each, dispatched from ``gongkai/cli.py``.

A module here reads its command line, calls the feature packages that do the work (``gongkai.editor``,
``gongkai.importer``, ``gongkai.reports``, ``gongkai.sitekit``, ``gongkai.upgrade``, the checks plugin through a
build) and prints what was done; it exits 0 on success, 1 when the work found errors, 2 when it cannot run. Nothing
outside this package (and ``gongkai/cli.py``) imports from it: domain and rule modules never depend on a command
(``tests/test_commands.py`` walks the imports).
"""
