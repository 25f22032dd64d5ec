"""Site kit: `gongkai init` and the template of a new site."""
