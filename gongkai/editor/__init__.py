"""Editor tools: the site's model as the build loads it (``site``) and new documents with every required field
filled in (``drafts``, ``numbering``, ``skeleton``); the `gongkai new` command line is ``gongkai/commands/new.py``."""
