"""Chinese full-text search: tokenizer, index builder and shard writer (the gongkai/search plugin uses it)."""
