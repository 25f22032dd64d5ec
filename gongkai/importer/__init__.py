"""`gongkai import`: bring an existing site's documents in — saved article pages and CMS exports — with their
published metadata intact (docs/import.md).

pages.py and tables.py read sources into ``SourceDocument``s (labels.py knows the labels old sites print),
mapping.py maps names to this site's ids, markdown.py converts bodies, plan.py merges the sources of one document
and the site's file (never erasing), validates with the build's own loader and writes, checking.py runs the build's
own active-content and 个人信息 checks before anything is written, report.py prints and records what happened,
cli.py is the command.
"""
