"""Editor tools: ``gongkai new`` writes a new document with every required field filled in."""
