"""Feeds and open data: Atom feeds (``atom``), catalog.json / documents.json and llms.txt (``opendata``).

The MkDocs plugin ``gongkai.plugins.feeds`` builds them from the core's catalog and documents.
"""
