"""gongkai: a static-site generator for 政府信息公开 sections, as MkDocs plugins."""

__version__ = "0.2.0"
